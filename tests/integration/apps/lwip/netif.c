// Tests over a network card (QEMU user networking): the interfaces' addresses before
// main, ICMP echo to slirp's gateway, UDP and TCP echo servers that the host reaches
// through hostfwd (net_test.py drives them), DNS, IPv6 SLAAC. Traffic only ever goes
// to QEMU's slirp addresses, which answer locally or forward to the host's 127.0.0.1.
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cairn/lwip/interfaces.h"
#include "lwip/dns.h"
#include "lwip/icmp.h"
#include "lwip/inet_chksum.h"
#include "lwip/ip4.h"
#include "lwip/netif.h"
#include "lwip/prot/ip4.h"
#include "lwip/raw.h"
#include "lwip/tcpip.h"
#include "lwip_test.h"

static uint64_t now_ms(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

static int prefix_of(const ip4_addr_t* netmask) {
  uint32_t m = lwip_ntohl(ip4_addr_get_u32(netmask));
  int n = 0;
  while (n < 32 && (m & (0x80000000u >> n))) ++n;
  return n;
}

// Every card's interface as lwIP has it when main starts: no waiting here.
int test_addr(int argc, char** argv) {
  (void)argc, (void)argv;
  char name[8];
  int found = 0;
  for (int i = 0; i < 8; ++i) {
    snprintf(name, sizeof name, "eth%d", i);
    LOCK_TCPIP_CORE();
    struct netif* netif = cairn_lwip_find_netif(name);
    char line[200] = "";
    if (netif != NULL) {
      char address[16], gateway[16];
      ip4addr_ntoa_r(netif_ip4_addr(netif), address, sizeof address);
      ip4addr_ntoa_r(netif_ip4_gw(netif), gateway, sizeof gateway);
      snprintf(line, sizeof line, "addr: %s %s/%d gw %s mtu %u %s%s", name, address,
               prefix_of(netif_ip4_netmask(netif)), gateway, netif->mtu,
               netif_is_link_up(netif) ? "link up" : "link down",
               netif == netif_default ? " default" : "");
    }
#if LWIP_DNS
    char dns[40] = "";
    if (i == 0) {
      const ip_addr_t* server = dns_getserver(0);
      if (!ip_addr_isany(server)) snprintf(dns, sizeof dns, "addr: dns %s", ipaddr_ntoa(server));
    }
#endif
    UNLOCK_TCPIP_CORE();
    if (line[0] == '\0') continue;
    ++found;
    printf("%s\n", line);
#if LWIP_DNS
    if (dns[0] != '\0') printf("%s\n", dns);
#endif
  }
  CHECK(found > 0);
  return 0;
}

// --- ping: ICMP echo over a raw pcb ---

struct echo_wait {
  sys_sem_t replied;
  u16_t id, seq;
};

static u8_t on_icmp(void* arg, struct raw_pcb* pcb, struct pbuf* p, const ip_addr_t* addr) {
  (void)pcb, (void)addr;
  struct echo_wait* wait = arg;
  struct icmp_echo_hdr echo;
  u16_t header = IP_HLEN;  // lwIP hands raw pcbs the IP header too
  if (p->tot_len >= header + sizeof echo &&
      pbuf_copy_partial(p, &echo, sizeof echo, header) == sizeof echo && echo.type == ICMP_ER &&
      echo.id == wait->id && echo.seqno == lwip_htons(wait->seq)) {
    pbuf_free(p);
    sys_sem_signal(&wait->replied);
    return 1;
  }
  return 0;  // not ours: lwIP goes on with it
}

static int ping(const char* target) {
  ip_addr_t address;
  CHECK(ipaddr_aton(target, &address) && IP_IS_V4(&address));
  struct echo_wait wait = {NULL, 0xCA1, 0};
  CHECK_ERR(sys_sem_new(&wait.replied, 0));
  LOCK_TCPIP_CORE();
  struct raw_pcb* pcb = raw_new(IP_PROTO_ICMP);
  struct netif* route = ip4_route(ip_2_ip4(&address));
  const char* via = route ? cairn_lwip_netif_name(route) : NULL;
  char from[16] = "";
  if (route) ip4addr_ntoa_r(netif_ip4_addr(route), from, sizeof from);
  if (pcb) raw_recv(pcb, on_icmp, &wait);
  UNLOCK_TCPIP_CORE();
  CHECK(pcb != NULL && via != NULL);
  int replies = 0;
  uint64_t start = now_ms();
  for (u16_t seq = 1; seq <= 3; ++seq) {
    struct pbuf* p = pbuf_alloc(PBUF_IP, sizeof(struct icmp_echo_hdr) + 56, PBUF_RAM);
    CHECK(p != NULL);
    struct icmp_echo_hdr* echo = p->payload;
    echo->type = ICMP_ECHO;
    echo->code = 0;
    echo->chksum = 0;
    echo->id = wait.id;
    echo->seqno = lwip_htons(seq);
    memset(echo + 1, 'a' + seq, 56);
    echo->chksum = inet_chksum(p->payload, p->len);
    LOCK_TCPIP_CORE();
    wait.seq = seq;
    err_t err = raw_sendto(pcb, p, &address);
    UNLOCK_TCPIP_CORE();
    pbuf_free(p);
    CHECK_ERR(err);
    if (sys_arch_sem_wait(&wait.replied, 2000) != SYS_ARCH_TIMEOUT) ++replies;
  }
  LOCK_TCPIP_CORE();
  raw_remove(pcb);
  UNLOCK_TCPIP_CORE();
  sys_sem_free(&wait.replied);
  CHECK(replies == 3);
  printf("ping: %s via %s %s: %d replies in %u ms\n", target, via, from, replies,
         (unsigned)(now_ms() - start));
  return 0;
}

int test_ping(int argc, char** argv) {
  CHECK(argc > 2);
  for (int i = 2; i < argc; ++i)
    if (ping(argv[i]) != 0) return 1;
  return 0;
}

// --- Echo servers for the host (net_test.py) ---

// udp-server PORT: echoes every datagram until one says "quit".
int test_udp_server(int argc, char** argv) {
  CHECK(argc == 3);
  struct netconn* conn = netconn_new(NETCONN_UDP);
  CHECK(conn != NULL);
  CHECK_ERR(netconn_bind(conn, IP4_ADDR_ANY, (u16_t)atoi(argv[2])));
  printf("udp-server: listening on port %s\n", argv[2]);
  int count = 0;
  size_t bytes = 0;
  for (;;) {
    struct netbuf* buf;
    CHECK_ERR(netconn_recv(conn, &buf));
    char head[5] = "";
    netbuf_copy(buf, head, 4);
    int quit = netbuf_len(buf) == 4 && memcmp(head, "quit", 4) == 0;
    bytes += netbuf_len(buf);
    err_t err = netconn_sendto(conn, buf, netbuf_fromaddr(buf), netbuf_fromport(buf));
    netbuf_delete(buf);
    CHECK_ERR(err);
    ++count;
    if (quit) break;
  }
  netconn_delete(conn);
  printf("udp-server: %d datagrams, %zu bytes echoed\n", count, bytes);
  return 0;
}

// tcp-server PORT N: echoes N connections, one after the other, until each closes.
int test_tcp_server(int argc, char** argv) {
  CHECK(argc == 4);
  struct netconn* listener = netconn_new(NETCONN_TCP);
  CHECK(listener != NULL);
  CHECK_ERR(netconn_bind(listener, IP4_ADDR_ANY, (u16_t)atoi(argv[2])));
  CHECK_ERR(netconn_listen(listener));
  printf("tcp-server: listening on port %s\n", argv[2]);
  int connections = atoi(argv[3]);
  size_t bytes = 0;
  for (int i = 0; i < connections; ++i) {
    struct netconn* conn;
    CHECK_ERR(netconn_accept(listener, &conn));
    struct netbuf* buf;
    err_t err;
    while ((err = netconn_recv(conn, &buf)) == ERR_OK) {
      do {
        void* data;
        u16_t length;
        netbuf_data(buf, &data, &length);
        CHECK_ERR(netconn_write(conn, data, length, NETCONN_COPY));
        bytes += length;
      } while (netbuf_next(buf) >= 0);
      netbuf_delete(buf);
    }
    CHECK(err == ERR_CLSD);
    netconn_close(conn);
    netconn_delete(conn);
  }
  netconn_delete(listener);
  printf("tcp-server: %d connections, %zu bytes echoed\n", connections, bytes);
  return 0;
}

// dns NAME: a lookup through lwIP's resolver (the servers from DHCP or net.dns).
int test_dns(int argc, char** argv) {
  CHECK(argc == 3);
  ip_addr_t address;
  uint64_t start = now_ms();
  CHECK_ERR(netconn_gethostbyname(argv[2], &address));
  printf("dns: %s is %s (%u ms)\n", argv[2], ipaddr_ntoa(&address), (unsigned)(now_ms() - start));
  return 0;
}

// slaac: eth0 has its link-local address, and a global one from slirp's router
// advertisement within 10 s.
int test_slaac(int argc, char** argv) {
  (void)argc, (void)argv;
#if LWIP_IPV6
  char local[48] = "", global[48] = "";
  for (int tries = 0; tries < 1000 && global[0] == '\0'; ++tries) {
    LOCK_TCPIP_CORE();
    struct netif* netif = cairn_lwip_find_netif("eth0");
    for (int i = 0; netif != NULL && i < LWIP_IPV6_NUM_ADDRESSES; ++i) {
      if (!ip6_addr_ispreferred(netif_ip6_addr_state(netif, i))) continue;
      const ip6_addr_t* a = netif_ip6_addr(netif, i);
      ip6addr_ntoa_r(a, ip6_addr_islinklocal(a) ? local : global, sizeof local);
    }
    UNLOCK_TCPIP_CORE();
    if (global[0] == '\0') sys_msleep(10);
  }
  CHECK(local[0] != '\0' && global[0] != '\0');
  printf("slaac: eth0 %s %s\n", local, global);
  return 0;
#else
  printf("slaac: IPv6 is off\n");
  return 1;
#endif
}
