// Shared by the POSIX calls: errno on failure, descriptors to files, *at() bases, and
// struct stat from Attributes.
#pragma once

#include <errno.h>
#include <sys/stat.h>

#include <cairn/kernel/result.h>
#include <cairn/vfs/fd_table.h>

#include "image.h"

namespace cairn::vfs::posix {

inline int fail(const Error& error) {
  errno = error.code();
  return -1;
}

// The result's value, or -1 with errno.
template <typename T>
long value_or_fail(const Result<T>& r) {
  if (!r.ok()) return fail(r.error());
  return static_cast<long>(r.value());
}
inline int done_or_fail(const Result<void>& r) { return r.ok() ? 0 : fail(r.error()); }

// The directory *at() calls resolve a relative path from: null for AT_FDCWD (the
// current directory); ENOTDIR, EBADF otherwise. `holder` keeps the vnode alive.
Result<Vnode*> at_base(int dirfd, std::string_view path, RefPtr<Vnode>& holder);

void to_stat(const Attributes& a, std::uint64_t device, struct stat* st);

inline Vfs& the_vfs() { return vfs_instance(); }

}  // namespace cairn::vfs::posix
