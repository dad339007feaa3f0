/* Address conversions (newlib has no <arpa/inet.h>). */
#ifndef _CAIRN_ARPA_INET_H
#define _CAIRN_ARPA_INET_H

#include <netinet/in.h>

#ifdef __cplusplus
extern "C" {
#endif

in_addr_t inet_addr(const char* text);
int inet_aton(const char* text, struct in_addr* address);
char* inet_ntoa(struct in_addr address);
int inet_pton(int family, const char* __restrict text, void* __restrict address);
const char* inet_ntop(int family, const void* __restrict address, char* __restrict text,
                      socklen_t size);
in_addr_t inet_network(const char* text);

#ifdef __cplusplus
}
#endif

#endif
