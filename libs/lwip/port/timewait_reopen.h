// A new connection on a 4-tuple lwIP still holds in TIME-WAIT.
//
// When the guest closes first (an HTTP server answering "Connection: close"), it keeps
// the connection in TIME-WAIT for 2 MSL (two minutes). A client that reuses its port
// within that time -- common behind NAT, and QEMU's slirp keeps the host client's port --
// sends a SYN that lwIP 2.1.3 answers with a bare ACK; the client answers that with a
// RST, which TIME-WAIT ignores (RFC 1337), and the client's connection hangs until the
// old one expires. Linux (and RFC 6191 without timestamps, RFC 1122 4.2.2.13) instead
// accept a SYN whose sequence number lies beyond the old connection's: that is a new
// connection, not a stray segment of the old one.
//
// lwIP has no option for it, so the port does it from LWIP_HOOK_TCP_INPACKET_PCB (see
// hooks/cairn_lwip_hooks.h): such a SYN ends the TIME-WAIT pcb, and the segment, its
// headers restored, is queued to go through IP input again once tcp_input has returned,
// when it finds the listener. The netif drains that queue after each frame it hands
// to lwIP (netif_device.cpp). A segment that cannot be restored (IPv6, TCP options split
// across buffers, the queue full) is dropped after the pcb is gone: the client's
// retransmitted SYN then reaches the listener.
#pragma once

namespace cairn::lwip {

// With the core lock held, outside lwIP's input path: sends the segments queued by the
// hook through IP input again.
void reinject_reopened_syns();

}  // namespace cairn::lwip
