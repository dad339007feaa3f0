// Turns completed virtio-net receive buffers into frames (virtio 1.2 section 5.1.6.4).
// Pure logic over PacketBuffer records, so host tests can feed it anything a hostile
// device could write.
//
// Each buffer arrives with the length the device claims to have written, already
// checked by the virtqueue against the buffer's size. The first buffer of a frame
// starts with the 12-byte header, whose num_buffers says how many buffers the frame
// spans when mergeable receive buffers are on. Everything is checked: the header
// (decode_rx_header), the first buffer's length against the header size, every further
// buffer's length (not 0), the frame's total length against the largest frame
// accepted, the partial-checksum field against the frame. A frame that fails is
// dropped with every buffer it spans, so the next frame starts at the right buffer.
#pragma once

#include <cstdint>

#include <cairn/kernel/result.h>
#include <cairn/net/packet_device.h>

#include "net_header.h"

namespace cairn::virtio {

struct RxAssemblerConfig {
  bool mergeable = false;          // VIRTIO_NET_F_MRG_RXBUF
  bool guest_csum = false;         // VIRTIO_NET_F_GUEST_CSUM
  std::uint32_t max_frame = 1518;  // longest frame accepted (Ethernet header on)
  std::uint16_t max_buffers = 1;   // most buffers one frame may span
};

class RxAssembler {
 public:
  enum class Outcome {
    kPending,  // the buffer belongs to a frame that is not complete yet
    kFrame,    // a frame is complete: take_frame()
    kDropped,  // buffers to recycle: take_dropped(); last_error() says why
  };

  explicit RxAssembler(const RxAssemblerConfig& config) : config_(config) {}

  // One completed buffer: `buffer->data` is where the device wrote, `written` how many
  // bytes it says it wrote there. The assembler owns the buffer until it hands it back
  // through take_frame() or take_dropped().
  Outcome add(net::PacketBuffer* buffer, std::uint32_t written);

  // The completed frame: a chain whose head's data starts at the Ethernet header, with
  // frame_length and flags (kChecksumValid) set. Null when none is waiting.
  net::PacketBuffer* take_frame();
  // Buffers of dropped frames, chained through `next`. Null when none are waiting.
  net::PacketBuffer* take_dropped();

  bool pending() const { return head_ != nullptr || discard_ != 0; }
  Error last_error() const { return error_; }
  std::uint64_t dropped_frames() const { return dropped_frames_; }

 private:
  Outcome start(net::PacketBuffer* buffer, std::uint32_t written);
  Outcome append(net::PacketBuffer* buffer, std::uint32_t written);
  Outcome finish();
  Outcome drop(net::PacketBuffer* buffer, const Error& why);
  Outcome fail(const Error& why);
  void drop_partial();

  RxAssemblerConfig config_;
  net::PacketBuffer* head_ = nullptr;  // the frame being assembled
  net::PacketBuffer* tail_ = nullptr;
  std::uint16_t expected_ = 0;  // buffers the frame spans (num_buffers)
  std::uint16_t received_ = 0;
  std::uint16_t discard_ = 0;  // buffers still to come of a frame already dropped
  std::uint32_t total_ = 0;
  net_spec::RxHeaderInfo info_{};
  net::PacketBuffer* frame_ = nullptr;
  net::PacketBuffer* dropped_ = nullptr;
  Error error_{0, ""};
  std::uint64_t dropped_frames_ = 0;
};

}  // namespace cairn::virtio
