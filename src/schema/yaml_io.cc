#include "schema/yaml_io.h"

#include <cmath>
#include <cstdio>
#include <set>

namespace rw {

namespace {

std::string FormatNumber(double v) {
  if (std::floor(v) == v && std::fabs(v) < 1e15) return std::to_string(static_cast<long long>(v));
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.3f", v);
  std::string s = buf;
  while (!s.empty() && s.back() == '0') s.pop_back();
  if (!s.empty() && s.back() == '.') s.pop_back();
  return s;
}

bool IsScalarArray(const Json& j) {
  for (const auto& item : j)
    if (item.is_object() || item.is_array()) return false;
  return true;
}

void Emit(YAML::Emitter& out, const Json& j) {
  switch (j.type()) {
    case Json::value_t::object:
      out << YAML::BeginMap;
      for (const auto& [k, v] : j.items()) {
        out << YAML::Key << k << YAML::Value;
        Emit(out, v);
      }
      out << YAML::EndMap;
      break;
    case Json::value_t::array:
      if (IsScalarArray(j)) out << YAML::Flow;
      out << YAML::BeginSeq;
      for (const auto& v : j) Emit(out, v);
      out << YAML::EndSeq;
      break;
    case Json::value_t::string:
      out << j.get<std::string>();
      break;
    case Json::value_t::boolean:
      out << (j.get<bool>() ? "true" : "false");
      break;
    case Json::value_t::number_integer:
    case Json::value_t::number_unsigned:
      out << std::to_string(j.get<long long>());
      break;
    case Json::value_t::number_float:
      out << FormatNumber(j.get<double>());
      break;
    default:
      out << YAML::Null;
  }
}

}  // namespace

Status CheckNoDuplicateKeys(const YAML::Node& node, const std::string& path) {
  if (node.IsSequence()) {
    for (const auto& item : node) RW_TRY(CheckNoDuplicateKeys(item, path));
  } else if (node.IsMap()) {
    std::set<std::string> seen;
    for (const auto& entry : node) {
      std::string key = entry.first.IsScalar() ? entry.first.Scalar() : "";
      if (entry.first.IsScalar() && !seen.insert(key).second)
        return BadInput(YamlDoc{path, node}.At(entry.first),
                        "'" + key + "' is written twice here; YAML reads only one of them: merge the two into one");
      RW_TRY(CheckNoDuplicateKeys(entry.second, path));
    }
  }
  return {};
}

std::string JsonToYaml(const Json& json) {
  YAML::Emitter out;
  out.SetIndent(2);
  Emit(out, json);
  std::string text = out.c_str();
  text.push_back('\n');
  return text;
}

}  // namespace rw
