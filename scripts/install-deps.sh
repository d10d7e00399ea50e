#!/usr/bin/env bash
# Installs the Debian 12 packages Reelwright needs to build, run and test, and only those
# missing. Idempotent: a second run installs nothing and says so.
set -euo pipefail

packages=(
  build-essential cmake pkg-config git
  libavcodec-dev libavformat-dev libavutil-dev libavfilter-dev libswscale-dev libswresample-dev
  libass-dev libcairo2-dev libpango1.0-dev libfontconfig-dev
  libespeak-ng-dev espeak-ng-data
  libfluidsynth-dev timgm6mb-soundfont libebur128-dev
  libicu-dev libsqlite3-dev libssl-dev libyaml-cpp-dev nlohmann-json3-dev libcli11-dev libcpp-httplib-dev
  libgtest-dev libgmock-dev libbenchmark-dev
  fonts-noto-cjk fonts-dejavu-core
  ffmpeg libxml2-utils
  chromium
)
# Node and npm for the studio's browser test: Debian's, unless a node with npm is already there
# (a NodeSource nodejs ships its own npm and conflicts with Debian's npm package).
if ! command -v node >/dev/null || ! command -v npm >/dev/null; then
  packages+=(nodejs npm)
fi

missing=()
for p in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done

if [ "$(id -u)" -ne 0 ]; then
  SUDO=sudo
else
  SUDO=
fi
if [ ${#missing[@]} -eq 0 ]; then
  echo "install-deps: all ${#packages[@]} packages are installed"
else
  echo "install-deps: installing ${#missing[@]} missing packages: ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  $SUDO apt-get update -qq
  $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
  echo "install-deps: done"
fi

# The studio's browser test drives Debian's chromium with npm's playwright-core, pinned in
# tests/studio/package-lock.json (no browser download: it uses /usr/bin/chromium).
studio_tests="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)/tests/studio"
pinned=$(cd "$studio_tests" && node -p "require('./package-lock.json').packages['node_modules/playwright-core'].version")
installed=$(cd "$studio_tests" && node -p "require('./node_modules/playwright-core/package.json').version" 2>/dev/null || true)
if [ "$pinned" != "$installed" ]; then
  echo "install-deps: npm ci in tests/studio (playwright-core)"
  (cd "$studio_tests" && PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 npm ci --no-audit --no-fund --loglevel=error)
else
  echo "install-deps: playwright-core $installed is installed in tests/studio"
fi
