// Boot-test program for the device layer. `rng`: reads entropy through the in-kernel
// virtio-rng API and checks it looks random; `devices`: lists the virtio devices and
// the drivers that took them.
#include <cerrno>
#include <cstddef>
#include <cstdio>
#include <cstring>

#include <cairn/virtio/driver.h>
#include <cairn/virtio/rng.h>

namespace {

int test_rng() {
  if (!cairn::virtio::rng_available()) {
    std::printf("rng: no device\n");
    return 1;
  }
  std::byte bytes[4096 + 100];  // more than one request: rng_fill repeats rng_read
  std::memset(bytes, 0, sizeof bytes);
  auto filled = cairn::virtio::rng_fill(bytes);
  if (!filled) {
    std::printf("rng: error %d: %s\n", filled.error().code(), filled.error().message());
    return 1;
  }
  bool seen[256] = {};
  int distinct = 0;
  for (std::byte b : bytes) {
    if (!seen[static_cast<unsigned char>(b)]) ++distinct;
    seen[static_cast<unsigned char>(b)] = true;
  }
  std::printf("rng: %zu bytes, %d distinct values, first %02x %02x %02x %02x\n", sizeof bytes,
              distinct, static_cast<unsigned>(bytes[0]), static_cast<unsigned>(bytes[1]),
              static_cast<unsigned>(bytes[2]), static_cast<unsigned>(bytes[3]));
  // 4196 random bytes hit nearly all 256 values; a device echoing a pattern does not.
  if (distinct < 200) return 1;
  std::byte small[1];
  auto one = cairn::virtio::rng_read(small);
  std::printf("rng: single read %s\n", one && one.value() == 1 ? "ok" : "failed");
  return one && one.value() == 1 ? 0 : 1;
}

int list_devices() {
  for (const auto& d : cairn::virtio::devices())
    std::printf("device: %s type %u driver %s\n", d.device->name(),
                static_cast<unsigned>(d.device->type()), d.driver ? d.driver->name : "-");
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc > 1 && std::strcmp(argv[1], "rng") == 0) return test_rng();
  if (argc > 1 && std::strcmp(argv[1], "devices") == 0) return list_devices();
  std::printf("usage: drivers rng|devices\n");
  return 2;
}
