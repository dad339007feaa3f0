// Mergeable-buffer reassembly with bounds checks on everything the device wrote.
#include <errno.h>

#include <cstring>

#include "net_checksum.h"
#include "net_rx_assembler.h"

namespace cairn::virtio {

RxAssembler::Outcome RxAssembler::add(net::PacketBuffer* buffer, std::uint32_t written) {
  buffer->next = nullptr;
  if (discard_ != 0) {
    // The rest of a frame that failed: these buffers carry no header of their own.
    --discard_;
    buffer->next = dropped_;
    dropped_ = buffer;
    return Outcome::kDropped;
  }
  return head_ ? append(buffer, written) : start(buffer, written);
}

RxAssembler::Outcome RxAssembler::start(net::PacketBuffer* buffer, std::uint32_t written) {
  if (written < net_spec::kHeaderBytes)
    return drop(buffer, Error(EPROTO, "virtio-net: receive buffer shorter than its header"));
  // One copy of the header, read once: the device could change the bytes under us.
  net_spec::Header header;
  std::memcpy(&header, buffer->data, sizeof header);
  auto info = net_spec::decode_rx_header(header, config_.mergeable, config_.guest_csum,
                                         config_.max_buffers);
  if (!info) return drop(buffer, info.error());
  info_ = info.value();
  buffer->data += net_spec::kHeaderBytes;
  buffer->length = written - net_spec::kHeaderBytes;
  head_ = tail_ = buffer;
  expected_ = info_.num_buffers;
  received_ = 1;
  total_ = buffer->length;
  if (total_ > config_.max_frame) {
    discard_ = static_cast<std::uint16_t>(expected_ - received_);
    drop_partial();
    return fail(Error(EMSGSIZE, "virtio-net: frame longer than the largest accepted"));
  }
  return received_ == expected_ ? finish() : Outcome::kPending;
}

RxAssembler::Outcome RxAssembler::append(net::PacketBuffer* buffer, std::uint32_t written) {
  buffer->length = written;
  tail_->next = buffer;
  tail_ = buffer;
  ++received_;
  total_ += written;  // both at most max_frame + a buffer: no overflow
  Error why(0, "");
  if (written == 0)
    why = Error(EPROTO, "virtio-net: empty buffer inside a frame");
  else if (total_ > config_.max_frame)
    why = Error(EMSGSIZE, "virtio-net: frame longer than the largest accepted");
  if (why.code() != 0) {
    discard_ = static_cast<std::uint16_t>(expected_ - received_);
    drop_partial();
    return fail(why);
  }
  return received_ == expected_ ? finish() : Outcome::kPending;
}

RxAssembler::Outcome RxAssembler::finish() {
  net::PacketBuffer* head = head_;
  head->frame_length = total_;
  head->flags = 0;
  Error why(0, "");
  if (total_ < net::kEthernetHeaderBytes) {
    why = Error(EPROTO, "virtio-net: frame shorter than an Ethernet header");
  } else if (info_.needs_checksum) {
    if (auto done = complete_checksum(head, info_.csum_start, info_.csum_offset); !done)
      why = done.error();
    else
      head->flags |= net::PacketBuffer::kChecksumValid;
  } else if (info_.data_valid) {
    head->flags |= net::PacketBuffer::kChecksumValid;
  }
  if (why.code() != 0) {
    drop_partial();
    return fail(why);
  }
  frame_ = head;
  head_ = tail_ = nullptr;
  return Outcome::kFrame;
}

RxAssembler::Outcome RxAssembler::drop(net::PacketBuffer* buffer, const Error& why) {
  buffer->next = dropped_;
  dropped_ = buffer;
  return fail(why);
}

RxAssembler::Outcome RxAssembler::fail(const Error& why) {
  error_ = why;
  ++dropped_frames_;
  return Outcome::kDropped;
}

void RxAssembler::drop_partial() {
  tail_->next = dropped_;
  dropped_ = head_;
  head_ = tail_ = nullptr;
}

net::PacketBuffer* RxAssembler::take_frame() {
  net::PacketBuffer* frame = frame_;
  frame_ = nullptr;
  return frame;
}

net::PacketBuffer* RxAssembler::take_dropped() {
  net::PacketBuffer* dropped = dropped_;
  dropped_ = nullptr;
  return dropped;
}

}  // namespace cairn::virtio
