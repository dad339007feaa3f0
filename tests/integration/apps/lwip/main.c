// The lwIP test image: the first argument names what to test (../../net.cmake boots
// it once per subcommand). The stack is already running when main starts.
#include <string.h>

#include "lwip/netif.h"
#include "lwip/stats.h"
#include "lwip/tcpip.h"
#include "lwip_test.h"
#include "sock_test.h"

int thread_failures;

// The loopback interface is up with 127.0.0.1 (and ::1) before main.
int test_loopif(void) {
  char line[160] = "";
  LOCK_TCPIP_CORE();
  struct netif* netif;
  NETIF_FOREACH(netif) {
    if (netif->name[0] != 'l' || netif->name[1] != 'o') continue;
    snprintf(line, sizeof line, "loopif: %c%c%u %s %s", netif->name[0], netif->name[1], netif->num,
             ip4addr_ntoa(netif_ip4_addr(netif)), netif_is_up(netif) ? "up" : "down");
#if LWIP_IPV6
    strncat(line, " ", sizeof line - strlen(line) - 1);
    strncat(line, ip6addr_ntoa(netif_ip6_addr(netif, 0)), sizeof line - strlen(line) - 1);
#endif
  }
  UNLOCK_TCPIP_CORE();
  CHECK(line[0] != '\0');
  printf("%s\n", line);
  return 0;
}

#if LWIP_STATS
// What the pools held when main started (the interfaces' DHCP pcb, their multicast
// groups): a test must leave them as it found them.
static mem_size_t baseline[MEMP_MAX];

static void take_baseline(void) {
  for (int p = 0; p < MEMP_MAX; ++p) baseline[p] = lwip_stats.memp[p]->used;
}

// The pools that only hold transient state, at most 2 s after the test (closing
// handshakes still in flight), back at their baseline: nothing leaked. Timers stay, and
// so do TCP connections in TIME-WAIT; MLD groups are the interfaces' own, joined when
// their IPv6 addresses become valid.
static int pools_in_use(int report) {
  int busy = 0;
  for (int p = 0; p < MEMP_MAX; ++p) {
    const struct stats_mem* pool = lwip_stats.memp[p];
    if (pool->used == baseline[p] || strcmp(pool->name, "SYS_TIMEOUT") == 0 ||
        strcmp(pool->name, "TCP_PCB") == 0 || strcmp(pool->name, "MLD6_GROUP") == 0)
      continue;
    if (report)
      printf("leak: %s used=%u (%u when main started)\n", pool->name, (unsigned)pool->used,
             (unsigned)baseline[p]);
    ++busy;
  }
  return busy;
}

static int check_pools(const char* test) {
  for (int tries = 0; tries < 200 && pools_in_use(0) != 0; ++tries) sys_msleep(10);
  if (pools_in_use(1) != 0) return 1;
  printf("%s: no pool leaks\n", test);
  return 0;
}
#endif

// Subcommands that take arguments (netif.c): `lwip ping 10.0.2.2`.
static const struct {
  const char* name;
  int (*run)(int argc, char** argv);
} kNetTests[] = {
    {"addr", test_addr},
    {"ping", test_ping},
    {"udp-server", test_udp_server},
    {"tcp-server", test_tcp_server},
    {"dns", test_dns},
    {"slaac", test_slaac},
};

static const struct {
  const char* name;
  int (*run)(void);
} kTests[] = {
    {"loopif", test_loopif},
    {"tcp-echo", test_tcp_echo},
    {"udp", test_udp},
    {"udp6", test_udp6},
    {"udp-timeout", test_udp_timeout},
    // POSIX sockets, poll/select/epoll and netdb (sock_*.c).
    {"sock-tcp-echo", test_sock_tcp_echo},
    {"sock-epoll-many", test_sock_epoll_many},
    {"sock-udp", test_sock_udp},
    {"sock-poll", test_sock_poll},
    {"sock-epoll-modes", test_sock_epoll_modes},
    {"sock-nonblock", test_sock_nonblock},
    {"sock-options", test_sock_options},
    {"sock-netdb", test_sock_netdb},
};

int main(int argc, char** argv) {
  if (argc < 2) {
    printf("usage: lwip <test>\n");
    return 2;
  }
#if LWIP_STATS
  take_baseline();
#endif
  for (size_t i = 0; i < sizeof kTests / sizeof kTests[0] + sizeof kNetTests / sizeof kNetTests[0];
       ++i) {
    const size_t n = sizeof kTests / sizeof kTests[0];
    const char* name = i < n ? kTests[i].name : kNetTests[i - n].name;
    if (strcmp(argv[1], name) != 0) continue;
    int status = i < n ? kTests[i].run() : kNetTests[i - n].run(argc, argv);
    if (status == 0 && thread_failures != 0) status = 1;
#if LWIP_STATS
    if (status == 0) status = check_pools(argv[1]);
#endif
    return status;
  }
  printf("unknown test: %s\n", argv[1]);
  return 2;
}
