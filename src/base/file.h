// Files: whole-file reads, and the atomic write every artifact goes through.
//
// WriteFileAtomic writes to "<path>.tmp-<pid>-<n>" in the same folder, flushes it to disk, and
// renames it over `path`. A reader (or a build started after a kill) sees either the old file
// or the new one, never a half-written one. Leftover temp files are ignored and swept by
// SweepTempFiles.
#pragma once

#include <filesystem>
#include <string>
#include <string_view>

#include "base/result.h"

namespace rw {

namespace fs = std::filesystem;

Result<std::string> ReadFile(const fs::path& path);
Status WriteFileAtomic(const fs::path& path, std::string_view bytes);
// Creates the directory and its parents; ok if it exists.
Status MakeDirs(const fs::path& dir);
// Removes "*.tmp-*" files that a killed process left under `dir`.
void SweepTempFiles(const fs::path& dir);
// A temp path beside `path` for writers that need a file name (encoders, SQLite backups).
fs::path TempPathFor(const fs::path& path);
// Renames `from` over `to` after flushing `from` to disk.
Status CommitTempFile(const fs::path& from, const fs::path& to);
bool IsTempFile(const fs::path& path);
// Copies a file through a temp file and a rename, so `to` is never half-written.
Status CopyFileAtomic(const fs::path& from, const fs::path& to);

}  // namespace rw
