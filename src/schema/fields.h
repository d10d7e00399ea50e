// The one serializer for every domain type.
//
// A domain struct lists its fields once, in file order:
//
//   struct Beat {
//     std::string id; BeatFunction function; double target_s = 0; ...
//     template <class V> void Fields(V& v) {
//       v.Required("id", id); v.Required("function", function); v("target_s", target_s); ...
//     }
//   };
//
// That single list drives writing (ordered JSON, which becomes YAML or canonical JSON), reading
// from YAML with a `path:line:` on every error, and so hashing. Enums are written as the strings
// of EnumNames<E>. A struct that is a whole file also carries `static constexpr char kSchema[]`
// ("Beats.1"), checked on read.
#pragma once

#include <array>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

namespace rw {

using Json = nlohmann::ordered_json;

// Specialize for each enum: static constexpr std::array<std::pair<E, const char*>, N> kNames.
template <class E>
struct EnumNames;

template <class E>
const char* EnumName(E value) {
  for (const auto& [v, name] : EnumNames<E>::kNames)
    if (v == value) return name;
  return "?";
}

template <class E>
std::optional<E> EnumFromName(std::string_view name) {
  for (const auto& [v, n] : EnumNames<E>::kNames)
    if (name == n) return v;
  return std::nullopt;
}

template <class E>
std::string EnumChoices() {
  std::string out;
  for (const auto& [v, n] : EnumNames<E>::kNames) {
    if (!out.empty()) out += ", ";
    out += n;
  }
  return out;
}

template <class T>
Json ToJson(const T& value);

// Writes fields into an ordered JSON object.
class JsonWriter {
 public:
  explicit JsonWriter(Json& out) : out_(out) {}

  template <class T>
  void operator()(const char* key, const T& value) { out_[key] = ToJson(value); }
  template <class T>
  void Required(const char* key, const T& value) { (*this)(key, value); }

 private:
  Json& out_;
};

template <class T>
Json ToJson(const T& value) {
  if constexpr (std::is_same_v<T, std::string>) {
    return value;
  } else if constexpr (std::is_same_v<T, bool> || std::is_arithmetic_v<T>) {
    return value;
  } else if constexpr (std::is_enum_v<T>) {
    return EnumName(value);
  } else if constexpr (requires { typename T::value_type; value.begin(); } &&
                       !requires { typename T::mapped_type; }) {
    Json arr = Json::array();
    for (const auto& item : value) arr.push_back(ToJson(item));
    return arr;
  } else if constexpr (requires { typename T::mapped_type; }) {
    Json obj = Json::object();
    for (const auto& [k, v] : value) obj[k] = ToJson(v);
    return obj;
  } else if constexpr (requires { value.has_value(); }) {
    return value ? ToJson(*value) : Json(nullptr);
  } else {
    Json obj = Json::object();
    if constexpr (requires { T::kSchema; }) obj["schema"] = T::kSchema;
    JsonWriter w(obj);
    const_cast<T&>(value).Fields(w);  // Fields only reads through the writer
    return obj;
  }
}

}  // namespace rw
