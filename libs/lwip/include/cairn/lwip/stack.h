// The lwIP stack as a Cairn component: with CONFIG_NET_LWIP it starts at the `net`
// initcall level (the tcpip thread, and the loopback interface 127.0.0.1 / ::1), so it
// is running before main. Applications use lwIP's own API headers (lwip/api.h, ...).
#pragma once

namespace cairn::lwip {

// Starts the tcpip thread once and waits until it runs; later calls return at once.
// Code that runs at the `net` level too (interfaces) calls it first, because the
// order within a level is unspecified. Panics when the thread cannot start.
void start();

}  // namespace cairn::lwip
