// Hand-built Ethernet frames for the network boot tests (no TCP/IP stack): ARP
// requests and replies, ICMP echo requests and replies over IPv4.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <span>

#include <cairn/net/packet_device.h>

namespace nettest {

using Mac = cairn::net::MacAddress;
inline constexpr Mac kBroadcast = {{0xff, 0xff, 0xff, 0xff, 0xff, 0xff}};
inline constexpr std::uint16_t kEtherArp = 0x0806;
inline constexpr std::uint16_t kEtherIpv4 = 0x0800;

// QEMU user networking: the guest's address and the gateway (slirp itself).
inline constexpr std::uint8_t kGuestIp[4] = {10, 0, 2, 15};
inline constexpr std::uint8_t kGatewayIp[4] = {10, 0, 2, 2};

inline void put16(std::uint8_t* at, std::uint16_t v) {
  at[0] = static_cast<std::uint8_t>(v >> 8);
  at[1] = static_cast<std::uint8_t>(v);
}
inline std::uint16_t get16(const std::uint8_t* at) {
  return static_cast<std::uint16_t>((at[0] << 8) | at[1]);
}

// RFC 1071 over `bytes` (complemented; 0 for a range that already holds its checksum).
inline std::uint16_t checksum(const std::uint8_t* bytes, std::size_t length) {
  std::uint32_t sum = 0;
  for (std::size_t i = 0; i + 1 < length; i += 2) sum += get16(bytes + i);
  if (length & 1) sum += bytes[length - 1] << 8;
  while (sum >> 16) sum = (sum & 0xffff) + (sum >> 16);
  return static_cast<std::uint16_t>(~sum);
}

inline std::size_t ethernet(std::uint8_t* frame, const Mac& to, const Mac& from,
                            std::uint16_t type) {
  std::memcpy(frame, to.bytes, 6);
  std::memcpy(frame + 6, from.bytes, 6);
  put16(frame + 12, type);
  return 14;
}

// Who has kGatewayIp? Tell kGuestIp. Returns the frame's length (42).
inline std::size_t arp_request(std::uint8_t* frame, const Mac& mine) {
  std::size_t n = ethernet(frame, kBroadcast, mine, kEtherArp);
  std::uint8_t* arp = frame + n;
  put16(arp, 1);  // Ethernet
  put16(arp + 2, kEtherIpv4);
  arp[4] = 6, arp[5] = 4;
  put16(arp + 6, 1);  // request
  std::memcpy(arp + 8, mine.bytes, 6);
  std::memcpy(arp + 14, kGuestIp, 4);
  std::memset(arp + 18, 0, 6);
  std::memcpy(arp + 24, kGatewayIp, 4);
  return n + 28;
}

// An ARP reply from kGatewayIp to us: its MAC goes to `gateway`.
inline bool is_arp_reply(const std::uint8_t* frame, std::size_t length, const Mac& mine,
                         Mac* gateway) {
  if (length < 42 || get16(frame + 12) != kEtherArp) return false;
  const std::uint8_t* arp = frame + 14;
  if (get16(arp + 6) != 2 || std::memcmp(arp + 14, kGatewayIp, 4) != 0) return false;
  if (std::memcmp(arp + 18, mine.bytes, 6) != 0 || std::memcmp(arp + 24, kGuestIp, 4) != 0)
    return false;
  std::memcpy(gateway->bytes, arp + 8, 6);
  return true;
}

// The Ethernet, IPv4 and ICMP headers of an echo request to the gateway, for a payload
// of `payload` bytes that follows them (sent as a separate segment, so the checksum is
// computed over both). Returns the header bytes (42).
inline std::size_t echo_headers(std::uint8_t* frame, const Mac& mine, const Mac& gateway,
                                std::uint16_t id, std::uint16_t sequence,
                                std::span<const std::uint8_t> payload) {
  std::size_t n = ethernet(frame, gateway, mine, kEtherIpv4);
  std::uint8_t* ip = frame + n;
  ip[0] = 0x45, ip[1] = 0;
  put16(ip + 2, static_cast<std::uint16_t>(20 + 8 + payload.size()));
  put16(ip + 4, sequence);
  put16(ip + 6, 0);
  ip[8] = 64, ip[9] = 1;  // TTL, ICMP
  put16(ip + 10, 0);
  std::memcpy(ip + 12, kGuestIp, 4);
  std::memcpy(ip + 16, kGatewayIp, 4);
  put16(ip + 10, checksum(ip, 20));
  std::uint8_t* icmp = ip + 20;
  icmp[0] = 8, icmp[1] = 0;  // echo request
  put16(icmp + 2, 0);
  put16(icmp + 4, id);
  put16(icmp + 6, sequence);
  // The checksum covers header and payload: sum them as one range.
  std::uint32_t sum = 0;
  for (std::size_t i = 0; i < 8; i += 2) sum += get16(icmp + i);
  for (std::size_t i = 0; i + 1 < payload.size(); i += 2) sum += get16(payload.data() + i);
  if (payload.size() & 1) sum += payload.back() << 8;
  while (sum >> 16) sum = (sum & 0xffff) + (sum >> 16);
  put16(icmp + 2, static_cast<std::uint16_t>(~sum));
  return n + 28;
}

// The sequence number of an echo reply from the gateway to us with this id, valid
// checksums and `payload` echoed back; -1 for any other frame.
inline int echo_reply_sequence(const std::uint8_t* frame, std::size_t length, const Mac& mine,
                               std::uint16_t id, std::span<const std::uint8_t> payload) {
  if (length < 42 + payload.size() || get16(frame + 12) != kEtherIpv4) return -1;
  if (std::memcmp(frame, mine.bytes, 6) != 0) return -1;
  const std::uint8_t* ip = frame + 14;
  if (ip[0] != 0x45 || ip[9] != 1 || checksum(ip, 20) != 0) return -1;
  if (std::memcmp(ip + 12, kGatewayIp, 4) != 0 || std::memcmp(ip + 16, kGuestIp, 4) != 0) return -1;
  if (get16(ip + 2) < 28) return -1;
  const std::size_t icmp_length = get16(ip + 2) - 20u;
  if (icmp_length != 8 + payload.size() || 14 + 20 + icmp_length > length) return -1;
  const std::uint8_t* icmp = ip + 20;
  if (icmp[0] != 0 || get16(icmp + 4) != id) return -1;
  if (checksum(icmp, icmp_length) != 0) return -1;
  if (std::memcmp(icmp + 8, payload.data(), payload.size()) != 0) return -1;
  return get16(icmp + 6);
}

}  // namespace nettest
