// At exit, data the application wrote before it ended is still delivered: on Linux the
// kernel keeps sending after a process exits, but here the VM ends with the program. So
// exit waits, at most kFlushLimitNs, until no TCP connection has data unsent or
// unacknowledged (a server's last reply, an HTTP response before /quit).
#include <cairn/kernel/initcall.h>
#include <cairn/sched/thread.h>
#include <cairn/time/clock.h>

#include "lwip/priv/tcp_priv.h"
#include "lwip/tcpip.h"

extern "C" int atexit(void (*function)(void));

namespace cairn::lwip {
namespace {

constexpr std::uint64_t kFlushLimitNs = 2'000'000'000;
constexpr std::uint64_t kFlushPollNs = 5'000'000;

bool data_in_flight() {
  LOCK_TCPIP_CORE();
  bool pending = false;
  for (const tcp_pcb* pcb = tcp_active_pcbs; pcb && !pending; pcb = pcb->next)
    pending = pcb->unsent != nullptr || pcb->unacked != nullptr;
  UNLOCK_TCPIP_CORE();
  return pending;
}

}  // namespace

void flush_at_exit() {
  const std::uint64_t deadline = time::monotonic_ns() + kFlushLimitNs;
  while (data_in_flight() && time::monotonic_ns() < deadline) sched::sleep_for(kFlushPollNs);
}

namespace {
void register_flush() { atexit(flush_at_exit); }
CAIRN_INITCALL(late, register_flush);
}  // namespace

}  // namespace cairn::lwip
