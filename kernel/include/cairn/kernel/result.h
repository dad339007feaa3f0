// Result<T>: a value or an error, for code that must not throw (the kernel, and
// everything that runs before the C library is up). Errors carry a POSIX errno
// code, so they can be handed to applications unchanged, plus a static message
// for logs. Use TRY() to make the error path read as a straight line:
//
//   Result<Page*> p = TRY(allocate_page());
#pragma once

#include <new>
#include <type_traits>
#include <utility>

namespace cairn {

class Error {
 public:
  constexpr Error(int code, const char* message) : code_(code), message_(message) {}
  constexpr int code() const { return code_; }  // an errno value (ENOMEM, EINVAL, ...)
  constexpr const char* message() const { return message_; }  // static text, never null

 private:
  int code_;
  const char* message_;
};

template <typename T>
class [[nodiscard]] Result {
 public:
  Result(const T& value) : ok_(true) { new (&value_) T(value); }
  Result(T&& value) : ok_(true) { new (&value_) T(std::move(value)); }
  Result(Error error) : ok_(false), error_(error) {}
  Result(const Result& other) : ok_(other.ok_) {
    if (ok_)
      new (&value_) T(other.value_);
    else
      error_ = other.error_;
  }
  Result(Result&& other) : ok_(other.ok_) {
    if (ok_)
      new (&value_) T(std::move(other.value_));
    else
      error_ = other.error_;
  }
  Result& operator=(const Result&) = delete;
  ~Result() {
    if (ok_) value_.~T();
  }

  bool ok() const { return ok_; }
  explicit operator bool() const { return ok_; }
  T& value() & { return value_; }
  const T& value() const& { return value_; }
  T&& value() && { return std::move(value_); }
  Error error() const { return error_; }

 private:
  bool ok_;
  union {
    T value_;
    Error error_;
  };
};

template <>
class [[nodiscard]] Result<void> {
 public:
  Result() : error_(0, "") {}
  Result(Error error) : error_(error) {}
  bool ok() const { return error_.code() == 0; }
  explicit operator bool() const { return ok(); }
  void value() const {}
  Error error() const { return error_; }

 private:
  Error error_;
};

}  // namespace cairn

// Evaluates a Result; returns its error from the enclosing function, or yields its value.
#define TRY(expr)                                                  \
  ({                                                               \
    auto _cairn_try_result = (expr);                               \
    if (!_cairn_try_result.ok()) return _cairn_try_result.error(); \
    std::move(_cairn_try_result).value();                          \
  })
