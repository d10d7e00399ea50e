// Converting a screenplay file to another format, chosen by the file extensions.
//
// Supported (extensions compared case-insensitively):
//   .fountain -> .fdx        Final Draft XML (WriteFdx)
//   .fountain -> .fountain   normalised through ParseFountain + WriteFountain
// Anything else is BadInput naming the offending file and listing what is supported; an FDX input
// is BadInput with "reading FDX is not supported yet". A missing input is NotFound, a Fountain
// parse error keeps its "path:line". The output is written with WriteFileAtomic (a reader never
// sees half a file; its folder is created if needed); `in` and `out` may be the same file.
#pragma once

#include <filesystem>

#include "base/result.h"

namespace rw {

Status ConvertScreenplay(const std::filesystem::path& in, const std::filesystem::path& out);

}  // namespace rw
