// Starting lwIP: tcpip_init() initialises the core (lwip_init: pools, timers, the
// loopback interface) on the calling thread, then starts the tcpip thread, which
// takes the core lock and calls our callback before its first message.
#include <cairn/kernel/initcall.h>
#include <cairn/kernel/panic.h>
#include <cairn/lwip/stack.h>
#include <cairn/sched/sync.h>
#include <cairn/time/clock.h>

#include "lwip/tcpip.h"

namespace cairn::lwip {
namespace {

// A thread that does not run within seconds means the scheduler is broken.
constexpr std::uint64_t kStartTimeoutNs = 10 * time::kNsPerSecond;

sched::Semaphore tcpip_running;

void on_tcpip_running(void*) { tcpip_running.post(); }

void start_once(void*) {
  tcpip_init(on_tcpip_running, nullptr);
  if (tcpip_running.wait(time::monotonic_ns() + kStartTimeoutNs) != 0)
    panic("lwip: the tcpip thread did not start");
}

sched::Once started;

void start_at_boot() { start(); }
CAIRN_INITCALL(net, start_at_boot);

}  // namespace

void start() { started.call(start_once, nullptr); }

}  // namespace cairn::lwip
