#include "netdb_core.h"

#include <netdb.h>
#include <netinet/in.h>
#include <strings.h>
#include <sys/socket.h>
#include <cstdlib>
#include <cstring>

#include "inet_text.h"

namespace cairn::sockets {
namespace {

// What /etc/services would say for the names programs commonly pass.
struct Service {
  const char* name;
  int port;
  bool datagram_only;
};
constexpr Service kServices[] = {
    {"echo", 7, false},        {"discard", 9, false},       {"daytime", 13, false},
    {"ftp-data", 20, false},   {"ftp", 21, false},          {"ssh", 22, false},
    {"telnet", 23, false},     {"smtp", 25, false},         {"time", 37, false},
    {"domain", 53, false},     {"bootps", 67, true},        {"bootpc", 68, true},
    {"tftp", 69, true},        {"gopher", 70, false},       {"finger", 79, false},
    {"http", 80, false},       {"www", 80, false},          {"pop3", 110, false},
    {"sunrpc", 111, false},    {"ntp", 123, false},         {"imap", 143, false},
    {"imap2", 143, false},     {"snmp", 161, true},         {"ldap", 389, false},
    {"https", 443, false},     {"syslog", 514, true},       {"submission", 587, false},
    {"ldaps", 636, false},     {"imaps", 993, false},       {"pop3s", 995, false},
    {"mysql", 3306, false},    {"postgresql", 5432, false}, {"redis", 6379, false},
    {"http-alt", 8080, false}, {"memcache", 11211, false},
};

constexpr int kFlags = AI_PASSIVE | AI_CANONNAME | AI_NUMERICHOST | AI_V4MAPPED | AI_ALL |
                       AI_ADDRCONFIG | AI_NUMERICSERV;

bool is_localhost(const char* node) {
  return strcasecmp(node, "localhost") == 0 || strcasecmp(node, "localhost.") == 0 ||
         strcasecmp(node, "localhost.localdomain") == 0;
}

Endpoint loopback(int family) {
  Endpoint e;
  e.family = family;
  if (family == AF_INET) {
    e.address[0] = 127;
    e.address[3] = 1;
  } else {
    e.address[15] = 1;
  }
  return e;
}

// A numeric IPv6 host may carry a numeric zone: fe80::1%2.
bool parse_numeric6(const char* node, Endpoint* out) {
  char text[64];
  const char* percent = std::strchr(node, '%');
  std::size_t length = percent ? static_cast<std::size_t>(percent - node) : std::strlen(node);
  if (length >= sizeof text) return false;
  std::memcpy(text, node, length);
  text[length] = '\0';
  if (!parse_ipv6(text, out->address)) return false;
  out->family = AF_INET6;
  if (percent) {
    char* end;
    unsigned long zone = std::strtoul(percent + 1, &end, 10);
    if (percent[1] == '\0' || *end != '\0') return false;
    out->scope = static_cast<std::uint32_t>(zone);
  }
  return true;
}

// One entry: the addrinfo, its sockaddr and the canonical name in one allocation, so
// free_addrinfo frees each entry with one call.
struct addrinfo* make_entry(const Endpoint& e, int socktype, int flags, const char* canonical) {
  std::size_t canonical_length = canonical ? std::strlen(canonical) + 1 : 0;
  std::size_t size = sizeof(struct addrinfo) + sizeof(struct sockaddr_in6) + canonical_length;
  auto* entry = static_cast<struct addrinfo*>(std::calloc(1, size));
  if (!entry) return nullptr;
  auto* address = reinterpret_cast<struct sockaddr*>(entry + 1);
  std::uint32_t length = sizeof(struct sockaddr_in6);
  endpoint_to_sockaddr(e, e.family, address, &length);
  entry->ai_flags = flags;
  entry->ai_family = e.family;
  entry->ai_socktype = socktype;
  entry->ai_protocol = socktype == SOCK_STREAM ? IPPROTO_TCP : IPPROTO_UDP;
  entry->ai_addrlen = length;
  entry->ai_addr = address;
  if (canonical) {
    entry->ai_canonname = reinterpret_cast<char*>(entry + 1) + sizeof(struct sockaddr_in6);
    std::memcpy(entry->ai_canonname, canonical, canonical_length);
  }
  return entry;
}

}  // namespace

int service_port(const char* service, bool numeric_only) {
  if (!service || !*service) return -1;
  char* end;
  long port = std::strtol(service, &end, 10);
  if (*end == '\0') return port >= 0 && port <= 65535 ? static_cast<int>(port) : -1;
  if (numeric_only) return -1;
  for (const Service& s : kServices)
    if (std::strcmp(s.name, service) == 0) return s.port;
  return -1;
}

const char* service_name(int port, bool datagram) {
  for (const Service& s : kServices)
    if (s.port == port && (datagram || !s.datagram_only)) return s.name;
  return nullptr;
}

void free_addrinfo(struct addrinfo* list) {
  while (list) {
    struct addrinfo* next = list->ai_next;
    std::free(list);
    list = next;
  }
}

int get_addrinfo(const char* node, const char* service, const struct addrinfo* hints,
                 struct addrinfo** result, Resolver resolver, bool ipv6) {
  if (!result) return EAI_SYSTEM;
  *result = nullptr;
  int flags = hints ? hints->ai_flags : 0;
  int family = hints ? hints->ai_family : AF_UNSPEC;
  int socktype = hints ? hints->ai_socktype : 0;
  int protocol = hints ? hints->ai_protocol : 0;
  if (flags & ~kFlags) return EAI_BADFLAGS;
  if ((flags & AI_CANONNAME) && !node) return EAI_BADFLAGS;
  if (family != AF_UNSPEC && family != AF_INET && family != AF_INET6) return EAI_FAMILY;
  if (family == AF_INET6 && !ipv6) return EAI_FAMILY;
  if (socktype != 0 && socktype != SOCK_STREAM && socktype != SOCK_DGRAM) return EAI_SOCKTYPE;
  if (protocol == IPPROTO_TCP && socktype == 0) socktype = SOCK_STREAM;
  if (protocol == IPPROTO_UDP && socktype == 0) socktype = SOCK_DGRAM;
  if ((protocol == IPPROTO_TCP && socktype != SOCK_STREAM) ||
      (protocol == IPPROTO_UDP && socktype != SOCK_DGRAM) ||
      (protocol != 0 && protocol != IPPROTO_TCP && protocol != IPPROTO_UDP))
    return EAI_SOCKTYPE;
  if (!node && !service) return EAI_NONAME;

  int port = 0;
  if (service) {
    port = service_port(service, flags & AI_NUMERICSERV);
    if (port < 0) return (flags & AI_NUMERICSERV) ? EAI_NONAME : EAI_SERVICE;
  }

  constexpr int kMax = 8;
  Endpoint addresses[kMax];
  int count = 0;
  bool want4 = family != AF_INET6, want6 = family != AF_INET && ipv6;
  if (!node) {
    // No host: the wildcard for a server (AI_PASSIVE), else loopback. IPv4 first.
    if (want4) addresses[count++] = (flags & AI_PASSIVE) ? Endpoint{AF_INET} : loopback(AF_INET);
    if (want6) addresses[count++] = (flags & AI_PASSIVE) ? Endpoint{AF_INET6} : loopback(AF_INET6);
  } else {
    Endpoint numeric;
    std::uint32_t host;
    if (parse_ipv4_bsd(node, &host)) {
      numeric.family = AF_INET;
      std::uint32_t net = __builtin_bswap32(host);
      std::memcpy(numeric.address, &net, 4);
      if (want4) {
        addresses[count++] = numeric;
      } else if (flags & AI_V4MAPPED) {
        Endpoint mapped{AF_INET6};
        mapped.address[10] = mapped.address[11] = 0xff;
        std::memcpy(mapped.address + 12, &net, 4);
        addresses[count++] = mapped;
      } else {
        return EAI_ADDRFAMILY;
      }
    } else if (parse_numeric6(node, &numeric)) {
      if (!want6) return EAI_ADDRFAMILY;
      addresses[count++] = numeric;
    } else if (flags & AI_NUMERICHOST) {
      return EAI_NONAME;
    } else if (is_localhost(node)) {
      if (want4) addresses[count++] = loopback(AF_INET);
      if (want6) addresses[count++] = loopback(AF_INET6);
    } else {
      if (!resolver) return EAI_NONAME;
      int found = resolver(node,
                           want4 && want6 ? AF_UNSPEC
                           : want4        ? AF_INET
                                          : AF_INET6,
                           addresses, kMax);
      if (found < 0) return found;
      if (found == 0) return EAI_NONAME;
      count = found;
    }
  }

  struct addrinfo* head = nullptr;
  struct addrinfo** tail = &head;
  const char* canonical = (flags & AI_CANONNAME) ? node : nullptr;
  for (int i = 0; i < count; ++i) {
    addresses[i].port = static_cast<std::uint16_t>(port);
    for (int type : {SOCK_STREAM, SOCK_DGRAM}) {
      if (socktype != 0 && socktype != type) continue;
      struct addrinfo* entry = make_entry(addresses[i], type, flags, canonical);
      if (!entry) {
        free_addrinfo(head);
        return EAI_MEMORY;
      }
      canonical = nullptr;  // only the first entry carries it
      *tail = entry;
      tail = &entry->ai_next;
    }
  }
  *result = head;
  return 0;
}

}  // namespace cairn::sockets
