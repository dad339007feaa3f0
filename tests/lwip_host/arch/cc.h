/* lwIP's platform glue for the host tests and the fuzzer: assertions abort (the test
   framework or libFuzzer reports them), random numbers are deterministic. */
#ifndef CAIRN_LWIP_HOST_ARCH_CC_H
#define CAIRN_LWIP_HOST_ARCH_CC_H

#include <stdio.h>
#include <stdlib.h>

#define LWIP_ERRNO_STDINCLUDE 1
#define LWIP_PLATFORM_DIAG(x) \
  do {                        \
    printf x;                 \
  } while (0)
#define LWIP_PLATFORM_ASSERT(x)                                                     \
  do {                                                                              \
    fprintf(stderr, "lwip: assertion failed: %s (%s:%d)\n", x, __FILE__, __LINE__); \
    abort();                                                                        \
  } while (0)

#ifdef __cplusplus
extern "C" {
#endif
unsigned int cairn_lwip_host_rand(void);
#ifdef __cplusplus
}
#endif
#define LWIP_RAND() ((u32_t)cairn_lwip_host_rand())

#endif
