// 9P2000.L responses. The server is not trusted: the size field must lie within what
// it wrote, every field within the size field, and every count within what was asked.
#include <errno.h>

#include <cairn/p9/codec.h>

#include "wire.h"

namespace cairn::p9 {
namespace {

constexpr std::size_t kMaxName = 255;

Error protocol_error(const char* why) { return Error(EPROTO, why); }

// Checks the header and returns a reader over the body, limited to the size field and
// to the bytes in `bytes`. `received` is how many bytes the server wrote in all (more
// than `bytes` holds when the payload went to a buffer of its own).
Result<wire::Reader> open(ConstBytes bytes, std::size_t received, std::uint16_t tag,
                          Type expected) {
  if (bytes.size() > received) bytes = bytes.first(received);
  wire::Reader header(bytes);
  const std::uint32_t size = header.u32();
  const auto type = static_cast<Type>(header.u8());
  const std::uint16_t got_tag = header.u16();
  if (header.failed()) return protocol_error("9P response shorter than its header");
  if (size < kHeaderSize || size > received)
    return protocol_error("9P response size field disagrees with the bytes received");
  if (got_tag != tag) return protocol_error("9P response carries another request's tag");
  const std::size_t limit = size < bytes.size() ? size : bytes.size();
  wire::Reader body(bytes.subspan(kHeaderSize, limit - kHeaderSize));
  if (type == Type::kRlerror) {
    const std::uint32_t ecode = body.u32();
    if (body.failed()) return protocol_error("9P Rlerror without an error code");
    return Error(errno_from_linux(ecode), "9P server returned an error");
  }
  if (type != expected) return protocol_error("9P response of an unexpected type");
  return body;
}

Result<wire::Reader> open(ConstBytes message, std::uint16_t tag, Type expected) {
  return open(message, message.size(), tag, expected);
}

Error short_body() { return protocol_error("9P response body shorter than its fields"); }

Result<Qid> qid_only(ConstBytes message, std::uint16_t tag, Type expected) {
  auto r = TRY(open(message, tag, expected));
  const Qid qid = r.qid();
  if (r.failed()) return short_body();
  return qid;
}

Result<Opened> opened(ConstBytes message, std::uint16_t tag, Type expected) {
  auto r = TRY(open(message, tag, expected));
  Opened o;
  o.qid = r.qid();
  o.iounit = r.u32();
  if (r.failed()) return short_body();
  return o;
}

}  // namespace

Result<Version> decode_rversion(ConstBytes message, std::uint32_t asked_msize) {
  auto r = TRY(open(message, kNoTag, Type::kRversion));
  Version v;
  v.msize = r.u32();
  const std::string_view version = r.string();
  if (r.failed()) return short_body();
  if (version != kVersion) return Error(EPROTONOSUPPORT, "9P server does not speak 9P2000.L");
  if (v.msize > asked_msize) return protocol_error("9P server raised the message size");
  if (v.msize < 4096) return protocol_error("9P server message size below 4096");
  return v;
}

Result<Qid> decode_rattach(ConstBytes message, std::uint16_t tag) {
  return qid_only(message, tag, Type::kRattach);
}
Result<Qid> decode_rmkdir(ConstBytes message, std::uint16_t tag) {
  return qid_only(message, tag, Type::kRmkdir);
}
Result<Qid> decode_rsymlink(ConstBytes message, std::uint16_t tag) {
  return qid_only(message, tag, Type::kRsymlink);
}

Result<Walked> decode_rwalk(ConstBytes message, std::uint16_t tag, std::uint16_t names_asked) {
  auto r = TRY(open(message, tag, Type::kRwalk));
  Walked w{};
  w.count = r.u16();
  if (r.failed()) return short_body();
  if (w.count > kMaxWalkNames || w.count > names_asked)
    return protocol_error("9P Rwalk has more qids than names walked");
  for (std::uint16_t i = 0; i < w.count; ++i) w.qids[i] = r.qid();
  if (r.failed()) return short_body();
  return w;
}

Result<Opened> decode_rlopen(ConstBytes message, std::uint16_t tag) {
  return opened(message, tag, Type::kRlopen);
}
Result<Opened> decode_rlcreate(ConstBytes message, std::uint16_t tag) {
  return opened(message, tag, Type::kRlcreate);
}

Result<std::uint32_t> decode_rread(ConstBytes header, std::size_t received, std::uint16_t tag,
                                   std::uint32_t count_asked) {
  auto r = TRY(open(header, received, tag, Type::kRread));
  const std::uint32_t count = r.u32();
  if (r.failed()) return short_body();
  // The size field (checked against `received` already) must cover the data too.
  wire::Reader size_field(header);
  const std::uint32_t size = size_field.u32();
  if (count > count_asked) return protocol_error("9P Rread returned more than asked");
  if (std::uint64_t{kReadHeaderSize} + count > size)
    return protocol_error("9P Rread count runs past the message");
  return count;
}

Result<std::uint32_t> decode_rwrite(ConstBytes message, std::uint16_t tag,
                                    std::uint32_t count_asked) {
  auto r = TRY(open(message, tag, Type::kRwrite));
  const std::uint32_t count = r.u32();
  if (r.failed()) return short_body();
  if (count > count_asked) return protocol_error("9P Rwrite wrote more than was sent");
  return count;
}

Result<Attr> decode_rgetattr(ConstBytes message, std::uint16_t tag) {
  auto r = TRY(open(message, tag, Type::kRgetattr));
  Attr a;
  a.valid = r.u64();
  a.qid = r.qid();
  a.mode = r.u32();
  a.uid = r.u32();
  a.gid = r.u32();
  a.nlink = r.u64();
  a.rdev = r.u64();
  a.size = r.u64();
  a.blksize = r.u64();
  a.blocks = r.u64();
  a.atime_sec = r.u64();
  a.atime_nsec = r.u64();
  a.mtime_sec = r.u64();
  a.mtime_nsec = r.u64();
  a.ctime_sec = r.u64();
  a.ctime_nsec = r.u64();
  a.btime_sec = r.u64();
  a.btime_nsec = r.u64();
  a.gen = r.u64();
  a.data_version = r.u64();
  if (r.failed()) return short_body();
  return a;
}

Result<std::string_view> decode_rreadlink(ConstBytes message, std::uint16_t tag) {
  auto r = TRY(open(message, tag, Type::kRreadlink));
  const std::string_view target = r.string();
  if (r.failed()) return short_body();
  return target;
}

Result<ConstBytes> decode_rreaddir(ConstBytes message, std::uint16_t tag,
                                   std::uint32_t count_asked) {
  auto r = TRY(open(message, tag, Type::kRreaddir));
  const std::uint32_t count = r.u32();
  if (r.failed()) return short_body();
  if (count > count_asked) return protocol_error("9P Rreaddir returned more than asked");
  ConstBytes data = r.bytes(count);
  if (r.failed()) return protocol_error("9P Rreaddir count runs past the message");
  return data;
}

Result<StatFs> decode_rstatfs(ConstBytes message, std::uint16_t tag) {
  auto r = TRY(open(message, tag, Type::kRstatfs));
  StatFs s;
  s.type = r.u32();
  s.bsize = r.u32();
  s.blocks = r.u64();
  s.bfree = r.u64();
  s.bavail = r.u64();
  s.files = r.u64();
  s.ffree = r.u64();
  s.fsid = r.u64();
  s.namelen = r.u32();
  if (r.failed()) return short_body();
  return s;
}

Result<void> decode_empty(ConstBytes message, std::uint16_t tag, Type expected) {
  TRY(open(message, tag, expected));
  return {};
}

Result<std::optional<Dirent>> DirentReader::next() {
  if (offset_ >= data_.size()) return std::optional<Dirent>{};
  wire::Reader r(data_.subspan(offset_));
  Dirent d;
  d.qid = r.qid();
  d.offset = r.u64();
  d.type = r.u8();
  d.name = r.string();
  if (r.failed()) {
    offset_ = data_.size();  // nothing more is read from a broken listing
    return protocol_error("9P Rreaddir entry cut short");
  }
  if (d.name.empty() || d.name.size() > kMaxName || d.name.find('/') != std::string_view::npos ||
      d.name.find('\0') != std::string_view::npos) {
    offset_ = data_.size();
    return protocol_error("9P Rreaddir entry has an invalid name");
  }
  offset_ += r.offset();
  return std::optional<Dirent>{d};
}

}  // namespace cairn::p9
