#include "pci_transport.h"

#include <errno.h>

#include <new>

#include <cairn/arch/cpu.h>
#include <cairn/irq/irq.h>
#include <cairn/kernel/format.h>

namespace cairn::virtio {
namespace {

// virtio_pci_cap.cfg_type
constexpr std::uint8_t kCommonConfig = 1, kNotifyConfig = 2, kIsrConfig = 3, kDeviceConfig = 4;

// struct virtio_pci_common_cfg
enum Common : std::uint32_t {
  kDeviceFeatureSelect = 0x00,
  kDeviceFeature = 0x04,
  kDriverFeatureSelect = 0x08,
  kDriverFeature = 0x0c,
  kConfigMsixVector = 0x10,
  kNumQueues = 0x12,
  kDeviceStatus = 0x14,
  kConfigGeneration = 0x15,
  kQueueSelect = 0x16,
  kQueueSize = 0x18,
  kQueueMsixVector = 0x1a,
  kQueueEnable = 0x1c,
  kQueueNotifyOff = 0x1e,
  kQueueDesc = 0x20,
  kQueueDriver = 0x28,
  kQueueDevice = 0x30,
  kCommonLength = 0x38,
};
constexpr std::uint16_t kNoVector = 0xffff;
constexpr std::uint64_t kMappedLimit = std::uint64_t{1} << 32;

template <typename T>
T read_at(std::uintptr_t address) {
  return *reinterpret_cast<volatile T*>(address);
}
template <typename T>
void write_at(std::uintptr_t address, T value) {
  *reinterpret_cast<volatile T*>(address) = value;
}

// 64-bit fields as two 32-bit writes, low half first: the access every device must take.
void write64(std::uintptr_t address, std::uint64_t value) {
  write_at<std::uint32_t>(address, static_cast<std::uint32_t>(value));
  write_at<std::uint32_t>(address + 4, static_cast<std::uint32_t>(value >> 32));
}

}  // namespace

std::optional<DeviceType> PciTransport::device_type_of(const pci::Function& f) {
  if (f.vendor_id != kVendor || f.header_type != 0) return std::nullopt;
  if (f.device_id >= 0x1040 && f.device_id <= 0x107f)
    return static_cast<DeviceType>(f.device_id - 0x1040);
  if (f.device_id >= 0x1000 && f.device_id <= 0x103f && f.subsystem_id != 0)
    return static_cast<DeviceType>(f.subsystem_id);  // transitional: type in the subsystem
  return std::nullopt;
}

PciTransport::PciTransport(const pci::Function& function, DeviceType type)
    : function_(function), type_(type) {
  char address[8];
  format_to(name_, sizeof name_, "virtio-pci %s", pci::format_address(function.address, address));
}

Result<PciTransport*> PciTransport::probe(const pci::Function& f) {
  const auto type = device_type_of(f);
  if (!type) return Error(ENODEV, "not a virtio PCI function");
  pci::ConfigSpace& config = pci::config_space();
  auto* t = new (std::nothrow) PciTransport(f, *type);
  if (!t) return Error(ENOMEM, "out of memory");

  // The first usable capability of each kind counts (the spec's rule); each must lie in
  // a memory BAR that the firmware assigned below 4 GiB (the identity-mapped MMIO area).
  Region* regions[5] = {nullptr, &t->common_, &t->notify_, &t->isr_, &t->device_};
  for (auto cap = pci::find_capability(config, f.address, pci::kCapabilityVendor); cap;
       cap = pci::find_capability(config, f.address, pci::kCapabilityVendor, *cap)) {
    const std::uint8_t kind = config.read8(f.address, *cap + 3);
    const std::uint8_t bar_index = config.read8(f.address, *cap + 4);
    const std::uint32_t offset = config.read32(f.address, *cap + 8);
    const std::uint32_t length = config.read32(f.address, *cap + 12);
    if (kind < kCommonConfig || kind > kDeviceConfig || regions[kind]->base || bar_index > 5)
      continue;
    auto bar = pci::read_bar(config, f.address, bar_index);
    if (!bar || bar.value().base == 0 || bar.value().kind == pci::Bar::Kind::kIo ||
        bar.value().kind == pci::Bar::Kind::kNone)
      continue;
    const std::uint64_t start = bar.value().base + offset;
    if (std::uint64_t{offset} + length > bar.value().size || start + length > kMappedLimit)
      continue;
    if (kind == kNotifyConfig) t->notify_multiplier_ = config.read32(f.address, *cap + 16);
    *regions[kind] = {static_cast<std::uintptr_t>(start), length};
  }
  const char* missing = t->common_.length < kCommonLength ? "common"
                        : !t->notify_.base                ? "notify"
                        : !t->isr_.base                   ? "ISR"
                                                          : nullptr;
  if (missing) {
    delete t;
    return Error(ENOTSUP, "virtio-pci device lacks a usable modern capability (BAR above 4 GiB?)");
  }
  pci::enable_device(f.address);
  return t;
}

Result<void> PciTransport::reset() {
  write_at<std::uint8_t>(common_.base + kDeviceStatus, 0);
  for (int spin = 0; spin < 1000000; ++spin) {
    if (read_at<std::uint8_t>(common_.base + kDeviceStatus) == 0) return {};
    arch::pause();
  }
  return Error(EIO, "virtio-pci device did not reset");
}

std::uint8_t PciTransport::status() { return read_at<std::uint8_t>(common_.base + kDeviceStatus); }
void PciTransport::set_status(std::uint8_t status) {
  write_at<std::uint8_t>(common_.base + kDeviceStatus, status);
}

std::uint64_t PciTransport::device_features() {
  write_at<std::uint32_t>(common_.base + kDeviceFeatureSelect, 1);
  const std::uint64_t high = read_at<std::uint32_t>(common_.base + kDeviceFeature);
  write_at<std::uint32_t>(common_.base + kDeviceFeatureSelect, 0);
  return (high << 32) | read_at<std::uint32_t>(common_.base + kDeviceFeature);
}

void PciTransport::set_driver_features(std::uint64_t features) {
  write_at<std::uint32_t>(common_.base + kDriverFeatureSelect, 0);
  write_at<std::uint32_t>(common_.base + kDriverFeature, static_cast<std::uint32_t>(features));
  write_at<std::uint32_t>(common_.base + kDriverFeatureSelect, 1);
  write_at<std::uint32_t>(common_.base + kDriverFeature,
                          static_cast<std::uint32_t>(features >> 32));
}

std::uint16_t PciTransport::max_queue_size(std::uint16_t index) {
  if (index >= kMaxQueues || index >= read_at<std::uint16_t>(common_.base + kNumQueues)) return 0;
  write_at<std::uint16_t>(common_.base + kQueueSelect, index);
  if (read_at<std::uint16_t>(common_.base + kQueueEnable)) return 0;
  const std::uint16_t size = read_at<std::uint16_t>(common_.base + kQueueSize);
  return size > kMaxQueueSize ? kMaxQueueSize : size;
}

Result<void> PciTransport::enable_queue(std::uint16_t index, const QueueAddresses& q) {
  if (index >= kMaxQueues) return Error(EINVAL, "virtio-pci queue index too large");
  write_at<std::uint16_t>(common_.base + kQueueSelect, index);
  const std::uint64_t notify_offset =
      std::uint64_t{read_at<std::uint16_t>(common_.base + kQueueNotifyOff)} * notify_multiplier_;
  if (notify_offset + 2 > notify_.length)
    return Error(EIO, "virtio-pci queue notify address outside its capability");
  write_at<std::uint16_t>(common_.base + kQueueSize, q.size);
  write64(common_.base + kQueueDesc, q.descriptors);
  write64(common_.base + kQueueDriver, q.driver_area);
  write64(common_.base + kQueueDevice, q.device_area);
  write_at<std::uint16_t>(common_.base + kQueueEnable, 1);
  notify_address_[index] = reinterpret_cast<volatile std::uint16_t*>(notify_.base + notify_offset);
  return {};
}

void PciTransport::notify(std::uint16_t index) {
  if (index < kMaxQueues && notify_address_[index]) *notify_address_[index] = index;
}

std::uint8_t PciTransport::read_config8(std::uint32_t offset) {
  return std::uint64_t{offset} + 1 <= device_.length ? read_at<std::uint8_t>(device_.base + offset)
                                                     : 0;
}
std::uint16_t PciTransport::read_config16(std::uint32_t offset) {
  return std::uint64_t{offset} + 2 <= device_.length && offset % 2 == 0
             ? read_at<std::uint16_t>(device_.base + offset)
             : 0;
}
std::uint32_t PciTransport::read_config32(std::uint32_t offset) {
  return std::uint64_t{offset} + 4 <= device_.length && offset % 4 == 0
             ? read_at<std::uint32_t>(device_.base + offset)
             : 0;
}
void PciTransport::write_config8(std::uint32_t offset, std::uint8_t value) {
  if (std::uint64_t{offset} + 1 <= device_.length) write_at(device_.base + offset, value);
}
void PciTransport::write_config32(std::uint32_t offset, std::uint32_t value) {
  if (std::uint64_t{offset} + 4 <= device_.length && offset % 4 == 0)
    write_at(device_.base + offset, value);
}

std::uint32_t PciTransport::config_generation() {
  return read_at<std::uint8_t>(common_.base + kConfigGeneration);
}

void PciTransport::on_msix(void* context) {
  auto* self = static_cast<PciTransport*>(context);
  if (self->handler_) self->handler_(self->handler_context_);
}

void PciTransport::on_intx(void* context) {
  auto* self = static_cast<PciTransport*>(context);
  // Reading the ISR clears it and lowers the line; 0 means another device on a shared line.
  if (read_at<std::uint8_t>(self->isr_.base) && self->handler_)
    self->handler_(self->handler_context_);
}

Result<void> PciTransport::enable_msix() {
  pci::ConfigSpace& config = pci::config_space();
  const auto msix = pci::find_msix(config, function_.address);
  if (!msix) return Error(ENOTSUP, "no MSI-X capability");
  auto bar = TRY(pci::read_bar(config, function_.address, msix->table_bar));
  if (bar.kind == pci::Bar::Kind::kIo || bar.base == 0 ||
      bar.base + msix->table_offset + 16 > kMappedLimit || msix->table_offset + 16 > bar.size)
    return Error(ENOTSUP, "MSI-X table not in mapped memory");
  const std::uint8_t vector = TRY(irq::allocate_vector(on_msix, this, name_));
  const irq::MsiMessage message = irq::msi_message(vector);
  auto* table = reinterpret_cast<volatile std::uint32_t*>(bar.base + msix->table_offset);
  pci::msix_set_entry(table, 0, message.address, message.data);
  pci::msix_enable(config, function_.address, *msix, true);

  // Entry 0 for configuration changes and every queue; the device says 0xffff when it
  // cannot use it.
  bool ok = true;
  write_at<std::uint16_t>(common_.base + kConfigMsixVector, 0);
  ok &= read_at<std::uint16_t>(common_.base + kConfigMsixVector) != kNoVector;
  for (std::uint16_t q = 0; q < kMaxQueues; ++q) {
    if (!notify_address_[q]) continue;
    write_at<std::uint16_t>(common_.base + kQueueSelect, q);
    write_at<std::uint16_t>(common_.base + kQueueMsixVector, 0);
    ok &= read_at<std::uint16_t>(common_.base + kQueueMsixVector) != kNoVector;
  }
  if (!ok) {
    pci::msix_enable(config, function_.address, *msix, false);
    irq::release_vector(vector);
    return Error(EIO, "virtio-pci device refused the MSI-X vector");
  }
  return {};
}

Result<void> PciTransport::enable_intx() {
  if (function_.interrupt_pin == 0 || function_.interrupt_line >= 16)
    return Error(ENOTSUP, "no INTx line routed");
  // The firmware routed the pin to an ISA IRQ; QEMU's tables declare those level-triggered.
  TRY(irq::route_isa_irq(function_.interrupt_line, on_intx, this, name_));
  return {};
}

Result<void> PciTransport::enable_interrupt(InterruptHandler handler, void* context) {
  handler_ = handler;
  handler_context_ = context;
  if (enable_msix()) {
    interrupt_kind_ = "msi-x";
    return {};
  }
  if (auto intx = enable_intx(); !intx) {
    handler_ = nullptr;
    return intx.error();
  }
  interrupt_kind_ = "intx";
  return {};
}

}  // namespace cairn::virtio
