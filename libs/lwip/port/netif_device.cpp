// The lwIP netif over a packet device: receive wrapping, transmit mapping, link state.
// See netif_device.h for the contract and docs/networking.md for the choices.
#include "netif_device.h"

#include <algorithm>
#include <cstring>
#include <new>

#include "lwip/etharp.h"
#include "lwip/ethip6.h"
#include "lwip/pbuf.h"
#include "lwip/stats.h"
#include "netif/ethernet.h"
#include "timewait_reopen.h"

namespace cairn::lwip {
namespace {

using net::PacketBuffer;

// What a received segment's `client` scratch space holds: lwIP's pbuf (first, so a
// struct pbuf* is a RxPbuf*) and the way back to the segment.
struct RxPbuf {
  struct pbuf_custom custom;
  PacketBuffer* segment;
};
static_assert(sizeof(RxPbuf) <= PacketBuffer::kClientBytes);
static_assert(alignof(RxPbuf) <= alignof(PacketBuffer));

// lwIP gave up its last reference: the segment goes back to the driver. Any thread.
void free_rx_pbuf(struct pbuf* p) {
  PacketBuffer* segment = reinterpret_cast<RxPbuf*>(p)->segment;
  segment->owner->release(segment);
}

struct pbuf* wrap_segment(PacketBuffer* segment) {
  if (segment->length > 0xffff) return nullptr;
  auto* rx = new (segment->client) RxPbuf{};
  rx->segment = segment;
  rx->custom.custom_free_function = free_rx_pbuf;
  const auto length = static_cast<u16_t>(segment->length);
  return pbuf_alloced_custom(PBUF_RAW, length, PBUF_REF, &rx->custom, segment->data, length);
}

// The frame as a pbuf chain over the driver's buffers; null (everything released)
// when a segment cannot be wrapped.
struct pbuf* wrap_frame(PacketBuffer* head) {
  struct pbuf* chain = nullptr;
  for (PacketBuffer* segment = head; segment != nullptr;) {
    PacketBuffer* next = segment->next;
    struct pbuf* p = wrap_segment(segment);
    if (p == nullptr) {
      // The wrapped part goes back through pbuf_free, the rest directly.
      if (chain != nullptr) pbuf_free(chain);
      net::release_frame(segment);
      return nullptr;
    }
    if (chain == nullptr)
      chain = p;
    else
      pbuf_cat(chain, p);
    segment = next;
  }
  return chain;
}

// The driver is short of buffers: copy into the pbuf pool and give the frame back now.
struct pbuf* copy_frame(PacketBuffer* head) {
  struct pbuf* p = nullptr;
  if (head->frame_length <= 0xffff)
    p = pbuf_alloc(PBUF_RAW, static_cast<u16_t>(head->frame_length), PBUF_POOL);
  if (p != nullptr) {
    u16_t offset = 0;
    for (const PacketBuffer* s = head; s != nullptr && offset < p->tot_len; s = s->next) {
      const auto length =
          static_cast<u16_t>(std::min<std::uint32_t>(s->length, p->tot_len - offset));
      pbuf_take_at(p, s->data, length, offset);
      offset = static_cast<u16_t>(offset + length);
    }
  }
  net::release_frame(head);
  return p;
}

// lwIP reads each protocol header from the first pbuf of a packet, some fields before
// it checks the pbuf's length. A frame whose first segment does not hold all of its
// headers (Ethernet, IPv4 with options, TCP with options), or a runt shorter than the
// Ethernet minimum, is therefore copied into a pool pbuf: contiguous, and with room
// behind it. Real cards put far more than this in their first buffer.
constexpr std::uint32_t kHeaderBytes = 14 + 60 + 60;
constexpr std::uint32_t kMinFrameBytes = 60;

bool must_copy(const PacketBuffer* head) {
  return (head->flags & PacketBuffer::kCopyAdvised) != 0 || head->frame_length < kMinFrameBytes ||
         head->length < std::min(head->frame_length, kHeaderBytes);
}

void input_frame(DeviceNetif& dn, PacketBuffer* head) {
  const bool copy = must_copy(head);
  struct pbuf* p = copy ? copy_frame(head) : wrap_frame(head);
  if (p == nullptr) {
    ++dn.rx_dropped;
    LINK_STATS_INC(link.memerr);
    LINK_STATS_INC(link.drop);
    return;
  }
  ++dn.rx_frames;
  if (copy) ++dn.rx_copied;
  LINK_STATS_INC(link.recv);
  if (dn.netif.input(p, &dn.netif) != ERR_OK) pbuf_free(p);
  // A SYN that ended a TIME-WAIT connection goes through IP input again, now that
  // lwIP's input path has returned, to reach the listener.
  reinject_reopened_syns();
}

void tx_done(void* cookie, void* context) {
  auto& dn = *static_cast<DeviceNetif*>(context);
  --dn.tx_in_flight;
  pbuf_free(static_cast<struct pbuf*>(cookie));
}

Result<std::size_t> send_one(net::PacketDevice& device, const net::TxFrame& frame) {
  if (TRY(device.send({&frame, 1})) != 0) return std::size_t{1};
  // The ring is full of completed frames the driver has not collected yet.
  (void)device.reclaim();
  return device.send({&frame, 1});
}

// Chains longer than this are flattened first (TCP segments are 2-3 pbufs).
constexpr std::size_t kMaxSegments = 64;

err_t link_output(struct netif* netif, struct pbuf* p) {
  auto& dn = *static_cast<DeviceNetif*>(netif->state);
  net::Segment segments[kMaxSegments];
  std::size_t count = 0;
  struct pbuf* flat = nullptr;
  for (struct pbuf* q = p; q != nullptr; q = q->next) {
    if (q->len == 0) continue;
    if (count == kMaxSegments) break;
    segments[count++] = {q->payload, q->len};
  }
  std::uint32_t total = 0;
  for (std::size_t i = 0; i < count; ++i) total += segments[i].length;
  if (total != p->tot_len) {
    flat = pbuf_clone(PBUF_RAW, PBUF_RAM, p);
    if (flat == nullptr) {
      ++dn.tx_dropped;
      LINK_STATS_INC(link.memerr);
      return ERR_MEM;
    }
    segments[0] = {flat->payload, flat->len};
    count = 1;
  }
  // In place only when the driver will really read it in place (else it copies anyway
  // and the reference would only hold the pbuf longer) and it is worth the tracking.
  const bool zero_copy = flat == nullptr && count <= kTxMaxSegments && total >= kTxCopyBelowBytes;
  net::TxFrame frame{{segments, count}, zero_copy ? p : nullptr, {}};
  if (zero_copy) pbuf_ref(p);
  Result<std::size_t> sent = send_one(*dn.device, frame);
  if (flat != nullptr) pbuf_free(flat);  // the driver copied it
  if (!sent || sent.value() == 0) {
    if (zero_copy) pbuf_free(p);
    ++dn.tx_dropped;
    LINK_STATS_INC(link.drop);
    if (sent) dn.tx_blocked = true;
    // ERR_MEM: TCP keeps the segment and sends it again later.
    return sent ? ERR_MEM : ERR_IF;
  }
  if (zero_copy) {
    ++dn.tx_in_flight;
    ++dn.tx_zero_copy;
  }
  ++dn.tx_frames;
  LINK_STATS_INC(link.xmit);
  return ERR_OK;
}

}  // namespace

err_t device_netif_init(struct netif* netif) {
  auto& dn = *static_cast<DeviceNetif*>(netif->state);
  net::PacketDevice& device = *dn.device;
  // lwIP's names are two letters and its own number (lo0, et1, ...); Cairn's name for
  // the card is the device's (cairn/lwip/interfaces.h maps between them).
  netif->name[0] = 'e';
  netif->name[1] = 't';
  const net::MacAddress mac = device.mac();
  netif->hwaddr_len = ETH_HWADDR_LEN;
  std::memcpy(netif->hwaddr, mac.bytes, ETH_HWADDR_LEN);
  netif->mtu = static_cast<u16_t>(std::min<std::uint32_t>(device.mtu(), 0xffff));
#if LWIP_IPV6 && LWIP_ND6_ALLOW_RA_UPDATES
  netif->mtu6 = netif->mtu;
#endif
  netif->flags = NETIF_FLAG_BROADCAST | NETIF_FLAG_ETHARP | NETIF_FLAG_ETHERNET | NETIF_FLAG_IGMP;
#if LWIP_IPV6
  netif->flags |= NETIF_FLAG_MLD6;
  netif->output_ip6 = ethip6_output;
#endif
  netif->output = etharp_output;
  netif->linkoutput = link_output;
#if LWIP_NETIF_HOSTNAME
  netif->hostname = "cairn";
#endif
  // Per-frame kChecksumValid has no per-netif equivalent in lwIP, and the transmit
  // offload wants the pseudo-header sum in the field, which lwIP does not leave there:
  // lwIP computes and checks every checksum (docs/networking.md).
  NETIF_SET_CHECKSUM_CTRL(netif, NETIF_CHECKSUM_ENABLE_ALL);
  return ERR_OK;
}

net::PacketListener device_netif_listener(DeviceNetif& dn) {
  net::PacketListener listener;
  listener.context = &dn;
  listener.tx_done = tx_done;
  return listener;
}

Result<std::size_t> device_netif_poll(DeviceNetif& dn, std::size_t budget) {
  constexpr std::size_t kBatch = 32;
  PacketBuffer* frames[kBatch];
  std::size_t taken = 0;
  while (taken < budget) {
    const std::size_t want = std::min(kBatch, budget - taken);
    const std::size_t got = TRY(dn.device->receive({frames, want}));
    for (std::size_t i = 0; i < got; ++i) input_frame(dn, frames[i]);
    taken += got;
    if (got < want) break;  // drained: rx_ready is armed again
  }
  return taken;
}

void device_netif_sync_link(DeviceNetif& dn) {
  const bool up = dn.device->link_up();
  if (up && !netif_is_link_up(&dn.netif))
    netif_set_link_up(&dn.netif);
  else if (!up && netif_is_link_up(&dn.netif))
    netif_set_link_down(&dn.netif);
}

}  // namespace cairn::lwip
