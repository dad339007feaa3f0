// Little-endian field access for 9P messages, bounds-checked. A Writer or Reader that
// runs out of room remembers it, so a message is built or read as a straight line and
// checked once at the end.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <span>
#include <string_view>

#include <cairn/p9/protocol.h>

namespace cairn::p9::wire {

class Writer {
 public:
  explicit Writer(std::span<std::byte> out) : out_(out) {}

  Writer& u8(std::uint8_t v) { return put(v, 1); }
  Writer& u16(std::uint16_t v) { return put(v, 2); }
  Writer& u32(std::uint32_t v) { return put(v, 4); }
  Writer& u64(std::uint64_t v) { return put(v, 8); }
  Writer& string(std::string_view s) {
    if (s.size() > 0xffff) {
      failed_ = true;
      return *this;
    }
    u16(static_cast<std::uint16_t>(s.size()));
    if (!room(s.size())) return *this;
    std::memcpy(out_.data() + length_, s.data(), s.size());
    length_ += s.size();
    return *this;
  }
  bool failed() const { return failed_; }
  std::size_t length() const { return length_; }
  std::span<std::byte> buffer() const { return out_; }

 private:
  bool room(std::size_t n) {
    if (failed_ || n > out_.size() - length_) failed_ = true;
    return !failed_;
  }
  Writer& put(std::uint64_t v, int bytes) {
    if (!room(bytes)) return *this;
    for (int i = 0; i < bytes; ++i) out_[length_++] = static_cast<std::byte>(v >> (8 * i));
    return *this;
  }

  std::span<std::byte> out_;
  std::size_t length_ = 0;
  bool failed_ = false;
};

class Reader {
 public:
  explicit Reader(std::span<const std::byte> in) : in_(in) {}

  std::uint8_t u8() { return static_cast<std::uint8_t>(get(1)); }
  std::uint16_t u16() { return static_cast<std::uint16_t>(get(2)); }
  std::uint32_t u32() { return static_cast<std::uint32_t>(get(4)); }
  std::uint64_t u64() { return get(8); }
  std::string_view string() {
    const std::uint16_t n = u16();
    if (!room(n)) return {};
    std::string_view s(reinterpret_cast<const char*>(in_.data() + offset_), n);
    offset_ += n;
    return s;
  }
  std::span<const std::byte> bytes(std::size_t n) {
    if (!room(n)) return {};
    auto s = in_.subspan(offset_, n);
    offset_ += n;
    return s;
  }
  Qid qid() {
    Qid q;
    q.type = u8();
    q.version = u32();
    q.path = u64();
    return q;
  }
  bool failed() const { return failed_; }
  std::size_t offset() const { return offset_; }
  std::size_t remaining() const { return failed_ ? 0 : in_.size() - offset_; }

 private:
  bool room(std::size_t n) {
    if (failed_ || n > in_.size() - offset_) failed_ = true;
    return !failed_;
  }
  std::uint64_t get(int bytes) {
    if (!room(bytes)) return 0;
    std::uint64_t v = 0;
    for (int i = 0; i < bytes; ++i) v |= std::uint64_t(in_[offset_++]) << (8 * i);
    return v;
  }

  std::span<const std::byte> in_;
  std::size_t offset_ = 0;
  bool failed_ = false;
};

}  // namespace cairn::p9::wire
