// The studio end to end, in headless Chromium (Debian's /usr/bin/chromium driven by npm's
// playwright-core): make a one-episode series, build it, serve it, and as a person would:
// open every page (screenshots in build/studio-artifacts/), edit a dialogue line and save,
// build from the page and wait for the server-sent "done", find the new line in the player's
// subtitle track and marked as a person's, replace a frame by upload, and check that paths
// outside the series are refused.
//
// Run by CTest (label slow) as `node studio_e2e.mjs`; RW_BINARY names the reelwright binary and
// RW_ARTIFACTS the screenshot folder. Fails (never skips) when Chromium or playwright-core is
// missing: scripts/install-deps.sh installs both.
import {spawn, execFileSync} from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import zlib from 'node:zlib';
import {fileURLToPath, pathToFileURL} from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const binary = process.env.RW_BINARY || path.join(here, '../../build/reelwright');
const artifacts = process.env.RW_ARTIFACTS || path.join(here, '../../build/studio-artifacts');
const chromiumPath = '/usr/bin/chromium';
const NEW_LINE = 'Nobody fires me in my own house tonight.';

let passed = 0;
let failed = 0;
function check(ok, what, detail = '') {
  if (ok) { passed++; console.log(`ok   ${what}`); } else { failed++; console.log(`FAIL ${what}${detail ? ': ' + detail : ''}`); }
  return ok;
}
function finish(code) {
  console.log(`studio_e2e: ${passed} passed, ${failed} failed`);
  process.exit(code || (failed ? 1 : 0));
}

// The whole test stops by itself.
const watchdog = setTimeout(() => { check(false, 'finished within 420 s'); cleanup(); finish(1); }, 420_000);

if (!fs.existsSync(chromiumPath)) {
  check(false, `${chromiumPath} exists`, 'install Debian\'s chromium: bash scripts/install-deps.sh');
  finish(1);
}
let chromium;
try {
  ({chromium} = await import(pathToFileURL(path.join(here, 'node_modules/playwright-core/index.mjs')).href));
} catch (err) {
  check(false, 'playwright-core is installed', `run \`npm ci\` in tests/studio (bash scripts/install-deps.sh does): ${err.message}`);
  finish(1);
}
if (!fs.existsSync(binary)) { check(false, `${binary} exists`, 'build it first'); finish(1); }

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'rw_studio_e2e_'));
const series = path.join(tmp, 'series');
let server = null;
let browser = null;
function cleanup() {
  if (server && server.exitCode === null) server.kill('SIGTERM');
  fs.rmSync(tmp, {recursive: true, force: true});
}
fs.mkdirSync(artifacts, {recursive: true});

// ---- helpers ----

function freePort() {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.listen(0, '127.0.0.1', () => { const {port} = s.address(); s.close(() => resolve(port)); });
    s.on('error', reject);
  });
}

// One request sent exactly as written: no client tidies the path first.
function rawGet(port, target) {
  return new Promise((resolve) => {
    const req = http.request({host: '127.0.0.1', port, path: target, method: 'GET'}, (res) => {
      let body = '';
      res.on('data', (d) => { body += d; });
      res.on('end', () => resolve({status: res.statusCode, body}));
    });
    req.on('error', (err) => resolve({status: 0, body: err.message}));
    req.end();
  });
}

const crcTable = Array.from({length: 256}, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});
function crc32(buf) {
  let c = 0xffffffff;
  for (const b of buf) c = crcTable[(c ^ b) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}
// A solid-colour RGB PNG with a stripe: the "person's own" frame.
function makePng(width, height) {
  const chunk = (type, data) => {
    const len = Buffer.alloc(4); len.writeUInt32BE(data.length);
    const td = Buffer.concat([Buffer.from(type), data]);
    const crc = Buffer.alloc(4); crc.writeUInt32BE(crc32(td));
    return Buffer.concat([len, td, crc]);
  };
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0); ihdr.writeUInt32BE(height, 4);
  ihdr[8] = 8; ihdr[9] = 2; ihdr[10] = 0; ihdr[11] = 0; ihdr[12] = 0;
  const rows = [];
  for (let y = 0; y < height; y++) {
    const row = Buffer.alloc(1 + width * 3);
    for (let x = 0; x < width; x++) {
      const stripe = Math.abs(x - y * width / height) < width / 12;
      row[1 + x * 3] = stripe ? 250 : 40; row[2 + x * 3] = stripe ? 200 : 90; row[3 + x * 3] = stripe ? 60 : 140;
    }
    rows.push(row);
  }
  return Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), chunk('IHDR', ihdr),
    chunk('IDAT', zlib.deflateSync(Buffer.concat(rows))), chunk('IEND', Buffer.alloc(0))]);
}

const norm = (s) => s.replace(/\s+/g, ' ').trim();

try {
  // ---- a tiny series, built from the command line ----
  let t0 = Date.now();
  execFileSync(binary, ['new', series, '--idea', 'A bride framed on her wedding night returns as the investor who owns half the firm.',
    '--episodes', '1', '--preset', 'preview', '--episode-seconds', '60'], {stdio: 'inherit'});
  execFileSync(binary, ['build', series, '--quiet'], {stdio: ['ignore', 'ignore', 'inherit']});
  console.log(`first build from the CLI: ${((Date.now() - t0) / 1000).toFixed(1)} s`);
  fs.writeFileSync(path.join(tmp, 'secret.txt'), 'SECRET-CONTENT-42');
  fs.symlinkSync(path.join(tmp, 'secret.txt'), path.join(series, 'episodes/ep001/escape.txt'));

  // ---- the studio ----
  const port = await freePort();
  server = spawn(binary, ['serve', series, '--port', String(port)], {stdio: ['ignore', 'pipe', 'inherit']});
  const url = await new Promise((resolve, reject) => {
    let out = '';
    server.stdout.on('data', (d) => {
      out += d;
      const m = out.match(/at (http:\/\/\S+)/);
      if (m) resolve(m[1]);
    });
    server.on('exit', (code) => reject(new Error(`reelwright serve exited with ${code}: ${out}`)));
  });
  check(url === `http://127.0.0.1:${port}/`, 'serve prints its loopback address without a token', url);

  browser = await chromium.launch({executablePath: chromiumPath, headless: true, args: ['--no-sandbox']});
  const page = await browser.newPage({viewport: {width: 1366, height: 768}});
  const pageErrors = [];
  page.on('pageerror', (err) => pageErrors.push(err.message));

  // Series page.
  await page.goto(url + '#/');
  await page.waitForSelector('.episode-card img', {timeout: 15_000});
  await page.waitForSelector('.heatmap');
  check(await page.locator('.episode-card [data-state]').first().textContent() === 'up to date', 'the series grid shows ep001 up to date');
  await page.screenshot({path: path.join(artifacts, 'series.png'), fullPage: true});

  // Episode page: edit the first one-line dialogue line in the script editor, and save.
  await page.goto(url + '#/episode/1');
  const area = page.locator('textarea[data-file="episodes/ep001/script.fountain"]');
  await area.waitFor({timeout: 15_000});
  await page.waitForSelector('svg.timeline rect');
  await page.screenshot({path: path.join(artifacts, 'episode.png')});
  const script = await area.inputValue();
  const episode = await page.evaluate(async () => (await fetch('/api/episode/1')).json());
  const lines = script.split('\n');
  const target = episode.lines.find((l) => l.kind === 'dialogue' && lines.includes(l.text));
  check(Boolean(target), 'the script has a one-line dialogue line to edit');
  const edited = lines.map((l) => (l === target.text ? NEW_LINE : l));
  const firstAt = lines.indexOf(target.text);
  for (let i = firstAt + 1; i < lines.length; i++) edited[i] = lines[i];  // only the first of equal lines
  await area.fill(edited.join('\n'));
  await page.click('[data-action="save-script"]');
  await page.waitForSelector('.save-status:text-is("saved")', {timeout: 15_000});  // not "unsaved changes"
  check(fs.readFileSync(path.join(series, 'episodes/ep001/script.fountain'), 'utf8').includes(NEW_LINE),
      'saving writes script.fountain with the new line');

  // Build from the page; the page hears "done" over server-sent events.
  await page.waitForSelector('[data-action="build-episode"]:not([disabled])');
  t0 = Date.now();
  await page.click('[data-action="build-episode"]');
  await page.waitForSelector('#build-state.done', {timeout: 200_000});
  console.log(`rebuild from the page: ${((Date.now() - t0) / 1000).toFixed(1)} s`);
  check(true, 'a build started from the page ends with the SSE "done"');

  // The player's subtitle track carries the new line, and the line shows as a person's.
  const cueFound = await page.waitForFunction((text) => {
    const v = document.querySelector('video.player');
    const t = v && v.textTracks[0];
    if (!t || !t.cues) return false;
    return [...t.cues].some((c) => c.text.replace(/\s+/g, ' ').includes(text));
  }, NEW_LINE, {timeout: 20_000}).then(() => true, () => false);
  check(cueFound, 'the player\'s text track has a cue with the new line');
  const mine = await page.locator('.line-list li.by-person').allTextContents();
  check(mine.some((t) => norm(t).includes(NEW_LINE)), 'the edited line is listed as a person\'s', JSON.stringify(mine));
  const marked = await page.locator('.hl .by-person').allTextContents();
  check(marked.some((t) => t.includes(NEW_LINE)), 'the editor marks the edited line as a person\'s');
  await page.screenshot({path: path.join(artifacts, 'episode-after-build.png')});

  // Replace a frame by upload: served back byte for byte, and marked as the person's.
  const png = makePng(90, 160);
  const frame = 'episodes/ep001/frames/S001.png';
  await page.setInputFiles(`input[data-upload="${frame}"]`, {name: 'mine.png', mimeType: 'image/png', buffer: png});
  await page.waitForSelector(`.frame.mine[data-frame="${frame}"]`, {timeout: 20_000});
  const served = await page.evaluate(async (rel) => {
    const r = await fetch('/files/' + rel, {cache: 'no-store'});
    return Array.from(new Uint8Array(await r.arrayBuffer()));
  }, frame);
  check(Buffer.from(served).equals(png), 'the uploaded frame is served back');
  check(fs.readFileSync(path.join(series, frame)).equals(png), 'the uploaded frame replaced the file');
  check(await page.locator(`.frame[data-frame="${frame}"] .mine-tag`).count() === 1, 'the frame is marked as the person\'s');
  await page.evaluate(() => document.querySelector('.frame-grid').closest('.panel').scrollIntoView());
  await page.waitForFunction(() => [...document.querySelectorAll('.frame img')].slice(0, 10).every((i) => i.complete));
  await page.screenshot({path: path.join(artifacts, 'storyboard.png')});

  // Plan and build page: after the upload the plan has work (the shot's clip and the render).
  await page.goto(url + '#/build');
  await page.waitForSelector('table.plan, .panel p:text("Nothing to do")', {timeout: 30_000});
  check(await page.locator('table.plan td:text-matches("ep001/clips")').count() > 0, 'the plan lists the clips the new frame needs');
  await page.screenshot({path: path.join(artifacts, 'plan.png')});
  // Run it from this page: live progress, then done; the person's frame survives the build.
  const jobsBefore = await page.evaluate(async () => (await (await fetch('/api/jobs')).json()).jobs.length);
  await page.click('[data-action="build"]');
  // This build is queued (a fast one may already be done by the time the page is looked at).
  await page.waitForFunction(async (before) => (await (await fetch('/api/jobs')).json()).jobs.length > before, jobsBefore,
      {timeout: 30_000, polling: 200});
  await page.waitForSelector('.bar-row .bar-label:text("ep001 render")', {timeout: 60_000});
  check(/S001\.png/.test(await page.locator('pre.log').textContent()), 'the build\'s log streams into the page');
  await page.screenshot({path: path.join(artifacts, 'build-running.png')});
  await page.waitForSelector('.result .ok', {timeout: 200_000});
  check(true, 'a build from the plan page streams progress and ends done');
  check(fs.readFileSync(path.join(series, frame)).equals(png), 'the build keeps the person\'s frame');
  await page.screenshot({path: path.join(artifacts, 'build-done.png')});

  // Paths outside the series are refused, and nothing outside is read or written.
  for (const t of ['/files/../reelwright.yaml', '/files/%2e%2e/%2e%2e/etc/passwd', '/files/..%2f..%2fsecret.txt',
    '/api/file?path=../reelwright.yaml', '/api/file?path=%2e%2e%2fsecret.txt', `/api/file?path=${encodeURIComponent(path.join(tmp, 'secret.txt'))}`,
    '/api/file?path=/etc/passwd', '/files/episodes/ep001/escape.txt', '/api/file?path=episodes/ep001/escape.txt',
    '/files/.reelwright/ledger.sqlite']) {
    const r = await rawGet(port, t);
    check((r.status === 400 || r.status === 403) && !r.body.includes('SECRET-CONTENT-42') && !r.body.includes('root:'),
        `GET ${t} is refused`, `${r.status} ${r.body.slice(0, 120)}`);
  }
  const put = await page.evaluate(async () => {
    const r = await fetch('/api/file?path=' + encodeURIComponent('../secret.txt'), {method: 'PUT', body: 'overwritten'});
    return r.status;
  });
  check(put === 400 && fs.readFileSync(path.join(tmp, 'secret.txt'), 'utf8') === 'SECRET-CONTENT-42',
      'a write outside the series is refused', String(put));
  check(pageErrors.length === 0, 'no script errors on the pages', pageErrors.join('; '));

  await browser.close();
  browser = null;
  server.kill('SIGTERM');
  const code = await new Promise((resolve) => server.on('exit', resolve));
  check(code === 0, 'serve stops cleanly on SIGTERM', String(code));
} catch (err) {
  check(false, 'the studio flow ran to its end', err.stack || String(err));
  if (browser) {
    for (const p of browser.contexts().flatMap((c) => c.pages())) {
      await p.screenshot({path: path.join(artifacts, 'failure.png')}).catch(() => {});
      console.log('jobs at the failure:', await p.evaluate(async () => (await fetch('/api/jobs')).text()).catch((e) => e.message));
    }
  }
} finally {
  if (browser) await browser.close().catch(() => {});
  clearTimeout(watchdog);
  cleanup();
}
finish();
