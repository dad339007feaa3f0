// virtio-pci, modern interface (virtio 1.2 section 4.1): the common, notify, ISR and
// device configuration structures that vendor capabilities locate in memory BARs.
// Transitional devices (0x1000..0x103f) are driven through the same modern interface.
// Interrupts: one MSI-X vector for every queue and configuration changes; INTx (the
// ISA IRQ the firmware routed) when MSI-X cannot be set up.
#pragma once

#include <cairn/pci/pci.h>
#include <cairn/virtio/transport.h>

namespace cairn::virtio {

class PciTransport final : public Transport {
 public:
  static constexpr std::uint16_t kVendor = 0x1af4;
  // The virtio device type of a PCI function, or nothing when it is not a virtio device.
  static std::optional<DeviceType> device_type_of(const pci::Function& function);
  // Finds the capabilities and checks they lie inside mapped memory BARs.
  static Result<PciTransport*> probe(const pci::Function& function);

  DeviceType device_type() const override { return type_; }
  const char* name() const override { return name_; }
  Result<void> reset() override;
  std::uint8_t status() override;
  void set_status(std::uint8_t status) override;
  std::uint64_t device_features() override;
  void set_driver_features(std::uint64_t features) override;
  std::uint16_t max_queue_size(std::uint16_t index) override;
  Result<void> enable_queue(std::uint16_t index, const QueueAddresses& queue) override;
  void notify(std::uint16_t index) override;
  std::uint8_t read_config8(std::uint32_t offset) override;
  std::uint16_t read_config16(std::uint32_t offset) override;
  std::uint32_t read_config32(std::uint32_t offset) override;
  void write_config8(std::uint32_t offset, std::uint8_t value) override;
  void write_config32(std::uint32_t offset, std::uint32_t value) override;
  std::uint32_t config_generation() override;
  Result<void> enable_interrupt(InterruptHandler handler, void* context) override;

  const char* interrupt_kind() const override { return interrupt_kind_; }

 private:
  static constexpr std::uint16_t kMaxQueues = 16;
  struct Region {
    std::uintptr_t base;
    std::uint32_t length;
  };

  PciTransport(const pci::Function& function, DeviceType type);
  Result<void> enable_msix();
  Result<void> enable_intx();
  static void on_msix(void* self);
  static void on_intx(void* self);

  pci::Function function_;
  DeviceType type_;
  char name_[24];
  Region common_{}, notify_{}, isr_{}, device_{};
  std::uint32_t notify_multiplier_ = 0;
  volatile std::uint16_t* notify_address_[kMaxQueues] = {};
  InterruptHandler handler_ = nullptr;
  void* handler_context_ = nullptr;
  const char* interrupt_kind_ = "polled";
};

}  // namespace cairn::virtio
