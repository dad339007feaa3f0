// virtio-console (virtio 1.2 section 5.3), port 0 only: MULTIPORT is not negotiated,
// so the device has one port on queues 0 (receive) and 1 (transmit), and QEMU counts
// the port as open once DRIVER_OK is set. Output only; nothing is read.
//
// Output is copied into a ring of driver buffers (the caller's memory is free at
// return, and a write from an interrupt handler cannot leave the device reading a
// stack frame that is gone). Completions are polled, never waited on by interrupt:
// the console must work with interrupts off, in a crash report included.
#include <errno.h>

#include <cstring>
#include <string_view>

#include <cairn/arch/cpu.h>
#include <cairn/config.h>
#include <cairn/kernel/console.h>
#include <cairn/kernel/memory.h>
#include <cairn/kernel/param.h>
#include <cairn/time/clock.h>
#include <cairn/virtio/console.h>
#include <cairn/virtio/driver.h>

namespace cairn::virtio {
namespace {

constexpr std::uint16_t kTransmitQueue = 1;
constexpr std::uint32_t kBufferBytes = 512;
constexpr std::uint32_t kBuffers = memory::kPageSize / kBufferBytes;
// How long a write waits for a free buffer, and flush() for the device to drain.
constexpr std::uint64_t kWaitNs = 200'000'000;

struct Port {
  Device* device = nullptr;
  Queue* queue = nullptr;
  std::byte* buffers = nullptr;  // kBuffers of kBufferBytes
  std::uint32_t free_mask = (1u << kBuffers) - 1;
  std::uint64_t dropped = 0;  // bytes not written because the device stopped
};
Port port;
#ifdef CONFIG_VIRTIO_CONSOLE_DEFAULT
bool as_console = true;
#else
bool as_console = false;
#endif

class IrqGuard {
 public:
  IrqGuard() : flags_(arch::save_and_disable_interrupts()) {}
  ~IrqGuard() { arch::restore_interrupts(flags_); }
  IrqGuard(const IrqGuard&) = delete;
  IrqGuard& operator=(const IrqGuard&) = delete;

 private:
  std::uint64_t flags_;
};

Result<void> set_console(std::string_view value) {
  // console=hvc0 adds the port; other names belong to other consoles (the serial port
  // is always one), so they are accepted and change nothing here.
  if (value == "hvc0") as_console = true;
  return {};
}
CAIRN_PARAM(console, "console", set_console,
            "console=hvc0: kernel output to the virtio console too");

// Takes back the buffers the device has finished with.
Result<void> reclaim() {
  while (auto done = TRY(port.queue->take_used())) {
    const auto at = reinterpret_cast<std::uintptr_t>(done->token);
    const auto base = reinterpret_cast<std::uintptr_t>(port.buffers);
    port.free_mask |= 1u << ((at - base) / kBufferBytes);
  }
  return {};
}

// A free buffer's index, waiting (bounded) for the device to return one.
Result<std::uint32_t> take_buffer() {
  std::uint64_t deadline = 0;
  for (;;) {
    TRY(reclaim());
    if (port.free_mask) {
      const auto index = static_cast<std::uint32_t>(__builtin_ctz(port.free_mask));
      port.free_mask &= ~(1u << index);
      return index;
    }
    const std::uint64_t now = time::monotonic_ns();
    if (deadline == 0) deadline = now + kWaitNs;
    if (now >= deadline) return Error(EAGAIN, "virtio console: device takes no output");
    arch::pause();
  }
}

Result<std::size_t> write_locked(std::span<const char> text) {
  std::size_t written = 0;
  while (written < text.size()) {
    const auto taken = take_buffer();
    if (!taken) {
      if (taken.error().code() != EAGAIN) return taken.error();
      port.dropped += text.size() - written;
      break;
    }
    std::byte* buffer = port.buffers + std::size_t{taken.value()} * kBufferBytes;
    const std::size_t n =
        text.size() - written < kBufferBytes ? text.size() - written : kBufferBytes;
    std::memcpy(buffer, text.data() + written, n);
    const Buffer request[] = {Buffer::readable(buffer, static_cast<std::uint32_t>(n))};
    TRY(port.queue->submit(request, buffer));
    written += n;
  }
  return written;
}

void console_write(const char* text, std::size_t length) {
  (void)console_port_write({text, length});
}

void console_flush() { (void)console_port_flush(); }

ConsoleDriver hvc = {"hvc0", console_write, nullptr, console_flush};

Result<void> probe(Device& device) {
  if (port.device) return Error(EBUSY, "a virtio console is in use already");
  TRY(device.negotiate(0));
  // The receive queue must exist for the device to accept DRIVER_OK; it gets no
  // buffers, so host input waits in the device.
  TRY(device.setup_queue(0, 16, 0));
  Queue* queue = TRY(device.setup_queue(kTransmitQueue, 2 * kBuffers, 0));
  void* page = TRY(memory::allocate_pages(1, memory::Owner::kOther));
  // Completions are polled: no interrupt is wanted for them.
  queue->ring().disable_interrupts();
  device.driver_ok();
  port.buffers = static_cast<std::byte*>(page);
  port.queue = queue;
  port.device = &device;
  if (as_console) console_register(hvc);
  return {};
}
CAIRN_VIRTIO_DRIVER(console, "virtio-console", DeviceType::kConsole, probe);

}  // namespace

bool console_port_available() { return port.queue != nullptr && !port.queue->ring().broken(); }

Result<std::size_t> console_port_write(std::span<const char> text) {
  if (!port.queue) return Error(ENODEV, "no virtio console");
  IrqGuard guard;
  return write_locked(text);
}

Result<void> console_port_flush() {
  if (!port.queue) return Error(ENODEV, "no virtio console");
  IrqGuard guard;
  const std::uint64_t deadline = time::monotonic_ns() + kWaitNs;
  for (;;) {
    TRY(reclaim());
    if (port.free_mask == (1u << kBuffers) - 1) return {};
    if (time::monotonic_ns() >= deadline) return Error(ETIMEDOUT, "virtio console did not drain");
    arch::pause();
  }
}

}  // namespace cairn::virtio
