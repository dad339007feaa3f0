// Encoding 9P2000.L requests and decoding responses: pure functions over byte buffers,
// tested on the host and fuzzed. A response is untrusted input: every size, count and
// string length is checked against the bytes the server actually sent (and against the
// request it answers) before anything is read; a bad response is EPROTO, never a read
// outside the buffer. An Rlerror is returned as its errno (translated from Linux).
//
// Encoders write one whole message into `out` and return its length; EMSGSIZE when it
// does not fit (`out` is at most the negotiated msize) or a string is longer than 65535.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string_view>

#include <cairn/kernel/result.h>
#include <cairn/p9/protocol.h>

namespace cairn::p9 {

using Bytes = std::span<std::byte>;
using ConstBytes = std::span<const std::byte>;

// --- Requests --------------------------------------------------------------------------

Result<std::size_t> encode_tversion(Bytes out, std::uint32_t msize);
Result<std::size_t> encode_tattach(Bytes out, std::uint16_t tag, std::uint32_t fid,
                                   std::string_view uname, std::string_view aname,
                                   std::uint32_t n_uname);
// At most kMaxWalkNames names (EINVAL beyond); none clones `fid` as `newfid`.
Result<std::size_t> encode_twalk(Bytes out, std::uint16_t tag, std::uint32_t fid,
                                 std::uint32_t newfid, std::span<const std::string_view> names);
Result<std::size_t> encode_tlopen(Bytes out, std::uint16_t tag, std::uint32_t fid,
                                  std::uint32_t linux_flags);
Result<std::size_t> encode_tlcreate(Bytes out, std::uint16_t tag, std::uint32_t fid,
                                    std::string_view name, std::uint32_t linux_flags,
                                    std::uint32_t mode, std::uint32_t gid);
Result<std::size_t> encode_tread(Bytes out, std::uint16_t tag, std::uint32_t fid,
                                 std::uint64_t offset, std::uint32_t count);
// Twrite's header alone (kWriteHeaderSize bytes): the `count` data bytes follow it in a
// buffer of their own, and the size field counts them.
Result<std::size_t> encode_twrite_header(Bytes out, std::uint16_t tag, std::uint32_t fid,
                                         std::uint64_t offset, std::uint32_t count);
Result<std::size_t> encode_tclunk(Bytes out, std::uint16_t tag, std::uint32_t fid);
Result<std::size_t> encode_tremove(Bytes out, std::uint16_t tag, std::uint32_t fid);
Result<std::size_t> encode_tgetattr(Bytes out, std::uint16_t tag, std::uint32_t fid,
                                    std::uint64_t request_mask);
Result<std::size_t> encode_tsetattr(Bytes out, std::uint16_t tag, std::uint32_t fid,
                                    const SetAttr& attr);
Result<std::size_t> encode_treaddir(Bytes out, std::uint16_t tag, std::uint32_t fid,
                                    std::uint64_t offset, std::uint32_t count);
Result<std::size_t> encode_tmkdir(Bytes out, std::uint16_t tag, std::uint32_t dfid,
                                  std::string_view name, std::uint32_t mode, std::uint32_t gid);
Result<std::size_t> encode_tsymlink(Bytes out, std::uint16_t tag, std::uint32_t dfid,
                                    std::string_view name, std::string_view target,
                                    std::uint32_t gid);
Result<std::size_t> encode_treadlink(Bytes out, std::uint16_t tag, std::uint32_t fid);
Result<std::size_t> encode_tunlinkat(Bytes out, std::uint16_t tag, std::uint32_t dfid,
                                     std::string_view name, std::uint32_t flags);
Result<std::size_t> encode_trenameat(Bytes out, std::uint16_t tag, std::uint32_t old_dfid,
                                     std::string_view old_name, std::uint32_t new_dfid,
                                     std::string_view new_name);
Result<std::size_t> encode_tlink(Bytes out, std::uint16_t tag, std::uint32_t dfid,
                                 std::uint32_t fid, std::string_view name);
// datasync: 1 for fdatasync (the server may skip metadata), 0 for fsync.
Result<std::size_t> encode_tfsync(Bytes out, std::uint16_t tag, std::uint32_t fid,
                                  std::uint32_t datasync);
Result<std::size_t> encode_tstatfs(Bytes out, std::uint16_t tag, std::uint32_t fid);

// --- Responses -------------------------------------------------------------------------
// `message` is what the server wrote (the device's used length, not the buffer size).
// Each checks the header (size field within the bytes received and at least the
// header, the tag, the type) and then the body.

struct Version {
  std::uint32_t msize;  // at most the msize asked for (EPROTO otherwise)
};
// The version must be "9P2000.L" (EPROTONOSUPPORT otherwise).
Result<Version> decode_rversion(ConstBytes message, std::uint32_t asked_msize);

Result<Qid> decode_rattach(ConstBytes message, std::uint16_t tag);
Result<Qid> decode_rmkdir(ConstBytes message, std::uint16_t tag);
Result<Qid> decode_rsymlink(ConstBytes message, std::uint16_t tag);

struct Walked {
  std::uint16_t count;  // at most the names asked for: fewer means the walk stopped early
  Qid qids[kMaxWalkNames];
};
Result<Walked> decode_rwalk(ConstBytes message, std::uint16_t tag, std::uint16_t names_asked);

struct Opened {
  Qid qid;
  std::uint32_t iounit;  // 0: no advice
};
Result<Opened> decode_rlopen(ConstBytes message, std::uint16_t tag);
Result<Opened> decode_rlcreate(ConstBytes message, std::uint16_t tag);

// Rread with its data in a buffer of its own: `header` holds the first bytes the server
// wrote (at least kReadHeaderSize, or a whole Rlerror), `received` counts all of them.
// Returns the data length: at most `count_asked` and what was received after the header.
Result<std::uint32_t> decode_rread(ConstBytes header, std::size_t received, std::uint16_t tag,
                                   std::uint32_t count_asked);
Result<std::uint32_t> decode_rwrite(ConstBytes message, std::uint16_t tag,
                                    std::uint32_t count_asked);
Result<Attr> decode_rgetattr(ConstBytes message, std::uint16_t tag);
Result<std::string_view> decode_rreadlink(ConstBytes message, std::uint16_t tag);
// The dirent data of an Rreaddir (count bytes, at most `count_asked`); walk it with
// DirentReader.
Result<ConstBytes> decode_rreaddir(ConstBytes message, std::uint16_t tag,
                                   std::uint32_t count_asked);
Result<StatFs> decode_rstatfs(ConstBytes message, std::uint16_t tag);
// Responses without a body: Rclunk, Rremove, Rsetattr, Rfsync, Runlinkat, Rrenameat, Rlink.
Result<void> decode_empty(ConstBytes message, std::uint16_t tag, Type expected);

// Entries of Rreaddir data; a name longer than 255 bytes or an entry cut short is EPROTO.
class DirentReader {
 public:
  explicit DirentReader(ConstBytes data) : data_(data) {}
  Result<std::optional<Dirent>> next();

 private:
  ConstBytes data_;
  std::size_t offset_ = 0;
};

}  // namespace cairn::p9
