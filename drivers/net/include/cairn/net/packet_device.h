// The packet-device interface: what a network stack (lwIP's netif) sees of a network
// card, whatever drives it (virtio-net today; Xen netfront later). Transport-neutral:
// nothing here names virtio.
//
// Receive is zero-copy: the driver lends the stack the buffers the device wrote into
// (PacketBuffer, a chain of segments per frame) and gets each one back through
// release(). Transmit takes a frame as a list of segments in the caller's memory; the
// driver either points the device at them (zero-copy, completion reported later) or
// copies them (the caller's memory is free when send() returns).
//
// Contexts. Every PacketDevice call is made from a thread, never from interrupt
// context; calls from different threads are safe (the driver serialises them in short
// sections with interrupts off). Listener callbacks marked "interrupt context" may run
// from the device's interrupt handler (or from the driver's polling thread when the
// device has no interrupt, under the same rules): they must not block, allocate or call
// into the device, only wake the thread that will (post a semaphore, queue a message).
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>

#include <cairn/kernel/result.h>

namespace cairn::net {

class PacketDevice;

struct MacAddress {
  std::uint8_t bytes[6];
};

// Frame header sizes the interface talks about.
inline constexpr std::uint32_t kEthernetHeaderBytes = 14;
inline constexpr std::uint32_t kVlanTagBytes = 4;

// One segment of a received frame. A frame is a chain of segments linked by `next`;
// the first one (the head) also carries the frame's length and flags. The bytes at
// `data` belong to the driver until the segment is released; the consumer may read and
// modify them (lwIP rewrites headers in place), but not beyond `length`.
struct PacketBuffer {
  static constexpr std::uint32_t kChecksumValid = 1 << 0;  // L4 checksums verified/filled
  static constexpr std::uint32_t kCopyAdvised = 1 << 1;    // driver short of buffers:
                                                           // copy the frame, release it now
  static constexpr std::size_t kClientBytes = 64;

  PacketBuffer* next = nullptr;  // the frame's next segment; null in the last one
  std::byte* data = nullptr;
  std::uint32_t length = 0;        // bytes at `data`
  std::uint32_t frame_length = 0;  // head: the sum of the chain's lengths
  std::uint32_t flags = 0;         // head: k* above
  PacketDevice* owner = nullptr;   // where release() goes
  // Scratch space for the layer above, which the driver never touches: lwIP's netif
  // keeps its struct pbuf_custom here, so wrapping a segment allocates nothing.
  alignas(16) std::byte client[kClientBytes];
};

// Copies a received frame (the chain from `head`) into `out`; returns the bytes copied
// (at most out.size()).
std::size_t copy_frame(const PacketBuffer* head, std::span<std::byte> out);
// The number of segments in the chain from `head`.
std::size_t segment_count(const PacketBuffer* head);

// A piece of a frame to send, in the caller's memory.
struct Segment {
  const void* data;
  std::uint32_t length;  // 0 is allowed and skipped
};

// Transmit checksum offload (only when offloads().tx_checksum): the device computes
// the Internet checksum over the bytes from `start` to the end of the frame and stores
// it at start + offset. The field must hold the pseudo-header checksum (not
// complemented), as on Linux (CHECKSUM_PARTIAL).
struct TxChecksum {
  bool requested = false;
  std::uint16_t start = 0;   // from the start of the Ethernet header
  std::uint16_t offset = 0;  // of the checksum field, from `start` (TCP 16, UDP 6)
};

struct TxFrame {
  std::span<const Segment> segments;  // Ethernet header first; read during send() only
  // Null: the driver copies the frame before send() returns. Otherwise the segments'
  // bytes must stay unchanged until PacketListener::tx_done(cookie) (zero-copy).
  void* cookie = nullptr;
  TxChecksum checksum{};
};

struct Offloads {
  bool rx_checksum = false;  // received frames may carry PacketBuffer::kChecksumValid
  bool tx_checksum = false;  // TxFrame::checksum is honoured
};

struct PacketListener {
  void* context = nullptr;
  // Interrupt context. A frame is waiting: call receive(). Called once, then not again
  // until a receive() call has found the device drained (returned fewer frames than
  // asked for), which re-arms it.
  void (*rx_ready)(PacketDevice& device, void* context) = nullptr;
  // Interrupt context. Transmit space freed after a send() that queued fewer frames
  // than given; once per such send().
  void (*tx_ready)(PacketDevice& device, void* context) = nullptr;
  // Interrupt context. link_up() changed.
  void (*link_changed)(PacketDevice& device, void* context) = nullptr;
  // Thread context: the zero-copy frame `cookie` has left the device and its memory
  // may be reused. Called from within send(), receive() or reclaim(), on the caller's
  // thread, with interrupts on.
  void (*tx_done)(void* cookie, void* context) = nullptr;
};

struct PacketDeviceStats {
  std::uint64_t rx_frames, rx_bytes;
  std::uint64_t rx_errors;  // malformed frames the device delivered (dropped)
  std::uint64_t tx_frames, tx_bytes;
  std::uint64_t tx_copied;      // frames sent through a driver copy
  std::uint32_t rx_buffers;     // receive buffers the driver has
  std::uint32_t rx_lent;        // of which lent to the consumer now
  std::uint64_t interrupts;     // device interrupts (or polling-thread passes) handled
  std::uint64_t notifications;  // rx_ready calls
};

class PacketDevice {
 public:
  static constexpr std::size_t kNameSize = 8;

  PacketDevice() = default;
  PacketDevice(const PacketDevice&) = delete;
  PacketDevice& operator=(const PacketDevice&) = delete;

  // "eth0", "eth1", ... in the order the devices were registered; "" before that.
  const char* name() const { return name_; }
  // What drives it, for messages: "virtio-net virtio-pci 00:03.0".
  virtual const char* description() const = 0;

  virtual MacAddress mac() const = 0;
  // The largest IP packet (1500 on Ethernet): frames are at most mtu() + 14 bytes, 18
  // with a VLAN tag.
  virtual std::uint32_t mtu() const = 0;
  // Devices that cannot tell report the link as up.
  virtual bool link_up() const = 0;
  virtual Offloads offloads() const = 0;

  // Replaces the callbacks (one consumer per device). Frames may have arrived before:
  // call receive() once after setting it.
  virtual void set_listener(const PacketListener& listener) = 0;

  // Polls: hands up to frames.size() received frames (heads of chains) to the caller,
  // who owns them until it releases every segment. Never blocks. Returning fewer than
  // frames.size() means the device is drained and rx_ready is armed; returning exactly
  // frames.size() means more may be waiting (a budget: call again after other work).
  // EIO when the device broke (it stays broken).
  virtual Result<std::size_t> receive(std::span<PacketBuffer*> frames) = 0;
  // Gives one segment back (not the rest of its chain). Segments of one frame may be
  // released at different times, from any thread.
  virtual void release(PacketBuffer* segment) = 0;

  // Queues frames for transmission, in order, and returns how many from the start were
  // queued. Fewer than given: no room now, and tx_ready will be called when there is.
  // Errors only when frames[0] cannot be sent at all: EMSGSIZE (longer than mtu() + 18),
  // EINVAL (no bytes, or a checksum request the device cannot honour or that lies
  // outside the frame), EIO (the device broke).
  virtual Result<std::size_t> send(std::span<const TxFrame> frames) = 0;
  // Collects transmit completions (calling tx_done) without sending.
  virtual Result<void> reclaim() = 0;
  // Tells the device again about the buffers and frames it has, and looks for work
  // whose interrupt did not come. For a consumer that has heard nothing for a while: a
  // lost notification (QEMU's TCG before 8.1 elides guest fences) must not stall the
  // device for good. Cheap, and harmless when nothing was lost.
  virtual void renotify() {}

  virtual PacketDeviceStats stats() const = 0;

 protected:
  ~PacketDevice() = default;  // devices live as long as the image

 private:
  friend Result<void> register_device(PacketDevice& device);
  char name_[kNameSize] = {};
};

// Releases every segment of the frame that starts at `head`.
void release_frame(PacketBuffer* head);

}  // namespace cairn::net
