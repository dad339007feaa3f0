// What a virtio driver needs from a transport (virtio-mmio, virtio-pci): the status
// handshake, feature bits, queue set-up, notifications, the device configuration space
// and the interrupt. Implementer-facing; drivers use virtio::Device (device.h).
#pragma once

#include <cstdint>

#include <cairn/kernel/result.h>
#include <cairn/virtio/features.h>
#include <cairn/virtio/virtqueue.h>

namespace cairn::virtio {

class Transport {
 public:
  virtual ~Transport() = default;

  virtual DeviceType device_type() const = 0;
  // For messages: "virtio-mmio@0xfeb02e00", "virtio-pci 00:03.0".
  virtual const char* name() const = 0;

  // Writes 0 to the status and waits (bounded) until the device reports it is reset.
  virtual Result<void> reset() = 0;
  virtual std::uint8_t status() = 0;
  virtual void set_status(std::uint8_t status) = 0;

  virtual std::uint64_t device_features() = 0;
  virtual void set_driver_features(std::uint64_t features) = 0;

  // The largest size the device allows for queue `index`; 0 when there is no such queue
  // or it is already in use.
  virtual std::uint16_t max_queue_size(std::uint16_t index) = 0;
  // Tells the device where queue `index` lives and enables it.
  virtual Result<void> enable_queue(std::uint16_t index, const QueueAddresses& queue) = 0;
  virtual void notify(std::uint16_t index) = 0;

  // The device configuration space, with the access width of the field read.
  virtual std::uint8_t read_config8(std::uint32_t offset) = 0;
  virtual std::uint16_t read_config16(std::uint32_t offset) = 0;
  virtual std::uint32_t read_config32(std::uint32_t offset) = 0;
  virtual void write_config8(std::uint32_t offset, std::uint8_t value) = 0;
  virtual void write_config32(std::uint32_t offset, std::uint32_t value) = 0;
  // Changes whenever the device changes its configuration (reads of wider fields retry).
  virtual std::uint32_t config_generation() = 0;

  // Arranges for `handler(context)` to run in interrupt context when the device
  // interrupts (any queue or a configuration change), before DRIVER_OK. ENOTSUP when
  // the transport or kernel cannot route one: the driver then polls.
  using InterruptHandler = void (*)(void* context);
  virtual Result<void> enable_interrupt(InterruptHandler handler, void* context) = 0;
  // What enable_interrupt() set up, for diagnostics: "msi-x", "intx", "irq", "polled".
  virtual const char* interrupt_kind() const = 0;
};

}  // namespace cairn::virtio
