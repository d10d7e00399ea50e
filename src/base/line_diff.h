// A readable line diff (unified format, like `diff -u`), for showing a revision beside the
// text it revises. Longest common subsequence over lines: scripts are a few hundred lines.
#pragma once

#include <string>
#include <string_view>

namespace rw {

// Unified diff of `before` and `after` with `context` lines around each change; empty when
// the texts are equal. Labels name the two sides in the "---"/"+++" header.
std::string UnifiedDiff(std::string_view before, std::string_view after, const std::string& before_label,
                        const std::string& after_label, int context = 3);

}  // namespace rw
