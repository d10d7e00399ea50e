// Reading domain files from YAML with errors a person can act on, and writing them back.
//
// Every error names the file and line: "episodes/ep001/beats.yaml:12: beats[3].target_s:
// expected a number of seconds, got 'soon'". Unknown keys are errors too (a typo in a
// hand-edited file must not be silently ignored).
#pragma once

#include <filesystem>
#include <string>

#include <yaml-cpp/yaml.h>

#include "base/file.h"
#include "base/result.h"
#include "schema/fields.h"
#include "schema/yaml_doc.h"

namespace rw {

// Emits ordered JSON as block-style YAML (strings quoted only when they must be).
std::string JsonToYaml(const Json& json);

template <class T>
std::string ToYaml(const T& value) { return JsonToYaml(ToJson(value)); }

// Canonical JSON text of a value: sorted keys, no spaces. What a stage key hashes.
template <class T>
std::string CanonicalJson(const T& value) { return nlohmann::json(ToJson(value)).dump(); }

class YamlReader;

template <class T>
bool ReadYamlValue(YamlReader& r, const YAML::Node& node, const std::string& field, T& out);

// Reads fields of one YAML mapping; collects the first error.
class YamlReader {
 public:
  explicit YamlReader(std::string path) : path_(std::move(path)) {}

  const std::string& path() const { return path_; }
  bool failed() const { return failed_; }
  const Error& error() const { return error_; }

  void Fail(const YAML::Node& node, const std::string& message) {
    if (failed_) return;
    failed_ = true;
    std::string where = path_;
    if (node.IsDefined() && node.Mark().line >= 0) where.append(":").append(std::to_string(node.Mark().line + 1));
    error_ = BadInput(where, message);
  }

  // Reads the mapping `node` into `out` through out.Fields(*this).
  template <class T>
  void ReadObject(const YAML::Node& node, const std::string& prefix, T& out) {
    if (!node.IsMap()) {
      Fail(node, (prefix.empty() ? std::string("the file") : prefix) + ": expected a mapping of fields (key: value)");
      return;
    }
    Frame frame{&node, prefix, {}};
    frames_.push_back(&frame);
    if constexpr (requires { T::kSchema; }) {
      ReadSchema(node, T::kSchema);
    }
    out.Fields(*this);
    frames_.pop_back();
    if (failed_) return;
    for (const auto& kv : node) {
      std::string key = kv.first.as<std::string>("");
      if (key == "schema" && prefix.empty()) continue;
      bool known = false;
      for (const auto& k : frame.seen) known |= k == key;
      if (!known) {
        std::string list;
        for (const auto& k : frame.seen) list += (list.empty() ? "" : ", ") + k;
        Fail(kv.first, Qualify(frame, key) + ": unknown field; the fields here are: " + list);
        return;
      }
    }
  }

  template <class T>
  void operator()(const char* key, T& out) { Field(key, out, false); }
  template <class T>
  void Required(const char* key, T& out) { Field(key, out, true); }

 private:
  struct Frame {
    const YAML::Node* node;
    std::string prefix;
    std::vector<std::string> seen;
  };

  static std::string Qualify(const Frame& f, const std::string& key) {
    return f.prefix.empty() ? key : f.prefix + "." + key;
  }

  void ReadSchema(const YAML::Node& node, const std::string& want) {
    YAML::Node s = node["schema"];
    if (!s) {
      Fail(node, "missing 'schema: " + want + "' at the top of the file");
      return;
    }
    std::string got = s.as<std::string>("");
    if (got != want) Fail(s, "schema is '" + got + "', expected '" + want + "' (is this the right file?)");
  }

  template <class T>
  void Field(const char* key, T& out, bool required) {
    if (failed_) return;
    Frame& f = *frames_.back();
    f.seen.emplace_back(key);
    YAML::Node child = (*f.node)[key];
    if (!child || child.IsNull()) {
      if (required) Fail(*f.node, Qualify(f, key) + ": missing; add '" + key + ":' here");
      return;
    }
    ReadYamlValue(*this, child, Qualify(f, key), out);
  }

  std::string path_;
  bool failed_ = false;
  Error error_;
  std::vector<Frame*> frames_;
};

template <class T>
bool ReadYamlValue(YamlReader& r, const YAML::Node& node, const std::string& field, T& out) {
  if constexpr (std::is_same_v<T, std::string>) {
    if (!node.IsScalar()) {
      r.Fail(node, field + ": expected text");
      return false;
    }
    out = node.Scalar();
  } else if constexpr (std::is_same_v<T, bool>) {
    bool v;
    if (!node.IsScalar() || !YAML::convert<bool>::decode(node, v)) {
      r.Fail(node, field + ": expected true or false, got '" + node.Scalar() + "'");
      return false;
    }
    out = v;
  } else if constexpr (std::is_arithmetic_v<T>) {
    T v{};
    if (!node.IsScalar() || !YAML::convert<T>::decode(node, v)) {
      r.Fail(node, field + ": expected a number, got '" + (node.IsScalar() ? node.Scalar() : std::string("a list or mapping")) + "'");
      return false;
    }
    out = v;
  } else if constexpr (std::is_enum_v<T>) {
    auto v = node.IsScalar() ? EnumFromName<T>(node.Scalar()) : std::nullopt;
    if (!v) {
      r.Fail(node, field + ": '" + (node.IsScalar() ? node.Scalar() : std::string()) + "' is not one of: " + EnumChoices<T>());
      return false;
    }
    out = *v;
  } else if constexpr (requires { typename T::mapped_type; }) {
    if (!node.IsMap()) {
      r.Fail(node, field + ": expected a mapping (key: value)");
      return false;
    }
    out.clear();
    for (const auto& kv : node) {
      typename T::mapped_type v{};
      if (!ReadYamlValue(r, kv.second, field + "." + kv.first.as<std::string>(""), v)) return false;
      out.emplace(kv.first.as<std::string>(""), std::move(v));
    }
  } else if constexpr (requires { typename T::value_type; out.push_back(std::declval<typename T::value_type>()); }) {
    if (!node.IsSequence()) {
      r.Fail(node, field + ": expected a list (lines starting with '- ')");
      return false;
    }
    out.clear();
    for (size_t i = 0; i < node.size(); ++i) {
      typename T::value_type v{};
      if (!ReadYamlValue(r, node[i], field + "[" + std::to_string(i) + "]", v)) return false;
      out.push_back(std::move(v));
    }
  } else if constexpr (requires { out.has_value(); out.emplace(); }) {
    out.emplace();
    return ReadYamlValue(r, node, field, *out);
  } else {
    r.ReadObject(node, field, out);
    return !r.failed();
  }
  return !r.failed();
}

// A key written twice in one mapping (YAML forbids it; yaml-cpp would quietly keep the first),
// as BadInput at the second one's line.
Status CheckNoDuplicateKeys(const YAML::Node& node, const std::string& path);

// Parses YAML text into T; `path` is used in error messages.
template <class T>
Result<T> ParseYaml(const std::string& text, const std::string& path) {
  YAML::Node root;
  try {
    root = YAML::Load(text);
  } catch (const YAML::Exception& e) {
    return BadInput(path + ":" + std::to_string(e.mark.line + 1), "not valid YAML: " + e.msg);
  }
  RW_TRY(CheckNoDuplicateKeys(root, path));
  YamlReader reader(path);
  T value{};
  reader.ReadObject(root, "", value);
  if (reader.failed()) return reader.error();
  if constexpr (requires { value.Validate(std::declval<const YamlDoc&>()); }) {
    RW_TRY(value.Validate(YamlDoc{path, root}));
  }
  return value;
}

template <class T>
Result<T> LoadYaml(const std::filesystem::path& path, const std::string& display_path) {
  RW_ASSIGN(std::string text, ReadFile(path));
  return ParseYaml<T>(text, display_path);
}

template <class T>
Status SaveYaml(const std::filesystem::path& path, const T& value) { return WriteFileAtomic(path, ToYaml(value)); }

}  // namespace rw
