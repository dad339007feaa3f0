// libFuzzer target: arbitrary frames through the netif's input path (the packet device's
// segments wrapped as pbuf_customs, or copied when the driver advises it) into lwIP
// compiled for the host (tests/lwip_host), with a TCP listener and a UDP echo socket so
// frames reach the transport layer. Checked after every input: lwIP's own assertions,
// ASan/UBSan, every lent segment released exactly once (the simulated device aborts on
// a double release), and once the interface is gone and lwIP's timers have run out,
// every pool back where it started: no pbuf, segment or PCB leaked.
//
// Input: opcode bytes, each followed by what it consumes.
//   0-3  a frame: length (2 bytes), segment size (1 byte; 0 = one segment), flags (bit 0:
//        kCopyAdvised; bit 1: fix it up into an IPv4 packet for us with valid IP and
//        TCP/UDP/ICMP checksums), then the bytes
//   4    the clock moves by (1 byte) x 100 ms and lwIP's timers run
//   5    link down/up
//   6    transmit completions (reclaim)
//   7    the device refuses the next (1 byte) frames
#include <cstdint>
#include <cstring>
#include <vector>

#include "fuzz_check.h"
#include "lwip/etharp.h"
#include "lwip/inet_chksum.h"
#include "lwip/init.h"
#include "lwip/memp.h"
#include "lwip/nd6.h"
#include "lwip/priv/tcp_priv.h"
#include "lwip/stats.h"
#include "lwip/tcp.h"
#include "lwip/timeouts.h"
#include "lwip/udp.h"
#include "netif/ethernet.h"
#include "netif_device.h"
#include "sim_packet_device.h"
#include "sys_host.h"

using cairn::lwip::DeviceNetif;
using cairn::lwip::test::SimPacketDevice;

namespace {

struct Input {
  const std::uint8_t* data;
  std::size_t size;
  std::uint8_t byte() {
    if (size == 0) return 0;
    --size;
    return *data++;
  }
  std::size_t take(std::uint8_t* out, std::size_t n) {
    n = n < size ? n : size;
    if (n != 0) std::memcpy(out, data, n);
    data += n;
    size -= n;
    return n;
  }
};

const std::uint8_t kOurMac[6] = {0x52, 0x54, 0x00, 0x12, 0x34, 0x56};
const std::uint8_t kOurIp[4] = {10, 0, 2, 15};

void store_sum(std::uint8_t* at, std::uint16_t sum) { std::memcpy(at, &sum, 2); }

// Makes `frame` an IPv4 packet to us with correct checksums, keeping the fuzzer's bytes
// everywhere else, so it gets past the checks into TCP, UDP and ICMP.
void fix_up(std::vector<std::uint8_t>& frame) {
  if (frame.size() < 14 + 20) frame.resize(14 + 20);
  std::memcpy(&frame[0], kOurMac, 6);
  frame[12] = 0x08, frame[13] = 0x00;
  std::uint8_t* ip = &frame[14];
  const std::size_t length = frame.size() - 14;
  ip[0] = 0x45;
  ip[2] = static_cast<std::uint8_t>(length >> 8), ip[3] = static_cast<std::uint8_t>(length);
  ip[6] &= 0x40;  // no fragments: keep the packet whole (reassembly is fuzzed without this)
  ip[7] = 0;
  ip[9] = ip[9] % 3 == 0 ? IP_PROTO_TCP : ip[9] % 3 == 1 ? IP_PROTO_UDP : IP_PROTO_ICMP;
  std::memcpy(&ip[16], kOurIp, 4);
  ip[10] = ip[11] = 0;
  store_sum(&ip[10], inet_chksum(ip, 20));
  std::uint8_t* l4 = ip + 20;
  const std::size_t l4_length = length - 20;
  const std::size_t sum_at = ip[9] == IP_PROTO_TCP ? 16 : ip[9] == IP_PROTO_UDP ? 6 : 2;
  if (l4_length < sum_at + 2) return;
  if (ip[9] == IP_PROTO_UDP && l4_length >= 8) {
    l4[4] = static_cast<std::uint8_t>(l4_length >> 8), l4[5] = static_cast<std::uint8_t>(l4_length);
  }
  l4[sum_at] = l4[sum_at + 1] = 0;
  if (ip[9] == IP_PROTO_ICMP) {
    store_sum(&l4[sum_at], inet_chksum(l4, static_cast<u16_t>(l4_length)));
    return;
  }
  ip4_addr_t source, destination;
  std::memcpy(&source, &ip[12], 4);
  std::memcpy(&destination, &ip[16], 4);
  pbuf* p = pbuf_alloc(PBUF_RAW, static_cast<u16_t>(l4_length), PBUF_RAM);
  if (p == nullptr) return;
  pbuf_take(p, l4, static_cast<u16_t>(l4_length));
  store_sum(&l4[sum_at],
            inet_chksum_pseudo(p, ip[9], static_cast<u16_t>(l4_length), &source, &destination));
  pbuf_free(p);
}

// The transport layer's users: a TCP server that takes and drops data, a UDP echo.
err_t on_tcp_recv(void*, tcp_pcb* pcb, pbuf* p, err_t) {
  if (p == nullptr) return tcp_close(pcb) == ERR_OK ? ERR_OK : (tcp_abort(pcb), ERR_ABRT);
  tcp_recved(pcb, p->tot_len);
  pbuf_free(p);
  return ERR_OK;
}

err_t on_accept(void*, tcp_pcb* pcb, err_t err) {
  if (err != ERR_OK || pcb == nullptr) return ERR_VAL;
  tcp_recv(pcb, on_tcp_recv);
  return ERR_OK;
}

void on_udp(void*, udp_pcb* pcb, pbuf* p, const ip_addr_t* address, u16_t port) {
  udp_sendto(pcb, p, address, port);
  pbuf_free(p);
}

void abort_all(tcp_pcb* list) {
  while (list != nullptr) {
    tcp_pcb* next = list->next;
    tcp_abort(list);
    list = next;
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static bool initialised = false;
  if (!initialised) lwip_init();
  initialised = true;
  mem_size_t baseline[MEMP_MAX];
  for (int i = 0; i < MEMP_MAX; ++i) baseline[i] = lwip_stats.memp[i]->used;

  SimPacketDevice device;
  DeviceNetif dn;
  dn.device = &device;
  ip4_addr_t address, netmask, gateway;
  IP4_ADDR(&address, 10, 0, 2, 15);
  IP4_ADDR(&netmask, 255, 255, 255, 0);
  IP4_ADDR(&gateway, 10, 0, 2, 2);
  FUZZ_CHECK(netif_add(&dn.netif, &address, &netmask, &gateway, &dn, cairn::lwip::device_netif_init,
                       ethernet_input) != nullptr);
  device.set_listener(cairn::lwip::device_netif_listener(dn));
  netif_create_ip6_linklocal_address(&dn.netif, 1);
  netif_set_ip6_autoconfig_enabled(&dn.netif, 1);
  netif_set_up(&dn.netif);
  cairn::lwip::device_netif_sync_link(dn);

  tcp_pcb* listener = tcp_listen(tcp_new());
  FUZZ_CHECK(listener != nullptr);
  tcp_bind(listener, IP_ADDR_ANY, 80);
  tcp_accept(listener, on_accept);
  udp_pcb* echo = udp_new();
  FUZZ_CHECK(echo != nullptr);
  udp_bind(echo, IP_ADDR_ANY, 7);
  udp_recv(echo, on_udp, nullptr);

  Input in{data, size};
  std::vector<std::uint8_t> frame;
  while (in.size > 0) {
    const std::uint8_t op = in.byte() % 8;
    if (op <= 3) {
      std::size_t length = (in.byte() | in.byte() << 8) % 1600;
      const std::uint8_t split = in.byte();
      const std::uint8_t flags = in.byte();
      frame.assign(length, 0);
      frame.resize(in.take(frame.data(), length));
      if (flags & 2) fix_up(frame);
      device.inject(frame, split, (flags & 1) ? cairn::net::PacketBuffer::kCopyAdvised : 0);
      FUZZ_CHECK(cairn::lwip::device_netif_poll(dn, 32).ok());
    } else if (op == 4) {
      cairn_lwip_host_now_ms += 100u * in.byte();
      sys_check_timeouts();
    } else if (op == 5) {
      device.link = !device.link;
      cairn::lwip::device_netif_sync_link(dn);
    } else if (op == 6) {
      FUZZ_CHECK(device.reclaim().ok());
    } else {
      device.tx_room = in.byte() % 4;
    }
  }

  // Take everything down and let lwIP's timers expire what it still holds (reassembly,
  // ND and ARP queues), then nothing may be left.
  device.tx_room = 1000;
  FUZZ_CHECK(device.reclaim().ok());
  udp_remove(echo);
  tcp_close(listener);
  abort_all(tcp_active_pcbs);
  abort_all(tcp_tw_pcbs);
  netif_remove(&dn.netif);
  for (int i = 0; i < 40; ++i) {
    cairn_lwip_host_now_ms += 1000;
    sys_check_timeouts();
  }
  FUZZ_CHECK(device.reclaim().ok());
  FUZZ_CHECK(device.lent() == 0);
  for (int i = 0; i < MEMP_MAX; ++i) {
    if (i == MEMP_SYS_TIMEOUT) continue;  // lwIP's cyclic timers stay
    if (lwip_stats.memp[i]->used != baseline[i])
      std::fprintf(stderr, "pool %s: %u in use, %u before\n", lwip_stats.memp[i]->name,
                   unsigned(lwip_stats.memp[i]->used), unsigned(baseline[i]));
    FUZZ_CHECK(lwip_stats.memp[i]->used == baseline[i]);
  }
  return 0;
}
