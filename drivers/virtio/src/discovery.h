// How devices reach the registry: virtio-mmio from the command line (a `bus` initcall),
// virtio-pci from the functions the PCI bus found (called by the registry before it
// probes, since the PCI bus enumerates at the same initcall level).
#pragma once

namespace cairn::virtio {

// Adds a transport for every virtio function on the PCI bus (nothing without VIRTIO_PCI).
void discover_pci_devices();

}  // namespace cairn::virtio
