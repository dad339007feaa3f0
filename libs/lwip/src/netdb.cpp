// <netdb.h> in the image: getaddrinfo and friends over netdb_core, with lwIP's DNS
// client (netconn_gethostbyname_addrtype: it asks the tcpip thread and waits on a
// semaphore) for names that are neither numeric nor "localhost". lwIP's resolver
// returns one address per name.
#include <arpa/inet.h>
#include <errno.h>
#include <netdb.h>
#include <stdio.h>
#include <string.h>

#include "inet_text.h"
#include "lwip/api.h"
#include "lwip/dns.h"
#include "netdb_core.h"
#include "socket_lwip.h"

using namespace cairn::sockets;

namespace {

thread_local int h_errno_value;

int dns_resolve(const char* name, int family, Endpoint* out, int max) {
  if (max < 1) return 0;
  if (strlen(name) > DNS_MAX_NAME_LENGTH) return EAI_NONAME;
#if LWIP_IPV6
  u8_t type = family == AF_INET    ? LWIP_DNS_ADDRTYPE_IPV4
              : family == AF_INET6 ? LWIP_DNS_ADDRTYPE_IPV6
                                   : LWIP_DNS_ADDRTYPE_IPV4_IPV6;
#else
  if (family == AF_INET6) return EAI_FAMILY;
  u8_t type = 0;
#endif
  ip_addr_t address;
  err_t err = netconn_gethostbyname_addrtype(name, &address, type);
  if (err == ERR_MEM) return EAI_MEMORY;
  if (err != ERR_OK) return EAI_NONAME;  // not found, or no server answered
  out[0] = from_ip_addr(address, 0);
  return 1;
}

// gethostbyname's static result (one per thread, like glibc's per-call buffer).
struct HostEntry {
  struct hostent entry;
  char name[256];
  char* aliases[1];
  char* addresses[2];
  unsigned char address[16];
};
thread_local HostEntry host_entry;

struct hostent* fill_host(const char* name, const Endpoint& e) {
  HostEntry& h = host_entry;
  snprintf(h.name, sizeof h.name, "%s", name);
  h.aliases[0] = nullptr;
  std::size_t length = e.family == AF_INET ? 4 : 16;
  memcpy(h.address, e.address, length);
  h.addresses[0] = reinterpret_cast<char*>(h.address);
  h.addresses[1] = nullptr;
  h.entry = {h.name, h.aliases, e.family, static_cast<int>(length), h.addresses};
  return &h.entry;
}

struct servent* fill_service(const char* name, int port, const char* protocol) {
  static thread_local struct servent entry;
  static thread_local char* no_aliases[1];
  static thread_local char name_copy[32];
  static thread_local char protocol_copy[8];
  snprintf(name_copy, sizeof name_copy, "%s", name);
  snprintf(protocol_copy, sizeof protocol_copy, "%s", protocol ? protocol : "tcp");
  entry = {name_copy, no_aliases, static_cast<int>(htons(static_cast<uint16_t>(port))),
           protocol_copy};
  return &entry;
}

}  // namespace

extern "C" {

int* __h_errno_location(void) { return &h_errno_value; }

int getaddrinfo(const char* node, const char* service, const struct addrinfo* hints,
                struct addrinfo** result) {
  return get_addrinfo(node, service, hints, result, dns_resolve, LWIP_IPV6 != 0);
}

void freeaddrinfo(struct addrinfo* list) { free_addrinfo(list); }

const char* gai_strerror(int code) {
  switch (code) {
    case 0:
      return "Success";
    case EAI_BADFLAGS:
      return "Bad value for ai_flags";
    case EAI_NONAME:
      return "Name or service not known";
    case EAI_AGAIN:
      return "Temporary failure in name resolution";
    case EAI_FAIL:
      return "Non-recoverable failure in name resolution";
    case EAI_NODATA:
      return "No address associated with hostname";
    case EAI_FAMILY:
      return "ai_family not supported";
    case EAI_SOCKTYPE:
      return "ai_socktype not supported";
    case EAI_SERVICE:
      return "Servname not supported for ai_socktype";
    case EAI_ADDRFAMILY:
      return "Address family for hostname not supported";
    case EAI_MEMORY:
      return "Memory allocation failure";
    case EAI_SYSTEM:
      return "System error";
    case EAI_OVERFLOW:
      return "Argument buffer overflow";
    default:
      return "Unknown error";
  }
}

// Numeric only: there is no reverse DNS (NI_NAMEREQD fails) and no hosts file.
int getnameinfo(const struct sockaddr* address, socklen_t address_length, char* host,
                socklen_t host_length, char* service, socklen_t service_length, int flags) {
  if (!address) return EAI_FAMILY;
  auto endpoint = endpoint_from_sockaddr(address, address_length, AF_INET6);
  if (!endpoint) return EAI_FAMILY;
  const Endpoint& e = endpoint.value();
  if (host && host_length) {
    if (flags & NI_NAMEREQD) return EAI_NONAME;
    char text[INET6_ADDRSTRLEN + 12];
    if (e.family == AF_INET)
      format_ipv4(e.address, text, sizeof text);
    else
      format_ipv6(e.address, text, sizeof text);
    if (e.family == AF_INET6 && e.scope) {
      std::size_t at = strlen(text);
      snprintf(text + at, sizeof text - at, "%%%u", static_cast<unsigned>(e.scope));
    }
    if (strlen(text) + 1 > host_length) return EAI_OVERFLOW;
    strcpy(host, text);
  }
  if (service && service_length) {
    const char* name = (flags & NI_NUMERICSERV) ? nullptr : service_name(e.port, flags & NI_DGRAM);
    char text[8];
    if (!name) {
      snprintf(text, sizeof text, "%u", e.port);
      name = text;
    }
    if (strlen(name) + 1 > service_length) return EAI_OVERFLOW;
    strcpy(service, name);
  }
  return 0;
}

struct hostent* gethostbyname2(const char* name, int family) {
  if (!name || (family != AF_INET && family != AF_INET6)) {
    h_errno_value = HOST_NOT_FOUND;
    return nullptr;
  }
  struct addrinfo hints = {};
  hints.ai_family = family;
  hints.ai_socktype = SOCK_STREAM;
  struct addrinfo* list = nullptr;
  int error = getaddrinfo(name, nullptr, &hints, &list);
  if (error != 0) {
    h_errno_value = error == EAI_AGAIN ? TRY_AGAIN : HOST_NOT_FOUND;
    return nullptr;
  }
  auto e = endpoint_from_sockaddr(list->ai_addr, list->ai_addrlen, AF_INET6);
  freeaddrinfo(list);
  return fill_host(name, e.value());
}

struct hostent* gethostbyname(const char* name) {
  return gethostbyname2(name, AF_INET);
}

int gethostbyname_r(const char* name, struct hostent* result, char* buffer, size_t length,
                    struct hostent** out, int* error) {
  *out = nullptr;
  struct hostent* found = gethostbyname(name);
  if (!found) {
    *error = h_errno_value;
    return ENOENT;
  }
  // name, then the address, then the two pointer arrays, in the caller's buffer.
  std::size_t name_length = strlen(found->h_name) + 1;
  std::size_t need = name_length + 16 + 4 * sizeof(char*) + alignof(char*);
  if (length < need) return ERANGE;
  char* at = buffer;
  memcpy(at, found->h_name, name_length);
  at += name_length;
  char* address = at;
  memcpy(address, found->h_addr_list[0], static_cast<std::size_t>(found->h_length));
  at += 16;
  at += (alignof(char*) - reinterpret_cast<std::uintptr_t>(at) % alignof(char*)) % alignof(char*);
  char** pointers = reinterpret_cast<char**>(at);
  pointers[0] = nullptr;  // aliases
  pointers[1] = address;
  pointers[2] = nullptr;
  *result = {buffer, pointers, found->h_addrtype, found->h_length, pointers + 1};
  *out = result;
  return 0;
}

struct hostent* gethostbyaddr(const void* address, socklen_t length, int family) {
  Endpoint e;
  e.family = family;
  if (!address || (family == AF_INET && length < 4) || (family == AF_INET6 && length < 16) ||
      (family != AF_INET && family != AF_INET6)) {
    h_errno_value = HOST_NOT_FOUND;
    return nullptr;
  }
  memcpy(e.address, address, family == AF_INET ? 4 : 16);
  char text[INET6_ADDRSTRLEN];
  inet_ntop(family, address, text, sizeof text);
  return fill_host(text, e);
}

const char* hstrerror(int code) {
  switch (code) {
    case HOST_NOT_FOUND:
      return "Unknown host";
    case TRY_AGAIN:
      return "Host name lookup failure";
    case NO_RECOVERY:
      return "Unknown server error";
    case NO_DATA:
      return "No address associated with name";
    default:
      return "Unknown resolver error";
  }
}

void herror(const char* prefix) {
  if (prefix && *prefix)
    fprintf(stderr, "%s: %s\n", prefix, hstrerror(h_errno_value));
  else
    fprintf(stderr, "%s\n", hstrerror(h_errno_value));
}

struct servent* getservbyname(const char* name, const char* protocol) {
  int port = service_port(name, false);
  if (port < 0 || (name[0] >= '0' && name[0] <= '9')) return nullptr;
  return fill_service(name, port, protocol);
}

struct servent* getservbyport(int port, const char* protocol) {
  int host_port = ntohs(static_cast<uint16_t>(port));
  const char* name = service_name(host_port, protocol && strcmp(protocol, "udp") == 0);
  return name ? fill_service(name, host_port, protocol) : nullptr;
}

struct protoent* getprotobynumber(int number) {
  static struct {
    const char* name;
    int number;
  } const kProtocols[] = {{"ip", 0},   {"icmp", 1},  {"tcp", 6},
                          {"udp", 17}, {"ipv6", 41}, {"ipv6-icmp", 58}};
  static thread_local struct protoent entry;
  static thread_local char* no_aliases[1];
  for (const auto& p : kProtocols)
    if (p.number == number) {
      entry = {const_cast<char*>(p.name), no_aliases, p.number};
      return &entry;
    }
  return nullptr;
}

struct protoent* getprotobyname(const char* name) {
  static const int kNumbers[] = {0, 1, 6, 17, 41, 58};
  for (int number : kNumbers) {
    struct protoent* p = getprotobynumber(number);
    if (p && strcmp(p->p_name, name) == 0) return p;
  }
  return nullptr;
}

}  // extern "C"
