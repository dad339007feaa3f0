// The 9P2000.L codec: requests byte for byte, responses decoded, and hostile responses
// (sizes, counts and string lengths that point past the message, tags and types that
// do not match, more qids or bytes than asked for) refused with EPROTO.
#include <errno.h>

#include <cstring>
#include <string>
#include <vector>

#include <cairn/p9/codec.h>
#include <gtest/gtest.h>

namespace cairn::p9 {
namespace {

// A response as a server would write it.
class Msg {
 public:
  Msg& u8(std::uint8_t v) { return put(v, 1); }
  Msg& u16(std::uint16_t v) { return put(v, 2); }
  Msg& u32(std::uint32_t v) { return put(v, 4); }
  Msg& u64(std::uint64_t v) { return put(v, 8); }
  Msg& str(std::string_view s) {
    u16(static_cast<std::uint16_t>(s.size()));
    for (char c : s) body_.push_back(static_cast<std::byte>(c));
    return *this;
  }
  Msg& qid(std::uint8_t type, std::uint32_t version, std::uint64_t path) {
    return u8(type).u32(version).u64(path);
  }
  // The whole message; `size_delta` skews the size field.
  std::vector<std::byte> done(Type type, std::uint16_t tag, std::int64_t size_delta = 0) const {
    std::vector<std::byte> out;
    const std::uint32_t size = static_cast<std::uint32_t>(7 + body_.size() + size_delta);
    for (int i = 0; i < 4; ++i) out.push_back(static_cast<std::byte>(size >> (8 * i)));
    out.push_back(static_cast<std::byte>(type));
    out.push_back(static_cast<std::byte>(tag));
    out.push_back(static_cast<std::byte>(tag >> 8));
    out.insert(out.end(), body_.begin(), body_.end());
    return out;
  }

 private:
  Msg& put(std::uint64_t v, int n) {
    for (int i = 0; i < n; ++i) body_.push_back(static_cast<std::byte>(v >> (8 * i)));
    return *this;
  }
  std::vector<std::byte> body_;
};

std::vector<std::uint8_t> as_bytes(const std::byte* data, std::size_t n) {
  std::vector<std::uint8_t> out(n);
  std::memcpy(out.data(), data, n);
  return out;
}

std::uint32_t le32(const std::byte* p) {
  return std::uint32_t(p[0]) | std::uint32_t(p[1]) << 8 | std::uint32_t(p[2]) << 16 |
         std::uint32_t(p[3]) << 24;
}

// --- Requests --------------------------------------------------------------------------

TEST(P9EncodeTest, TversionByteForByte) {
  std::byte out[64];
  auto n = encode_tversion(out, 0x12345);
  ASSERT_TRUE(n.ok());
  const std::vector<std::uint8_t> expected = {21, 0, 0,   0,   100, 0xff, 0xff, 0x45, 0x23, 0x01, 0,
                                              8,  0, '9', 'P', '2', '0',  '0',  '0',  '.',  'L'};
  EXPECT_EQ(as_bytes(out, n.value()), expected);
}

TEST(P9EncodeTest, TwalkByteForByte) {
  std::byte out[64];
  const std::string_view names[] = {"a", "bc"};
  auto n = encode_twalk(out, 3, 1, 2, names);
  ASSERT_TRUE(n.ok());
  const std::vector<std::uint8_t> expected = {24, 0, 0, 0, 110, 3, 0, 1,   0, 0, 0,   2,
                                              0,  0, 0, 2, 0,   1, 0, 'a', 2, 0, 'b', 'c'};
  EXPECT_EQ(as_bytes(out, n.value()), expected);
}

TEST(P9EncodeTest, EverySizeFieldMatchesTheLengthAndTypeAndTagAreSet) {
  std::byte out[256];
  SetAttr attr{};
  attr.valid = kSetattrSize;
  const std::string_view one[] = {"x"};
  struct Case {
    Result<std::size_t> length;
    Type type;
    std::size_t expected_length;
  };
  Case cases[] = {
      {encode_tattach(out, 5, 0, "root", "", 0), Type::kTattach, 7 + 4 + 4 + 6 + 2 + 4},
      {encode_twalk(out, 5, 0, 1, one), Type::kTwalk, 7 + 4 + 4 + 2 + 3},
      {encode_tlopen(out, 5, 1, 2), Type::kTlopen, 7 + 8},
      {encode_tlcreate(out, 5, 1, "f", 0, 0644, 0), Type::kTlcreate, 7 + 4 + 3 + 12},
      {encode_tread(out, 5, 1, 7, 100), Type::kTread, 7 + 16},
      {encode_tclunk(out, 5, 1), Type::kTclunk, 11},
      {encode_tremove(out, 5, 1), Type::kTremove, 11},
      {encode_tgetattr(out, 5, 1, kGetattrBasic), Type::kTgetattr, 7 + 12},
      {encode_tsetattr(out, 5, 1, attr), Type::kTsetattr, 7 + 4 + 4 + 12 + 8 + 32},
      {encode_treaddir(out, 5, 1, 0, 100), Type::kTreaddir, 7 + 16},
      {encode_tmkdir(out, 5, 1, "d", 0755, 0), Type::kTmkdir, 7 + 4 + 3 + 8},
      {encode_tsymlink(out, 5, 1, "l", "t", 0), Type::kTsymlink, 7 + 4 + 3 + 3 + 4},
      {encode_treadlink(out, 5, 1), Type::kTreadlink, 11},
      {encode_tunlinkat(out, 5, 1, "u", kAtRemovedir), Type::kTunlinkat, 7 + 4 + 3 + 4},
      {encode_trenameat(out, 5, 1, "a", 2, "b"), Type::kTrenameat, 7 + 4 + 3 + 4 + 3},
      {encode_tlink(out, 5, 1, 2, "h"), Type::kTlink, 7 + 8 + 3},
      {encode_tfsync(out, 5, 1, 1), Type::kTfsync, 7 + 8},
      {encode_tstatfs(out, 5, 1), Type::kTstatfs, 11},
  };
  for (const Case& c : cases) {
    ASSERT_TRUE(c.length.ok());
    EXPECT_EQ(c.length.value(), c.expected_length) << int(c.type);
  }
  // Re-encode each to inspect its own header (the buffer is shared).
  auto n = encode_tfsync(out, 0x1234, 9, 1);
  ASSERT_TRUE(n.ok());
  EXPECT_EQ(le32(out), n.value());
  EXPECT_EQ(out[4], std::byte{50});
  EXPECT_EQ(out[5], std::byte{0x34});
  EXPECT_EQ(out[6], std::byte{0x12});
}

TEST(P9EncodeTest, TwriteHeaderCountsTheDataThatFollows) {
  std::byte out[64];
  auto n = encode_twrite_header(out, 1, 2, 3, 1000);
  ASSERT_TRUE(n.ok());
  EXPECT_EQ(n.value(), kWriteHeaderSize);
  EXPECT_EQ(le32(out), kWriteHeaderSize + 1000);
}

TEST(P9EncodeTest, TooManyWalkNames) {
  std::byte out[512];
  std::string_view names[17];
  for (auto& name : names) name = "n";
  auto n = encode_twalk(out, 1, 1, 2, names);
  ASSERT_FALSE(n.ok());
  EXPECT_EQ(n.error().code(), EINVAL);
  EXPECT_TRUE(encode_twalk(out, 1, 1, 2, std::span(names, 16)).ok());
}

TEST(P9EncodeTest, MessagesThatDoNotFitAreRefused) {
  std::byte small[20];
  auto n = encode_tlcreate(small, 1, 1, "a-name-that-does-not-fit", 0, 0, 0);
  ASSERT_FALSE(n.ok());
  EXPECT_EQ(n.error().code(), EMSGSIZE);
  std::vector<std::byte> big(70000);
  const std::string huge(65536, 'x');
  auto m = encode_tmkdir(big, 1, 1, huge, 0, 0);
  ASSERT_FALSE(m.ok());
  EXPECT_EQ(m.error().code(), EMSGSIZE);
}

// --- Responses -------------------------------------------------------------------------

template <typename R>
int error_of(const R& result) {
  return result.ok() ? 0 : result.error().code();
}

TEST(P9DecodeTest, Rversion) {
  auto ok = Msg().u32(65536).str("9P2000.L").done(Type::kRversion, kNoTag);
  auto v = decode_rversion(ok, 1 << 20);
  ASSERT_TRUE(v.ok());
  EXPECT_EQ(v.value().msize, 65536u);
  // The server may not raise msize, must speak 9P2000.L, and answers on NOTAG.
  EXPECT_EQ(error_of(decode_rversion(ok, 8192)), EPROTO);
  auto other = Msg().u32(8192).str("9P2000.u").done(Type::kRversion, kNoTag);
  EXPECT_EQ(error_of(decode_rversion(other, 8192)), EPROTONOSUPPORT);
  auto unknown = Msg().u32(8192).str("unknown").done(Type::kRversion, kNoTag);
  EXPECT_EQ(error_of(decode_rversion(unknown, 8192)), EPROTONOSUPPORT);
  auto tagged = Msg().u32(8192).str("9P2000.L").done(Type::kRversion, 0);
  EXPECT_EQ(error_of(decode_rversion(tagged, 8192)), EPROTO);
  auto tiny = Msg().u32(512).str("9P2000.L").done(Type::kRversion, kNoTag);
  EXPECT_EQ(error_of(decode_rversion(tiny, 8192)), EPROTO);
}

TEST(P9DecodeTest, HeaderChecks) {
  auto good = Msg().qid(0x80, 1, 42).done(Type::kRattach, 7);
  ASSERT_TRUE(decode_rattach(good, 7).ok());
  EXPECT_EQ(decode_rattach(good, 7).value().path, 42u);
  EXPECT_EQ(decode_rattach(good, 7).value().type, 0x80);
  // Another request's tag, another type, a size field beyond what was received or
  // below the header, a message cut short.
  EXPECT_EQ(error_of(decode_rattach(good, 8)), EPROTO);
  EXPECT_EQ(error_of(decode_rmkdir(good, 7)), EPROTO);
  EXPECT_EQ(error_of(decode_rattach(Msg().qid(0, 0, 0).done(Type::kRattach, 7, 1), 7)), EPROTO);
  EXPECT_EQ(error_of(decode_rattach(Msg().qid(0, 0, 0).done(Type::kRattach, 7, -14), 7)), EPROTO);
  EXPECT_EQ(error_of(decode_rattach(std::span(good).first(6), 7)), EPROTO);
  EXPECT_EQ(error_of(decode_rattach(std::span(good).first(15), 7)), EPROTO);
  // A size field shorter than the body limits what is read.
  EXPECT_EQ(error_of(decode_rattach(Msg().qid(0, 0, 0).done(Type::kRattach, 7, -1), 7)), EPROTO);
}

TEST(P9DecodeTest, RlerrorBecomesTheLocalErrno) {
  EXPECT_EQ(error_of(decode_rattach(Msg().u32(2).done(Type::kRlerror, 1), 1)), ENOENT);
  EXPECT_EQ(error_of(decode_empty(Msg().u32(39).done(Type::kRlerror, 1), 1, Type::kRunlinkat)),
            ENOTEMPTY);
  EXPECT_EQ(error_of(decode_rwalk(Msg().u32(40).done(Type::kRlerror, 1), 1, 1)), ELOOP);
  EXPECT_EQ(error_of(decode_rgetattr(Msg().u32(99999).done(Type::kRlerror, 1), 1)), EIO);
  EXPECT_EQ(error_of(decode_rgetattr(Msg().u16(2).done(Type::kRlerror, 1), 1)), EPROTO);
}

TEST(P9DecodeTest, ErrnoTranslation) {
  EXPECT_EQ(errno_from_linux(2), ENOENT);
  EXPECT_EQ(errno_from_linux(17), EEXIST);
  EXPECT_EQ(errno_from_linux(36), ENAMETOOLONG);
  EXPECT_EQ(errno_from_linux(38), ENOSYS);
  EXPECT_EQ(errno_from_linux(39), ENOTEMPTY);
  EXPECT_EQ(errno_from_linux(95), EOPNOTSUPP);
  EXPECT_EQ(errno_from_linux(0), EIO);
  EXPECT_EQ(errno_from_linux(0xffffffff), EIO);
}

TEST(P9DecodeTest, RwalkCounts) {
  Msg two;
  two.u16(2).qid(0x80, 0, 1).qid(0, 0, 2);
  auto w = decode_rwalk(two.done(Type::kRwalk, 3), 3, 2);
  ASSERT_TRUE(w.ok());
  EXPECT_EQ(w.value().count, 2);
  EXPECT_EQ(w.value().qids[1].path, 2u);
  // More qids than names asked, more than 16, or fewer present than counted.
  EXPECT_EQ(error_of(decode_rwalk(two.done(Type::kRwalk, 3), 3, 1)), EPROTO);
  Msg many;
  many.u16(17);
  for (int i = 0; i < 17; ++i) many.qid(0, 0, i);
  EXPECT_EQ(error_of(decode_rwalk(many.done(Type::kRwalk, 3), 3, 16)), EPROTO);
  Msg short_list;
  short_list.u16(3).qid(0, 0, 1).qid(0, 0, 2);
  EXPECT_EQ(error_of(decode_rwalk(short_list.done(Type::kRwalk, 3), 3, 3)), EPROTO);
  Msg huge;
  huge.u16(0xffff);
  EXPECT_EQ(error_of(decode_rwalk(huge.done(Type::kRwalk, 3), 3, 16)), EPROTO);
  // A partial walk is the server's answer, not an error of the codec.
  Msg partial;
  partial.u16(1).qid(0x80, 0, 1);
  EXPECT_EQ(decode_rwalk(partial.done(Type::kRwalk, 3), 3, 4).value().count, 1);
}

TEST(P9DecodeTest, RlopenAndRlcreate) {
  auto o = decode_rlopen(Msg().qid(0, 3, 77).u32(4096).done(Type::kRlopen, 2), 2);
  ASSERT_TRUE(o.ok());
  EXPECT_EQ(o.value().qid.path, 77u);
  EXPECT_EQ(o.value().iounit, 4096u);
  EXPECT_TRUE(decode_rlcreate(Msg().qid(0, 3, 77).u32(0).done(Type::kRlcreate, 2), 2).ok());
  EXPECT_EQ(error_of(decode_rlopen(Msg().qid(0, 3, 77).done(Type::kRlopen, 2), 2)), EPROTO);
}

TEST(P9DecodeTest, RreadWithItsDataInAnotherBuffer) {
  // The header buffer holds 11 bytes; `received` counts the data after it.
  auto header = Msg().u32(5).done(Type::kRread, 4, 5);
  ASSERT_EQ(header.size(), kReadHeaderSize);
  auto n = decode_rread(header, kReadHeaderSize + 5, 4, 10);
  ASSERT_TRUE(n.ok());
  EXPECT_EQ(n.value(), 5u);
  // More than asked; a count beyond the size field; a size field beyond what arrived.
  EXPECT_EQ(error_of(decode_rread(header, kReadHeaderSize + 5, 4, 4)), EPROTO);
  auto overlong = Msg().u32(6).done(Type::kRread, 4, 5);
  EXPECT_EQ(error_of(decode_rread(overlong, kReadHeaderSize + 5, 4, 10)), EPROTO);
  EXPECT_EQ(error_of(decode_rread(header, kReadHeaderSize + 4, 4, 10)), EPROTO);
  auto huge = Msg().u32(0xffffffff).done(Type::kRread, 4, 5);
  EXPECT_EQ(error_of(decode_rread(huge, kReadHeaderSize + 5, 4, 0xffffffff)), EPROTO);
  // An error fits the header buffer.
  auto error = Msg().u32(21).done(Type::kRlerror, 4);
  EXPECT_EQ(error_of(decode_rread(error, error.size(), 4, 10)), EISDIR);
}

TEST(P9DecodeTest, Rwrite) {
  EXPECT_EQ(decode_rwrite(Msg().u32(10).done(Type::kRwrite, 1), 1, 10).value(), 10u);
  EXPECT_EQ(error_of(decode_rwrite(Msg().u32(11).done(Type::kRwrite, 1), 1, 10)), EPROTO);
}

TEST(P9DecodeTest, Rgetattr) {
  Msg m;
  m.u64(kGetattrBasic).qid(0, 1, 99).u32(0100644).u32(1000).u32(1001).u64(1).u64(0);
  m.u64(12345).u64(4096).u64(24);
  for (int i = 0; i < 8; ++i) m.u64(100 + i);
  m.u64(0).u64(0);
  auto a = decode_rgetattr(m.done(Type::kRgetattr, 6), 6);
  ASSERT_TRUE(a.ok());
  EXPECT_EQ(a.value().qid.path, 99u);
  EXPECT_EQ(a.value().mode, 0100644u);
  EXPECT_EQ(a.value().uid, 1000u);
  EXPECT_EQ(a.value().size, 12345u);
  EXPECT_EQ(a.value().mtime_sec, 102u);
  EXPECT_EQ(a.value().btime_nsec, 107u);
  auto cut = m.done(Type::kRgetattr, 6);
  cut.resize(cut.size() - 1);
  cut[0] = static_cast<std::byte>(cut.size());
  EXPECT_EQ(error_of(decode_rgetattr(cut, 6)), EPROTO);
}

TEST(P9DecodeTest, RreadlinkAndRstatfs) {
  const auto message = Msg().str("../target").done(Type::kRreadlink, 1);
  auto r = decode_rreadlink(message, 1);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r.value(), "../target");
  // A string length beyond the message.
  EXPECT_EQ(error_of(decode_rreadlink(Msg().u16(100).u8('x').done(Type::kRreadlink, 1), 1)),
            EPROTO);
  Msg s;
  s.u32(0x01021997).u32(4096).u64(1000).u64(500).u64(400).u64(77).u64(66).u64(5).u32(255);
  auto st = decode_rstatfs(s.done(Type::kRstatfs, 1), 1);
  ASSERT_TRUE(st.ok());
  EXPECT_EQ(st.value().bsize, 4096u);
  EXPECT_EQ(st.value().bavail, 400u);
  EXPECT_EQ(st.value().namelen, 255u);
}

TEST(P9DecodeTest, EmptyResponses) {
  EXPECT_TRUE(decode_empty(Msg().done(Type::kRclunk, 1), 1, Type::kRclunk).ok());
  EXPECT_EQ(error_of(decode_empty(Msg().done(Type::kRclunk, 1), 1, Type::kRremove)), EPROTO);
}

Msg dirent(Msg m, std::uint64_t path, std::uint64_t offset, std::uint8_t type,
           std::string_view name) {
  return m.qid(type == kDtDir ? kQidDir : 0, 0, path).u64(offset).u8(type).str(name);
}

TEST(P9DecodeTest, RreaddirEntries) {
  Msg entries;
  entries = dirent(entries, 1, 10, kDtDir, ".");
  entries = dirent(entries, 2, 20, kDtReg, "file");
  entries = dirent(entries, 3, 30, kDtLnk, "link");
  const auto body = entries.done(Type::kRread, 0);  // just to learn the entries' length
  const std::uint32_t count = static_cast<std::uint32_t>(body.size() - 7);
  Msg m;
  m.u32(count);
  m = dirent(m, 1, 10, kDtDir, ".");
  m = dirent(m, 2, 20, kDtReg, "file");
  m = dirent(m, 3, 30, kDtLnk, "link");
  const auto message = m.done(Type::kRreaddir, 2);
  auto data = decode_rreaddir(message, 2, 4096);
  ASSERT_TRUE(data.ok());
  DirentReader reader(data.value());
  std::vector<std::string> names;
  std::uint64_t last_offset = 0;
  for (;;) {
    auto next = reader.next();
    ASSERT_TRUE(next.ok());
    if (!next.value()) break;
    names.emplace_back(next.value()->name);
    last_offset = next.value()->offset;
  }
  EXPECT_EQ(names, (std::vector<std::string>{".", "file", "link"}));
  EXPECT_EQ(last_offset, 30u);
  // More than asked for, or a count beyond the message.
  EXPECT_EQ(error_of(decode_rreaddir(m.done(Type::kRreaddir, 2), 2, count - 1)), EPROTO);
  Msg lying;
  lying.u32(1000);
  lying = dirent(lying, 1, 10, kDtDir, ".");
  EXPECT_EQ(error_of(decode_rreaddir(lying.done(Type::kRreaddir, 2), 2, 4096)), EPROTO);
}

TEST(P9DecodeTest, RreaddirBadEntries) {
  auto first_error = [](Msg entries) {
    auto body = entries.done(Type::kRread, 0);
    std::span<const std::byte> data(body.data() + 7, body.size() - 7);
    DirentReader reader(data);
    for (;;) {
      auto next = reader.next();
      if (!next.ok()) return next.error().code();
      if (!next.value()) return 0;
    }
  };
  EXPECT_EQ(first_error(dirent(Msg(), 1, 1, kDtReg, "ok")), 0);
  EXPECT_EQ(first_error(dirent(Msg(), 1, 1, kDtReg, std::string(256, 'n'))), EPROTO);
  EXPECT_EQ(first_error(dirent(Msg(), 1, 1, kDtReg, "a/b")), EPROTO);
  EXPECT_EQ(first_error(dirent(Msg(), 1, 1, kDtReg, "")), EPROTO);
  EXPECT_EQ(first_error(dirent(Msg(), 1, 1, kDtReg, std::string_view("a\0b", 3))), EPROTO);
  EXPECT_EQ(first_error(Msg().qid(0, 0, 1).u64(1).u8(8).u16(50).u8('x')), EPROTO);
  EXPECT_EQ(first_error(Msg().qid(0, 0, 1).u32(7)), EPROTO);
}

}  // namespace
}  // namespace cairn::p9
