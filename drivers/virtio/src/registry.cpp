// The virtio driver registry: devices come from the transports' discovery, drivers from
// the linker-section table; at the `driver` initcall level each device goes to the
// first driver registered for its type. `virtio.list` prints the outcome.
#include <new>
#include <string_view>

#include <cairn/kernel/console.h>
#include <cairn/kernel/initcall.h>
#include <cairn/kernel/param.h>
#include <cairn/virtio/driver.h>

#include "discovery.h"

extern "C" const cairn::virtio::Driver __start_cairn_virtio_drivers[];
extern "C" const cairn::virtio::Driver __stop_cairn_virtio_drivers[];

namespace cairn::virtio {
namespace {

constexpr std::size_t kMaxDevices = 32;
FoundDevice found[kMaxDevices];
std::size_t found_count = 0;
bool list_requested = false;

Result<void> set_list(std::string_view) {
  list_requested = true;
  return {};
}
CAIRN_PARAM(virtio_list, "virtio.list", set_list, "print the virtio devices and their drivers");

std::span<const Driver> drivers() {
  return {__start_cairn_virtio_drivers,
          static_cast<std::size_t>(__stop_cairn_virtio_drivers - __start_cairn_virtio_drivers)};
}

void probe(FoundDevice& entry) {
  for (const Driver& driver : drivers()) {
    if (driver.type != entry.device->type()) continue;
    auto probed = driver.probe(*entry.device);
    if (probed) {
      entry.driver = &driver;
      return;
    }
    entry.device->fail();
    entry.error = probed.error();
    kwarn("%s: %s: %s", entry.device->name(), driver.name, probed.error().message());
    return;
  }
}

void probe_devices() {
  discover_pci_devices();
  for (std::size_t i = 0; i < found_count; ++i) probe(found[i]);
  if (!list_requested) return;
  for (const FoundDevice& d : devices())
    kprintf("virtio: %s type %u: %s (%s)\n", d.device->name(),
            static_cast<unsigned>(d.device->type()),
            d.driver         ? d.driver->name
            : d.error.code() ? d.error.message()
                             : "no driver",
            d.device->transport().interrupt_kind());
}
CAIRN_INITCALL(driver, probe_devices);

}  // namespace

bool add_device(Transport& transport) {
  if (found_count == kMaxDevices) {
    kwarn("%s: more than %zu virtio devices; ignored", transport.name(), kMaxDevices);
    return false;
  }
  auto* device = new (std::nothrow) Device(transport);
  if (!device) {
    kwarn("%s: out of memory", transport.name());
    return false;
  }
  found[found_count++] = {device, nullptr, Error(0, "")};
  return true;
}

std::span<const FoundDevice> devices() { return {found, found_count}; }

}  // namespace cairn::virtio
