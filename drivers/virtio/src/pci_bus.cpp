// virtio-pci discovery: every virtio function the PCI bus enumerated.
#include <cairn/kernel/console.h>
#include <cairn/pci/pci.h>
#include <cairn/virtio/driver.h>

#include "discovery.h"
#include "pci_transport.h"

namespace cairn::virtio {

void discover_pci_devices() {
  for (const pci::Function& f : pci::functions()) {
    if (!PciTransport::device_type_of(f)) continue;
    auto transport = PciTransport::probe(f);
    if (!transport) {
      char address[8];
      kwarn("virtio-pci %s: %s", pci::format_address(f.address, address),
            transport.error().message());
      continue;
    }
    add_device(*transport.value());
  }
}

}  // namespace cairn::virtio
