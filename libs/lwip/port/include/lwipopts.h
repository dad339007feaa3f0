/* lwIP's options for Cairn, from the Kconfig choices (cairn/config.h, CONFIG_NET_LWIP_*).
   Everything not set here keeps lwIP's default (lwip/opt.h). docs/networking.md
   explains the choices. */
#ifndef CAIRN_LWIPOPTS_H
#define CAIRN_LWIPOPTS_H

#include <cairn/config.h>

#define CAIRN_LWIP_MIN(a, b) ((a) < (b) ? (a) : (b))
#define CAIRN_LWIP_MAX(a, b) ((a) > (b) ? (a) : (b))

/* --- The operating system: Cairn threads, the tcpip thread owns the core. --- */
#define NO_SYS 0
#define SYS_LIGHTWEIGHT_PROT 1
/* API calls from application threads take the core lock and run directly instead of
   queueing a message to the tcpip thread and waiting for it. */
#define LWIP_TCPIP_CORE_LOCKING 1
#define TCPIP_THREAD_NAME "tcpip"
#define TCPIP_THREAD_STACKSIZE CONFIG_NET_LWIP_TCPIP_STACK_SIZE
#define TCPIP_THREAD_PRIO 0
#define TCPIP_MBOX_SIZE CONFIG_NET_LWIP_TCPIP_MBOX_SIZE
#define DEFAULT_THREAD_STACKSIZE 0 /* CONFIG_THREAD_STACK_SIZE */
#ifdef CONFIG_DEBUG
#define LWIP_ASSERT_CORE_LOCKED() cairn_lwip_assert_core_locked()
#endif

/* --- APIs: netconn (the socket layer will be Cairn's own, over netconn). --- */
#define LWIP_NETCONN 1
#define LWIP_SOCKET 0
#define LWIP_NETIF_API 1
#define LWIP_SO_RCVTIMEO 1
#define LWIP_SO_SNDTIMEO 1
#define LWIP_SO_RCVBUF 1
#define SO_REUSE 1
#define LWIP_TCP_KEEPALIVE 1

/* --- Memory: the heap for packet data, fixed pools for protocol state. --- */
/* PBUF_RAM data comes from Cairn's malloc (thread-safe, size classes) instead of a
   second heap of lwIP's own. */
#define MEM_LIBC_MALLOC 1
#define MEM_ALIGNMENT 8
#define MEMP_MEM_MALLOC 0
#define PBUF_POOL_SIZE CONFIG_NET_LWIP_PBUF_POOL_SIZE
#define MEMP_NUM_TCP_PCB CONFIG_NET_LWIP_MAX_CONNECTIONS
#define MEMP_NUM_TCP_PCB_LISTEN CONFIG_NET_LWIP_MAX_LISTENERS
/* The stack's own UDP users (DNS, DHCP) come on top of the application's. */
#define MEMP_NUM_UDP_PCB (CONFIG_NET_LWIP_MAX_UDP + 4)
#define MEMP_NUM_NETCONN \
  (CONFIG_NET_LWIP_MAX_CONNECTIONS + CONFIG_NET_LWIP_MAX_LISTENERS + CONFIG_NET_LWIP_MAX_UDP)
#define MEMP_NUM_NETBUF (2 * (CONFIG_NET_LWIP_MAX_CONNECTIONS + CONFIG_NET_LWIP_MAX_UDP))
#define MEMP_NUM_PBUF (4 * CONFIG_NET_LWIP_MAX_CONNECTIONS)
#define MEMP_NUM_TCP_SEG (TCP_SND_QUEUELEN + 8 * CONFIG_NET_LWIP_MAX_CONNECTIONS)
/* One per received frame waiting for the tcpip thread. */
#define MEMP_NUM_TCPIP_MSG_INPKT TCPIP_MBOX_SIZE
#define MEMP_NUM_SYS_TIMEOUT (LWIP_NUM_SYS_TIMEOUT_INTERNAL + 8)

/* Per-connection queues (allocated with each netconn): bounded so that a large window
   does not cost kilobytes per socket; a full queue only makes TCP hold data back. */
#define DEFAULT_TCP_RECVMBOX_SIZE CAIRN_LWIP_MIN(TCP_WND / 536 + 8, 256)
#define DEFAULT_UDP_RECVMBOX_SIZE 64
#define DEFAULT_RAW_RECVMBOX_SIZE 16
#define DEFAULT_ACCEPTMBOX_SIZE CAIRN_LWIP_MIN(CONFIG_NET_LWIP_MAX_CONNECTIONS, 128)

/* --- Protocols. --- */
#define LWIP_IPV4 1
#ifdef CONFIG_NET_LWIP_IPV6
#define LWIP_IPV6 1
#define LWIP_IPV6_AUTOCONFIG 1 /* SLAAC */
#define LWIP_IPV6_MLD 1
#define LWIP_IPV6_DHCP6 0
/* Reassembly keeps its bookkeeping apart from the fragment header, which is too small
   for it with 64-bit pointers (lwIP asserts this once the reassembly timer runs). */
#define IPV6_FRAG_COPYHEADER 1
#else
#define LWIP_IPV6 0
#endif
#define LWIP_ARP 1
#define LWIP_ETHERNET 1
#define LWIP_ICMP 1
#define LWIP_IGMP 1
/* Raw IP pcbs: ICMP echo (ping) from applications and tests. */
#define LWIP_RAW 1
#define LWIP_UDP 1
#define LWIP_TCP 1
#define LWIP_DNS 1
#define LWIP_DHCP 1
/* Virtual networks answer ARP for nobody else's address: skip the probe that would
   delay every DHCP lease by a second. */
#define DHCP_DOES_ARP_CHECK 0
#define LWIP_RANDOMIZE_INITIAL_LOCAL_PORTS 1
/* Reassembly holds the fragments of one datagram of the largest size: 46 (65535 bytes
   of IPv6 payload in 1448-byte fragments; a 65507-byte UDP datagram over IPv4 takes
   45). lwIP's default of 10 silently drops every datagram above 14 KiB. lwIP wants the
   pool to keep more than twice this many pbufs (IPv4 and IPv6 count apart). */
#define IP_REASS_MAX_PBUFS CAIRN_LWIP_MAX(10, CAIRN_LWIP_MIN(46, PBUF_POOL_SIZE / 2 - 1))
/* Fragmenting, each fragment holds a reference pbuf until the device has sent it
   (zero-copy transmit): room for two largest datagrams in flight. lwIP's default of 15
   fails sends above 21 KiB with ENOBUFS whenever the device lags behind the sender. */
#define MEMP_NUM_FRAG_PBUF (2 * 46)

/* --- TCP. --- */
#define TCP_MSS CONFIG_NET_LWIP_TCP_MSS
#define TCP_WND CONFIG_NET_LWIP_TCP_WND
#define TCP_SND_BUF CONFIG_NET_LWIP_TCP_SND_BUF
#define TCP_SND_QUEUELEN ((4 * TCP_SND_BUF + TCP_MSS - 1) / TCP_MSS)
#define TCP_LISTEN_BACKLOG 1
/* Send more once this much of the buffer is free: lwIP's default (half the buffer),
   kept 4 MSS below 64 KiB as lwIP requires. */
#define TCP_SNDLOWAT                                               \
  CAIRN_LWIP_MIN(CAIRN_LWIP_MAX(TCP_SND_BUF / 2, 2 * TCP_MSS + 1), \
                 CAIRN_LWIP_MIN(TCP_SND_BUF - 1, 0xffff - 4 * TCP_MSS - 1))
/* Windows and send buffers above 64 KiB need 32-bit window arithmetic (window
   scaling); the receive window is then announced with the smallest shift that fits
   the 16-bit header field. */
#if TCP_WND > 0xffff || TCP_SND_BUF > 0xffff
#define LWIP_WND_SCALE 1
#if TCP_WND <= 0xffff
#define TCP_RCV_SCALE 0
#elif TCP_WND <= (0xffff << 1)
#define TCP_RCV_SCALE 1
#elif TCP_WND <= (0xffff << 2)
#define TCP_RCV_SCALE 2
#elif TCP_WND <= (0xffff << 3)
#define TCP_RCV_SCALE 3
#elif TCP_WND <= (0xffff << 4)
#define TCP_RCV_SCALE 4
#else
#define TCP_RCV_SCALE 5
#endif
#endif

/* --- Interfaces. --- */
#define LWIP_SINGLE_NETIF 0
#define LWIP_HAVE_LOOPIF 1 /* 127.0.0.1 and ::1 */
#define LWIP_NETIF_LOOPBACK 1
#define LWIP_NETIF_STATUS_CALLBACK 1
#define LWIP_NETIF_LINK_CALLBACK 1
#define LWIP_NETIF_HOSTNAME 1
/* Checksums: every interface says which ones its device computes (transmit) and
   verifies (receive); lwIP does the rest. Off: lwIP computes and checks them all. */
#ifdef CONFIG_NET_LWIP_CHECKSUM_OFFLOAD
#define LWIP_CHECKSUM_CTRL_PER_NETIF 1
#endif
/* TCP sums the data while copying it from the application. */
#define LWIP_CHECKSUM_ON_COPY 1

/* --- Statistics: debug builds count (and can print) everything. --- */
#ifdef CONFIG_DEBUG
#define LWIP_STATS 1
#define LWIP_STATS_DISPLAY 1
#define MIB2_STATS 1       /* TCP retransmissions, among others */
#define LWIP_STATS_LARGE 1 /* 32-bit counters: a benchmark overflows 16 bits */
#else
#define LWIP_STATS 0
#endif

/* Our hooks into lwIP (libs/lwip/port/hooks): a SYN reopening a TIME-WAIT connection. */
#define LWIP_HOOK_FILENAME "cairn_lwip_hooks.h"

#endif
