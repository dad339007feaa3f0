// The host's stand-ins for what lwIP (NO_SYS=1) asks of the platform: a millisecond
// clock the tests move by hand, and reproducible random numbers.
#pragma once

#include <cstdint>

extern "C" {
extern std::uint32_t cairn_lwip_host_now_ms;  // sys_now()
extern std::uint32_t cairn_lwip_host_rand_state;
}
