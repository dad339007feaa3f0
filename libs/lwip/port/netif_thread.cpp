// The receive thread of a card (netif_thread.h). One per card keeps cards independent
// and lets a card's frames go straight to ethernet_input under the core lock, without
// a trip through the tcpip thread's mailbox.
#include "netif_thread.h"

#include <type_traits>

#include <cairn/kernel/console.h>
#include <cairn/kernel/format.h>
#include <cairn/net/registry.h>
#include <cairn/sched/thread.h>
#include <cairn/time/clock.h>

#include "lwip/priv/tcp_priv.h"
#include "lwip/tcpip.h"

namespace cairn::lwip {
namespace {

// The listener's context is the CardNetif; device_netif_listener's tx_done reads it as
// the DeviceNetif at its start.
static_assert(std::is_standard_layout_v<CardNetif>);

// Frames per pass before the core lock is let go for others (the tcpip thread's timers,
// application calls).
constexpr std::size_t kBudget = 32;
// While zero-copy frames are out, completions are collected this often: the driver
// reports them only from within its calls, and lwIP holds a TCP segment back from
// retransmission while the device may still read it.
constexpr std::uint64_t kReclaimIntervalNs = 1'000'000;
// Heard nothing for this long: the device is told again about its buffers, in case a
// notification was lost (PacketDevice::renotify). Ten wake-ups a second when idle.
constexpr std::uint64_t kRenotifyIntervalNs = 100'000'000;

// Interrupt context: wake the thread, nothing else.
void wake(net::PacketDevice&, void* context) { static_cast<CardNetif*>(context)->wake.post(); }

// With the core lock held: takes frames until the device is drained, letting the lock
// go between budgets.
Result<void> drain(CardNetif& card) {
  while (TRY(device_netif_poll(card.dn, kBudget)) == kBudget) {
    UNLOCK_TCPIP_CORE();
    sched::yield();
    LOCK_TCPIP_CORE();
  }
  return {};
}

void receive_loop(void* argument) {
  CardNetif& card = *static_cast<CardNetif*>(argument);
  std::uint64_t heard = time::monotonic_ns();  // the last wake-up by the device
  for (;;) {
    const std::uint64_t deadline = card.dn.tx_in_flight != 0
                                       ? time::monotonic_ns() + kReclaimIntervalNs
                                       : heard + kRenotifyIntervalNs;
    const bool woken = card.wake.wait(deadline) == 0;
    const std::uint64_t now = time::monotonic_ns();
    if (woken) {
      heard = now;
    } else if (now - heard >= kRenotifyIntervalNs) {
      card.dn.device->renotify();
      heard = now;
    }
    LOCK_TCPIP_CORE();
    device_netif_sync_link(card.dn);
    Result<void> drained = drain(card);
    if (card.dn.tx_in_flight != 0) (void)card.dn.device->reclaim();
    if (card.dn.tx_blocked) {
      // Woken by the transmit interrupt (or anything later): the segments TCP kept
      // when the ring was full go now, not at the next ACK or retransmission timer.
      card.dn.tx_blocked = false;
      tcp_txnow();
    }
    if (!drained) netif_set_link_down(&card.dn.netif);
    UNLOCK_TCPIP_CORE();
    if (!drained) {
      // The device broke for good (EIO); it says why itself.
      kwarn("%s: receive failed (%s); the interface is down", card.dn.device->name(),
            drained.error().message());
      return;
    }
  }
}

}  // namespace

Result<void> start_card_thread(CardNetif& card) {
  net::PacketListener listener = device_netif_listener(card.dn);
  listener.context = &card;  // the same address as card.dn: both callbacks cast it
  listener.rx_ready = wake;
  listener.tx_ready = wake;
  listener.link_changed = wake;
  card.dn.device->set_listener(listener);

  // Thread names are kept by pointer: one static buffer per possible card.
  static char names[net::kMaxDevices][16];
  static std::size_t next_name;
  char* name = names[next_name++ % net::kMaxDevices];
  format_to(name, sizeof names[0], "rx-%s", card.dn.device->name());
  sched::ThreadAttributes attributes;
  attributes.name = name;
  sched::Thread* thread = TRY(sched::create_thread(receive_loop, &card, attributes));
  (void)sched::detach_thread(thread);
  // Frames may have arrived before the listener was set.
  card.wake.post();
  return {};
}

}  // namespace cairn::lwip
