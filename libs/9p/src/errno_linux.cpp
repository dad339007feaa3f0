// Rlerror carries Linux errno numbers. The image's C library (newlib) numbers many
// errors differently (ENOTEMPTY is 90 there, 39 on Linux), so each is mapped by name.
// 1..34 are the classic Unix numbers, the same everywhere; the rest differ.
#include <errno.h>

#include <cairn/p9/protocol.h>

namespace cairn::p9 {
namespace {

struct Mapping {
  std::uint32_t linux_errno;
  int local;
};

// clang-format off
constexpr Mapping kMappings[] = {
    {1, EPERM}, {2, ENOENT}, {3, ESRCH}, {4, EINTR}, {5, EIO}, {6, ENXIO}, {7, E2BIG},
    {8, ENOEXEC}, {9, EBADF}, {10, ECHILD}, {11, EAGAIN}, {12, ENOMEM}, {13, EACCES},
    {14, EFAULT}, {16, EBUSY}, {17, EEXIST}, {18, EXDEV}, {19, ENODEV},
    {20, ENOTDIR}, {21, EISDIR}, {22, EINVAL}, {23, ENFILE}, {24, EMFILE}, {25, ENOTTY},
    {26, ETXTBSY}, {27, EFBIG}, {28, ENOSPC}, {29, ESPIPE}, {30, EROFS}, {31, EMLINK},
    {32, EPIPE}, {33, EDOM}, {34, ERANGE}, {35, EDEADLK}, {36, ENAMETOOLONG}, {37, ENOLCK},
    {38, ENOSYS}, {39, ENOTEMPTY}, {40, ELOOP}, {42, ENOMSG}, {43, EIDRM}, {61, ENODATA},
    {62, ETIME}, {71, EPROTO}, {74, EBADMSG}, {75, EOVERFLOW}, {84, EILSEQ}, {90, EMSGSIZE},
    {93, EPROTONOSUPPORT}, {95, EOPNOTSUPP}, {110, ETIMEDOUT}, {116, ESTALE}, {122, EDQUOT},
    {125, ECANCELED},
#ifdef ENOTBLK  // newlib: only with __LINUX_ERRNO_EXTENSIONS__
    {15, ENOTBLK},
#endif
};
// clang-format on

}  // namespace

int errno_from_linux(std::uint32_t e) {
  for (const Mapping& m : kMappings)
    if (m.linux_errno == e) return m.local;
  return EIO;
}

}  // namespace cairn::p9
