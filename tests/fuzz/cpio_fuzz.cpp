// libFuzzer target for the cpio newc reader and path sanitising. The input is the
// archive. Checked: every entry's name and data lie inside the input, the walk ends,
// an error is sticky, and a sanitised name is relative, has no "." or ".." component
// and no empty one. ASan watches every read.
#include <cstdint>
#include <cstring>
#include <string_view>

#include <cairn/initrd/cpio.h>
#include "fuzz_check.h"

using cairn::initrd::CpioReader;

namespace {

bool inside(const void* p, std::size_t n, const std::uint8_t* data, std::size_t size) {
  auto* b = static_cast<const std::uint8_t*>(p);
  return n == 0 || (b >= data && b <= data + size && n <= std::size_t(data + size - b));
}

void check_path(std::string_view name) {
  char out[4097];
  auto clean = cairn::initrd::sanitize_path(name, out);
  if (!clean.ok()) return;
  const std::string_view path = clean.value();
  FUZZ_CHECK(path.size() < sizeof out && out[path.size()] == '\0');
  if (path.empty()) return;
  FUZZ_CHECK(path.front() != '/' && path.back() != '/');
  std::size_t start = 0;
  for (;;) {
    const std::size_t slash = path.find('/', start);
    const std::string_view component = path.substr(start, slash - start);
    FUZZ_CHECK(!component.empty() && component != "." && component != "..");
    FUZZ_CHECK(component.size() <= 255);
    if (slash == std::string_view::npos) break;
    start = slash + 1;
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  CpioReader reader({reinterpret_cast<const std::byte*>(data), size});
  // Each entry takes at least a header, so the walk is bounded by the input size.
  for (std::size_t steps = 0;; ++steps) {
    FUZZ_CHECK(steps <= size / CpioReader::kHeaderSize + 1);
    auto next = reader.next();
    if (!next.ok()) {
      FUZZ_CHECK(!reader.next().ok());
      break;
    }
    if (!next.value()) break;
    const auto& entry = *next.value();
    FUZZ_CHECK(!entry.name.empty());
    FUZZ_CHECK(inside(entry.name.data(), entry.name.size() + 1, data, size));
    FUZZ_CHECK(entry.name.data()[entry.name.size()] == '\0');
    FUZZ_CHECK(inside(entry.data.data(), entry.data.size(), data, size));
    check_path(entry.name);
  }
  // Names straight from the input too (whatever the archive parser thinks of it).
  check_path({reinterpret_cast<const char*>(data), size < 5000 ? size : 5000});
  return 0;
}
