// Result<T>: the value of a fallible operation, or the Error that stopped it.
//
// Expected failures (bad input, a missing file, a codec that refuses a frame) are values, not
// exceptions. Foreign errors (AVERROR, YAML marks, errno) become an Error at the call site, with
// `where` naming the file and line a person should look at.
#pragma once

#include <cassert>
#include <string>
#include <utility>
#include <variant>

namespace rw {

enum class ErrorCode {
  kBadInput,  // a file or argument the user gave is wrong: exit code 2
  kNotFound,  // a file or resource that should exist does not
  kIo,        // reading or writing failed
  kFailed,    // an engine or library failed: exit code 1
};

struct Error {
  ErrorCode code = ErrorCode::kFailed;
  std::string message;  // what is wrong and, where it helps, how to fix it
  std::string where;    // "path:line" or "path" or empty

  // "where: message", the form every command prints.
  std::string ToString() const { return where.empty() ? message : where + ": " + message; }
  int ExitCode() const { return code == ErrorCode::kBadInput ? 2 : 1; }
};

inline Error BadInput(std::string where, std::string message) {
  return Error{ErrorCode::kBadInput, std::move(message), std::move(where)};
}
inline Error Failed(std::string message, std::string where = {}) {
  return Error{ErrorCode::kFailed, std::move(message), std::move(where)};
}
inline Error IoError(std::string where, std::string message) {
  return Error{ErrorCode::kIo, std::move(message), std::move(where)};
}

template <class T>
class [[nodiscard]] Result {
 public:
  Result(T value) : v_(std::move(value)) {}      // NOLINT: implicit by design
  Result(Error error) : v_(std::move(error)) {}  // NOLINT: implicit by design

  bool ok() const { return v_.index() == 0; }
  explicit operator bool() const { return ok(); }

  T& value() & { assert(ok()); return std::get<0>(v_); }
  const T& value() const& { assert(ok()); return std::get<0>(v_); }
  T&& value() && { assert(ok()); return std::get<0>(std::move(v_)); }
  const Error& error() const { assert(!ok()); return std::get<1>(v_); }

  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }

 private:
  std::variant<T, Error> v_;
};

template <>
class [[nodiscard]] Result<void> {
 public:
  Result() = default;
  Result(Error error) : error_(std::move(error)), ok_(false) {}  // NOLINT: implicit by design

  bool ok() const { return ok_; }
  explicit operator bool() const { return ok_; }
  const Error& error() const { assert(!ok_); return error_; }

 private:
  Error error_;
  bool ok_ = true;
};

using Status = Result<void>;

}  // namespace rw

// Propagates an error from a Result-returning expression: RW_TRY(WriteFile(...));
#define RW_TRY(expr)                                   \
  do {                                                 \
    auto rw_try_result_ = (expr);                      \
    if (!rw_try_result_.ok()) return rw_try_result_.error(); \
  } while (0)

// Binds the value of a Result or returns its error: RW_ASSIGN(auto bytes, ReadFile(path));
#define RW_CONCAT_INNER(a, b) a##b
#define RW_CONCAT(a, b) RW_CONCAT_INNER(a, b)
#define RW_ASSIGN(decl, expr) RW_ASSIGN_IMPL(RW_CONCAT(rw_assign_, __LINE__), decl, expr)
#define RW_ASSIGN_IMPL(tmp, decl, expr) \
  auto tmp = (expr);                    \
  if (!tmp.ok()) return tmp.error();    \
  decl = std::move(tmp).value()
