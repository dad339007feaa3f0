// A card's netif with its receive thread: the device's interrupt-context callbacks only
// post `wake`; the thread does everything lwIP needs (receive, link changes, collecting
// transmit completions) holding the core lock, never in interrupt context.
#pragma once

#include <cairn/kernel/result.h>
#include <cairn/sched/sync.h>

#include "netif_device.h"

namespace cairn::lwip {

struct CardNetif {
  DeviceNetif dn;
  sched::Semaphore wake;
};

// Sets the device's listener and starts the card's receive thread ("rx-eth0"). The
// netif must have been added (netif_add with device_netif_init) already.
Result<void> start_card_thread(CardNetif& card);

}  // namespace cairn::lwip
