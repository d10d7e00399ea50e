// A parsed YAML file kept beside its path, so checks that run after parsing (ids that must
// exist, times that must increase) can still point at a line.
#pragma once

#include <string>

#include <yaml-cpp/yaml.h>

namespace rw {

struct YamlDoc {
  std::string path;
  YAML::Node root;
  // "path:line" of a node, or the path alone when the node has no position.
  std::string At(const YAML::Node& node) const {
    if (node.IsDefined() && node.Mark().line >= 0) return path + ":" + std::to_string(node.Mark().line + 1);
    return path;
  }
};

}  // namespace rw
