/* lwIP's options for the host tests and the fuzzer: the image's protocols (IPv4 with
   ARP, DHCP, IGMP; IPv6 with ND, MLD, SLAAC; TCP, UDP, DNS, raw) on one thread
   (NO_SYS=1: the tests call lwIP directly, deterministically, with a clock they set),
   and the statistics on, so tests can see every pool come back. */
#ifndef CAIRN_LWIP_HOST_LWIPOPTS_H
#define CAIRN_LWIP_HOST_LWIPOPTS_H

#define NO_SYS 1
#define SYS_LIGHTWEIGHT_PROT 0
#define LWIP_NETCONN 0
#define LWIP_SOCKET 0

#define MEM_LIBC_MALLOC 1
#define MEM_ALIGNMENT 8
#define PBUF_POOL_SIZE 32
#define MEMP_NUM_TCP_PCB 8
#define MEMP_NUM_UDP_PCB 8
#define MEMP_NUM_SYS_TIMEOUT (LWIP_NUM_SYS_TIMEOUT_INTERNAL + 4)

#define LWIP_IPV4 1
#define LWIP_IPV6 1
#define LWIP_IPV6_AUTOCONFIG 1
#define LWIP_IPV6_MLD 1
#define IPV6_FRAG_COPYHEADER 1
#define LWIP_ARP 1
#define LWIP_ETHERNET 1
#define LWIP_ICMP 1
#define LWIP_IGMP 1
#define LWIP_RAW 1
#define LWIP_UDP 1
#define LWIP_TCP 1
#define LWIP_DNS 1
#define LWIP_DHCP 1
#define DHCP_DOES_ARP_CHECK 0
#define IP_REASSEMBLY 1
#define IP_FRAG 1
#define TCP_MSS 1460
#define TCP_WND (4 * TCP_MSS)
#define TCP_SND_BUF (4 * TCP_MSS)
#define TCP_LISTEN_BACKLOG 1

#define LWIP_SINGLE_NETIF 0
#define LWIP_HAVE_LOOPIF 0
#define LWIP_NETIF_STATUS_CALLBACK 1
#define LWIP_NETIF_LINK_CALLBACK 1
#define LWIP_NETIF_HOSTNAME 1
#define LWIP_CHECKSUM_CTRL_PER_NETIF 1

#define LWIP_STATS 1
#define LWIP_STATS_DISPLAY 1 /* also gives every pool its name */

/* Our hooks into lwIP (libs/lwip/port/hooks): a SYN reopening a TIME-WAIT connection. */
#define LWIP_HOOK_FILENAME "cairn_lwip_hooks.h"

#endif
