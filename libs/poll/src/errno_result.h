// Results to the C calling convention: the value, or -1 with errno.
#pragma once

#include <errno.h>

#include <cairn/kernel/result.h>

namespace cairn::poll {

inline int fail(const Error& error) {
  errno = error.code();
  return -1;
}
template <typename T>
long value_or_fail(const Result<T>& r) {
  return r.ok() ? static_cast<long>(r.value()) : fail(r.error());
}
inline int done_or_fail(const Result<void>& r) { return r.ok() ? 0 : fail(r.error()); }

}  // namespace cairn::poll
