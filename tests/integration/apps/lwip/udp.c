// UDP over the loopback interface with lwIP's netconn API: datagrams of many sizes
// echoed by a server thread (IPv4 and IPv6), and a receive that times out.
#include <pthread.h>
#include <stdint.h>
#include <string.h>
#include <time.h>

#include "lwip_test.h"

enum { kServerPort = 7778, kDatagrams = 100 };

// Up to a 64 KiB datagram: the loopback interface has no MTU, so nothing fragments.
static u16_t datagram_length(int i) {
  static const u16_t kLarge[] = {1472, 1473, 8000, 65000};
  return i < 4 ? kLarge[i] : (u16_t)(1 + (i * 211) % 1400);
}

// Returns every datagram to its sender, `count` times.
struct server {
  struct netconn* conn;
  int count;
};

static void* serve(void* arg) {
  struct server* server = arg;
  for (int i = 0; i < server->count; ++i) {
    struct netbuf* buf;
    err_t err = netconn_recv(server->conn, &buf);
    THREAD_CHECK(err == ERR_OK);
    if (err != ERR_OK) return NULL;
    THREAD_CHECK(netconn_sendto(server->conn, buf, netbuf_fromaddr(buf), netbuf_fromport(buf)) ==
                 ERR_OK);
    netbuf_delete(buf);
  }
  return NULL;
}

// Sends `count` datagrams to `server_address` and checks each echo.
static int exchange(enum netconn_type type, const ip_addr_t* server_address, int count,
                    size_t* bytes) {
  struct server server = {netconn_new(type), count};
  CHECK(server.conn != NULL);
  CHECK_ERR(netconn_bind(server.conn, server_address, kServerPort));
  pthread_t thread;
  CHECK(pthread_create(&thread, NULL, serve, &server) == 0);

  struct netconn* client = netconn_new(type);
  CHECK(client != NULL);
  // Any address of the server's family, an ephemeral port.
#if LWIP_IPV6
  const ip_addr_t* any = IP_IS_V6(server_address) ? IP6_ADDR_ANY : IP4_ADDR_ANY;
#else
  const ip_addr_t* any = IP4_ADDR_ANY;
#endif
  CHECK_ERR(netconn_bind(client, any, 0));
  netconn_set_recvtimeout(client, 5000);
  static uint8_t pattern[65535], echo[65535];
  for (int i = 0; i < count; ++i) {
    u16_t length = datagram_length(i);
    for (u16_t k = 0; k < length; ++k) pattern[k] = (uint8_t)(k * 3 + i);
    struct netbuf* out = netbuf_new();
    CHECK(out != NULL);
    CHECK_ERR(netbuf_ref(out, pattern, length));
    CHECK_ERR(netconn_sendto(client, out, server_address, kServerPort));
    netbuf_delete(out);

    struct netbuf* in;
    CHECK_ERR(netconn_recv(client, &in));
    CHECK(netbuf_len(in) == length);
    CHECK(netbuf_fromport(in) == kServerPort);
    CHECK(netbuf_copy(in, echo, length) == length);
    netbuf_delete(in);
    CHECK(memcmp(pattern, echo, length) == 0);
    *bytes += length;
  }
  pthread_join(thread, NULL);
  netconn_delete(client);
  netconn_delete(server.conn);
  CHECK(thread_failures == 0);
  return 0;
}

int test_udp(void) {
  ip_addr_t loopback;
  IP_ADDR4(&loopback, 127, 0, 0, 1);
  size_t bytes = 0;
  if (exchange(NETCONN_UDP, &loopback, kDatagrams, &bytes) != 0) return 1;
  printf("udp: %d datagrams, %zu bytes echoed intact\n", kDatagrams, bytes);
  return 0;
}

int test_udp6(void) {
#if LWIP_IPV6
  ip_addr_t loopback;
  CHECK(ipaddr_aton("::1", &loopback));
  size_t bytes = 0;
  if (exchange(NETCONN_UDP_IPV6, &loopback, kDatagrams, &bytes) != 0) return 1;
  printf("udp6: %d datagrams, %zu bytes echoed intact\n", kDatagrams, bytes);
  return 0;
#else
  printf("udp6: IPv6 is off\n");
  return 1;
#endif
}

static uint64_t now_ms(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

// A receive with nothing to receive ends after its timeout: the mailbox's timed wait.
int test_udp_timeout(void) {
  struct netconn* conn = netconn_new(NETCONN_UDP);
  CHECK(conn != NULL);
  CHECK_ERR(netconn_bind(conn, NULL, 0));
  netconn_set_recvtimeout(conn, 200);
  struct netbuf* buf;
  uint64_t start = now_ms();
  err_t err = netconn_recv(conn, &buf);
  uint64_t waited = now_ms() - start;
  netconn_delete(conn);
  CHECK(err == ERR_TIMEOUT);
  CHECK(waited >= 200 && waited < 2000);
  printf("udp-timeout: ERR_TIMEOUT after %s\n", waited < 400 ? "200-400 ms" : "too long");
  return 0;
}
