/* lwIP's hooks in Cairn (LWIP_HOOK_FILENAME): included by lwIP's own sources, so plain
   C declarations only. Shared by the image and the host tests (tests/lwip_host). */
#ifndef CAIRN_LWIP_HOOKS_H
#define CAIRN_LWIP_HOOKS_H

#include "lwip/arch.h"
#include "lwip/err.h"

#ifdef __cplusplus
extern "C" {
#endif

struct tcp_pcb;
struct tcp_hdr;
struct pbuf;

/* A SYN that reopens a connection held in TIME-WAIT (libs/lwip/port/timewait_reopen.h). */
err_t cairn_lwip_tcp_inpacket(struct tcp_pcb* pcb, struct tcp_hdr* hdr, u16_t optlen, u16_t opt1len,
                              u8_t* opt2, struct pbuf* p);

#ifdef __cplusplus
}
#endif

#define LWIP_HOOK_TCP_INPACKET_PCB(pcb, hdr, optlen, opt1len, opt2, p) \
  cairn_lwip_tcp_inpacket((struct tcp_pcb*)(pcb), hdr, optlen, opt1len, opt2, p)

#endif
