// Boot-test program for the packet-device interface and virtio-net, without a TCP/IP
// stack: hand-built frames to QEMU user networking's gateway (10.0.2.2), nowhere else.
//
//   ping [N]   every card: link, ARP for the gateway, ICMP echo small and MTU-sized
//              (zero-copy), checked replies; N: the number of cards expected
//   rate       echoes per second on eth0: one at a time (small, MTU-sized) and in
//              batches of 32
//   none       no card: the table is empty
//   console    writes to the virtio console port (hvc0)
#include <cstdio>
#include <cstdlib>
#include <cstring>

#include <cairn/net/packet_device.h>
#include <cairn/net/registry.h>
#include <cairn/sched/sync.h>
#include <cairn/sched/thread.h>
#include <cairn/time/clock.h>
#include <cairn/virtio/console.h>

#include "frames.h"

namespace {

using cairn::net::PacketBuffer;
using cairn::net::PacketDevice;
using cairn::net::Segment;
using cairn::net::TxFrame;
using nettest::Mac;

constexpr std::uint64_t kMs = 1'000'000;
constexpr std::uint16_t kEchoId = 0xca1e;

struct Nic {
  PacketDevice* device = nullptr;
  cairn::sched::Semaphore rx;  // posted by rx_ready
  std::uint64_t tx_done = 0;
  std::uint64_t waits = 0, lost = 0;  // semaphore waits, of which timed out with frames waiting
  Mac mine{}, gateway{};
};
Nic nics[cairn::net::kMaxDevices];

void on_rx_ready(PacketDevice&, void* context) { static_cast<Nic*>(context)->rx.post(); }
void on_tx_done(void*, void* context) { ++static_cast<Nic*>(context)->tx_done; }

std::uint64_t now() { return cairn::time::monotonic_ns(); }

void print_mac(const char* label, const Mac& mac) {
  std::printf("%s%02x:%02x:%02x:%02x:%02x:%02x", label, mac.bytes[0], mac.bytes[1], mac.bytes[2],
              mac.bytes[3], mac.bytes[4], mac.bytes[5]);
}

// Receives until `match(bytes, length, head)` returns true for a frame, or the deadline
// passes; every frame is released. Waits on the rx_ready notification in between.
template <typename Match>
bool receive_until(Nic& nic, std::uint64_t deadline, Match match) {
  static std::uint8_t copy[2048];
  for (;;) {
    PacketBuffer* frames[16];
    auto received = nic.device->receive(frames);
    if (!received) {
      std::printf("%s: receive failed: %s\n", nic.device->name(), received.error().message());
      return false;
    }
    bool found = false;
    for (std::size_t i = 0; i < received.value(); ++i) {
      const std::size_t length =
          cairn::net::copy_frame(frames[i], {reinterpret_cast<std::byte*>(copy), sizeof copy});
      if (!found && match(copy, length, frames[i])) found = true;
      cairn::net::release_frame(frames[i]);
    }
    if (found) return true;
    if (received.value() == std::size(frames)) continue;  // budget spent: more waiting
    const std::uint64_t t = now();
    if (t >= deadline) return false;
    ++nic.waits;
    // A notification that never comes costs 100 ms here, and is counted.
    if (nic.rx.wait(t + 100 * kMs < deadline ? t + 100 * kMs : deadline) != 0) ++nic.lost;
  }
}

bool send_one(Nic& nic, std::span<const Segment> segments, void* cookie) {
  const TxFrame frame{segments, cookie};
  auto sent = nic.device->send({&frame, 1});
  if (!sent || sent.value() != 1) {
    std::printf("%s: send failed: %s\n", nic.device->name(),
                sent ? "no room" : sent.error().message());
    return false;
  }
  return true;
}

bool arp(Nic& nic) {
  std::uint8_t request[64];
  const std::size_t length = nettest::arp_request(request, nic.mine);
  const Segment segments[] = {{request, static_cast<std::uint32_t>(length)}};
  for (int attempt = 0; attempt < 10; ++attempt) {
    if (!send_one(nic, segments, nullptr)) return false;  // copied: no cookie
    if (receive_until(nic, now() + 500 * kMs,
                      [&](const std::uint8_t* f, std::size_t n, PacketBuffer*) {
                        return nettest::is_arp_reply(f, n, nic.mine, &nic.gateway);
                      })) {
      std::printf("%s: arp: 10.0.2.2 is at ", nic.device->name());
      print_mac("", nic.gateway);
      std::printf("\n");
      return true;
    }
  }
  std::printf("%s: arp: no reply\n", nic.device->name());
  return false;
}

std::uint8_t payload_bytes[1472];

// One echo request (headers and payload as two zero-copy segments) and its reply.
bool echo(Nic& nic, std::uint16_t sequence, std::size_t payload_length, bool quiet) {
  static std::uint8_t headers[64];
  const std::span<const std::uint8_t> payload(payload_bytes, payload_length);
  const std::size_t length =
      nettest::echo_headers(headers, nic.mine, nic.gateway, kEchoId, sequence, payload);
  const Segment segments[] = {{headers, static_cast<std::uint32_t>(length)},
                              {payload.data(), static_cast<std::uint32_t>(payload.size())}};
  if (!send_one(nic, segments, headers)) return false;
  std::size_t pieces = 0;
  const bool ok = receive_until(
      nic, now() + 2000 * kMs, [&](const std::uint8_t* f, std::size_t n, PacketBuffer* head) {
        pieces = cairn::net::segment_count(head);
        return nettest::echo_reply_sequence(f, n, nic.mine, kEchoId, payload) == sequence;
      });
  if (!quiet)
    std::printf("%s: icmp: %s from 10.0.2.2, %zu bytes, seq %u, %zu segment%s\n",
                nic.device->name(), ok ? "echo reply" : "no echo reply", payload_length, sequence,
                pieces, pieces == 1 ? "" : "s");
  return ok;
}

// An echo request sent by another thread 20 ms after this one started waiting: the
// reply can only reach this thread through the interrupt and rx_ready.
bool delayed_echo(Nic& nic) {
  static std::uint8_t headers[64];
  static Segment segments[2];
  const std::span<const std::uint8_t> payload(payload_bytes, 56);
  const std::size_t length =
      nettest::echo_headers(headers, nic.mine, nic.gateway, kEchoId, 3, payload);
  segments[0] = {headers, static_cast<std::uint32_t>(length)};
  segments[1] = {payload.data(), static_cast<std::uint32_t>(payload.size())};
  const std::uint64_t waits = nic.waits;
  auto sender = cairn::sched::create_thread(
      [](void* context) {
        cairn::sched::sleep_for(20 * kMs);
        send_one(*static_cast<Nic*>(context), segments, headers);
      },
      &nic, {"sender", 0});
  if (!sender) return false;
  const bool ok = receive_until(
      nic, now() + 2000 * kMs, [&](const std::uint8_t* f, std::size_t n, PacketBuffer*) {
        return nettest::echo_reply_sequence(f, n, nic.mine, kEchoId, payload) == 3;
      });
  (void)cairn::sched::join_thread(sender.value());
  std::printf("%s: icmp: %s while waiting, woken %s\n", nic.device->name(),
              ok ? "echo reply" : "no echo reply",
              nic.waits > waits && nic.lost == 0 ? "by rx_ready" : "by the timeout");
  return ok && nic.waits > waits && nic.lost == 0;
}

bool attach(Nic& nic, PacketDevice* device) {
  nic.device = device;
  nic.mine = device->mac();
  cairn::net::PacketListener listener;
  listener.context = &nic;
  listener.rx_ready = on_rx_ready;
  listener.tx_done = on_tx_done;
  device->set_listener(listener);
  PacketBuffer* frames[16];
  // Frames that came before the listener: drop them, which also arms rx_ready.
  while (true) {
    auto n = device->receive(frames);
    if (!n) return false;
    for (std::size_t i = 0; i < n.value(); ++i) cairn::net::release_frame(frames[i]);
    if (n.value() < std::size(frames)) return true;
  }
}

int ping(std::size_t expected) {
  auto devices = cairn::net::devices();
  std::printf("net: %zu device%s\n", devices.size(), devices.size() == 1 ? "" : "s");
  if (expected && devices.size() != expected) return 1;
  for (std::size_t i = 0; i < sizeof payload_bytes; ++i) payload_bytes[i] = std::uint8_t(i * 7 + 3);
  bool ok = true;
  for (std::size_t i = 0; i < devices.size(); ++i) {
    Nic& nic = nics[i];
    PacketDevice* d = devices[i];
    if (!attach(nic, d)) return 1;
    const auto offloads = d->offloads();
    std::printf("%s: %s ", d->name(), d->description());
    print_mac("mac ", d->mac());
    std::printf(" mtu %u link %s%s%s\n", d->mtu(), d->link_up() ? "up" : "down",
                offloads.rx_checksum ? " rx-csum" : "", offloads.tx_checksum ? " tx-csum" : "");
    ok = ok && d->link_up() && arp(nic);
    ok = ok && echo(nic, 1, 56, false) && echo(nic, 2, 1472, false) && delayed_echo(nic);
    if (auto reclaimed = d->reclaim(); !reclaimed) ok = false;
    const auto stats = d->stats();
    std::printf(
        "%s: tx_done %llu, stats rx %llu tx %llu copied %llu errors %llu lent %u/%u, "
        "interrupts %llu notifications %llu, waits %llu lost %llu\n",
        d->name(), (unsigned long long)nic.tx_done, (unsigned long long)stats.rx_frames,
        (unsigned long long)stats.tx_frames, (unsigned long long)stats.tx_copied,
        (unsigned long long)stats.rx_errors, stats.rx_lent, stats.rx_buffers,
        (unsigned long long)stats.interrupts, (unsigned long long)stats.notifications,
        (unsigned long long)nic.waits, (unsigned long long)nic.lost);
    ok = ok && nic.tx_done == 3 && stats.rx_lent == 0 && stats.rx_errors == 0;
  }
  if (devices.size() > 1 && std::memcmp(nics[0].mine.bytes, nics[1].mine.bytes, 6) == 0) {
    std::printf("net: eth0 and eth1 have the same MAC\n");
    ok = false;
  }
  std::printf("net: %s\n", ok ? "ping ok" : "ping FAILED");
  return ok ? 0 : 1;
}

// Echoes per second, one at a time, for about `duration_ns`.
void pingpong_rate(Nic& nic, std::size_t payload, std::uint64_t duration_ns) {
  std::uint16_t sequence = 100;
  std::uint64_t count = 0;
  const std::uint64_t start = now();
  while (now() - start < duration_ns) {
    if (!echo(nic, sequence++, payload, true)) break;
    ++count;
  }
  const std::uint64_t elapsed = now() - start;
  std::printf("rate: one at a time, %zu-byte payload: %llu echoes in %llu ms = %llu/s\n", payload,
              (unsigned long long)count, (unsigned long long)(elapsed / kMs),
              (unsigned long long)(count * 1'000'000'000ull / elapsed));
}

// Batches of 32 echo requests in one send(), then the 32 replies.
void batch_rate(Nic& nic, std::size_t payload_length, std::uint64_t duration_ns) {
  constexpr int kBatch = 32;
  static std::uint8_t headers[kBatch][64];
  const std::span<const std::uint8_t> payload(payload_bytes, payload_length);
  std::uint64_t sent = 0, answered = 0;
  std::uint16_t base = 1000;
  const std::uint64_t start = now();
  while (now() - start < duration_ns) {
    Segment segments[kBatch][2];
    TxFrame frames[kBatch];
    for (int i = 0; i < kBatch; ++i) {
      const std::size_t n = nettest::echo_headers(headers[i], nic.mine, nic.gateway, kEchoId,
                                                  std::uint16_t(base + i), payload);
      segments[i][0] = {headers[i], static_cast<std::uint32_t>(n)};
      segments[i][1] = {payload.data(), static_cast<std::uint32_t>(payload.size())};
      frames[i] = {segments[i], headers[i]};
    }
    std::size_t queued = 0;
    while (queued < kBatch) {
      auto n = nic.device->send(std::span<const TxFrame>(frames).subspan(queued));
      if (!n) return;
      queued += n.value();
    }
    sent += kBatch;
    int seen = 0;
    receive_until(nic, now() + 2000 * kMs,
                  [&](const std::uint8_t* f, std::size_t n, PacketBuffer*) {
                    const int s = nettest::echo_reply_sequence(f, n, nic.mine, kEchoId, payload);
                    // Sequence numbers are 16 bits and wrap.
                    if (s >= 0 && static_cast<std::uint16_t>(s - base) < kBatch) ++seen;
                    return seen == kBatch;
                  });
    answered += seen;
    base = std::uint16_t(base + kBatch);
    if (seen != kBatch) break;
  }
  const std::uint64_t elapsed = now() - start;
  std::printf(
      "rate: batches of %d, %zu-byte payload: %llu sent, %llu answered in %llu ms = %llu/s\n",
      kBatch, payload_length, (unsigned long long)sent, (unsigned long long)answered,
      (unsigned long long)(elapsed / kMs),
      (unsigned long long)(answered * 1'000'000'000ull / elapsed));
}

int rate() {
  auto devices = cairn::net::devices();
  if (devices.empty() || !attach(nics[0], devices[0])) return 1;
  for (std::size_t i = 0; i < sizeof payload_bytes; ++i) payload_bytes[i] = std::uint8_t(i);
  if (!arp(nics[0])) return 1;
  pingpong_rate(nics[0], 56, 1000 * kMs);
  pingpong_rate(nics[0], 1472, 1000 * kMs);
  batch_rate(nics[0], 56, 1000 * kMs);
  batch_rate(nics[0], 1472, 1000 * kMs);
  const auto stats = devices[0]->stats();
  std::printf("rate: interrupts %llu notifications %llu rx %llu tx %llu\n",
              (unsigned long long)stats.interrupts, (unsigned long long)stats.notifications,
              (unsigned long long)stats.rx_frames, (unsigned long long)stats.tx_frames);
  return 0;
}

int console() {
  if (!cairn::virtio::console_port_available()) {
    std::printf("console: no device\n");
    return 1;
  }
  const char hello[] = "hello from the virtio console port\n";
  auto written = cairn::virtio::console_port_write({hello, sizeof hello - 1});
  // More than all of the driver's buffers hold at once, so they are reused.
  char line[64];
  bool ok = written && written.value() == sizeof hello - 1;
  for (int i = 0; i < 300 && ok; ++i) {
    const int n = std::snprintf(line, sizeof line, "console line %d of 300\n", i + 1);
    auto w = cairn::virtio::console_port_write({line, static_cast<std::size_t>(n)});
    ok = w && w.value() == static_cast<std::size_t>(n);
  }
  std::printf("console: stdout line\n");
  std::fflush(stdout);
  ok = ok && cairn::virtio::console_port_flush().ok();
  std::printf("console: port writes %s\n", ok ? "ok" : "FAILED");
  return ok ? 0 : 1;
}

}  // namespace

int main(int argc, char** argv) {
  const char* mode = argc > 1 ? argv[1] : "";
  if (std::strcmp(mode, "ping") == 0)
    return ping(argc > 2 ? std::strtoul(argv[2], nullptr, 10) : 0);
  if (std::strcmp(mode, "rate") == 0) return rate();
  if (std::strcmp(mode, "none") == 0) {
    std::printf("net: %zu devices\n", cairn::net::devices().size());
    return cairn::net::devices().empty() ? 0 : 1;
  }
  if (std::strcmp(mode, "console") == 0) return console();
  std::printf("usage: net ping [N]|rate|none|console\n");
  return 2;
}
