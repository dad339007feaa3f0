// virtio-mmio discovery: one device per `virtio_mmio.device=` command-line entry.
// QEMU microvm lists only the slots that hold a device; an empty slot is skipped
// quietly, anything malformed gets a warning.
#include <errno.h>

#include <cairn/kernel/cmdline.h>
#include <cairn/kernel/console.h>
#include <cairn/kernel/initcall.h>
#include <cairn/virtio/driver.h>

#include "mmio_spec.h"
#include "mmio_transport.h"

namespace cairn::virtio {
namespace {

void discover_mmio_devices() {
  for (std::string_view entry : kernel_command_line().virtio_mmio_devices()) {
    auto spec = parse_mmio_spec(entry);
    if (!spec) {
      kwarn("virtio_mmio.device=%s: %s (ignored)", entry.data(), spec.error().message());
      continue;
    }
    auto transport = MmioTransport::probe(spec.value());
    if (!transport) {
      if (transport.error().code() != ENODEV)
        kwarn("virtio_mmio.device=%s: %s", entry.data(), transport.error().message());
      continue;
    }
    add_device(*transport.value());
  }
}
CAIRN_INITCALL(bus, discover_mmio_devices);

}  // namespace
}  // namespace cairn::virtio
