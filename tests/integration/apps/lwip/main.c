// The lwIP test image: the first argument names what to test (../../net.cmake boots
// it once per subcommand). The stack is already running when main starts.
#include <string.h>

#include "lwip/netif.h"
#include "lwip/stats.h"
#include "lwip/tcpip.h"
#include "lwip_test.h"

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
// The pools that only hold transient state, at most 2 s after the test (closing
// handshakes still in flight), and none in use: nothing leaked. Timers stay, and so do
// TCP connections in TIME-WAIT.
static int pools_in_use(int report) {
  int busy = 0;
  for (int p = 0; p < MEMP_MAX; ++p) {
    const struct stats_mem* pool = lwip_stats.memp[p];
    if (pool->used == 0 || strcmp(pool->name, "SYS_TIMEOUT") == 0 ||
        strcmp(pool->name, "TCP_PCB") == 0)
      continue;
    if (report) printf("leak: %s used=%u\n", pool->name, (unsigned)pool->used);
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

static const struct {
  const char* name;
  int (*run)(void);
} kTests[] = {
    {"loopif", test_loopif}, {"tcp-echo", test_tcp_echo},       {"udp", test_udp},
    {"udp6", test_udp6},     {"udp-timeout", test_udp_timeout},
};

int main(int argc, char** argv) {
  if (argc < 2) {
    printf("usage: lwip <test>\n");
    return 2;
  }
  for (size_t i = 0; i < sizeof kTests / sizeof kTests[0]; ++i) {
    if (strcmp(argv[1], kTests[i].name) != 0) continue;
    int status = kTests[i].run();
    if (status == 0 && thread_failures != 0) status = 1;
#if LWIP_STATS
    if (status == 0) status = check_pools(argv[1]);
#endif
    return status;
  }
  printf("unknown test: %s\n", argv[1]);
  return 2;
}
