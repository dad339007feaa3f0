// The virtio-blk wire format (virtio 1.2 section 5.2) and what a device's features and
// configuration mean for the block layer: pure functions, tested on the host.
#pragma once

#include <cstdint>

#include <cairn/block/block_device.h>
#include <cairn/kernel/result.h>

namespace cairn::virtio::blk {

// Device feature bits.
inline constexpr int kFeatureSizeMax = 1;  // size_max: the largest segment
inline constexpr int kFeatureSegMax = 2;   // seg_max: segments per request
inline constexpr int kFeatureReadOnly = 5;
inline constexpr int kFeatureBlockSize = 6;  // blk_size: the logical sector size
inline constexpr int kFeatureFlush = 9;

// Configuration space offsets.
inline constexpr std::uint32_t kConfigCapacity = 0;  // u64, in 512-byte units always
inline constexpr std::uint32_t kConfigSizeMax = 8;
inline constexpr std::uint32_t kConfigSegMax = 12;
inline constexpr std::uint32_t kConfigBlockSize = 20;

// Request types and status values.
inline constexpr std::uint32_t kTypeIn = 0;
inline constexpr std::uint32_t kTypeOut = 1;
inline constexpr std::uint32_t kTypeFlush = 4;
inline constexpr std::uint8_t kStatusOk = 0;
inline constexpr std::uint8_t kStatusIoError = 1;
inline constexpr std::uint8_t kStatusUnsupported = 2;
// Written before a request goes out: a device that completes it without writing a
// status leaves this, which is an error too.
inline constexpr std::uint8_t kStatusUnset = 0xff;

// Sector numbers on the wire are in 512-byte units whatever blk_size says.
inline constexpr std::uint32_t kWireSectorSize = 512;

struct RequestHeader {
  std::uint32_t type;
  std::uint32_t reserved;
  std::uint64_t sector;
};
static_assert(sizeof(RequestHeader) == 16);

// The most one request carries (for many requests in flight rather than one huge one).
inline constexpr std::uint32_t kMaxRequestBytes = 1024 * 1024;

// The device-type features the driver asks for.
std::uint64_t wanted_features();

RequestHeader encode_header(block::Operation operation, std::uint64_t sector,
                            std::uint32_t sector_size);

// The request's outcome from the status byte: EIO for IOERR, UNSUPP, a status never
// written or any other value.
Result<void> decode_status(std::uint8_t status);

struct Config {
  std::uint64_t capacity;  // 512-byte units
  std::uint32_t size_max;
  std::uint32_t seg_max;
  std::uint32_t blk_size;
};

struct Description {
  block::Geometry geometry;
  block::Limits limits;
};

// What the device is, from the negotiated features and its configuration, for a queue
// that fits `descriptors_per_request` descriptors in one chain (the indirect table's
// size, or the queue size without indirect descriptors). EINVAL for a device whose
// numbers make no sense (a sector size that is not a power of two in 512..65536, a
// segment limit smaller than a sector, no room for a data segment).
Result<Description> describe(std::uint64_t features, const Config& config,
                             std::uint32_t descriptors_per_request);

}  // namespace cairn::virtio::blk
