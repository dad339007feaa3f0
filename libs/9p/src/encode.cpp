// 9P2000.L requests: size[4] type[1] tag[2] and the body, the size written last.
#include <errno.h>

#include <cairn/p9/codec.h>

#include "wire.h"

namespace cairn::p9 {
namespace {

wire::Writer start(Bytes out, Type type, std::uint16_t tag) {
  wire::Writer w(out);
  w.u32(0).u8(static_cast<std::uint8_t>(type)).u16(tag);
  return w;
}

// `trailing`: payload bytes sent after this buffer (Twrite's data), counted in size[4].
Result<std::size_t> finish(wire::Writer& w, std::size_t trailing = 0) {
  if (w.failed()) return Error(EMSGSIZE, "9P request does not fit the message size");
  const std::uint64_t size = w.length() + trailing;
  if (size > 0xffffffffu) return Error(EMSGSIZE, "9P request larger than 4 GiB");
  for (int i = 0; i < 4; ++i) w.buffer()[i] = static_cast<std::byte>(size >> (8 * i));
  return w.length();
}

Result<std::size_t> fid_only(Bytes out, Type type, std::uint16_t tag, std::uint32_t fid) {
  auto w = start(out, type, tag);
  w.u32(fid);
  return finish(w);
}

}  // namespace

Result<std::size_t> encode_tversion(Bytes out, std::uint32_t msize) {
  auto w = start(out, Type::kTversion, kNoTag);
  w.u32(msize).string(kVersion);
  return finish(w);
}

Result<std::size_t> encode_tattach(Bytes out, std::uint16_t tag, std::uint32_t fid,
                                   std::string_view uname, std::string_view aname,
                                   std::uint32_t n_uname) {
  auto w = start(out, Type::kTattach, tag);
  w.u32(fid).u32(kNoFid).string(uname).string(aname).u32(n_uname);
  return finish(w);
}

Result<std::size_t> encode_twalk(Bytes out, std::uint16_t tag, std::uint32_t fid,
                                 std::uint32_t newfid, std::span<const std::string_view> names) {
  if (names.size() > kMaxWalkNames) return Error(EINVAL, "Twalk with more than 16 names");
  auto w = start(out, Type::kTwalk, tag);
  w.u32(fid).u32(newfid).u16(static_cast<std::uint16_t>(names.size()));
  for (std::string_view name : names) w.string(name);
  return finish(w);
}

Result<std::size_t> encode_tlopen(Bytes out, std::uint16_t tag, std::uint32_t fid,
                                  std::uint32_t linux_flags) {
  auto w = start(out, Type::kTlopen, tag);
  w.u32(fid).u32(linux_flags);
  return finish(w);
}

Result<std::size_t> encode_tlcreate(Bytes out, std::uint16_t tag, std::uint32_t fid,
                                    std::string_view name, std::uint32_t linux_flags,
                                    std::uint32_t mode, std::uint32_t gid) {
  auto w = start(out, Type::kTlcreate, tag);
  w.u32(fid).string(name).u32(linux_flags).u32(mode).u32(gid);
  return finish(w);
}

Result<std::size_t> encode_tread(Bytes out, std::uint16_t tag, std::uint32_t fid,
                                 std::uint64_t offset, std::uint32_t count) {
  auto w = start(out, Type::kTread, tag);
  w.u32(fid).u64(offset).u32(count);
  return finish(w);
}

Result<std::size_t> encode_twrite_header(Bytes out, std::uint16_t tag, std::uint32_t fid,
                                         std::uint64_t offset, std::uint32_t count) {
  auto w = start(out, Type::kTwrite, tag);
  w.u32(fid).u64(offset).u32(count);
  return finish(w, count);
}

Result<std::size_t> encode_tclunk(Bytes out, std::uint16_t tag, std::uint32_t fid) {
  return fid_only(out, Type::kTclunk, tag, fid);
}

Result<std::size_t> encode_tremove(Bytes out, std::uint16_t tag, std::uint32_t fid) {
  return fid_only(out, Type::kTremove, tag, fid);
}

Result<std::size_t> encode_treadlink(Bytes out, std::uint16_t tag, std::uint32_t fid) {
  return fid_only(out, Type::kTreadlink, tag, fid);
}

Result<std::size_t> encode_tstatfs(Bytes out, std::uint16_t tag, std::uint32_t fid) {
  return fid_only(out, Type::kTstatfs, tag, fid);
}

Result<std::size_t> encode_tgetattr(Bytes out, std::uint16_t tag, std::uint32_t fid,
                                    std::uint64_t request_mask) {
  auto w = start(out, Type::kTgetattr, tag);
  w.u32(fid).u64(request_mask);
  return finish(w);
}

Result<std::size_t> encode_tsetattr(Bytes out, std::uint16_t tag, std::uint32_t fid,
                                    const SetAttr& a) {
  auto w = start(out, Type::kTsetattr, tag);
  w.u32(fid).u32(a.valid).u32(a.mode).u32(a.uid).u32(a.gid).u64(a.size);
  w.u64(a.atime_sec).u64(a.atime_nsec).u64(a.mtime_sec).u64(a.mtime_nsec);
  return finish(w);
}

Result<std::size_t> encode_treaddir(Bytes out, std::uint16_t tag, std::uint32_t fid,
                                    std::uint64_t offset, std::uint32_t count) {
  auto w = start(out, Type::kTreaddir, tag);
  w.u32(fid).u64(offset).u32(count);
  return finish(w);
}

Result<std::size_t> encode_tmkdir(Bytes out, std::uint16_t tag, std::uint32_t dfid,
                                  std::string_view name, std::uint32_t mode, std::uint32_t gid) {
  auto w = start(out, Type::kTmkdir, tag);
  w.u32(dfid).string(name).u32(mode).u32(gid);
  return finish(w);
}

Result<std::size_t> encode_tsymlink(Bytes out, std::uint16_t tag, std::uint32_t dfid,
                                    std::string_view name, std::string_view target,
                                    std::uint32_t gid) {
  auto w = start(out, Type::kTsymlink, tag);
  w.u32(dfid).string(name).string(target).u32(gid);
  return finish(w);
}

Result<std::size_t> encode_tunlinkat(Bytes out, std::uint16_t tag, std::uint32_t dfid,
                                     std::string_view name, std::uint32_t flags) {
  auto w = start(out, Type::kTunlinkat, tag);
  w.u32(dfid).string(name).u32(flags);
  return finish(w);
}

Result<std::size_t> encode_trenameat(Bytes out, std::uint16_t tag, std::uint32_t old_dfid,
                                     std::string_view old_name, std::uint32_t new_dfid,
                                     std::string_view new_name) {
  auto w = start(out, Type::kTrenameat, tag);
  w.u32(old_dfid).string(old_name).u32(new_dfid).string(new_name);
  return finish(w);
}

Result<std::size_t> encode_tlink(Bytes out, std::uint16_t tag, std::uint32_t dfid,
                                 std::uint32_t fid, std::string_view name) {
  auto w = start(out, Type::kTlink, tag);
  w.u32(dfid).u32(fid).string(name);
  return finish(w);
}

Result<std::size_t> encode_tfsync(Bytes out, std::uint16_t tag, std::uint32_t fid,
                                  std::uint32_t datasync) {
  auto w = start(out, Type::kTfsync, tag);
  w.u32(fid).u32(datasync);
  return finish(w);
}

}  // namespace cairn::p9
