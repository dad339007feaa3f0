// Registering a virtio driver (implementer-facing). A driver names the device type it
// handles and a probe function; CAIRN_VIRTIO_DRIVER puts it in a linker-section table,
// so linking the driver is all it takes. At the `driver` initcall level the registry
// hands the driver every device of its type found on either transport (virtio-mmio
// from the command line, virtio-pci from the PCI bus).
//
//   Result<void> probe_rng(virtio::Device& device);
//   CAIRN_VIRTIO_DRIVER(rng, "virtio-rng", virtio::DeviceType::kEntropy, probe_rng);
#pragma once

#include <cstddef>
#include <span>

#include <cairn/kernel/result.h>
#include <cairn/virtio/device.h>

namespace cairn::virtio {

struct Driver {
  const char* name;
  DeviceType type;
  // Takes the device through negotiate(), setup_queue() and driver_ok(), and keeps it.
  // On error the registry marks the device FAILED and reports the error.
  Result<void> (*probe)(Device& device);
};

// A device found by a transport's discovery, and the driver that took it (or null).
struct FoundDevice {
  Device* device = nullptr;
  const Driver* driver = nullptr;
  Error error{0, ""};  // why the driver's probe failed; code 0 when it did not
};

// For bus discovery: a transport for a device that a driver may take. The registry
// owns it from here on. False when the table is full (the device is then ignored).
bool add_device(Transport& transport);

// Every device found so far (diagnostics, tests).
std::span<const FoundDevice> devices();

}  // namespace cairn::virtio

// The section name is a C identifier, so the linker provides __start_/__stop_ symbols
// for it and keeps it under --gc-sections when they are referenced.
#define CAIRN_VIRTIO_DRIVER(identifier, driver_name, device_type, probe_function) \
  [[gnu::used, gnu::retain, gnu::aligned(8),                                      \
    gnu::section("cairn_virtio_drivers")]] static const ::cairn::virtio::Driver   \
      cairn_virtio_driver_##identifier = {driver_name, device_type, probe_function}
