// libFuzzer target for virtio-net receive (NetRx: buffer pool, queue, mergeable
// reassembly) against a hostile device that writes arbitrary headers, num_buffers,
// checksum offsets and lengths into the buffers the driver posts. Checked: every
// segment handed out lies inside the driver's receive memory and inside its own chunk,
// a frame's length is the sum of its segments, no buffer is lent twice, release takes
// back exactly what was lent, and once the queue broke nothing more is handed out.
//
// Input: byte 0 picks the configuration (mergeable, buffer size, frame limit); then
// opcode bytes, each followed by the bytes it consumes.
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <set>
#include <vector>

#include <sim_device.h>
#include "fuzz_check.h"
#include "net_rx.h"

using cairn::net::PacketBuffer;
using cairn::virtio::NetRx;
using cairn::virtio::QueueConfig;
using cairn::virtio::RxAssemblerConfig;
using cairn::virtio::SplitQueue;
using cairn::virtio::test::SimDevice;

namespace {

struct Input {
  const std::uint8_t* data;
  std::size_t size;
  std::uint8_t byte() {
    if (size == 0) return 0;
    --size;
    return *data++;
  }
  std::uint16_t half() { return static_cast<std::uint16_t>(byte() | byte() << 8); }
};

struct FreeDeleter {
  void operator()(std::byte* p) const { std::free(p); }
};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  Input in{data, size};
  const std::uint8_t setup = in.byte();
  const bool mergeable = setup & 1;
  constexpr std::uint16_t kQueue = 16;
  constexpr std::size_t kBuffers = 24;
  const std::uint32_t buffer_bytes =
      mergeable ? 64u + (setup >> 1 & 7) * 256u : NetRx::kMaxBufferBytes;
  const std::uint32_t max_frame = (setup & 0x10) ? 1518 : 200;
  RxAssemblerConfig config{mergeable, (setup & 0x20) != 0, max_frame, 1};
  if (mergeable)
    config.max_buffers =
        static_cast<std::uint16_t>((max_frame + 12 + buffer_bytes - 1) / buffer_bytes);

  const QueueConfig queue_config{kQueue, (setup & 0x40) != 0, 0};
  const std::size_t ring_bytes = SplitQueue::memory_bytes(queue_config);
  std::unique_ptr<std::byte, FreeDeleter> ring_memory(
      static_cast<std::byte*>(std::aligned_alloc(64, (ring_bytes + 63) & ~std::size_t{63})));
  std::memset(ring_memory.get(), 0, ring_bytes);
  auto ring = std::move(SplitQueue::create(queue_config, {ring_memory.get(), ring_bytes})).value();
  SimDevice device(ring.addresses(), queue_config.event_idx);
  std::vector<std::byte> chunks(kBuffers * NetRx::kChunkBytes);
  NetRx rx;
  FUZZ_CHECK(rx.init(ring, config, chunks, buffer_bytes, nullptr).ok());

  std::vector<SimDevice::Request> posted;  // what the device has seen and not used
  std::vector<PacketBuffer*> lent;
  std::set<PacketBuffer*> lent_set;
  bool broken = false;
  const auto in_chunks = [&](const PacketBuffer* b) {
    const std::byte* start = chunks.data();
    if (b->data < start || b->data + b->length > start + chunks.size()) return false;
    const std::size_t chunk = static_cast<std::size_t>(b->data - start) / NetRx::kChunkBytes;
    return b->data + b->length <= start + (chunk + 1) * NetRx::kChunkBytes;
  };

  rx.refill();
  while (in.size > 0) {
    switch (in.byte() % 5) {
      case 0: {  // the device takes what was published
        while (auto r = device.next_request()) posted.push_back(*r);
        break;
      }
      case 1: {  // the device fills a buffer with anything and uses it, any length
        if (posted.empty()) break;
        const std::size_t which = in.byte() % posted.size();
        SimDevice::Request r = posted[which];
        posted.erase(posted.begin() + static_cast<std::ptrdiff_t>(which));
        auto* bytes = static_cast<std::uint8_t*>(r.buffers[0].data);
        const std::uint32_t fill = in.byte() % 32;
        for (std::uint32_t i = 0; i < fill && i < r.buffers[0].length; ++i) bytes[i] = in.byte();
        // Mostly honest lengths, sometimes anything at all.
        std::uint32_t length = in.half();
        if (!(in.byte() & 7))
          length = in.half() | std::uint32_t{in.byte()} << 16;
        else
          length %= r.buffers[0].length + 1;
        device.complete(r.head, length);
        break;
      }
      case 2: {  // the driver polls with some budget
        PacketBuffer* frames[8];
        const std::size_t budget = 1 + in.byte() % 8;
        auto n = rx.poll({frames, budget});
        if (!n.ok()) {
          broken = true;
          break;
        }
        FUZZ_CHECK(!broken || n.value() == 0);
        for (std::size_t i = 0; i < n.value(); ++i) {
          std::uint64_t total = 0;
          std::size_t segments = 0;
          for (PacketBuffer* b = frames[i]; b; b = b->next) {
            FUZZ_CHECK(in_chunks(b));
            FUZZ_CHECK(lent_set.insert(b).second);
            lent.push_back(b);
            total += b->length;
            FUZZ_CHECK(++segments <= config.max_buffers);
          }
          FUZZ_CHECK(total == frames[i]->frame_length);
          FUZZ_CHECK(total <= max_frame && total >= 14);
        }
        FUZZ_CHECK(rx.lent() == lent.size());
        break;
      }
      case 3: {  // the consumer gives a segment back
        if (lent.empty()) break;
        const std::size_t which = in.byte() % lent.size();
        PacketBuffer* b = lent[which];
        lent.erase(lent.begin() + static_cast<std::ptrdiff_t>(which));
        lent_set.erase(b);
        FUZZ_CHECK(rx.release(b));
        FUZZ_CHECK(!rx.release(b));
        break;
      }
      case 4:
        rx.refill();
        break;
    }
  }
  for (PacketBuffer* b : lent) FUZZ_CHECK(rx.release(b));
  FUZZ_CHECK(rx.lent() == 0);
  return 0;
}
