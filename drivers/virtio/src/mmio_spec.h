// `virtio_mmio.device=<size>@<base>:<irq>[:<id>]` entries, as QEMU microvm and
// Firecracker write them (Linux's syntax: size and base take 0x, K, M and G).
#pragma once

#include <cstdint>
#include <string_view>

#include <cairn/kernel/result.h>

namespace cairn::virtio {

struct MmioDeviceSpec {
  std::uint64_t base;
  std::uint64_t size;
  std::uint32_t irq;
};

// EINVAL for anything malformed: missing parts, bad numbers, overflow, a zero size, a
// window that wraps around.
Result<MmioDeviceSpec> parse_mmio_spec(std::string_view text);

}  // namespace cairn::virtio
