// A 9P2000.L client over any transport that carries one request/response pair at a
// time per call (virtio-9p). Thread-safe: every call takes one of kSlots tags, so up to
// that many requests are in flight together; callers beyond that wait for a tag.
// Fids are numbers the client hands out; each Result-returning call either leaves the
// fids it was given as they were or says what changed (walk makes one, clunk and
// remove end one).
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <string_view>

#include <cairn/kernel/result.h>
#include <cairn/p9/codec.h>
#include <cairn/vfs/lock.h>

namespace cairn::p9 {

class Transport {
 public:
  // Sends the request (readable segments, in order) and waits for the response, which
  // the server writes into the response segments in order. Returns the bytes written.
  virtual Result<std::uint32_t> transact(std::span<const ConstBytes> request,
                                         std::span<const Bytes> response) = 0;

 protected:
  ~Transport() = default;
};

class Client {
 public:
  static constexpr std::uint32_t kDefaultMsize = 512 * 1024;
  static constexpr std::size_t kSlots = 16;
  // Buffer size of messages without bulk payload (names, attributes, readdir chunks).
  static constexpr std::size_t kSmallMessage = 8192;

  explicit Client(Transport& transport) : transport_(transport) {}
  ~Client();
  Client(const Client&) = delete;
  Client& operator=(const Client&) = delete;

  // Tversion: negotiates the message size (at most `msize`). Must come first; sending
  // it again resets the session (every fid is gone).
  Result<void> connect(std::uint32_t msize = kDefaultMsize);
  std::uint32_t msize() const { return msize_; }
  // The most payload one Tread or Twrite carries.
  std::uint32_t max_io() const { return msize_ - static_cast<std::uint32_t>(kIoOverhead); }

  // A new fid number attached to the root of the export `aname`.
  Result<std::uint32_t> attach(std::string_view uname, std::string_view aname,
                               std::uint32_t n_uname, Qid* qid = nullptr);
  // A new fid for what `names` lead to from `fid` (none: a clone). ENOENT when the
  // walk stops early (no fid is made then). At most kMaxWalkNames names.
  Result<std::uint32_t> walk(std::uint32_t fid, std::span<const std::string_view> names,
                             Qid* qid = nullptr);
  // Tclunk; the fid is gone whatever the answer.
  Result<void> clunk(std::uint32_t fid);
  // Tremove; the fid is gone whatever the answer.
  Result<void> remove(std::uint32_t fid);

  Result<Opened> lopen(std::uint32_t fid, std::uint32_t linux_flags);
  // Creates `name` in the directory `fid`, which then stands for the new file, opened.
  Result<Opened> lcreate(std::uint32_t fid, std::string_view name, std::uint32_t linux_flags,
                         std::uint32_t mode, std::uint32_t gid);
  // One Tread/Twrite of at most max_io() bytes, straight into or out of the caller's
  // buffer. Returns the bytes moved (0 at the end of the file).
  Result<std::uint32_t> read(std::uint32_t fid, std::uint64_t offset, std::span<std::byte> buffer);
  Result<std::uint32_t> write(std::uint32_t fid, std::uint64_t offset,
                              std::span<const std::byte> data);

  Result<Attr> getattr(std::uint32_t fid, std::uint64_t mask = kGetattrBasic);
  Result<void> setattr(std::uint32_t fid, const SetAttr& attr);
  Result<StatFs> statfs(std::uint32_t fid);
  Result<void> fsync(std::uint32_t fid, bool data_only);

  // Entries of the opened directory `fid` from `offset`, handed to `visit` one by one
  // until it returns false. Returns how many entries it took (0: the end).
  template <typename Visit>
  Result<std::size_t> readdir(std::uint32_t fid, std::uint64_t offset, Visit&& visit);

  Result<Qid> mkdir(std::uint32_t dfid, std::string_view name, std::uint32_t mode,
                    std::uint32_t gid);
  Result<Qid> symlink(std::uint32_t dfid, std::string_view name, std::string_view target,
                      std::uint32_t gid);
  // Copies the target into `buffer` (truncated); returns its full length.
  Result<std::size_t> readlink(std::uint32_t fid, std::span<char> buffer);
  Result<void> link(std::uint32_t dfid, std::uint32_t fid, std::string_view name);
  Result<void> unlinkat(std::uint32_t dfid, std::string_view name, std::uint32_t flags);
  Result<void> renameat(std::uint32_t old_dfid, std::string_view old_name, std::uint32_t new_dfid,
                        std::string_view new_name);

 private:
  struct Slot {
    std::uint16_t tag;
    bool busy = false;
    std::byte* request = nullptr;  // kSmallMessage bytes each, allocated on first use
    std::byte* response = nullptr;
  };
  class SlotGuard;

  Result<Slot*> acquire();
  void release(Slot* slot);
  Bytes request_buffer(Slot& slot) const;
  // Sends `length` bytes of the slot's request; the response lands in its buffer.
  Result<ConstBytes> round_trip(Slot& slot, std::size_t length);
  Result<std::uint32_t> new_fid();
  Result<ConstBytes> readdir_chunk(Slot& slot, std::uint32_t fid, std::uint64_t offset);

  Transport& transport_;
  std::uint32_t msize_ = 0;
  vfs::Mutex lock_;  // slots and fids
  vfs::CondVar slot_free_;
  Slot slots_[kSlots];
  std::uint32_t next_fid_ = 1;
};

class Client::SlotGuard {
 public:
  SlotGuard(Client& client, Slot* slot) : client_(client), slot_(slot) {}
  ~SlotGuard() { client_.release(slot_); }
  SlotGuard(const SlotGuard&) = delete;
  SlotGuard& operator=(const SlotGuard&) = delete;
  Slot& operator*() const { return *slot_; }
  Slot* operator->() const { return slot_; }

 private:
  Client& client_;
  Slot* slot_;
};

template <typename Visit>
Result<std::size_t> Client::readdir(std::uint32_t fid, std::uint64_t offset, Visit&& visit) {
  Slot* slot = TRY(acquire());
  SlotGuard guard(*this, slot);
  ConstBytes data = TRY(readdir_chunk(*slot, fid, offset));
  DirentReader reader(data);
  std::size_t taken = 0;
  while (auto entry = TRY(reader.next())) {
    if (!visit(*entry)) break;
    ++taken;
  }
  return taken;
}

}  // namespace cairn::p9
