// Request validation, shared by every block driver so that a bad request fails the same
// way on each, before it reaches a device.
#include <errno.h>

#include <cairn/block/block_device.h>

namespace cairn::block {

Result<void> check_request(const Request& request, const Geometry& geometry, const Limits& limits) {
  if (!request.done) return Error(EINVAL, "block request without a completion callback");
  if (request.operation == Operation::kFlush) {
    if (!request.segments.empty()) return Error(EINVAL, "block flush with data");
    return {};
  }
  if (request.operation != Operation::kRead && request.operation != Operation::kWrite)
    return Error(EINVAL, "unknown block operation");
  if (request.segments.empty()) return Error(EINVAL, "block request without data");
  if (request.segments.size() > limits.max_segments)
    return Error(EINVAL, "block request has more segments than the device takes");
  std::uint64_t bytes = 0;
  for (const Segment& s : request.segments) {
    if (s.length == 0 || !s.data) return Error(EINVAL, "empty block request segment");
    if (s.length > limits.max_segment_bytes)
      return Error(EINVAL, "block request segment longer than the device takes");
    bytes += s.length;
  }
  if (bytes > limits.max_request_bytes)
    return Error(EINVAL, "block request larger than the device takes");
  if (bytes % geometry.sector_size != 0)
    return Error(EINVAL, "block request length is not a whole number of sectors");
  // Written so that no sum can overflow: sector + count <= sector_count.
  const std::uint64_t sectors = bytes / geometry.sector_size;
  if (request.sector >= geometry.sector_count || sectors > geometry.sector_count - request.sector)
    return Error(EINVAL, "block request beyond the end of the device");
  if (request.operation == Operation::kWrite && geometry.read_only)
    return Error(EROFS, "write to a read-only block device");
  return {};
}

Result<void> BlockDevice::submit(Request& request) {
  TRY(check_request(request, geometry_, limits_));
  return start(request);
}

}  // namespace cairn::block
