// The packet devices of the image. Drivers register each card they take (at the
// `driver` initcall level); network stacks find them from the `net` level on, so no
// device appears after a stack has looked. Names follow registration order: eth0,
// eth1, ... (virtio-mmio devices in command-line order, then PCI in bus order).
#pragma once

#include <span>
#include <string_view>

#include <cairn/kernel/result.h>
#include <cairn/net/packet_device.h>

namespace cairn::net {

inline constexpr std::size_t kMaxDevices = 16;

// Names the device ethN and adds it. ENOSPC beyond kMaxDevices, EEXIST when the device
// is registered already. Not thread-safe: drivers register while the kernel starts.
Result<void> register_device(PacketDevice& device);

std::span<PacketDevice* const> devices();
// The device called `name` ("eth1"), or null.
PacketDevice* find_device(std::string_view name);

}  // namespace cairn::net
