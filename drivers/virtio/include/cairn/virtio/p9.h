// virtio-9p (virtio 1.2 section 5.11): a transport for 9P messages to a host share.
// The device names its share with a mount tag (`-device virtio-9p-...,mount_tag=TAG`);
// a 9P client finds the channel by that tag and exchanges request/response pairs over
// it. The protocol itself (9P2000.L) is the client's business (libs/9p).
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <string_view>

#include <cairn/kernel/result.h>

namespace cairn::virtio {

class P9Channel;

// The device that exports `tag`, or null.
P9Channel* p9_find(std::string_view tag);
// Every device found, for messages: the tag of device `index` (empty past the end).
std::size_t p9_count();
std::string_view p9_tag(std::size_t index);

// Sends one request, given as up to 4 readable segments in order (a header and the
// payload of a Twrite, say), and waits for the response, which the device writes into
// up to 4 writable segments in order (a header and the caller's buffer for an Rread,
// so the data lands in place). Returns the bytes the device wrote. Empty segments are
// skipped. Blocks the calling thread (never call it from interrupt context); requests
// from several threads are in flight together, up to the queue size. The segments
// must stay valid until it returns, which it does only once the device answered:
// a device that never answers blocks the caller, as on Linux. EIO when the device
// broke the queue protocol; EINVAL for more than 4 segments or none.
Result<std::uint32_t> p9_transact(P9Channel& channel,
                                  std::span<const std::span<const std::byte>> request,
                                  std::span<const std::span<std::byte>> response);

}  // namespace cairn::virtio
