// A BSD socket: an fd-table file that owns one lwIP netconn (docs/networking.md,
// "Sockets"). lwIP's per-connection events arrive through the registry
// (socket_registry.h) and wake whoever polls the socket; readiness itself is always
// computed from the netconn's state under the core lock, never counted, so an event
// that came before the socket existed (an accepted connection's first data) is not
// lost.
//
// Locking: state the tcpip thread also touches (the netconn, the flags below) is read
// and written under lwIP's core lock; the partly-read pbuf or datagram under
// receive_lock_, which serialises receivers. Blocking waits happen in netconn calls,
// never with either lock held.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>

#include <cairn/vfs/lock.h>
#include <cairn/vfs/open_file.h>

#include "lwip/api.h"
#include "socket_address.h"

struct iovec;

namespace cairn::sockets {

using vfs::RefPtr;

// A private ioctl that identifies a Socket among OpenFiles (there is no RTTI); in
// Linux's SIOCPROTOPRIVATE range, which nothing else here uses.
inline constexpr unsigned long kIoctlIdentifySocket = 0x89EF;

// Where received data goes, and what recvmsg reports back.
struct ReceiveRequest {
  std::span<const struct iovec> buffers;
  int flags = 0;             // MSG_PEEK, MSG_DONTWAIT, MSG_WAITALL, MSG_TRUNC
  Endpoint* from = nullptr;  // the sender (datagrams; the peer for TCP), or null
  bool* from_set = nullptr;  // whether *from was filled
  int out_flags = 0;         // MSG_TRUNC when a datagram did not fit
};

class Socket final : public vfs::OpenFile {
 public:
  // socket(): `type` without SOCK_NONBLOCK/SOCK_CLOEXEC; `status_flags` O_NONBLOCK.
  static Result<RefPtr<Socket>> create(int family, int type, int protocol, int status_flags);
  // The Socket behind a descriptor's file, or null (ENOTSOCK for the caller).
  static Socket* from(vfs::OpenFile* file);

  Result<void> bind(const Endpoint& local);
  Result<void> listen(int backlog);
  Result<RefPtr<Socket>> accept(Endpoint* peer, int status_flags);
  Result<void> connect(const Endpoint& remote);
  Result<void> disconnect();  // connect(AF_UNSPEC): a datagram socket forgets its peer
  Result<std::size_t> send(std::span<const struct iovec> buffers, int flags, const Endpoint* to);
  Result<std::size_t> receive(ReceiveRequest& request);
  Result<void> shutdown(int how);
  Result<Endpoint> local_name();
  Result<Endpoint> peer_name();
  Result<void> set_option(int level, int name, const void* value, std::uint32_t length);
  Result<std::uint32_t> get_option(int level, int name, void* value, std::uint32_t length);
  int family() const { return family_; }
  int type() const { return type_; }

  // Called by the registry, under the scheduler lock, for lwIP's events.
  void on_event(enum netconn_evt event);

  // vfs::OpenFile
  Result<std::size_t> read(std::span<std::byte> buffer) override;
  Result<std::size_t> write(std::span<const std::byte> data) override;
  // readv/writev: one receive or send, so a readv never blocks once data arrived.
  Result<std::size_t> read_vector(std::span<const vfs::IoBuffer> buffers) override;
  Result<std::size_t> write_vector(std::span<const vfs::IoBuffer> buffers) override;
  Result<int> ioctl(unsigned long request, void* argument) override;
  std::uint32_t poll(vfs::PollWaiter* waiter) override;
  void cancel_poll(vfs::PollWaiter& waiter) override;
  Result<vfs::Attributes> stat() override;
  void set_status_flags(int flags) override;

  Socket(struct netconn* conn, int family, int type, int protocol, int status_flags);

 protected:
  ~Socket() override;

 private:
  enum class State : std::uint8_t { kOpen, kConnecting, kConnected, kListening, kFailed };

  Result<std::size_t> send_stream(std::span<const struct iovec> buffers, int flags);
  Result<std::size_t> send_datagram(std::span<const struct iovec> buffers, const Endpoint* to);
  Result<std::size_t> receive_stream(ReceiveRequest& request);
  Result<std::size_t> receive_datagram(ReceiveRequest& request);
  Result<void> finish_connect();
  Error connection_error(err_t err);
  Result<void> set_socket_option(int name, const void* value, std::uint32_t length);
  Result<std::uint32_t> get_socket_option(int name, void* value, std::uint32_t length);
  Result<void> set_ip_option(int level, int name, const void* value, std::uint32_t length);
  Result<std::uint32_t> get_ip_option(int level, int name, void* value, std::uint32_t length);
  std::uint32_t poll_stream();
  bool nonblocking_call(int flags) const;
  std::size_t pending_bytes();

  struct netconn* const conn_;
  const int family_;
  const int type_;  // SOCK_STREAM or SOCK_DGRAM
  const int protocol_;
  const std::uint64_t ino_;

  // Under the core lock.
  State state_ = State::kOpen;
  bool bound_ = false;
  bool read_shut_ = false;   // shutdown(SHUT_RD), or the peer's FIN consumed
  bool write_shut_ = false;  // shutdown(SHUT_WR)
  bool eof_ = false;         // the peer's FIN was received (recv returns 0)
  int so_error_ = 0;         // the error a failed non-blocking connect left (SO_ERROR)

  // Under receive_lock_ (pointers read without it only to test for null).
  vfs::Mutex receive_lock_;
  struct pbuf* partial_ = nullptr;  // TCP: the pbuf being read, from partial_offset_
  std::size_t partial_offset_ = 0;
  struct netbuf* peeked_ = nullptr;  // UDP: a datagram MSG_PEEK looked at

  // Options lwIP keeps nowhere (reported back as set).
  int receive_buffer_ = 0;
  int send_buffer_ = 0;
  int linger_on_ = 0;
  int linger_seconds_ = 0;

  vfs::PollQueue waiters_;
};

// lwIP's errors as errno values.
int errno_of(err_t err);

}  // namespace cairn::sockets
