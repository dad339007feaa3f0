// virtio-net (virtio 1.2 section 5.1): one receive and one transmit queue per card,
// behind the packet-device interface (cairn/net/packet_device.h). The rings, buffer
// pool and reassembly are pure logic in net_rx/net_tx; this file adds what needs the
// machine: queue and buffer memory, the interrupt, link status, locking, registration.
//
// Interrupts are suppressed NAPI-style: the receive interrupt is disarmed when it fires
// and re-armed only once a receive() call drains the queue; the transmit interrupt is
// armed only while a send() is waiting for room (completions are otherwise collected
// lazily, in send(), receive() and reclaim()). With event-index both are a write of the
// used-event index, not a register access.
#include <errno.h>

#include <new>

#include <cairn/arch/cpu.h>
#include <cairn/config.h>
#include <cairn/kernel/console.h>
#include <cairn/kernel/format.h>
#include <cairn/kernel/memory.h>
#include <cairn/kernel/param.h>
#include <cairn/net/registry.h>
#include <cairn/sched/thread.h>
#include <cairn/time/clock.h>
#include <cairn/virtio/driver.h>

#include "net_param.h"
#include "net_rx.h"
#include "net_tx.h"

namespace cairn::virtio {
namespace {

using net_spec::kHeaderBytes;

constexpr std::uint16_t kQueueSize = CONFIG_VIRTIO_NET_QUEUE_SIZE;
constexpr std::uint32_t kBounceBuffers = 32;
constexpr std::uint32_t kDefaultMtu = 1500;
constexpr std::uint32_t kMaxMtu = 9000;  // with mergeable buffers; 1500 without
// Without an interrupt, the polling thread looks at the rings this often.
constexpr std::uint64_t kPollIntervalNs = 1'000'000;

// The device's state is touched from threads and from its interrupt handler; on one
// CPU, interrupts off is the lock (SMP will add a spinlock in the same scopes).
class IrqGuard {
 public:
  IrqGuard() : flags_(arch::save_and_disable_interrupts()) {}
  ~IrqGuard() { arch::restore_interrupts(flags_); }
  IrqGuard(const IrqGuard&) = delete;
  IrqGuard& operator=(const IrqGuard&) = delete;

 private:
  std::uint64_t flags_;
};

class VirtioNet final : public net::PacketDevice {
 public:
  explicit VirtioNet(Device& device) : device_(device) {}

  Result<void> start(std::uint32_t index);

  const char* description() const override { return description_; }
  net::MacAddress mac() const override { return mac_; }
  std::uint32_t mtu() const override { return mtu_; }
  bool link_up() const override { return link_up_; }
  net::Offloads offloads() const override { return offloads_; }
  void set_listener(const net::PacketListener& listener) override;
  Result<std::size_t> receive(std::span<net::PacketBuffer*> frames) override;
  void release(net::PacketBuffer* segment) override;
  Result<std::size_t> send(std::span<const net::TxFrame> frames) override;
  Result<void> reclaim() override;
  void renotify() override;
  net::PacketDeviceStats stats() const override;

 private:
  static void on_interrupt(void* self);
  static void poll_thread(void* self);
  void service();  // interrupt context (or the polling thread, interrupts off)
  void check_link();
  void notify_if(bool wanted, std::uint16_t queue);
  Result<std::size_t> receive_locked(std::span<net::PacketBuffer*> frames);
  Result<void> collect_tx();

  Device& device_;
  Queue* rxq_ = nullptr;
  Queue* txq_ = nullptr;
  NetRx rx_;
  NetTx tx_;
  net::PacketListener listener_{};
  net::MacAddress mac_{};
  std::uint32_t mtu_ = kDefaultMtu;
  net::Offloads offloads_{};
  bool status_feature_ = false;
  volatile bool link_up_ = true;
  std::uint32_t config_generation_ = 0;
  bool rx_armed_ = true;
  bool tx_armed_ = false;
  bool interrupts_ = false;
  std::uint64_t rx_frames_ = 0, rx_bytes_ = 0, tx_frames_ = 0, tx_bytes_ = 0;
  std::uint64_t interrupt_count_ = 0, notifications_ = 0;
  char description_[48] = {};
};

VirtioNet* cards[net::kMaxDevices];
std::uint32_t card_count = 0;

Result<void> VirtioNet::start(std::uint32_t index) {
  TRY(device_.negotiate(net_spec::negotiated_features()));
  const bool mergeable = device_.has_feature(net_spec::kFeatureMrgRxbuf);
  offloads_.tx_checksum = device_.has_feature(net_spec::kFeatureCsum);
  offloads_.rx_checksum = device_.has_feature(net_spec::kFeatureGuestCsum);
  status_feature_ = device_.has_feature(net_spec::kFeatureStatus);
  if (device_.has_feature(net_spec::kFeatureMac)) {
    for (std::uint32_t i = 0; i < 6; ++i) mac_.bytes[i] = device_.config8(net_spec::kConfigMac + i);
  } else {
    // No address from the device (which then filters nothing): a locally administered one.
    mac_ = {{0x02, 0x00, 0x00, 0x00, 0x00, static_cast<std::uint8_t>(index + 1)}};
  }
  if (device_.has_feature(net_spec::kFeatureMtu)) {
    const std::uint32_t mtu = device_.config16(net_spec::kConfigMtu);
    const std::uint32_t limit = mergeable ? kMaxMtu : kDefaultMtu;
    mtu_ = mtu < 68 ? kDefaultMtu : mtu > limit ? limit : mtu;
  }
  const std::uint32_t max_frame = mtu_ + net::kEthernetHeaderBytes + net::kVlanTagBytes;

  rxq_ = TRY(device_.setup_queue(net_spec::kReceiveQueue, kQueueSize, 0));
  txq_ = TRY(device_.setup_queue(net_spec::kTransmitQueue, kQueueSize));
  if (rxq_->ring().size() < 2) return Error(ENOTSUP, "virtio-net receive queue too small");

  // 1.5 buffers per receive queue entry: the queue stays full while the stack holds some.
  const std::uint32_t buffers = rxq_->ring().size() + rxq_->ring().size() / 2;
  void* rx_memory = TRY(memory::allocate_pages(buffers * NetRx::kChunkBytes / memory::kPageSize,
                                               memory::Owner::kOther, false));
  const std::uint32_t buffer_bytes =
      mergeable ? net_spec::rx_buffer_bytes(NetRx::kMaxBufferBytes) : NetRx::kMaxBufferBytes;
  RxAssemblerConfig config{mergeable, offloads_.rx_checksum, max_frame, 1};
  if (mergeable) {
    const std::uint32_t spans = (max_frame + kHeaderBytes + buffer_bytes - 1) / buffer_bytes;
    config.max_buffers =
        static_cast<std::uint16_t>(spans < rxq_->ring().size() ? spans : rxq_->ring().size());
  }
  TRY(rx_.init(rxq_->ring(), config,
               {static_cast<std::byte*>(rx_memory), std::size_t{buffers} * NetRx::kChunkBytes},
               buffer_bytes, this));
  void* bounce = TRY(memory::allocate_pages(
      kBounceBuffers * NetTx::kBounceBytes / memory::kPageSize, memory::Owner::kOther, false));
  TRY(tx_.init(txq_->ring(),
               {static_cast<std::byte*>(bounce), std::size_t{kBounceBuffers} * NetTx::kBounceBytes},
               max_frame, offloads_.tx_checksum));

  interrupts_ = net_spec::use_interrupts() && device_.enable_interrupt(on_interrupt, this).ok();
  txq_->ring().disable_interrupts();
  if (!interrupts_) {
    rxq_->ring().disable_interrupts();
    TRY(sched::create_thread(poll_thread, this, {"virtio-net-poll", 0}));
  }
  rx_.refill();  // before DRIVER_OK, so no notification is needed
  if (status_feature_) {
    config_generation_ = device_.transport().config_generation();
    link_up_ = device_.config16(net_spec::kConfigStatus) & net_spec::kStatusLinkUp;
  }
  device_.driver_ok();
  format_to(description_, sizeof description_, "virtio-net %s", device_.name());
  return {};
}

void VirtioNet::on_interrupt(void* self) { static_cast<VirtioNet*>(self)->service(); }

void VirtioNet::poll_thread(void* self) {
  auto* card = static_cast<VirtioNet*>(self);
  for (;;) {
    sched::sleep_for(kPollIntervalNs);
    IrqGuard guard;
    card->service();
  }
}

void VirtioNet::service() {
  ++interrupt_count_;
  if (rx_armed_ && rxq_->ring().has_used()) {
    rx_armed_ = false;
    rxq_->ring().disable_interrupts();
    ++notifications_;
    if (listener_.rx_ready) listener_.rx_ready(*this, listener_.context);
  }
  if (tx_armed_ && txq_->ring().has_used()) {
    tx_armed_ = false;
    txq_->ring().disable_interrupts();
    if (listener_.tx_ready) listener_.tx_ready(*this, listener_.context);
  }
  check_link();
}

void VirtioNet::renotify() {
  IrqGuard guard;
  device_.transport().notify(net_spec::kReceiveQueue);
  device_.transport().notify(net_spec::kTransmitQueue);
  service();  // completions that raised no interrupt
}

void VirtioNet::check_link() {
  if (!status_feature_) return;
  // One register read per interrupt; the status itself only when the generation moved.
  const std::uint32_t generation = device_.transport().config_generation();
  if (generation == config_generation_) return;
  config_generation_ = generation;
  const bool up = device_.config16(net_spec::kConfigStatus) & net_spec::kStatusLinkUp;
  if (up == link_up_) return;
  link_up_ = up;
  if (listener_.link_changed) listener_.link_changed(*this, listener_.context);
}

void VirtioNet::notify_if(bool wanted, std::uint16_t queue) {
  if (wanted) device_.transport().notify(queue);
}

void VirtioNet::set_listener(const net::PacketListener& listener) {
  IrqGuard guard;
  listener_ = listener;
}

Result<std::size_t> VirtioNet::receive_locked(std::span<net::PacketBuffer*> frames) {
  std::size_t n = 0;
  for (;;) {
    n += TRY(rx_.poll(frames.subspan(n)));
    notify_if(rx_.refill(), net_spec::kReceiveQueue);
    if (n == frames.size()) return n;  // budget spent: the caller comes back
    if (!interrupts_) {
      rx_armed_ = true;  // the polling thread looks again
      return n;
    }
    // Drained: re-arm, then look once more for a frame that came before the re-arm
    // (it raised no interrupt).
    if (!rxq_->ring().enable_interrupts()) {
      rx_armed_ = true;
      return n;
    }
    rxq_->ring().disable_interrupts();
  }
}

Result<std::size_t> VirtioNet::receive(std::span<net::PacketBuffer*> frames) {
  std::size_t n;
  {
    IrqGuard guard;
    n = TRY(receive_locked(frames));
    for (std::size_t i = 0; i < n; ++i) {
      ++rx_frames_;
      rx_bytes_ += frames[i]->frame_length;
    }
  }
  // The frames are the caller's now: a broken transmit queue shows in the next send().
  (void)collect_tx();
  return n;
}

void VirtioNet::release(net::PacketBuffer* segment) {
  IrqGuard guard;
  if (!rx_.release(segment)) {
    kwarn("%s: release of a buffer it did not lend (%p)", name(), static_cast<void*>(segment));
    return;
  }
  notify_if(rx_.refill(), net_spec::kReceiveQueue);
}

Result<std::size_t> VirtioNet::send(std::span<const net::TxFrame> frames) {
  std::size_t n = 0;
  for (;;) {
    bool again = false;
    {
      IrqGuard guard;
      const std::size_t first = n;
      auto queued = tx_.send(frames.subspan(n));
      if (!queued) return n > 0 ? Result<std::size_t>(n) : queued.error();
      n += queued.value();
      notify_if(txq_->ring().publish(), net_spec::kTransmitQueue);
      for (std::size_t i = first; i < n; ++i) {
        ++tx_frames_;
        for (const net::Segment& s : frames[i].segments) tx_bytes_ += s.length;
      }
      if (n < frames.size()) {
        // Out of room. Completions waiting: collect them and try again. None: ask for
        // the interrupt tx_ready() needs, checking once more after asking. Each round
        // frees at least one completion, so this ends.
        if (txq_->ring().has_used()) {
          again = true;
        } else if (interrupts_ && txq_->ring().enable_interrupts()) {
          txq_->ring().disable_interrupts();
          again = true;
        } else {
          tx_armed_ = true;
        }
      }
    }
    // Frames queued are reported even when collecting completions failed: a caller that
    // sent them again would send them twice.
    if (auto collected = collect_tx(); !collected && n == 0) return collected.error();
    if (!again) return n;
  }
}

Result<void> VirtioNet::collect_tx() {
  // tx_done runs with interrupts on and no lock held: it may free memory, take locks.
  for (;;) {
    void* cookies[32];
    std::size_t n;
    {
      IrqGuard guard;
      n = TRY(tx_.reclaim(cookies));
    }
    for (std::size_t i = 0; i < n; ++i)
      if (listener_.tx_done) listener_.tx_done(cookies[i], listener_.context);
    if (n < 32) return {};
  }
}

Result<void> VirtioNet::reclaim() { return collect_tx(); }

net::PacketDeviceStats VirtioNet::stats() const {
  IrqGuard guard;
  return {rx_frames_,   rx_bytes_,          rx_.errors(), tx_frames_,       tx_bytes_,
          tx_.copied(), rx_.buffer_count(), rx_.lent(),   interrupt_count_, notifications_};
}

Result<void> probe(Device& device) {
  if (card_count == net::kMaxDevices) return Error(ENOSPC, "too many network cards");
  auto* card = new (std::nothrow) VirtioNet(device);
  if (!card) return Error(ENOMEM, "out of memory for a network card");
  // On failure the registry resets the device (fail()); the card's memory stays: the
  // device might have written to it until the reset, and failures are rare.
  TRY(card->start(card_count));
  TRY(net::register_device(*card));
  cards[card_count++] = card;
  return {};
}
CAIRN_VIRTIO_DRIVER(net, "virtio-net", DeviceType::kNet, probe);

}  // namespace
}  // namespace cairn::virtio
