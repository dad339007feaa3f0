#include "socket_registry.h"

#include <cstddef>
#include <cstdint>

#include <cairn/kernel/panic.h>
#include <cairn/sched/sync.h>

#include "lwip/memp.h"
#include "socket.h"

namespace cairn::sockets {
namespace {

// At least twice the netconn pool, a power of two: probes stay short.
constexpr std::size_t table_size() {
  std::size_t n = 16;
  while (n < 2 * MEMP_NUM_NETCONN) n *= 2;
  return n;
}
constexpr std::size_t kSize = table_size();

struct Slot {
  struct netconn* conn;
  Socket* socket;
};
constinit Slot slots[kSize] = {};

std::size_t home(const struct netconn* conn) {
  auto key = reinterpret_cast<std::uintptr_t>(conn);
  return static_cast<std::size_t>((key >> 4) * 0x9E3779B97F4A7C15ull >> 40) & (kSize - 1);
}

// With the scheduler lock held.
std::size_t find(const struct netconn* conn) {
  for (std::size_t i = home(conn), n = 0; n < kSize; i = (i + 1) & (kSize - 1), ++n) {
    if (slots[i].conn == conn || slots[i].conn == nullptr) return i;
  }
  return kSize;
}

}  // namespace

void register_socket(struct netconn* conn, Socket* socket) {
  sched::SchedLock lock;
  std::size_t i = find(conn);
  if (i == kSize) panic("sockets: registry full");
  slots[i] = {conn, socket};
}

void unregister_socket(struct netconn* conn) {
  sched::SchedLock lock;
  std::size_t i = find(conn);
  if (i == kSize || slots[i].conn != conn) return;
  slots[i] = {nullptr, nullptr};
  // Backward-shift deletion: later entries of the same probe run move up, so a
  // lookup never stops early at the hole.
  for (std::size_t j = (i + 1) & (kSize - 1); slots[j].conn; j = (j + 1) & (kSize - 1)) {
    std::size_t h = home(slots[j].conn);
    bool movable = i <= j ? (h <= i || h > j) : (h <= i && h > j);
    if (movable) {
      slots[i] = slots[j];
      slots[j] = {nullptr, nullptr};
      i = j;
    }
  }
}

void netconn_event(struct netconn* conn, enum netconn_evt event, u16_t) {
  // Fewer bytes or less room never makes anyone runnable.
  if (event == NETCONN_EVT_RCVMINUS || event == NETCONN_EVT_SENDMINUS) return;
  sched::SchedLock lock;
  std::size_t i = find(conn);
  if (i == kSize || slots[i].conn != conn) return;  // not (yet) a socket: nobody waits
  slots[i].socket->on_event(event);
}

}  // namespace cairn::sockets
