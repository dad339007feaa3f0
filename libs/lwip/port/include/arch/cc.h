/* lwIP's compiler and platform glue for Cairn (lwip/arch.h includes this). Plain C:
   lwIP's own sources include it. */
#ifndef CAIRN_LWIP_ARCH_CC_H
#define CAIRN_LWIP_ARCH_CC_H

#ifdef __cplusplus
extern "C" {
#endif

#include <limits.h>
#include <sys/types.h>

/* lwIP takes ssize_t from the system only when <limits.h> has SSIZE_MAX, which
   newlib's lacks; without it lwIP would declare ssize_t as int, clashing with
   newlib's long. */
#ifndef SSIZE_MAX
#define SSIZE_MAX __LONG_MAX__
#endif

/* errno values come from newlib, as for the rest of the image. */
#define LWIP_ERRNO_STDINCLUDE 1

/* Diagnostics go to the kernel console; a failed assertion is a panic with lwIP's
   message and the place, so it ends the VM with a report. */
void cairn_lwip_diag(const char* format, ...) __attribute__((format(printf, 1, 2)));
__attribute__((noreturn)) void cairn_lwip_assert_failed(const char* message, const char* file,
                                                        int line);
#define LWIP_PLATFORM_DIAG(x) \
  do {                        \
    cairn_lwip_diag x;        \
  } while (0)
#define LWIP_PLATFORM_ASSERT(x) cairn_lwip_assert_failed((x), __FILE__, __LINE__)

/* Debug builds check that lwIP's core is entered only with the core lock held, which
   the tcpip thread holds while it works (LWIP_ASSERT_CORE_LOCKED in lwipopts.h). */
void cairn_lwip_assert_core_locked(void);

/* TCP initial sequence numbers, ephemeral ports, DNS ids, DHCP xids. */
unsigned int cairn_lwip_rand(void);
#define LWIP_RAND() ((u32_t)cairn_lwip_rand())

#ifdef __cplusplus
}
#endif

#endif
