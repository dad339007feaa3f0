#include "mmio_transport.h"

#include <errno.h>

#include <new>

#include <cairn/arch/cpu.h>
#include <cairn/irq/irq.h>
#include <cairn/kernel/format.h>

namespace cairn::virtio {
namespace {

enum Register : std::uint32_t {
  kMagic = 0x000,
  kVersion = 0x004,
  kDeviceId = 0x008,
  kDeviceFeatures = 0x010,
  kDeviceFeaturesSelect = 0x014,
  kDriverFeatures = 0x020,
  kDriverFeaturesSelect = 0x024,
  kQueueSelect = 0x030,
  kQueueSizeMax = 0x034,
  kQueueSize = 0x038,
  kQueueReady = 0x044,
  kQueueNotify = 0x050,
  kInterruptStatus = 0x060,
  kInterruptAck = 0x064,
  kStatus = 0x070,
  kQueueDescriptorLow = 0x080,
  kQueueDescriptorHigh = 0x084,
  kQueueDriverLow = 0x090,
  kQueueDriverHigh = 0x094,
  kQueueDeviceLow = 0x0a0,
  kQueueDeviceHigh = 0x0a4,
  kConfigGeneration = 0x0fc,
  kConfig = 0x100,
};
constexpr std::uint32_t kMagicValue = 0x74726976;  // "virt"
constexpr std::uint64_t kMappedLimit = std::uint64_t{1} << 32;

}  // namespace

MmioTransport::MmioTransport(const MmioDeviceSpec& spec, DeviceType type)
    : spec_(spec), type_(type) {
  format_to(name_, sizeof name_, "virtio-mmio@%#llx", static_cast<unsigned long long>(spec.base));
}

Result<MmioTransport*> MmioTransport::probe(const MmioDeviceSpec& spec) {
  if (spec.base + spec.size > kMappedLimit || spec.size < kConfig)
    return Error(EINVAL, "virtio-mmio window outside the low 4 GiB or too small");
  const auto reg = [&](std::uint32_t offset) {
    return *reinterpret_cast<volatile std::uint32_t*>(spec.base + offset);
  };
  if (reg(kMagic) != kMagicValue) return Error(ENODEV, "no virtio-mmio device (bad magic)");
  if (reg(kVersion) != 2)
    return Error(ENOTSUP,
                 "legacy virtio-mmio device (version 1); QEMU: -global "
                 "virtio-mmio.force-legacy=false");
  const std::uint32_t id = reg(kDeviceId);
  if (id == 0 || id > 0xffff) return Error(ENODEV, "empty virtio-mmio slot");
  auto* transport = new (std::nothrow) MmioTransport(spec, static_cast<DeviceType>(id));
  if (!transport) return Error(ENOMEM, "out of memory");
  return transport;
}

std::uint32_t MmioTransport::read32(std::uint32_t reg) const {
  return *reinterpret_cast<volatile std::uint32_t*>(spec_.base + reg);
}
void MmioTransport::write32(std::uint32_t reg, std::uint32_t value) {
  *reinterpret_cast<volatile std::uint32_t*>(spec_.base + reg) = value;
}

Result<void> MmioTransport::reset() {
  write32(kStatus, 0);
  for (int spin = 0; spin < 1000000; ++spin) {
    if (read32(kStatus) == 0) return {};
    arch::pause();
  }
  return Error(EIO, "virtio-mmio device did not reset");
}

std::uint8_t MmioTransport::status() { return static_cast<std::uint8_t>(read32(kStatus)); }
void MmioTransport::set_status(std::uint8_t status) { write32(kStatus, status); }

std::uint64_t MmioTransport::device_features() {
  write32(kDeviceFeaturesSelect, 1);
  const std::uint64_t high = read32(kDeviceFeatures);
  write32(kDeviceFeaturesSelect, 0);
  return (high << 32) | read32(kDeviceFeatures);
}

void MmioTransport::set_driver_features(std::uint64_t features) {
  write32(kDriverFeaturesSelect, 0);
  write32(kDriverFeatures, static_cast<std::uint32_t>(features));
  write32(kDriverFeaturesSelect, 1);
  write32(kDriverFeatures, static_cast<std::uint32_t>(features >> 32));
}

std::uint16_t MmioTransport::max_queue_size(std::uint16_t index) {
  write32(kQueueSelect, index);
  if (read32(kQueueReady) != 0) return 0;
  const std::uint32_t max = read32(kQueueSizeMax);
  return max > kMaxQueueSize ? kMaxQueueSize : static_cast<std::uint16_t>(max);
}

Result<void> MmioTransport::enable_queue(std::uint16_t index, const QueueAddresses& q) {
  write32(kQueueSelect, index);
  write32(kQueueSize, q.size);
  write32(kQueueDescriptorLow, static_cast<std::uint32_t>(q.descriptors));
  write32(kQueueDescriptorHigh, static_cast<std::uint32_t>(q.descriptors >> 32));
  write32(kQueueDriverLow, static_cast<std::uint32_t>(q.driver_area));
  write32(kQueueDriverHigh, static_cast<std::uint32_t>(q.driver_area >> 32));
  write32(kQueueDeviceLow, static_cast<std::uint32_t>(q.device_area));
  write32(kQueueDeviceHigh, static_cast<std::uint32_t>(q.device_area >> 32));
  write32(kQueueReady, 1);
  if (read32(kQueueReady) != 1) return Error(EIO, "virtio-mmio queue did not become ready");
  return {};
}

void MmioTransport::notify(std::uint16_t index) { write32(kQueueNotify, index); }

bool MmioTransport::config_in_window(std::uint32_t offset, std::uint32_t width) const {
  return offset % width == 0 && kConfig + std::uint64_t{offset} + width <= spec_.size;
}

std::uint8_t MmioTransport::read_config8(std::uint32_t offset) {
  if (!config_in_window(offset, 1)) return 0;
  return *reinterpret_cast<volatile std::uint8_t*>(spec_.base + kConfig + offset);
}
std::uint16_t MmioTransport::read_config16(std::uint32_t offset) {
  if (!config_in_window(offset, 2)) return 0;
  return *reinterpret_cast<volatile std::uint16_t*>(spec_.base + kConfig + offset);
}
std::uint32_t MmioTransport::read_config32(std::uint32_t offset) {
  if (!config_in_window(offset, 4)) return 0;
  return read32(kConfig + offset);
}
void MmioTransport::write_config8(std::uint32_t offset, std::uint8_t value) {
  if (config_in_window(offset, 1))
    *reinterpret_cast<volatile std::uint8_t*>(spec_.base + kConfig + offset) = value;
}
void MmioTransport::write_config32(std::uint32_t offset, std::uint32_t value) {
  if (config_in_window(offset, 4)) write32(kConfig + offset, value);
}

std::uint32_t MmioTransport::config_generation() { return read32(kConfigGeneration); }

void MmioTransport::on_interrupt(void* context) {
  auto* self = static_cast<MmioTransport*>(context);
  // Acknowledging lowers the (level-triggered) line; the handler then looks at the rings.
  const std::uint32_t pending = self->read32(kInterruptStatus);
  self->write32(kInterruptAck, pending);
  if (self->handler_) self->handler_(self->handler_context_);
}

Result<void> MmioTransport::enable_interrupt(InterruptHandler handler, void* context) {
  handler_ = handler;
  handler_context_ = context;
  // microvm wires each virtio-mmio slot to an IOAPIC input, level-triggered, active high.
  auto vector = irq::route_gsi(spec_.irq, irq::Trigger::kLevel, irq::Polarity::kActiveHigh,
                               on_interrupt, this, name_);
  if (!vector) {
    handler_ = nullptr;
    return vector.error();
  }
  return {};
}

}  // namespace cairn::virtio
