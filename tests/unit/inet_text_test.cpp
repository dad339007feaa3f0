// Address text against glibc: inet_pton, inet_ntop and inet_aton must give the same
// answers for hand-picked edge cases and for random addresses.
#include <arpa/inet.h>
#include <gtest/gtest.h>

#include <cstring>
#include <random>
#include <string>

#include "inet_text.h"

namespace cairn::sockets {
namespace {

const char* const kCases4[] = {
    "0.0.0.0",   "127.0.0.1",  "255.255.255.255", "1.2.3.4",      "01.2.3.4",  "1.2.3",
    "1.2.3.4.5", "256.1.1.1",  "1.2.3.4 ",        " 1.2.3.4",     "",          "1..2.3",
    "a.b.c.d",   "0x7f.0.0.1", "127.1",           "017700000001", "10.0.2.15", "1.2.3.04",
    "999",       "4294967295", "4294967296",      "0x",           "1.2.3.0x4", "1.2.256",
    "1.65535",   "1.16777215", "1.16777216",      "08",           "0",         "1.2.3.4\t",
};

TEST(InetTextTest, Ipv4StrictMatchesGlibc) {
  for (const char* text : kCases4) {
    std::uint8_t ours[4] = {}, theirs[4] = {};
    bool ok = parse_ipv4_strict(text, ours);
    EXPECT_EQ(ok, inet_pton(AF_INET, text, theirs) == 1) << text;
    if (ok) {
      EXPECT_EQ(std::memcmp(ours, theirs, 4), 0) << text;
    }
  }
}

TEST(InetTextTest, Ipv4BsdFormsMatchGlibcInetAton) {
  for (const char* text : kCases4) {
    std::uint32_t ours = 0;
    struct in_addr theirs = {};
    bool ok = parse_ipv4_bsd(text, &ours);
    EXPECT_EQ(ok, inet_aton(text, &theirs) == 1) << text;
    if (ok) {
      EXPECT_EQ(ours, ntohl(theirs.s_addr)) << text;
    }
  }
}

const char* const kCases6[] = {
    "::",
    "::1",
    "1::",
    "1:2:3:4:5:6:7:8",
    "1:2:3:4:5:6:7::",
    "::2:3:4:5:6:7:8",
    "fe80::1",
    "FE80::AbCd",
    "::ffff:1.2.3.4",
    "::1.2.3.4",
    "1:2:3:4:5:6:1.2.3.4",
    "1:2:3:4:5:6:7:1.2.3.4",
    "1::2::3",
    ":1::2",
    "1::2:",
    "12345::",
    "1:2:3:4:5:6:7:8:9",
    "::ffff:1.2.3",
    "g::",
    "",
    ":",
    ":::",
    "1:2:3:4:5:6:7",
    "2001:db8::ff00:42:8329",
    "0:0:0:0:0:0:0:0",
    "1:0:0:2:0:0:0:3",
    "::ffff:256.1.1.1",
    "1:2:3:4:5:6:7:8::",
    "::1%1",
};

TEST(InetTextTest, Ipv6ParseMatchesGlibc) {
  for (const char* text : kCases6) {
    std::uint8_t ours[16] = {}, theirs[16] = {};
    bool ok = parse_ipv6(text, ours);
    EXPECT_EQ(ok, inet_pton(AF_INET6, text, theirs) == 1) << text;
    if (ok) {
      EXPECT_EQ(std::memcmp(ours, theirs, 16), 0) << text;
    }
  }
}

TEST(InetTextTest, FormatMatchesGlibcOnRandomAddresses) {
  std::mt19937_64 random(12345);
  for (int i = 0; i < 20000; ++i) {
    std::uint8_t a[16];
    for (auto& byte : a) byte = static_cast<std::uint8_t>(random());
    // Mostly zero words, so that "::" runs of every length and place show up.
    std::uint64_t zeros = random();
    for (int w = 0; w < 8; ++w)
      if (zeros >> w & 1) a[2 * w] = a[2 * w + 1] = 0;
    if (i % 7 == 0) {  // v4-mapped and v4-compatible
      std::memset(a, 0, 10);
      a[10] = a[11] = (i % 2) ? 0xff : 0;
    }
    char ours[46], theirs[46];
    ASSERT_NE(format_ipv6(a, ours, sizeof ours), nullptr);
    ASSERT_NE(inet_ntop(AF_INET6, a, theirs, sizeof theirs), nullptr);
    EXPECT_STREQ(ours, theirs);
    std::uint8_t back[16];
    ASSERT_TRUE(parse_ipv6(ours, back)) << ours;
    EXPECT_EQ(std::memcmp(back, a, 16), 0) << ours;
    ASSERT_NE(format_ipv4(a, ours, sizeof ours), nullptr);
    ASSERT_NE(inet_ntop(AF_INET, a, theirs, sizeof theirs), nullptr);
    EXPECT_STREQ(ours, theirs);
  }
}

TEST(InetTextTest, FormatFailsWhenTheBufferIsShort) {
  std::uint8_t a[16] = {0x20, 0x01, 0x0d, 0xb8};
  char text[8];
  errno = 0;
  EXPECT_EQ(format_ipv6(a, text, sizeof text), nullptr);
  EXPECT_EQ(errno, ENOSPC);
  std::uint8_t v4[4] = {255, 255, 255, 255};
  EXPECT_EQ(format_ipv4(v4, text, sizeof text), nullptr);
}

}  // namespace
}  // namespace cairn::sockets
