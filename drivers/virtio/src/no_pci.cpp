// Built instead of pci_bus.cpp when the image has no PCI support.
#include "discovery.h"

namespace cairn::virtio {

void discover_pci_devices() {}

}  // namespace cairn::virtio
