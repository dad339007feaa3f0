// The virtio console's first port, hvc0 (CONFIG_VIRTIO_CONSOLE): an output besides the
// serial console, e.g. for a log the host keeps in a file. With the kernel option
// console=hvc0 (or CONFIG_VIRTIO_CONSOLE_DEFAULT) the port is also a kernel console,
// so stdout, stderr and kernel messages go to it as well as to the serial port.
//
// Writes are copied into driver buffers and queued; they wait (bounded) only when all
// buffers are in flight, so they are usable from any context, interrupt handlers
// included. Only the first device is used.
#pragma once

#include <cstddef>
#include <span>

#include <cairn/kernel/result.h>

namespace cairn::virtio {

// True when a virtio console port is ready.
bool console_port_available();

// Queues `text` for the port and returns how many bytes were queued: all of them,
// unless the device stopped taking buffers for longer than the bounded wait. ENODEV
// without a device, EIO when the device misbehaved (it is not used again).
Result<std::size_t> console_port_write(std::span<const char> text);

// Waits (bounded) until everything queued has been taken by the device.
Result<void> console_port_flush();

}  // namespace cairn::virtio
