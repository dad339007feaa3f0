// The 8250/16550 UART on COM1 as the console. Polled: the kernel writes little and
// must be able to write from anywhere (including a crash report). Newlines become
// CR LF, because QEMU puts a terminal on -serial stdio in raw mode.
#include <cstdint>

#include <cairn/arch/cpu.h>
#include <cairn/kernel/console.h>
#include <cairn/kernel/initcall.h>

namespace cairn::drivers {
namespace {

constexpr std::uint16_t kCom1 = 0x3f8;
enum Register : std::uint16_t {
  kData = 0,
  kInterruptEnable = 1,
  kFifoControl = 2,
  kLineControl = 3,
  kModemControl = 4,
  kLineStatus = 5,
};
constexpr std::uint8_t kDataReady = 1 << 0, kTransmitHoldingEmpty = 1 << 5,
                       kTransmitterEmpty = 1 << 6;

void put(char c) {
  // Bounded wait: a UART that never drains must not hang the image.
  for (int spins = 0; spins < 100000 && !(arch::inb(kCom1 + kLineStatus) & kTransmitHoldingEmpty);
       ++spins)
    arch::pause();
  arch::outb(kCom1 + kData, static_cast<std::uint8_t>(c));
}

void write(const char* text, std::size_t length) {
  for (std::size_t i = 0; i < length; ++i) {
    if (text[i] == '\n') put('\r');
    put(text[i]);
  }
}

std::size_t poll_read(char* buffer, std::size_t length) {
  std::size_t n = 0;
  while (n < length && (arch::inb(kCom1 + kLineStatus) & kDataReady))
    buffer[n++] = static_cast<char>(arch::inb(kCom1 + kData));
  return n;
}

void flush() {
  for (int spins = 0; spins < 100000 && !(arch::inb(kCom1 + kLineStatus) & kTransmitterEmpty);
       ++spins)
    arch::pause();
}

ConsoleDriver uart = {"uart8250", write, poll_read, flush};

void init_uart8250() {
  // No UART answers with all bits set; leave the console list without it.
  if (arch::inb(kCom1 + kLineStatus) == 0xff) return;
  arch::outb(kCom1 + kInterruptEnable, 0x00);
  arch::outb(kCom1 + kLineControl, 0x80);  // divisor latch
  arch::outb(kCom1 + kData, 0x01);         // 115200 baud
  arch::outb(kCom1 + kInterruptEnable, 0x00);
  arch::outb(kCom1 + kLineControl, 0x03);   // 8N1
  arch::outb(kCom1 + kFifoControl, 0xc7);   // FIFOs on, cleared, 14-byte threshold
  arch::outb(kCom1 + kModemControl, 0x03);  // DTR, RTS
  console_register(uart);
}
CAIRN_INITCALL(console, init_uart8250);

}  // namespace
}  // namespace cairn::drivers
