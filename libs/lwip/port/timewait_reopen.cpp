// See timewait_reopen.h.
#include "timewait_reopen.h"

#include <cstddef>

#include "cairn_lwip_hooks.h"
#include "lwip/def.h"
#include "lwip/ip.h"
#include "lwip/pbuf.h"
#include "lwip/priv/tcp_priv.h"
#include "lwip/prot/ip4.h"
#include "lwip/prot/tcp.h"
#include "lwip/tcp.h"

namespace cairn::lwip {
namespace {

struct Reopened {
  struct pbuf* segment;  // from the IP header on
  struct netif* netif;
};

// Reopening SYNs arrive one per frame at most and are drained after each frame.
constexpr std::size_t kMaxReopened = 4;
Reopened reopened[kMaxReopened];
std::size_t reopened_count;

#if LWIP_IPV4
// Puts p's payload back at the IP header and hdr's fields back in network order, as the
// segment arrived (tcp_input converted them in place; its checksum holds again). False
// when the headers are not all in front of the payload in the first pbuf.
bool restore(struct tcp_hdr* hdr, u16_t optlen, const u8_t* opt2, struct pbuf* p) {
  if (opt2 != nullptr || ip_current_is_v6()) return false;
  const struct ip_hdr* ip = ip4_current_header();
  const std::size_t ip_bytes = IPH_HL_BYTES(ip);
  const std::size_t tcp_bytes = TCP_HLEN + optlen;
  const auto* ip_start = reinterpret_cast<const u8_t*>(ip);
  const auto* tcp_start = reinterpret_cast<const u8_t*>(hdr);
  if (ip_start + ip_bytes != tcp_start || tcp_start + tcp_bytes != p->payload) return false;
  if (pbuf_add_header_force(p, ip_bytes + tcp_bytes) != 0) return false;
  hdr->src = lwip_htons(hdr->src);
  hdr->dest = lwip_htons(hdr->dest);
  hdr->seqno = lwip_htonl(hdr->seqno);
  hdr->ackno = lwip_htonl(hdr->ackno);
  hdr->wnd = lwip_htons(hdr->wnd);
  return true;
}
#endif

}  // namespace

void reinject_reopened_syns() {
  // FIFO, and a reinjected segment could in principle queue another: take from the front.
  for (std::size_t i = 0; i < reopened_count; ++i) {
    Reopened r = reopened[i];
#if LWIP_IPV4
    ip4_input(r.segment, r.netif);  // consumes it
#else
    pbuf_free(r.segment);
#endif
  }
  reopened_count = 0;
}

}  // namespace cairn::lwip

extern "C" err_t cairn_lwip_tcp_inpacket(struct tcp_pcb* pcb, struct tcp_hdr* hdr, u16_t optlen,
                                         u16_t opt1len, u8_t* opt2, struct pbuf* p) {
  using namespace cairn::lwip;
  (void)opt1len;
  if (pcb->state != TIME_WAIT) return ERR_OK;
  // A plain SYN (no ACK, RST or FIN) beyond everything the old connection received. A
  // SYN within the old sequence space may be a delayed duplicate: lwIP's own handling
  // (an ACK, or a RST for one in the window) stays.
  if ((TCPH_FLAGS(hdr) & (TCP_SYN | TCP_ACK | TCP_RST | TCP_FIN)) != TCP_SYN) return ERR_OK;
  if (!TCP_SEQ_GT(hdr->seqno, pcb->rcv_nxt)) return ERR_OK;
  tcp_abort(pcb);  // in TIME-WAIT: unlinked and freed, nothing sent
#if LWIP_IPV4
  if (reopened_count < kMaxReopened && restore(hdr, optlen, opt2, p)) {
    pbuf_ref(p);  // tcp_input frees its reference when we return
    reopened[reopened_count++] = {p, ip_current_input_netif()};
  }
#else
  (void)optlen;
  (void)opt2;
  (void)p;
#endif
  return ERR_ABRT;  // tcp_input drops this copy; the pcb it found is gone
}
