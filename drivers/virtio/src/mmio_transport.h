// virtio-mmio, modern (version 2) register layout (virtio 1.2 section 4.2.2). The
// window must lie in the low 4 GiB, which Cairn maps uncached.
#pragma once

#include <cairn/virtio/transport.h>

#include "mmio_spec.h"

namespace cairn::virtio {

class MmioTransport final : public Transport {
 public:
  // Checks the magic value, the version (2; version 1 is legacy and refused) and that a
  // device sits in the slot. ENODEV for an empty slot; ENOTSUP for a legacy device.
  static Result<MmioTransport*> probe(const MmioDeviceSpec& spec);

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
  const char* interrupt_kind() const override { return handler_ ? "irq" : "polled"; }

 private:
  MmioTransport(const MmioDeviceSpec& spec, DeviceType type);
  std::uint32_t read32(std::uint32_t reg) const;
  void write32(std::uint32_t reg, std::uint32_t value);
  bool config_in_window(std::uint32_t offset, std::uint32_t width) const;
  static void on_interrupt(void* self);

  MmioDeviceSpec spec_;
  DeviceType type_;
  char name_[32];
  InterruptHandler handler_ = nullptr;
  void* handler_context_ = nullptr;
};

}  // namespace cairn::virtio
