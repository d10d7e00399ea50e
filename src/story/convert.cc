#include "story/convert.h"

#include <string>

#include "base/file.h"
#include "base/text.h"
#include "story/fdx.h"
#include "story/fountain.h"

namespace rw {

namespace {

constexpr const char* kSupported = "supported: .fountain -> .fdx, .fountain -> .fountain";

std::string Extension(const std::filesystem::path& path) { return ToLowerAscii(path.extension().string()); }

}  // namespace

Status ConvertScreenplay(const std::filesystem::path& in, const std::filesystem::path& out) {
  std::string in_ext = Extension(in);
  std::string out_ext = Extension(out);
  if (in_ext == ".fdx") return BadInput(in.string(), std::string("reading FDX is not supported yet; ") + kSupported);
  if (in_ext != ".fountain") {
    return BadInput(in.string(), "unknown screenplay format '" + (in_ext.empty() ? std::string("(no extension)") : in_ext) +
                                     "'; " + kSupported);
  }
  if (out_ext != ".fdx" && out_ext != ".fountain") {
    return BadInput(out.string(), "cannot write screenplay format '" +
                                      (out_ext.empty() ? std::string("(no extension)") : out_ext) + "'; " + kSupported);
  }
  RW_ASSIGN(std::string text, ReadFile(in));
  RW_ASSIGN(Screenplay script, ParseFountain(text, in.string()));
  return WriteFileAtomic(out, out_ext == ".fdx" ? WriteFdx(script) : WriteFountain(script));
}

}  // namespace rw
