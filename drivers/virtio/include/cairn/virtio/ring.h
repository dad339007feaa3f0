// The memory layout of a split virtqueue (virtio 1.2, section 2.7): the descriptor
// table, the available ring (driver area) and the used ring (device area). Fields are
// little-endian in the spec; Cairn runs on little-endian CPUs only, so they are plain
// integers here.
#pragma once

#include <cstddef>
#include <cstdint>

namespace cairn::virtio {

struct Descriptor {
  std::uint64_t address;  // device address of the buffer (physical = virtual in Cairn)
  std::uint32_t length;
  std::uint16_t flags;
  std::uint16_t next;
};
static_assert(sizeof(Descriptor) == 16);

inline constexpr std::uint16_t kDescriptorNext = 1;      // `next` continues the chain
inline constexpr std::uint16_t kDescriptorWrite = 2;     // the device writes this buffer
inline constexpr std::uint16_t kDescriptorIndirect = 4;  // the buffer is a descriptor table

struct UsedElement {
  std::uint32_t id;      // head of the completed chain
  std::uint32_t length;  // bytes the device wrote into the chain's writable buffers
};
static_assert(sizeof(UsedElement) == 8);

inline constexpr std::uint16_t kAvailNoInterrupt = 1;  // without EVENT_IDX only
inline constexpr std::uint16_t kUsedNoNotify = 1;      // without EVENT_IDX only

// The largest split queue the spec allows.
inline constexpr std::uint32_t kMaxQueueSize = 32768;

// VIRTIO_F_EVENT_IDX: whether moving an index from `old_index` to `new_index` crosses
// `event` (the other side asked to be told once index `event` has been passed).
constexpr bool need_event(std::uint16_t event, std::uint16_t new_index, std::uint16_t old_index) {
  return static_cast<std::uint16_t>(new_index - event - 1) <
         static_cast<std::uint16_t>(new_index - old_index);
}

// Where each part of a queue of `size` entries lies, as byte offsets from the start of
// one block: descriptors (16-byte aligned), available ring (2), used ring (4; placed on
// its own cache line, because the device writes it while the driver writes the rest).
struct RingLayout {
  std::uint16_t size;
  std::size_t descriptors;
  std::size_t avail;  // flags, idx, ring[size], used_event
  std::size_t used;   // flags, idx, ring[size], avail_event
  std::size_t bytes;  // the whole block

  static constexpr RingLayout for_size(std::uint16_t size) {
    const std::size_t avail = std::size_t{16} * size;
    const std::size_t avail_end = avail + 4 + std::size_t{2} * size + 2;
    const std::size_t used = (avail_end + 63) & ~std::size_t{63};
    const std::size_t used_end = used + 4 + std::size_t{8} * size + 2;
    return {size, 0, avail, used, (used_end + 63) & ~std::size_t{63}};
  }
};

}  // namespace cairn::virtio
