#include "pic.h"

#include <cairn/arch/cpu.h>

namespace cairn::irq::pic {
namespace {

constexpr std::uint16_t kMasterCommand = 0x20, kMasterData = 0x21;
constexpr std::uint16_t kSlaveCommand = 0xa0, kSlaveData = 0xa1;
constexpr std::uint8_t kIcw1Init = 0x11;  // edge-triggered, cascade, ICW4 follows
constexpr std::uint8_t kIcw4_8086 = 0x01;
constexpr std::uint8_t kReadInService = 0x0b;  // OCW3
constexpr std::uint8_t kEndOfInterrupt = 0x20;

// Old PICs need a moment between initialisation words; port 0x80 is the usual delay.
void write_slowly(std::uint16_t port, std::uint8_t value) {
  arch::outb(port, value);
  arch::outb(0x80, 0);
}

bool in_service(std::uint16_t command_port, unsigned line) {
  arch::outb(command_port, kReadInService);
  return arch::inb(command_port) & (1u << line);
}

}  // namespace

void init() {
  write_slowly(kMasterCommand, kIcw1Init);
  write_slowly(kSlaveCommand, kIcw1Init);
  write_slowly(kMasterData, kFirstVector);
  write_slowly(kSlaveData, kFirstVector + 8);
  write_slowly(kMasterData, 1u << 2);  // the slave hangs on IRQ 2
  write_slowly(kSlaveData, 2);         // its cascade identity
  write_slowly(kMasterData, kIcw4_8086);
  write_slowly(kSlaveData, kIcw4_8086);
  arch::outb(kMasterData, 0xff);
  arch::outb(kSlaveData, 0xff);
}

bool acknowledge(std::uint8_t vector) {
  unsigned irq = vector - kFirstVector;
  bool slave = irq >= 8;
  unsigned line = irq % 8;
  // A spurious IRQ 7/15 has no in-service bit and wants no EOI from its own PIC; for a
  // spurious 15 the master still saw a real cascade interrupt on IRQ 2.
  if (line == 7 && !in_service(slave ? kSlaveCommand : kMasterCommand, 7)) {
    if (slave) arch::outb(kMasterCommand, kEndOfInterrupt);
    return true;
  }
  if (slave) arch::outb(kSlaveCommand, kEndOfInterrupt);
  arch::outb(kMasterCommand, kEndOfInterrupt);
  return false;
}

}  // namespace cairn::irq::pic
