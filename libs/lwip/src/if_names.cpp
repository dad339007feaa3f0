// <net/if.h>: interface names and indices from lwIP's netif list ("lo0", "en0"...).
#include <errno.h>
#include <net/if.h>
#include <stdlib.h>
#include <string.h>

#include "lwip/netif.h"
#include "socket_lwip.h"

using namespace cairn::sockets;

extern "C" {

unsigned int if_nametoindex(const char* name) {
  CoreLock lock;
  struct netif* netif = netif_find(name);
  return netif ? netif_get_index(netif) : 0;
}

char* if_indextoname(unsigned int index, char* name) {
  if (index == 0 || index > 255) {
    errno = ENXIO;
    return nullptr;
  }
  CoreLock lock;
  if (!netif_index_to_name(static_cast<u8_t>(index), name)) {
    errno = ENXIO;
    return nullptr;
  }
  return name;
}

struct if_nameindex* if_nameindex(void) {
  CoreLock lock;
  std::size_t count = 0;
  struct netif* netif;
  NETIF_FOREACH(netif) { ++count; }
  // The array, its terminator, then the names, in one allocation (if_freenameindex).
  auto* list = static_cast<struct if_nameindex*>(
      calloc(1, (count + 1) * (sizeof(struct if_nameindex) + IF_NAMESIZE)));
  if (!list) {
    errno = ENOBUFS;
    return nullptr;
  }
  char* names = reinterpret_cast<char*>(list + count + 1);
  std::size_t i = 0;
  NETIF_FOREACH(netif) {
    list[i].if_index = netif_get_index(netif);
    list[i].if_name = names + i * IF_NAMESIZE;
    netif_index_to_name(netif_get_index(netif), list[i].if_name);
    ++i;
  }
  return list;
}

void if_freenameindex(struct if_nameindex* list) { free(list); }

}  // extern "C"
