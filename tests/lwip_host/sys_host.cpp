// sys_now() and LWIP_RAND for lwIP on the host (sys_host.h).
#include "sys_host.h"

#include "lwip/sys.h"

extern "C" {

std::uint32_t cairn_lwip_host_now_ms;
std::uint32_t cairn_lwip_host_rand_state = 1;

u32_t sys_now(void) { return cairn_lwip_host_now_ms; }

unsigned int cairn_lwip_host_rand(void) {
  // xorshift32: the same sequence every run.
  std::uint32_t x = cairn_lwip_host_rand_state;
  x ^= x << 13;
  x ^= x >> 17;
  x ^= x << 5;
  return cairn_lwip_host_rand_state = x;
}

}  // extern "C"
