// Debug builds (CONFIG_DEBUG, which turns on lwIP's statistics): at exit, after the
// application's own atexit handlers, one line with what is still allocated of lwIP's
// memory: the pbuf pool always, the heap (packet data), and every other pool that is
// not empty, as used/total. A leak shows as a number that a workload left behind. TCP
// pcbs that the application has closed are not leaks: lwIP finishes the close (FIN
// handshake, then 2 MSL in TIME-WAIT for the side that closed first), so they are
// counted apart.
#include <cairn/kernel/console.h>
#include <cairn/kernel/initcall.h>

#include "lwip/memp.h"
#include "lwip/priv/tcp_priv.h"
#include "lwip/stats.h"

#if LWIP_STATS && MEMP_STATS

extern "C" int atexit(void (*function)(void));

namespace cairn::lwip {

void flush_at_exit();  // exit_flush.cpp: the report counts what remains after it

namespace {

#if LWIP_TCP
unsigned count(const tcp_pcb* list, bool only_closed) {
  unsigned n = 0;
  // netconn detaches itself (tcp_arg NULL) once the application's close is done.
  for (const tcp_pcb* pcb = list; pcb; pcb = pcb->next) n += !only_closed || !pcb->callback_arg;
  return n;
}
#endif

void print_pools() {
  flush_at_exit();
  // No core lock: exit may come while another thread holds it; the counters are words
  // on one CPU, and a report off by a frame in flight is still a report.
  kprintf("lwip: in use at exit:");
  for (int i = 0; i < MEMP_MAX; ++i) {
    const struct stats_mem* pool = lwip_stats.memp[i];
    if (i == MEMP_PBUF_POOL || pool->used != 0) {
      kprintf(" %s %u/%u", pool->name, static_cast<unsigned>(pool->used),
              static_cast<unsigned>(pool->avail));
#if LWIP_TCP
      if (i == MEMP_TCP_PCB)
        kprintf(" (%u closing, %u in TIME-WAIT)", count(tcp_active_pcbs, true),
                count(tcp_tw_pcbs, false));
#endif
    }
  }
#if MEM_STATS
  kprintf(" heap %lu bytes", static_cast<unsigned long>(lwip_stats.mem.used));
#endif
  kprintf("\n");
  // What the traffic cost: drops and retransmissions explain a slow run.
  const auto& link = lwip_stats.link;
  kprintf("lwip: frames sent %u received %u dropped %u (out of memory %u)", unsigned{link.xmit},
          unsigned{link.recv}, unsigned{link.drop}, unsigned{link.memerr});
#if LWIP_TCP
  const auto& tcp = lwip_stats.tcp;
  kprintf("; tcp segments sent %u dropped %u (out of memory %u)", unsigned{tcp.xmit},
          unsigned{tcp.drop}, unsigned{tcp.memerr});
#if MIB2_STATS
  kprintf(", resent %u", unsigned{lwip_stats.mib2.tcpretranssegs});
#endif
#endif
  kprintf("\n");
}

// At `late`, before main and its constructors register theirs: atexit handlers run in
// reverse, so this one runs after them.
void register_report() { atexit(print_pools); }
CAIRN_INITCALL(late, register_report);

}  // namespace
}  // namespace cairn::lwip

#endif
