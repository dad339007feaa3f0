// The console as a file: fds 0-2, /dev/console and /dev/tty. A terminal for isatty();
// reads block until a byte arrives (the console has no readiness signal, so poll()
// reports it writable only).
#include <fcntl.h>
#include <cerrno>

#include <cairn/kernel/console.h>
#include <cairn/vfs/devfs.h>

#include "dev_basic.h"
#include "image.h"

namespace cairn::vfs {
namespace {

// struct winsize of <sys/ioctl.h>.
struct WindowSize {
  unsigned short rows, columns, x_pixels, y_pixels;
};

class ConsoleFile final : public devfs::DeviceFile {
 public:
  explicit ConsoleFile(int flags) : DeviceFile(flags, kCharDevice | 0620, devfs::make_dev(5, 1)) {}

  Result<std::size_t> read(std::span<std::byte> buffer) override {
    if (buffer.empty()) return std::size_t{0};
    return console_read(reinterpret_cast<char*>(buffer.data()), buffer.size());
  }
  Result<std::size_t> write(std::span<const std::byte> data) override {
    console_write(reinterpret_cast<const char*>(data.data()), data.size());
    return data.size();
  }
  Result<int> ioctl(unsigned long request, void* argument) override {
    switch (request) {
      case kIoctlTiocgwinsz:
        // A serial line has no size; report the classic terminal's.
        *static_cast<WindowSize*>(argument) = {24, 80, 0, 0};
        return 0;
      case kIoctlTiocswinsz:
        return 0;
      case kIoctlFionread:
        *static_cast<int*>(argument) = 0;
        return 0;
      default:
        return OpenFile::ioctl(request, argument);
    }
  }
  std::uint32_t poll(PollWaiter*) override { return kPollOut; }
  Result<void> sync(bool) override {
    console_flush();
    return {};
  }
  bool is_terminal() const override { return true; }
};

}  // namespace

Result<RefPtr<OpenFile>> open_console(int flags) {
  RefPtr<ConsoleFile> file =
      TRY(make_ref<ConsoleFile>(flags & (O_ACCMODE | O_NONBLOCK | O_APPEND)));
  return RefPtr<OpenFile>(file);
}

}  // namespace cairn::vfs
