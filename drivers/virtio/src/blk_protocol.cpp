// The virtio-blk wire format and device description (see blk_protocol.h).
#include "blk_protocol.h"

#include <errno.h>

#include <cairn/virtio/features.h>

namespace cairn::virtio::blk {
namespace {

bool has(std::uint64_t features, int bit) { return (features >> bit) & 1; }

}  // namespace

std::uint64_t wanted_features() {
  return feature(kFeatureSizeMax) | feature(kFeatureSegMax) | feature(kFeatureReadOnly) |
         feature(kFeatureBlockSize) | feature(kFeatureFlush);
}

RequestHeader encode_header(block::Operation operation, std::uint64_t sector,
                            std::uint32_t sector_size) {
  switch (operation) {
    case block::Operation::kRead:
      return {kTypeIn, 0, sector * (sector_size / kWireSectorSize)};
    case block::Operation::kWrite:
      return {kTypeOut, 0, sector * (sector_size / kWireSectorSize)};
    case block::Operation::kFlush:
      break;
  }
  return {kTypeFlush, 0, 0};
}

Result<void> decode_status(std::uint8_t status) {
  switch (status) {
    case kStatusOk:
      return {};
    case kStatusIoError:
      return Error(EIO, "virtio-blk device reported an I/O error");
    case kStatusUnsupported:
      return Error(EIO, "virtio-blk device does not support the request");
    case kStatusUnset:
      return Error(EIO, "virtio-blk device completed a request without a status");
    default:
      return Error(EIO, "virtio-blk device returned an unknown status");
  }
}

Result<Description> describe(std::uint64_t features, const Config& config,
                             std::uint32_t descriptors_per_request) {
  Description d;
  std::uint32_t sector_size = kWireSectorSize;
  if (has(features, kFeatureBlockSize)) {
    sector_size = config.blk_size;
    if (sector_size < 512 || sector_size > 65536 || (sector_size & (sector_size - 1)))
      return Error(EINVAL, "virtio-blk device reports an impossible block size");
  }
  d.geometry.sector_size = sector_size;
  d.geometry.sector_count = config.capacity / (sector_size / kWireSectorSize);
  d.geometry.read_only = has(features, kFeatureReadOnly);
  // Without FLUSH the device writes through (virtio 1.2 section 5.2.5).
  d.geometry.volatile_cache = has(features, kFeatureFlush);

  // A chain is the header, the data segments and the status byte.
  if (descriptors_per_request < 3)
    return Error(EINVAL, "virtio-blk queue too small for a request with data");
  std::uint32_t segments = descriptors_per_request - 2;
  if (has(features, kFeatureSegMax) && config.seg_max > 0 && config.seg_max < segments)
    segments = config.seg_max;
  d.limits.max_segments = segments;

  std::uint32_t segment_bytes = kMaxRequestBytes;
  if (has(features, kFeatureSizeMax) && config.size_max > 0 && config.size_max < segment_bytes)
    segment_bytes = config.size_max - config.size_max % sector_size;
  if (segment_bytes == 0)
    return Error(EINVAL, "virtio-blk device takes segments smaller than a sector");
  d.limits.max_segment_bytes = segment_bytes;

  std::uint64_t request_bytes = std::uint64_t{segments} * segment_bytes;
  if (request_bytes > kMaxRequestBytes) request_bytes = kMaxRequestBytes;
  d.limits.max_request_bytes =
      static_cast<std::uint32_t>(request_bytes - request_bytes % sector_size);
  return d;
}

}  // namespace cairn::virtio::blk
