// TCP over the loopback interface with lwIP's netconn API: an echo server thread
// serving several client threads at once, each checking its echoes byte for byte.
#include <pthread.h>
#include <stdint.h>
#include <string.h>

#include "lwip_test.h"

enum {
  kPort = 7777,
  kClients = 4,
  kRoundTrips = 100,
  kMaxMessage = 4000,
};

// Message i of client c: its length and bytes follow from (c, i), so the receiver
// knows what to expect without a second copy.
static size_t message_length(int client, int i) {
  return 1 + (size_t)(i * 97 + client * 31) % kMaxMessage;
}
static uint8_t message_byte(int client, int i, size_t offset) {
  return (uint8_t)(offset * 7 + (size_t)i * 13 + (size_t)client);
}

// Echoes everything received on one connection until the client closes it.
static void* serve_connection(void* arg) {
  struct netconn* conn = arg;
  struct netbuf* buf;
  err_t err;
  while ((err = netconn_recv(conn, &buf)) == ERR_OK) {
    do {
      void* data;
      u16_t length;
      netbuf_data(buf, &data, &length);
      THREAD_CHECK(netconn_write(conn, data, length, NETCONN_COPY) == ERR_OK);
    } while (netbuf_next(buf) >= 0);
    netbuf_delete(buf);
  }
  THREAD_CHECK(err == ERR_CLSD);
  netconn_close(conn);
  netconn_delete(conn);
  return NULL;
}

// Accepts kClients connections, one echo thread each.
static void* serve(void* arg) {
  struct netconn* listener = arg;
  pthread_t handlers[kClients];
  for (int i = 0; i < kClients; ++i) {
    struct netconn* conn;
    THREAD_CHECK(netconn_accept(listener, &conn) == ERR_OK);
    THREAD_CHECK(pthread_create(&handlers[i], NULL, serve_connection, conn) == 0);
  }
  for (int i = 0; i < kClients; ++i) pthread_join(handlers[i], NULL);
  return NULL;
}

static size_t total_bytes;

// Sends message i and reads until all of its echo is back.
static int round_trip(struct netconn* conn, int client, int i) {
  uint8_t out[kMaxMessage];
  size_t length = message_length(client, i);
  for (size_t k = 0; k < length; ++k) out[k] = message_byte(client, i, k);
  if (netconn_write(conn, out, length, NETCONN_COPY) != ERR_OK) return 1;
  size_t received = 0;
  while (received < length) {
    struct netbuf* buf;
    if (netconn_recv(conn, &buf) != ERR_OK) return 1;
    do {
      void* data;
      u16_t n;
      netbuf_data(buf, &data, &n);
      for (u16_t k = 0; k < n; ++k)
        if (received + k >= length || ((uint8_t*)data)[k] != message_byte(client, i, received + k))
          return netbuf_delete(buf), 1;
      received += n;
    } while (netbuf_next(buf) >= 0);
    netbuf_delete(buf);
  }
  __atomic_add_fetch(&total_bytes, length, __ATOMIC_RELAXED);
  return 0;
}

static void* client(void* arg) {
  int id = (int)(intptr_t)arg;
  struct netconn* conn = netconn_new(NETCONN_TCP);
  THREAD_CHECK(conn != NULL);
  if (conn == NULL) return NULL;
  ip_addr_t server;
  IP_ADDR4(&server, 127, 0, 0, 1);
  THREAD_CHECK(netconn_connect(conn, &server, kPort) == ERR_OK);
  for (int i = 0; i < kRoundTrips; ++i) {
    if (round_trip(conn, id, i) != 0) {
      THREAD_CHECK(!"echo differs");
      break;
    }
  }
  netconn_close(conn);
  netconn_delete(conn);
  return NULL;
}

int test_tcp_echo(void) {
  struct netconn* listener = netconn_new(NETCONN_TCP);
  CHECK(listener != NULL);
  CHECK_ERR(netconn_bind(listener, IP4_ADDR_ANY, kPort));
  CHECK_ERR(netconn_listen(listener));
  pthread_t server, clients[kClients];
  CHECK(pthread_create(&server, NULL, serve, listener) == 0);
  for (int i = 0; i < kClients; ++i)
    CHECK(pthread_create(&clients[i], NULL, client, (void*)(intptr_t)i) == 0);
  for (int i = 0; i < kClients; ++i) pthread_join(clients[i], NULL);
  pthread_join(server, NULL);
  netconn_close(listener);
  netconn_delete(listener);
  CHECK(thread_failures == 0);
  printf("tcp-echo: %d clients x %d round trips, %zu bytes echoed intact\n", kClients, kRoundTrips,
         total_bytes);
  return 0;
}
