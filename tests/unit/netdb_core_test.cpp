// getaddrinfo's logic apart from DNS, and sockaddr conversions.
#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netdb.h>
#include <netinet/in.h>

#include <cstring>
#include <string>
#include <vector>

#include "netdb_core.h"
#include "socket_address.h"

namespace cairn::sockets {
namespace {

int resolver_calls;
int fake_dns(const char* name, int family, Endpoint* out, int max) {
  ++resolver_calls;
  if (std::strcmp(name, "example.test") != 0 || max < 1) return EAI_NONAME;
  if (family == AF_INET6) return EAI_NONAME;
  out[0] = Endpoint{AF_INET, {10, 0, 2, 2}};
  return 1;
}

struct Entry {
  int family, socktype, protocol;
  std::string address;
  int port;
};

std::vector<Entry> lookup(const char* node, const char* service, const addrinfo* hints,
                          int* error = nullptr) {
  addrinfo* list = nullptr;
  int e = get_addrinfo(node, service, hints, &list, fake_dns, true);
  if (error) *error = e;
  std::vector<Entry> out;
  for (addrinfo* i = list; i; i = i->ai_next) {
    char text[INET6_ADDRSTRLEN];
    int port;
    if (i->ai_family == AF_INET) {
      auto* in = reinterpret_cast<sockaddr_in*>(i->ai_addr);
      inet_ntop(AF_INET, &in->sin_addr, text, sizeof text);
      port = ntohs(in->sin_port);
      EXPECT_EQ(i->ai_addrlen, sizeof(sockaddr_in));
    } else {
      auto* in6 = reinterpret_cast<sockaddr_in6*>(i->ai_addr);
      inet_ntop(AF_INET6, &in6->sin6_addr, text, sizeof text);
      port = ntohs(in6->sin6_port);
      EXPECT_EQ(i->ai_addrlen, sizeof(sockaddr_in6));
    }
    out.push_back({i->ai_family, i->ai_socktype, i->ai_protocol, text, port});
  }
  free_addrinfo(list);
  return out;
}

TEST(NetdbCoreTest, NumericHostsAndServices) {
  addrinfo hints{};
  hints.ai_socktype = SOCK_STREAM;
  auto r = lookup("192.168.1.7", "8080", &hints);
  ASSERT_EQ(r.size(), 1u);
  EXPECT_EQ(r[0].family, AF_INET);
  EXPECT_EQ(r[0].address, "192.168.1.7");
  EXPECT_EQ(r[0].port, 8080);
  EXPECT_EQ(r[0].protocol, IPPROTO_TCP);
  r = lookup("2001:db8::1", "http", &hints);
  ASSERT_EQ(r.size(), 1u);
  EXPECT_EQ(r[0].family, AF_INET6);
  EXPECT_EQ(r[0].address, "2001:db8::1");
  EXPECT_EQ(r[0].port, 80);
  EXPECT_EQ(resolver_calls, 0);
}

TEST(NetdbCoreTest, BothSocketTypesWithoutAHint) {
  auto r = lookup("127.0.0.1", "53", nullptr);
  ASSERT_EQ(r.size(), 2u);
  EXPECT_EQ(r[0].socktype, SOCK_STREAM);
  EXPECT_EQ(r[1].socktype, SOCK_DGRAM);
  EXPECT_EQ(r[1].protocol, IPPROTO_UDP);
}

TEST(NetdbCoreTest, PassiveAndLoopbackWithoutAHost) {
  addrinfo hints{};
  hints.ai_flags = AI_PASSIVE;
  hints.ai_socktype = SOCK_STREAM;
  auto r = lookup(nullptr, "80", &hints);
  ASSERT_EQ(r.size(), 2u);
  EXPECT_EQ(r[0].address, "0.0.0.0");
  EXPECT_EQ(r[1].address, "::");
  hints.ai_flags = 0;
  hints.ai_family = AF_INET6;
  r = lookup(nullptr, "80", &hints);
  ASSERT_EQ(r.size(), 1u);
  EXPECT_EQ(r[0].address, "::1");
}

TEST(NetdbCoreTest, LocalhostNeedsNoDns) {
  addrinfo hints{};
  hints.ai_family = AF_INET;
  hints.ai_socktype = SOCK_DGRAM;
  auto r = lookup("LocalHost", nullptr, &hints);
  ASSERT_EQ(r.size(), 1u);
  EXPECT_EQ(r[0].address, "127.0.0.1");
  EXPECT_EQ(resolver_calls, 0);
}

TEST(NetdbCoreTest, NamesGoToTheResolver) {
  addrinfo hints{};
  hints.ai_socktype = SOCK_STREAM;
  hints.ai_flags = AI_CANONNAME;
  addrinfo* list = nullptr;
  ASSERT_EQ(get_addrinfo("example.test", "443", &hints, &list, fake_dns, true), 0);
  ASSERT_NE(list, nullptr);
  EXPECT_STREQ(list->ai_canonname, "example.test");
  free_addrinfo(list);
  int error = 0;
  EXPECT_TRUE(lookup("nowhere.test", "443", &hints, &error).empty());
  EXPECT_EQ(error, EAI_NONAME);
  hints.ai_flags = AI_NUMERICHOST;
  int calls = resolver_calls;
  EXPECT_TRUE(lookup("example.test", "443", &hints, &error).empty());
  EXPECT_EQ(error, EAI_NONAME);
  EXPECT_EQ(resolver_calls, calls);
}

TEST(NetdbCoreTest, Errors) {
  int error = 0;
  addrinfo hints{};
  EXPECT_TRUE(lookup(nullptr, nullptr, nullptr, &error).empty());
  EXPECT_EQ(error, EAI_NONAME);
  lookup("1.2.3.4", "no-such-service", nullptr, &error);
  EXPECT_EQ(error, EAI_SERVICE);
  lookup("1.2.3.4", "65536", nullptr, &error);
  EXPECT_EQ(error, EAI_SERVICE);
  hints.ai_flags = AI_NUMERICSERV;
  lookup("1.2.3.4", "http", &hints, &error);
  EXPECT_EQ(error, EAI_NONAME);
  hints = {};
  hints.ai_family = 12345;
  lookup("1.2.3.4", "80", &hints, &error);
  EXPECT_EQ(error, EAI_FAMILY);
  hints = {};
  hints.ai_socktype = 99;
  lookup("1.2.3.4", "80", &hints, &error);
  EXPECT_EQ(error, EAI_SOCKTYPE);
  hints = {};
  hints.ai_flags = 0x10000;
  lookup("1.2.3.4", "80", &hints, &error);
  EXPECT_EQ(error, EAI_BADFLAGS);
  hints = {};
  hints.ai_family = AF_INET;
  lookup("::1", "80", &hints, &error);
  EXPECT_EQ(error, EAI_ADDRFAMILY);
  // An IPv4 host for an IPv6-only caller, mapped when asked.
  hints.ai_family = AF_INET6;
  hints.ai_flags = AI_V4MAPPED;
  hints.ai_socktype = SOCK_STREAM;
  auto r = lookup("10.1.2.3", "80", &hints);
  ASSERT_EQ(r.size(), 1u);
  EXPECT_EQ(r[0].address, "::ffff:10.1.2.3");
}

TEST(NetdbCoreTest, Services) {
  EXPECT_EQ(service_port("http", false), 80);
  EXPECT_EQ(service_port("https", false), 443);
  EXPECT_EQ(service_port("0", true), 0);
  EXPECT_EQ(service_port("http", true), -1);
  EXPECT_EQ(service_port("-1", false), -1);
  EXPECT_STREQ(service_name(22, false), "ssh");
  EXPECT_EQ(service_name(69, false), nullptr);  // tftp is UDP only
  EXPECT_STREQ(service_name(69, true), "tftp");
}

TEST(SocketAddressTest, RoundTrips) {
  sockaddr_in in{};
  in.sin_family = AF_INET;
  in.sin_port = htons(7);
  inet_pton(AF_INET, "10.0.2.15", &in.sin_addr);
  auto e = endpoint_from_sockaddr(reinterpret_cast<sockaddr*>(&in), sizeof in, AF_INET);
  ASSERT_TRUE(e.ok());
  EXPECT_EQ(e.value().port, 7);
  EXPECT_EQ(e.value().family, kFamilyInet);
  sockaddr_in back{};
  std::uint32_t length = sizeof back;
  endpoint_to_sockaddr(e.value(), AF_INET, reinterpret_cast<sockaddr*>(&back), &length);
  EXPECT_EQ(length, sizeof back);
  EXPECT_EQ(std::memcmp(&back, &in, sizeof in), 0);

  // An IPv4 peer of an AF_INET6 socket is v4-mapped, and unmaps again.
  sockaddr_in6 in6{};
  length = sizeof in6;
  endpoint_to_sockaddr(e.value(), AF_INET6, reinterpret_cast<sockaddr*>(&in6), &length);
  EXPECT_EQ(length, sizeof in6);
  char text[INET6_ADDRSTRLEN];
  EXPECT_STREQ(inet_ntop(AF_INET6, &in6.sin6_addr, text, sizeof text), "::ffff:10.0.2.15");
  auto mapped = endpoint_from_sockaddr(reinterpret_cast<sockaddr*>(&in6), sizeof in6, AF_INET6);
  ASSERT_TRUE(mapped.ok());
  EXPECT_TRUE(mapped.value().is_v4_mapped());
  Endpoint plain = mapped.value().unmapped();
  EXPECT_EQ(plain.family, kFamilyInet);
  EXPECT_EQ(std::memcmp(plain.address, e.value().address, 4), 0);
  EXPECT_EQ(plain.port, 7);
}

TEST(SocketAddressTest, ShortAndForeignAddresses) {
  sockaddr_in6 in6{};
  in6.sin6_family = AF_INET6;
  in6.sin6_scope_id = 3;
  auto* any = reinterpret_cast<sockaddr*>(&in6);
  EXPECT_EQ(endpoint_from_sockaddr(any, sizeof in6, AF_INET).error().code(), EAFNOSUPPORT);
  EXPECT_EQ(endpoint_from_sockaddr(any, sizeof in6 - 1, AF_INET6).error().code(), EINVAL);
  EXPECT_EQ(endpoint_from_sockaddr(nullptr, 0, AF_INET6).error().code(), EINVAL);
  auto e = endpoint_from_sockaddr(any, sizeof in6, AF_INET6);
  ASSERT_TRUE(e.ok());
  EXPECT_EQ(e.value().scope, 3u);
  EXPECT_TRUE(e.value().is_any());
  in6.sin6_family = 1234;
  EXPECT_EQ(endpoint_from_sockaddr(any, sizeof in6, AF_INET6).error().code(), EAFNOSUPPORT);
  // A short buffer gets the first bytes; the length says the full size.
  char small[4];
  std::uint32_t length = sizeof small;
  endpoint_to_sockaddr(e.value(), AF_INET6, reinterpret_cast<sockaddr*>(small), &length);
  EXPECT_EQ(length, sizeof(sockaddr_in6));
}

}  // namespace
}  // namespace cairn::sockets
