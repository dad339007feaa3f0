// The split virtqueue, driver side. Shared-memory accesses that order against the
// device go through std::atomic_ref (acquire/release, and a full fence where a store
// must be visible before a load: the event-index handshakes); each field the device
// writes is read exactly once into a local before it is checked and used.
#include <errno.h>

#include <cairn/virtio/virtqueue.h>
#include <atomic>

namespace cairn::virtio {
namespace {

constexpr std::size_t align_up(std::size_t n, std::size_t alignment) {
  return (n + alignment - 1) & ~(alignment - 1);
}

std::uint16_t load(std::uint16_t& field, std::memory_order order) {
  return std::atomic_ref<std::uint16_t>(field).load(order);
}
void store(std::uint16_t& field, std::uint16_t value, std::memory_order order) {
  std::atomic_ref<std::uint16_t>(field).store(value, order);
}

struct Sizes {
  std::size_t indirect, heads, next, total;
};

template <typename Head>
Sizes sizes(const QueueConfig& config) {
  Sizes s{};
  const std::size_t ring = RingLayout::for_size(config.size).bytes;
  s.indirect = align_up(std::size_t{config.size} * config.indirect_max * sizeof(Descriptor), 64);
  s.heads = std::size_t{config.size} * sizeof(Head);
  s.next = std::size_t{config.size} * sizeof(std::uint16_t);
  s.total = ring + s.indirect + s.heads + s.next;
  return s;
}

bool valid(const QueueConfig& config) {
  const std::uint32_t size = config.size;
  return size >= 1 && size <= kMaxQueueSize && (size & (size - 1)) == 0 &&
         config.indirect_max <= size;
}

}  // namespace

std::size_t SplitQueue::memory_bytes(const QueueConfig& config) {
  return valid(config) ? sizes<Head>(config).total : 0;
}

Result<SplitQueue> SplitQueue::create(const QueueConfig& config, std::span<std::byte> memory) {
  if (!valid(config)) return Error(EINVAL, "virtqueue size not a power of two up to 32768");
  const Sizes s = sizes<Head>(config);
  if (memory.size() < s.total) return Error(EINVAL, "virtqueue memory too small");
  if (reinterpret_cast<std::uintptr_t>(memory.data()) % kMemoryAlignment != 0)
    return Error(EINVAL, "virtqueue memory misaligned");

  SplitQueue q;
  q.config_ = config;
  q.layout_ = RingLayout::for_size(config.size);
  q.base_ = memory.data();
  q.descriptors_ = reinterpret_cast<Descriptor*>(q.base_ + q.layout_.descriptors);
  q.avail_ = reinterpret_cast<std::uint16_t*>(q.base_ + q.layout_.avail);
  q.used_header_ = reinterpret_cast<std::uint16_t*>(q.base_ + q.layout_.used);
  q.used_ring_ = reinterpret_cast<UsedElement*>(q.used_header_ + 2);
  q.avail_event_ = reinterpret_cast<std::uint16_t*>(q.used_ring_ + config.size);
  std::byte* rest = q.base_ + q.layout_.bytes;
  q.indirect_ = config.indirect_max ? reinterpret_cast<Descriptor*>(rest) : nullptr;
  rest += s.indirect;
  q.heads_ = reinterpret_cast<Head*>(rest);
  q.next_free_ = reinterpret_cast<std::uint16_t*>(rest + s.heads);
  for (std::uint32_t i = 0; i < config.size; ++i) {
    q.heads_[i] = Head{nullptr, 0, 0, false};
    q.next_free_[i] = static_cast<std::uint16_t>(i + 1);
  }
  q.free_count_ = config.size;
  return q;
}

QueueAddresses SplitQueue::addresses() const {
  const auto at = [this](std::size_t offset) {
    return static_cast<std::uint64_t>(reinterpret_cast<std::uintptr_t>(base_ + offset));
  };
  return {layout_.size, at(layout_.descriptors), at(layout_.avail), at(layout_.used)};
}

Error SplitQueue::mark_broken(const char* why) {
  broken_ = Error(EIO, why);
  return broken_;
}

Result<void> SplitQueue::add(std::span<const Buffer> buffers, void* token) {
  if (broken()) return broken_;
  const std::size_t count = buffers.size();
  if (count == 0) return Error(EINVAL, "virtqueue request without buffers");
  if (count > layout_.size) return Error(EINVAL, "virtqueue request longer than the queue");
  std::uint64_t writable = 0;
  for (const Buffer& b : buffers) {
    if (b.length == 0) return Error(EINVAL, "virtqueue buffer of length 0");
    if (b.device_writable)
      writable += b.length;
    else if (writable != 0)
      return Error(EINVAL, "virtqueue readable buffer after a writable one");
  }
  if (writable > UINT32_MAX) return Error(EINVAL, "virtqueue request writes more than 4 GiB");

  const bool indirect = count > 1 && count <= config_.indirect_max;
  const std::size_t needed = indirect ? 1 : count;
  if (needed > free_count_) return Error(ENOSPC, "virtqueue full");

  const std::uint16_t head = free_head_;
  const auto flags_of = [](const Buffer& b, bool last) -> std::uint16_t {
    return (b.device_writable ? kDescriptorWrite : 0) | (last ? 0 : kDescriptorNext);
  };
  std::uint16_t index = head;
  if (indirect) {
    Descriptor* table = indirect_ + std::size_t{head} * config_.indirect_max;
    for (std::size_t i = 0; i < count; ++i) {
      const bool last = i + 1 == count;
      table[i] = {buffers[i].address, buffers[i].length, flags_of(buffers[i], last),
                  static_cast<std::uint16_t>(last ? 0 : i + 1)};
    }
    descriptors_[head] = {reinterpret_cast<std::uintptr_t>(table),
                          static_cast<std::uint32_t>(count * sizeof(Descriptor)),
                          kDescriptorIndirect, 0};
  } else {
    for (std::size_t i = 0; i < count; ++i) {
      const bool last = i + 1 == count;
      descriptors_[index] = {buffers[i].address, buffers[i].length, flags_of(buffers[i], last),
                             static_cast<std::uint16_t>(last ? 0 : next_free_[index])};
      if (!last) index = next_free_[index];
    }
  }
  // The chain's links stay in next_free_, where free_chain() follows them.
  free_head_ = next_free_[index];
  free_count_ -= static_cast<std::uint16_t>(needed);
  heads_[head] = {token, static_cast<std::uint32_t>(writable), static_cast<std::uint16_t>(needed),
                  true};

  avail_[2 + (avail_index_ & (layout_.size - 1))] = head;
  ++avail_index_;
  ++in_flight_;
  return {};
}

bool SplitQueue::publish() {
  const std::uint16_t old_index = published_index_;
  const std::uint16_t new_index = avail_index_;
  if (old_index == new_index) return false;
  // Release: the descriptors and ring slots are written before the device sees the index.
  store(avail_[1], new_index, std::memory_order_release);
  published_index_ = new_index;
  // The index must be visible before the device's wish is read, or both sides could
  // decide that the other one will act.
  full_fence();
  if (config_.event_idx)
    return need_event(load(*avail_event_, std::memory_order_relaxed), new_index, old_index);
  return !(load(used_header_[0], std::memory_order_relaxed) & kUsedNoNotify);
}

void SplitQueue::full_fence() const {
  std::atomic_thread_fence(std::memory_order_seq_cst);
  if (config_.device_fence) config_.device_fence();
}

std::uint16_t SplitQueue::used_index() const {
  return load(used_header_[1], std::memory_order_acquire);
}

bool SplitQueue::has_used() const { return broken() || used_index() != last_used_; }

void SplitQueue::set_used_event(std::uint16_t index) {
  store(avail_[2 + layout_.size], index, std::memory_order_relaxed);
}

void SplitQueue::free_chain(std::uint16_t head) {
  Head& h = heads_[head];
  std::uint16_t last = head;
  if (h.descriptor_count > 1)  // a direct chain; an indirect one holds only its head
    for (std::uint16_t i = 1; i < h.descriptor_count; ++i) last = next_free_[last];
  next_free_[last] = free_head_;
  free_head_ = head;
  free_count_ += h.descriptor_count;
  h = Head{nullptr, 0, 0, false};
}

Result<std::optional<Completion>> SplitQueue::take_used() {
  if (broken()) return broken_;
  const std::uint16_t used = used_index();
  if (used == last_used_) return std::optional<Completion>();
  if (static_cast<std::uint16_t>(used - last_used_) > in_flight_)
    return mark_broken("virtqueue used index ahead of the requests in flight");

  UsedElement& element = used_ring_[last_used_ & (layout_.size - 1)];
  const std::uint32_t id =
      std::atomic_ref<std::uint32_t>(element.id).load(std::memory_order_relaxed);
  const std::uint32_t length =
      std::atomic_ref<std::uint32_t>(element.length).load(std::memory_order_relaxed);
  if (id >= layout_.size) return mark_broken("virtqueue used element id out of range");
  if (!heads_[id].in_flight) return mark_broken("virtqueue used element id not in flight");
  if (length > heads_[id].writable_bytes)
    return mark_broken("virtqueue used length larger than the request's writable buffers");

  const Completion completion{heads_[id].token, length};
  free_chain(static_cast<std::uint16_t>(id));
  ++last_used_;
  --in_flight_;
  // With interrupts wanted, ask for one at the next completion after this one.
  if (config_.event_idx && interrupts_enabled_) set_used_event(last_used_);
  return std::optional<Completion>(completion);
}

void SplitQueue::disable_interrupts() {
  interrupts_enabled_ = false;
  if (config_.event_idx)
    // The device interrupts when its used index passes used_event; one behind the
    // driver's position is passed only after 65535 more completions, which cannot be
    // in flight.
    set_used_event(static_cast<std::uint16_t>(last_used_ - 1));
  else
    store(avail_[0], kAvailNoInterrupt, std::memory_order_relaxed);
}

bool SplitQueue::enable_interrupts() {
  interrupts_enabled_ = true;
  if (config_.event_idx)
    set_used_event(last_used_);
  else
    store(avail_[0], 0, std::memory_order_relaxed);
  // The request must be visible before the used index is read again (see publish()).
  full_fence();
  return has_used();
}

}  // namespace cairn::virtio
