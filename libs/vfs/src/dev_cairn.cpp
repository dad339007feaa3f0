// The devices that need the machine: random and urandom (from getentropy(), which the
// POSIX layer provides on the virtio-rng/RDRAND entropy; RDRAND directly when it is not
// linked in), console and tty.
#include <cerrno>
#include <cstddef>

#include <cairn/vfs/devfs.h>

#include "dev_basic.h"
#include "image.h"

// libs/posix/src/random.cpp defines it; weak so the VFS links without it.
extern "C" [[gnu::weak]] int getentropy(void* buffer, std::size_t length);

namespace cairn::vfs {
namespace {

bool rdrand(std::uint64_t& value) {
  for (int tries = 0; tries < 10; ++tries) {
    unsigned char ok;
    asm volatile("rdrand %0; setc %1" : "=r"(value), "=qm"(ok)::"cc");
    if (ok) return true;
  }
  return false;
}

bool cpu_has_rdrand() {
  unsigned eax = 1, ebx, ecx, edx;
  asm volatile("cpuid" : "+a"(eax), "=b"(ebx), "=c"(ecx), "=d"(edx));
  return (ecx >> 30) & 1;
}

Result<void> fill_random(std::span<std::byte> buffer) {
  if (getentropy) {
    for (std::size_t done = 0; done < buffer.size();) {
      std::size_t n = buffer.size() - done < 256 ? buffer.size() - done : 256;
      if (getentropy(buffer.data() + done, n) != 0) return Error(EIO, "no entropy");
      done += n;
    }
    return {};
  }
  static const bool has_rdrand = cpu_has_rdrand();
  if (!has_rdrand) return Error(EIO, "no entropy source (no RDRAND, no getentropy)");
  for (std::size_t done = 0; done < buffer.size();) {
    std::uint64_t value;
    if (!rdrand(value)) return Error(EIO, "RDRAND failed");
    for (int i = 0; i < 8 && done < buffer.size(); ++i)
      buffer[done++] = std::byte(value >> (8 * i));
  }
  return {};
}

class RandomFile final : public devfs::DeviceFile {
 public:
  RandomFile(int flags, std::uint64_t rdev) : DeviceFile(flags, kCharDevice | 0666, rdev) {}
  Result<std::size_t> read(std::span<std::byte> buffer) override {
    TRY(fill_random(buffer));
    return buffer.size();
  }
  // Writing mixes into the pool on Linux; here it is accepted and ignored.
  Result<std::size_t> write(std::span<const std::byte> data) override { return data.size(); }
};

template <std::uint32_t minor>
Result<RefPtr<OpenFile>> open_random(void*, int flags) {
  RefPtr<RandomFile> file = TRY(make_ref<RandomFile>(flags, devfs::make_dev(1, minor)));
  return RefPtr<OpenFile>(file);
}

Result<RefPtr<OpenFile>> open_console_node(void*, int flags) { return open_console(flags); }

}  // namespace

Result<void> add_machine_devices() {
  using devfs::add_device;
  using devfs::make_dev;
  TRY(add_device("random", kCharDevice | 0666, make_dev(1, 8), open_random<8>, nullptr));
  TRY(add_device("urandom", kCharDevice | 0666, make_dev(1, 9), open_random<9>, nullptr));
  TRY(add_device("console", kCharDevice | 0620, make_dev(5, 1), open_console_node, nullptr));
  TRY(add_device("tty", kCharDevice | 0666, make_dev(5, 0), open_console_node, nullptr));
  return {};
}

}  // namespace cairn::vfs
