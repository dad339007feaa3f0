// libFuzzer target for the split virtqueue against a hostile device. The input is a
// program: the driver adds and publishes requests and takes completions; the device
// completes requests honestly, or writes arbitrary used elements and indices. Checked:
// every completion is a request in flight, with a length within its writable bytes,
// handed out once; descriptors are never lost; once broken, the queue stays broken and
// hands out nothing. ASan watches every ring access.
//
// Input: byte 0 picks the queue (size, event index, indirect); then opcode bytes, each
// followed by the bytes it consumes.
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <map>
#include <memory>
#include <vector>

#include <sim_device.h>
#include "fuzz_check.h"

using cairn::virtio::Buffer;
using cairn::virtio::QueueConfig;
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
  std::uint32_t word() { return byte() | byte() << 8 | byte() << 16 | std::uint32_t{byte()} << 24; }
};

struct Request {
  std::uint32_t writable;
  std::uint16_t head;  // as the device saw it; 0xffff before
};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  Input in{data, size};
  const std::uint8_t shape = in.byte();
  const std::uint16_t queue_size = std::uint16_t{1} << (shape & 7);  // 1..128
  const bool event_idx = shape & 8;
  const std::uint16_t indirect = (shape & 16) ? (queue_size < 4 ? queue_size : 4) : 0;
  const QueueConfig config{queue_size, event_idx, indirect};
  const std::size_t bytes = SplitQueue::memory_bytes(config);
  auto* memory = static_cast<std::byte*>(std::aligned_alloc(64, (bytes + 63) & ~std::size_t{63}));
  std::memset(memory, 0, bytes);
  {
    auto created = SplitQueue::create(config, {memory, bytes});
    FUZZ_CHECK(created.ok());
    SplitQueue q = std::move(created).value();
    SimDevice device(q.addresses(), event_idx);
    static char buffer[64 * 8];
    std::map<std::uintptr_t, Request> in_flight;  // by token
    std::vector<std::uintptr_t> seen_by_device;
    std::uintptr_t next_token = 1;
    bool broken = false;

    while (in.size > 0) {
      switch (in.byte() % 6) {
        case 0: {  // driver: add a chain of 1..8 buffers, the last `w` writable
          const int count = 1 + in.byte() % 8;
          const int writable = in.byte() % (count + 1);
          Buffer chain[8];
          std::uint32_t writable_bytes = 0;
          for (int i = 0; i < count; ++i) {
            const std::uint32_t length = 1 + in.byte() % 64;
            const bool w = i >= count - writable;
            chain[i] = {reinterpret_cast<std::uintptr_t>(buffer + 64 * i), length, w};
            if (w) writable_bytes += length;
          }
          const std::uint16_t free_before = q.free_descriptors();
          auto added = q.add({chain, std::size_t(count)}, reinterpret_cast<void*>(next_token));
          if (added.ok()) {
            FUZZ_CHECK(!broken);
            in_flight[next_token++] = {writable_bytes, 0xffff};
          } else {
            FUZZ_CHECK(broken || q.free_descriptors() == free_before);
          }
          break;
        }
        case 1:
          q.publish();
          break;
        case 2: {  // device: take a request and complete it honestly (maybe later)
          if (broken) break;
          if (auto request = device.next_request()) {
            std::uint32_t writable = 0;
            for (auto& s : request->buffers)
              if (s.writable) writable += s.length;
            device.complete(request->head, writable ? in.byte() % (writable + 1) : 0);
          }
          break;
        }
        case 3:  // device: an arbitrary used element
          device.write_used(in.byte() % 2 ? in.byte() : in.word(), in.word());
          break;
        case 4:  // device: an arbitrary used index move
          device.bump_used_index(static_cast<std::uint16_t>(in.byte() | in.byte() << 8));
          break;
        case 5: {  // driver: take a completion
          auto taken = q.take_used();
          if (!taken.ok()) {
            broken = true;
            FUZZ_CHECK(q.broken());
            break;
          }
          FUZZ_CHECK(!broken);
          if (!taken.value()) break;
          const auto token = reinterpret_cast<std::uintptr_t>(taken.value()->token);
          auto it = in_flight.find(token);
          FUZZ_CHECK(it != in_flight.end());
          FUZZ_CHECK(taken.value()->length <= it->second.writable);
          in_flight.erase(it);
          break;
        }
      }
      if (in.byte() & 1) {
        q.disable_interrupts();
      } else {
        q.enable_interrupts();
      }
      FUZZ_CHECK(q.in_flight() == in_flight.size() || broken);
      FUZZ_CHECK(q.free_descriptors() <= queue_size);
      if (!broken && in_flight.empty()) FUZZ_CHECK(q.free_descriptors() == queue_size);
    }
  }
  std::free(memory);
  return 0;
}
