// A simulated packet device for the netif tests and the fuzzer: frames to receive are
// queued by the test and lent segment by segment (each segment its own allocation, so
// ASan sees any use after release); what the netif sends is recorded, zero-copy frames
// are completed by reclaim(). A contract violation (a segment released twice or never
// lent) aborts, which both GoogleTest and libFuzzer report.
#pragma once

#include <errno.h>

#include <algorithm>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <deque>
#include <set>
#include <span>
#include <vector>

#include <cairn/net/packet_device.h>

namespace cairn::lwip::test {

class SimPacketDevice final : public net::PacketDevice {
 public:
  struct Sent {
    std::vector<std::uint8_t> bytes;
    std::size_t segments;
    void* cookie;
  };

  ~SimPacketDevice() {
    for (net::PacketBuffer* segment : lent_) free_segment(segment);
    for (auto& frame : queued_) free_frame(frame);
  }

  // Queues `frame` for receive(), cut into segments of `split` bytes (0: one segment).
  void inject(std::span<const std::uint8_t> frame, std::uint32_t split = 0,
              std::uint32_t flags = 0) {
    net::PacketBuffer* head = nullptr;
    net::PacketBuffer** link = &head;
    std::size_t at = 0;
    do {
      std::size_t length =
          split == 0 ? frame.size() : std::min<std::size_t>(split, frame.size() - at);
      auto* segment = new net::PacketBuffer;
      segment->data = static_cast<std::byte*>(std::malloc(length == 0 ? 1 : length));
      if (length != 0) std::memcpy(segment->data, frame.data() + at, length);
      segment->length = static_cast<std::uint32_t>(length);
      segment->owner = this;
      *link = segment;
      link = &segment->next;
      at += length;
    } while (at < frame.size());
    head->frame_length = static_cast<std::uint32_t>(frame.size());
    head->flags = flags;
    queued_.push_back(head);
  }

  const char* description() const override { return "simulated"; }
  net::MacAddress mac() const override { return {{0x52, 0x54, 0x00, 0x12, 0x34, 0x56}}; }
  std::uint32_t mtu() const override { return 1500; }
  bool link_up() const override { return link; }
  net::Offloads offloads() const override { return {}; }
  void set_listener(const net::PacketListener& l) override { listener = l; }

  Result<std::size_t> receive(std::span<net::PacketBuffer*> frames) override {
    if (broken) return Error(EIO, "broken");
    std::size_t n = 0;
    while (n < frames.size() && !queued_.empty()) {
      net::PacketBuffer* head = queued_.front();
      queued_.pop_front();
      for (net::PacketBuffer* s = head; s != nullptr; s = s->next) lent_.insert(s);
      frames[n++] = head;
    }
    return n;
  }

  void release(net::PacketBuffer* segment) override {
    if (lent_.erase(segment) != 1) std::abort();  // never lent, or released twice
    free_segment(segment);
  }

  Result<std::size_t> send(std::span<const net::TxFrame> frames) override {
    if (broken) return Error(EIO, "broken");
    std::size_t n = 0;
    for (; n < frames.size() && tx_room > 0; ++n, --tx_room) {
      Sent sent{{}, frames[n].segments.size(), frames[n].cookie};
      for (const net::Segment& s : frames[n].segments) {
        auto* bytes = static_cast<const std::uint8_t*>(s.data);
        sent.bytes.insert(sent.bytes.end(), bytes, bytes + s.length);
      }
      if (sent.cookie != nullptr) in_flight.push_back(sent.cookie);
      this->sent.push_back(std::move(sent));
    }
    return n;
  }

  // Completes every zero-copy frame (tx_done) and frees the room they took.
  Result<void> reclaim() override {
    std::vector<void*> done;
    done.swap(in_flight);
    for (void* cookie : done) {
      ++tx_room;
      listener.tx_done(cookie, listener.context);
    }
    return {};
  }

  net::PacketDeviceStats stats() const override { return {}; }

  std::size_t lent() const { return lent_.size(); }
  std::size_t waiting() const { return queued_.size(); }

  bool link = true;
  bool broken = false;
  std::size_t tx_room = 1000;
  net::PacketListener listener{};
  std::vector<Sent> sent;
  std::vector<void*> in_flight;

 private:
  static void free_segment(net::PacketBuffer* segment) {
    std::free(segment->data);
    delete segment;
  }
  static void free_frame(net::PacketBuffer* head) {
    while (head != nullptr) {
      net::PacketBuffer* next = head->next;
      free_segment(head);
      head = next;
    }
  }

  std::deque<net::PacketBuffer*> queued_;
  std::set<net::PacketBuffer*> lent_;
};

}  // namespace cairn::lwip::test
