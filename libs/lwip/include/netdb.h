/* Name resolution (newlib has no <netdb.h>): getaddrinfo and friends over lwIP's DNS
 * client; numeric addresses and "localhost" never ask DNS. Linux's layouts and codes. */
#ifndef _CAIRN_NETDB_H
#define _CAIRN_NETDB_H

#include <netinet/in.h>
#include <sys/socket.h>

#ifdef __cplusplus
extern "C" {
#endif

struct addrinfo {
  int ai_flags;
  int ai_family;
  int ai_socktype;
  int ai_protocol;
  socklen_t ai_addrlen;
  struct sockaddr* ai_addr;
  char* ai_canonname;
  struct addrinfo* ai_next;
};

struct hostent {
  char* h_name;
  char** h_aliases;
  int h_addrtype;
  int h_length;
  char** h_addr_list;
};
#define h_addr h_addr_list[0]

struct servent {
  char* s_name;
  char** s_aliases;
  int s_port; /* network byte order */
  char* s_proto;
};

struct protoent {
  char* p_name;
  char** p_aliases;
  int p_proto;
};

#define AI_PASSIVE 0x0001
#define AI_CANONNAME 0x0002
#define AI_NUMERICHOST 0x0004
#define AI_V4MAPPED 0x0008
#define AI_ALL 0x0010
#define AI_ADDRCONFIG 0x0020
#define AI_NUMERICSERV 0x0400

#define EAI_BADFLAGS -1
#define EAI_NONAME -2
#define EAI_AGAIN -3
#define EAI_FAIL -4
#define EAI_NODATA -5
#define EAI_FAMILY -6
#define EAI_SOCKTYPE -7
#define EAI_SERVICE -8
#define EAI_ADDRFAMILY -9
#define EAI_MEMORY -10
#define EAI_SYSTEM -11
#define EAI_OVERFLOW -12

#define NI_MAXHOST 1025
#define NI_MAXSERV 32
#define NI_NUMERICHOST 1
#define NI_NUMERICSERV 2
#define NI_NOFQDN 4
#define NI_NAMEREQD 8
#define NI_DGRAM 16

/* h_errno values. */
#define HOST_NOT_FOUND 1
#define TRY_AGAIN 2
#define NO_RECOVERY 3
#define NO_DATA 4
#define NO_ADDRESS NO_DATA

int* __h_errno_location(void);
#define h_errno (*__h_errno_location())

int getaddrinfo(const char* __restrict node, const char* __restrict service,
                const struct addrinfo* __restrict hints, struct addrinfo** __restrict result);
void freeaddrinfo(struct addrinfo* list);
const char* gai_strerror(int code);
int getnameinfo(const struct sockaddr* __restrict address, socklen_t address_length,
                char* __restrict host, socklen_t host_length, char* __restrict service,
                socklen_t service_length, int flags);
struct hostent* gethostbyname(const char* name);
struct hostent* gethostbyname2(const char* name, int family);
int gethostbyname_r(const char* __restrict name, struct hostent* __restrict result,
                    char* __restrict buffer, size_t length, struct hostent** __restrict out,
                    int* __restrict error);
struct hostent* gethostbyaddr(const void* address, socklen_t length, int family);
const char* hstrerror(int code);
void herror(const char* prefix);
struct servent* getservbyname(const char* name, const char* protocol);
struct servent* getservbyport(int port, const char* protocol);
struct protoent* getprotobyname(const char* name);
struct protoent* getprotobynumber(int number);

#ifdef __cplusplus
}
#endif

#endif
