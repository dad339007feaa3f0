// The 9P client's calls: take a tag slot, encode into its request buffer, exchange,
// decode from its response buffer. Bulk data (Tread/Twrite payloads) goes straight
// between the caller's buffer and the transport, never through a slot.
#include "client.h"

#include <errno.h>

#include <cstring>
#include <new>

namespace cairn::p9 {

Client::~Client() {
  for (Slot& slot : slots_) {
    delete[] slot.request;
    delete[] slot.response;
  }
}

Result<Client::Slot*> Client::acquire() {
  vfs::MutexLocker locker(lock_);
  for (;;) {
    for (std::size_t i = 0; i < kSlots; ++i) {
      Slot& slot = slots_[i];
      if (slot.busy) continue;
      if (!slot.request) {
        slot.request = new (std::nothrow) std::byte[kSmallMessage];
        slot.response = new (std::nothrow) std::byte[kSmallMessage];
        if (!slot.request || !slot.response) {
          delete[] slot.request;
          delete[] slot.response;
          slot.request = slot.response = nullptr;
          return Error(ENOMEM, "out of memory for a 9P message buffer");
        }
      }
      slot.tag = static_cast<std::uint16_t>(i);
      slot.busy = true;
      return &slot;
    }
    slot_free_.wait(lock_);
  }
}

void Client::release(Slot* slot) {
  vfs::MutexLocker locker(lock_);
  slot->busy = false;
  slot_free_.signal();
}

Bytes Client::request_buffer(Slot& slot) const {
  // Before Tversion msize_ is 0: Tversion itself fits any buffer.
  const std::size_t size = msize_ && msize_ < kSmallMessage ? msize_ : kSmallMessage;
  return {slot.request, size};
}

Result<ConstBytes> Client::round_trip(Slot& slot, std::size_t length) {
  const ConstBytes request[] = {{slot.request, length}};
  const std::size_t room = msize_ && msize_ < kSmallMessage ? msize_ : kSmallMessage;
  const Bytes response[] = {{slot.response, room}};
  const std::uint32_t received = TRY(transport_.transact(request, response));
  if (received > room) return Error(EPROTO, "9P transport reports more bytes than it had room");
  return ConstBytes(slot.response, received);
}

Result<std::uint32_t> Client::new_fid() {
  vfs::MutexLocker locker(lock_);
  // Numbers are not reused: 2^32 walks is far beyond an image's life, and a number
  // that is never reused cannot name a stale file.
  if (next_fid_ == kNoFid) return Error(EMFILE, "9P fid numbers exhausted");
  return next_fid_++;
}

Result<void> Client::connect(std::uint32_t msize) {
  if (msize < 4096) return Error(EINVAL, "9P msize below 4096");
  Slot* slot = TRY(acquire());
  SlotGuard guard(*this, slot);
  msize_ = 0;
  const std::size_t length = TRY(encode_tversion(request_buffer(*slot), msize));
  ConstBytes response = TRY(round_trip(*slot, length));
  const Version version = TRY(decode_rversion(response, msize));
  msize_ = version.msize;
  return {};
}

Result<std::uint32_t> Client::attach(std::string_view uname, std::string_view aname,
                                     std::uint32_t n_uname, Qid* qid) {
  const std::uint32_t fid = TRY(new_fid());
  Slot* slot = TRY(acquire());
  SlotGuard guard(*this, slot);
  const std::size_t length =
      TRY(encode_tattach(request_buffer(*slot), slot->tag, fid, uname, aname, n_uname));
  ConstBytes response = TRY(round_trip(*slot, length));
  const Qid root = TRY(decode_rattach(response, slot->tag));
  if (qid) *qid = root;
  return fid;
}

Result<std::uint32_t> Client::walk(std::uint32_t fid, std::span<const std::string_view> names,
                                   Qid* qid) {
  if (names.size() > kMaxWalkNames) return Error(EINVAL, "9P walk of more than 16 names");
  const std::uint32_t newfid = TRY(new_fid());
  Slot* slot = TRY(acquire());
  SlotGuard guard(*this, slot);
  const std::size_t length =
      TRY(encode_twalk(request_buffer(*slot), slot->tag, fid, newfid, names));
  ConstBytes response = TRY(round_trip(*slot, length));
  const auto walked =
      TRY(decode_rwalk(response, slot->tag, static_cast<std::uint16_t>(names.size())));
  // A partial walk makes no fid (9P: newfid is only affected when every name walked).
  if (walked.count < names.size()) return Error(ENOENT, "no such file on the 9P server");
  if (qid && walked.count) *qid = walked.qids[walked.count - 1];
  return newfid;
}

Result<void> Client::clunk(std::uint32_t fid) {
  Slot* slot = TRY(acquire());
  SlotGuard guard(*this, slot);
  const std::size_t length = TRY(encode_tclunk(request_buffer(*slot), slot->tag, fid));
  ConstBytes response = TRY(round_trip(*slot, length));
  return decode_empty(response, slot->tag, Type::kRclunk);
}

Result<void> Client::remove(std::uint32_t fid) {
  Slot* slot = TRY(acquire());
  SlotGuard guard(*this, slot);
  const std::size_t length = TRY(encode_tremove(request_buffer(*slot), slot->tag, fid));
  ConstBytes response = TRY(round_trip(*slot, length));
  return decode_empty(response, slot->tag, Type::kRremove);
}

Result<Opened> Client::lopen(std::uint32_t fid, std::uint32_t linux_flags) {
  Slot* slot = TRY(acquire());
  SlotGuard guard(*this, slot);
  const std::size_t length = TRY(encode_tlopen(request_buffer(*slot), slot->tag, fid, linux_flags));
  ConstBytes response = TRY(round_trip(*slot, length));
  return decode_rlopen(response, slot->tag);
}

Result<Opened> Client::lcreate(std::uint32_t fid, std::string_view name, std::uint32_t linux_flags,
                               std::uint32_t mode, std::uint32_t gid) {
  Slot* slot = TRY(acquire());
  SlotGuard guard(*this, slot);
  const std::size_t length =
      TRY(encode_tlcreate(request_buffer(*slot), slot->tag, fid, name, linux_flags, mode, gid));
  ConstBytes response = TRY(round_trip(*slot, length));
  return decode_rlcreate(response, slot->tag);
}

Result<std::uint32_t> Client::read(std::uint32_t fid, std::uint64_t offset,
                                   std::span<std::byte> buffer) {
  const std::uint32_t count =
      static_cast<std::uint32_t>(buffer.size() < max_io() ? buffer.size() : max_io());
  if (count == 0) return std::uint32_t{0};
  Slot* slot = TRY(acquire());
  SlotGuard guard(*this, slot);
  const std::size_t length =
      TRY(encode_tread(request_buffer(*slot), slot->tag, fid, offset, count));
  // The header (or an Rlerror, the same size) lands in the slot, the data in place.
  const ConstBytes request[] = {{slot->request, length}};
  const Bytes response[] = {{slot->response, kReadHeaderSize}, buffer.first(count)};
  const std::uint32_t received = TRY(transport_.transact(request, response));
  if (received > kReadHeaderSize + count)
    return Error(EPROTO, "9P transport reports more bytes than it had room");
  return decode_rread({slot->response, kReadHeaderSize}, received, slot->tag, count);
}

Result<std::uint32_t> Client::write(std::uint32_t fid, std::uint64_t offset,
                                    std::span<const std::byte> data) {
  const std::uint32_t count =
      static_cast<std::uint32_t>(data.size() < max_io() ? data.size() : max_io());
  if (count == 0) return std::uint32_t{0};
  Slot* slot = TRY(acquire());
  SlotGuard guard(*this, slot);
  const std::size_t length =
      TRY(encode_twrite_header(request_buffer(*slot), slot->tag, fid, offset, count));
  const ConstBytes request[] = {{slot->request, length}, data.first(count)};
  const Bytes response[] = {{slot->response, kSmallMessage}};
  const std::uint32_t received = TRY(transport_.transact(request, response));
  if (received > kSmallMessage)
    return Error(EPROTO, "9P transport reports more bytes than it had room");
  return decode_rwrite({slot->response, received}, slot->tag, count);
}

Result<Attr> Client::getattr(std::uint32_t fid, std::uint64_t mask) {
  Slot* slot = TRY(acquire());
  SlotGuard guard(*this, slot);
  const std::size_t length = TRY(encode_tgetattr(request_buffer(*slot), slot->tag, fid, mask));
  ConstBytes response = TRY(round_trip(*slot, length));
  return decode_rgetattr(response, slot->tag);
}

Result<void> Client::setattr(std::uint32_t fid, const SetAttr& attr) {
  Slot* slot = TRY(acquire());
  SlotGuard guard(*this, slot);
  const std::size_t length = TRY(encode_tsetattr(request_buffer(*slot), slot->tag, fid, attr));
  ConstBytes response = TRY(round_trip(*slot, length));
  return decode_empty(response, slot->tag, Type::kRsetattr);
}

Result<StatFs> Client::statfs(std::uint32_t fid) {
  Slot* slot = TRY(acquire());
  SlotGuard guard(*this, slot);
  const std::size_t length = TRY(encode_tstatfs(request_buffer(*slot), slot->tag, fid));
  ConstBytes response = TRY(round_trip(*slot, length));
  return decode_rstatfs(response, slot->tag);
}

Result<void> Client::fsync(std::uint32_t fid, bool data_only) {
  Slot* slot = TRY(acquire());
  SlotGuard guard(*this, slot);
  const std::size_t length =
      TRY(encode_tfsync(request_buffer(*slot), slot->tag, fid, data_only ? 1 : 0));
  ConstBytes response = TRY(round_trip(*slot, length));
  return decode_empty(response, slot->tag, Type::kRfsync);
}

Result<ConstBytes> Client::readdir_chunk(Slot& slot, std::uint32_t fid, std::uint64_t offset) {
  const Bytes out = request_buffer(slot);
  const std::uint32_t count = static_cast<std::uint32_t>(out.size() - kReadHeaderSize);
  const std::size_t length = TRY(encode_treaddir(out, slot.tag, fid, offset, count));
  ConstBytes response = TRY(round_trip(slot, length));
  return decode_rreaddir(response, slot.tag, count);
}

Result<Qid> Client::mkdir(std::uint32_t dfid, std::string_view name, std::uint32_t mode,
                          std::uint32_t gid) {
  Slot* slot = TRY(acquire());
  SlotGuard guard(*this, slot);
  const std::size_t length =
      TRY(encode_tmkdir(request_buffer(*slot), slot->tag, dfid, name, mode, gid));
  ConstBytes response = TRY(round_trip(*slot, length));
  return decode_rmkdir(response, slot->tag);
}

Result<Qid> Client::symlink(std::uint32_t dfid, std::string_view name, std::string_view target,
                            std::uint32_t gid) {
  Slot* slot = TRY(acquire());
  SlotGuard guard(*this, slot);
  const std::size_t length =
      TRY(encode_tsymlink(request_buffer(*slot), slot->tag, dfid, name, target, gid));
  ConstBytes response = TRY(round_trip(*slot, length));
  return decode_rsymlink(response, slot->tag);
}

Result<std::size_t> Client::readlink(std::uint32_t fid, std::span<char> buffer) {
  Slot* slot = TRY(acquire());
  SlotGuard guard(*this, slot);
  const std::size_t length = TRY(encode_treadlink(request_buffer(*slot), slot->tag, fid));
  ConstBytes response = TRY(round_trip(*slot, length));
  const std::string_view target = TRY(decode_rreadlink(response, slot->tag));
  const std::size_t n = target.size() < buffer.size() ? target.size() : buffer.size();
  std::memcpy(buffer.data(), target.data(), n);
  return target.size();
}

Result<void> Client::link(std::uint32_t dfid, std::uint32_t fid, std::string_view name) {
  Slot* slot = TRY(acquire());
  SlotGuard guard(*this, slot);
  const std::size_t length = TRY(encode_tlink(request_buffer(*slot), slot->tag, dfid, fid, name));
  ConstBytes response = TRY(round_trip(*slot, length));
  return decode_empty(response, slot->tag, Type::kRlink);
}

Result<void> Client::unlinkat(std::uint32_t dfid, std::string_view name, std::uint32_t flags) {
  Slot* slot = TRY(acquire());
  SlotGuard guard(*this, slot);
  const std::size_t length =
      TRY(encode_tunlinkat(request_buffer(*slot), slot->tag, dfid, name, flags));
  ConstBytes response = TRY(round_trip(*slot, length));
  return decode_empty(response, slot->tag, Type::kRunlinkat);
}

Result<void> Client::renameat(std::uint32_t old_dfid, std::string_view old_name,
                              std::uint32_t new_dfid, std::string_view new_name) {
  Slot* slot = TRY(acquire());
  SlotGuard guard(*this, slot);
  const std::size_t length = TRY(
      encode_trenameat(request_buffer(*slot), slot->tag, old_dfid, old_name, new_dfid, new_name));
  ConstBytes response = TRY(round_trip(*slot, length));
  return decode_empty(response, slot->tag, Type::kRrenameat);
}

}  // namespace cairn::p9
