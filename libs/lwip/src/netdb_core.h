// getaddrinfo's logic apart from DNS: hints, services (numbers and a few well-known
// names), numeric hosts, "localhost", AI_PASSIVE, the result list. The DNS lookup is a
// function passed in, so the host tests (against glibc's <netdb.h>, which has the same
// layout) run this file with a fake resolver.
#pragma once

#include <cstdint>

#include "socket_address.h"

struct addrinfo;

namespace cairn::sockets {

// Up to `max` addresses of `family` (AF_INET, AF_INET6, or AF_UNSPEC for either) for
// `name` into `out`: how many, or a negative EAI_* code.
using Resolver = int (*)(const char* name, int family, Endpoint* out, int max);

// getaddrinfo(); `ipv6` says whether the stack has IPv6.
int get_addrinfo(const char* node, const char* service, const struct addrinfo* hints,
                 struct addrinfo** result, Resolver resolver, bool ipv6);
void free_addrinfo(struct addrinfo* list);

// A service's port (host order), numeric or by name; -1 when unknown or invalid.
int service_port(const char* service, bool numeric_only);
// The well-known name of `port`, or null.
const char* service_name(int port, bool datagram);

}  // namespace cairn::sockets
