// libFuzzer target for the 9P2000.L response decoders. Byte 0 picks the decoder, byte 1
// the tag and byte 2 how much was asked for; the rest is the server's response.
// Checked: whatever is decoded lies inside the response and within what was asked
// (walk qids, read and readdir counts, dirent names); errors are EPROTO or a
// translated Rlerror. ASan watches every read.
#include <errno.h>

#include <cstdint>
#include <cstring>

#include <cairn/p9/codec.h>
#include "fuzz_check.h"

using namespace cairn::p9;

namespace {

bool inside(const void* p, std::size_t n, ConstBytes message) {
  auto* b = static_cast<const std::byte*>(p);
  return n == 0 || (b >= message.data() && b <= message.data() + message.size() &&
                    n <= std::size_t(message.data() + message.size() - b));
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size < 3) return 0;
  const std::uint8_t which = data[0];
  const std::uint16_t tag = data[1] == 0xff ? kNoTag : data[1];
  const std::uint32_t asked = std::uint32_t{data[2]} * 97;
  const ConstBytes message(reinterpret_cast<const std::byte*>(data + 3), size - 3);
  switch (which % 12) {
    case 0:
      if (auto v = decode_rversion(message, asked + 4096); v.ok())
        FUZZ_CHECK(v.value().msize <= asked + 4096 && v.value().msize >= 4096);
      break;
    case 1: {
      const auto names = static_cast<std::uint16_t>(data[2] % 20);
      if (auto w = decode_rwalk(message, tag, names); w.ok())
        FUZZ_CHECK(w.value().count <= names && w.value().count <= kMaxWalkNames);
      break;
    }
    case 2: {
      // The header in its own buffer; `received` may claim more (the data buffer).
      const std::size_t header =
          message.size() < kReadHeaderSize ? message.size() : kReadHeaderSize;
      if (auto n = decode_rread(message.first(header), message.size(), tag, asked); n.ok())
        FUZZ_CHECK(n.value() <= asked && kReadHeaderSize + n.value() <= message.size());
      break;
    }
    case 3:
      if (auto n = decode_rwrite(message, tag, asked); n.ok()) FUZZ_CHECK(n.value() <= asked);
      break;
    case 4:
      if (auto d = decode_rreaddir(message, tag, asked); d.ok()) {
        FUZZ_CHECK(d.value().size() <= asked &&
                   inside(d.value().data(), d.value().size(), message));
        DirentReader reader(d.value());
        for (std::size_t steps = 0;; ++steps) {
          FUZZ_CHECK(steps <= d.value().size() / 24 + 1);
          auto next = reader.next();
          if (!next.ok()) {
            FUZZ_CHECK(next.error().code() == EPROTO);
            break;
          }
          if (!next.value()) break;
          const auto& name = next.value()->name;
          FUZZ_CHECK(!name.empty() && name.size() <= 255);
          FUZZ_CHECK(name.find('/') == std::string_view::npos);
          FUZZ_CHECK(inside(name.data(), name.size(), message));
        }
      }
      break;
    case 5:
      if (auto t = decode_rreadlink(message, tag); t.ok())
        FUZZ_CHECK(inside(t.value().data(), t.value().size(), message));
      break;
    case 6:
      (void)decode_rgetattr(message, tag);
      break;
    case 7:
      (void)decode_rstatfs(message, tag);
      break;
    case 8:
      (void)decode_rlopen(message, tag);
      (void)decode_rlcreate(message, tag);
      break;
    case 9:
      (void)decode_rattach(message, tag);
      (void)decode_rmkdir(message, tag);
      (void)decode_rsymlink(message, tag);
      break;
    case 10:
      (void)decode_empty(message, tag, static_cast<Type>(data[2]));
      break;
    case 11: {
      // Rreaddir data handed straight to the entry reader.
      DirentReader reader(message);
      for (std::size_t steps = 0; steps <= message.size() / 24 + 1; ++steps) {
        auto next = reader.next();
        if (!next.ok() || !next.value()) break;
        FUZZ_CHECK(inside(next.value()->name.data(), next.value()->name.size(), message));
      }
      break;
    }
  }
  return 0;
}
