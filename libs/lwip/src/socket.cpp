// A socket's lifetime, readiness and file operations.
#include "socket.h"

#include <fcntl.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <cerrno>

#include "lwip/netbuf.h"
#include "lwip/pbuf.h"
#include "lwip/tcp.h"
#include "socket_lwip.h"
#include "socket_registry.h"

namespace cairn::sockets {
namespace {

std::uint64_t next_ino = 1;

using vfs::kPollErr, vfs::kPollHup, vfs::kPollIn, vfs::kPollOut, vfs::kPollRdHup;

}  // namespace

int errno_of(err_t err) {
  switch (err) {
    case ERR_OK:
      return 0;
    case ERR_MEM:
      return ENOMEM;
    case ERR_BUF:
      return ENOBUFS;
    case ERR_TIMEOUT:
    case ERR_WOULDBLOCK:
      return EAGAIN;
    case ERR_RTE:
      return EHOSTUNREACH;
    case ERR_INPROGRESS:
      return EINPROGRESS;
    case ERR_VAL:
      return EINVAL;
    case ERR_USE:
      return EADDRINUSE;
    case ERR_ALREADY:
      return EALREADY;
    case ERR_ISCONN:
      return EISCONN;
    case ERR_CONN:
    case ERR_CLSD:
      return ENOTCONN;
    case ERR_ABRT:
      return ECONNABORTED;
    case ERR_RST:
      return ECONNRESET;
    default:
      return EIO;
  }
}

Socket::Socket(struct netconn* conn, int family, int type, int protocol, int status_flags)
    : vfs::OpenFile(status_flags),
      conn_(conn),
      family_(family),
      type_(type),
      protocol_(protocol),
      ino_(__atomic_fetch_add(&next_ino, 1, __ATOMIC_RELAXED)) {
  if (nonblocking()) {
    CoreLock lock;
    netconn_set_nonblocking(conn_, 1);
  }
  register_socket(conn_, this);
}

// Closing: no more events reach the socket once it is out of the registry; then the
// netconn goes (a TCP connection closes gracefully, or with a reset when received
// data was left unread, as on Linux).
Socket::~Socket() {
  unregister_socket(conn_);
  if (partial_) pbuf_free(partial_);
  if (peeked_) netbuf_delete(peeked_);
  netconn_delete(conn_);
}

Result<RefPtr<Socket>> Socket::create(int family, int type, int protocol, int status_flags) {
  if (family != AF_INET && !(LWIP_IPV6 && family == AF_INET6))
    return Error(EAFNOSUPPORT, "address family not supported");
  enum netconn_type kind;
  if (type == SOCK_STREAM) {
    if (protocol != 0 && protocol != IPPROTO_TCP)
      return Error(EPROTONOSUPPORT, "stream sockets are TCP");
    kind = NETCONN_TCP;
    protocol = IPPROTO_TCP;
  } else if (type == SOCK_DGRAM) {
    if (protocol != 0 && protocol != IPPROTO_UDP)
      return Error(EPROTONOSUPPORT, "datagram sockets are UDP");
    kind = NETCONN_UDP;
    protocol = IPPROTO_UDP;
  } else {
    // newlib has ESOCKTNOSUPPORT (Linux's answer) only with its Linux extensions.
#ifdef ESOCKTNOSUPPORT
    return Error(ESOCKTNOSUPPORT, "socket type not supported");
#else
    return Error(EPROTONOSUPPORT, "socket type not supported");
#endif
  }
#if LWIP_IPV6
  if (family == AF_INET6) kind = static_cast<enum netconn_type>(kind | NETCONN_TYPE_IPV6);
#endif
  struct netconn* conn = netconn_new_with_callback(kind, netconn_event);
  if (!conn) return Error(ENOBUFS, "no free lwIP connection (NET_LWIP_MAX_*)");
  auto socket = vfs::make_ref<Socket>(conn, family, type, protocol, O_RDWR | status_flags);
  if (!socket) {
    netconn_delete(conn);
    return socket.error();
  }
  return socket.value();
}

Socket* Socket::from(vfs::OpenFile* file) {
  Socket* socket = nullptr;
  if (!file || !file->ioctl(kIoctlIdentifySocket, &socket).ok()) return nullptr;
  return socket;
}

// The events are a hint for edge-triggered epoll, so they say only what may have
// appeared: data (or the peer's FIN) for RCVPLUS, room for SENDPLUS.
void Socket::on_event(enum netconn_evt event) {
  std::uint32_t events = 0;
  if (event == NETCONN_EVT_RCVPLUS) events = kPollIn | kPollRdHup | kPollHup;
  if (event == NETCONN_EVT_SENDPLUS) events = kPollOut;
  if (event == NETCONN_EVT_ERROR) events = kPollIn | kPollOut | kPollErr | kPollHup | kPollRdHup;
  if (events) waiters_.notify(events);
}

bool Socket::nonblocking_call(int flags) const {
  return (flags & MSG_DONTWAIT) != 0 || nonblocking();
}

// With the core lock held.
std::uint32_t Socket::poll_stream() {
  switch (state_) {
    case State::kOpen:
      return kPollOut | kPollHup;  // as Linux reports an unconnected TCP socket
    case State::kListening: {
      std::uint32_t events = 0;
      if (cairn_lwip_mbox_count(&conn_->acceptmbox) > 0 || !sys_mbox_valid(&conn_->acceptmbox))
        events |= kPollIn;
      if (conn_->pending_err != ERR_OK) events |= kPollErr;
      return events;
    }
    case State::kFailed:
      return kPollIn | kPollOut | kPollHup | kPollRdHup | (so_error_ ? kPollErr : 0);
    case State::kConnecting:
      if (conn_->pcb.tcp == nullptr) {
        // Refused, reset or timed out: connect() and SO_ERROR report why.
        err_t err = conn_->pending_err;
        conn_->pending_err = ERR_OK;
        so_error_ = err == ERR_RST ? ECONNREFUSED : err == ERR_ABRT ? ETIMEDOUT : errno_of(err);
        if (so_error_ == 0) so_error_ = ECONNREFUSED;
        state_ = State::kFailed;
        return poll_stream();
      }
      if (conn_->state == NETCONN_CONNECT) return 0;
      state_ = State::kConnected;
      [[fallthrough]];
    case State::kConnected:
      break;
  }
  std::uint32_t events = 0;
  struct tcp_pcb* pcb = conn_->pcb.tcp;
  if (__atomic_load_n(&partial_, __ATOMIC_RELAXED) || eof_ || read_shut_ ||
      !sys_mbox_valid(&conn_->recvmbox) || cairn_lwip_mbox_count(&conn_->recvmbox) > 0)
    events |= kPollIn;
  if (!pcb) {
    // Reset or aborted: every call returns at once.
    events |= kPollIn | kPollOut | kPollHup | kPollRdHup;
    if (conn_->pending_err != ERR_OK) events |= kPollErr;
    return events;
  }
  if (eof_ || pcb->state == CLOSE_WAIT || pcb->state == LAST_ACK || pcb->state == CLOSING ||
      pcb->state == TIME_WAIT)
    events |= kPollRdHup;
  if (write_shut_) {
    events |= kPollOut;  // writes fail at once with EPIPE
  } else if (tcp_sndbuf(pcb) > TCP_SNDLOWAT && tcp_sndqueuelen(pcb) < TCP_SNDQUEUELOWAT) {
    events |= kPollOut;
  } else {
    // lwIP sends NETCONN_EVT_SENDPLUS on acknowledgements only when asked to.
    netconn_set_flags(conn_, NETCONN_FLAG_CHECK_WRITESPACE);
  }
  if (write_shut_ && (eof_ || (events & kPollRdHup))) events |= kPollHup;
  return events;
}

std::uint32_t Socket::poll(vfs::PollWaiter* waiter) {
  // Queued first: a change after the state is read below is then notified.
  if (waiter) waiters_.add(*waiter);
  CoreLock lock;
  if (type_ == SOCK_STREAM) return poll_stream();
  std::uint32_t events = kPollOut;
  if (__atomic_load_n(&peeked_, __ATOMIC_RELAXED) || cairn_lwip_mbox_count(&conn_->recvmbox) > 0)
    events |= kPollIn;
  if (conn_->pending_err != ERR_OK) events |= kPollErr;
  return events;
}

void Socket::cancel_poll(vfs::PollWaiter& waiter) { waiters_.remove(waiter); }

Result<vfs::Attributes> Socket::stat() {
  vfs::Attributes a;
  a.ino = ino_;
  a.mode = vfs::kSocket | 0777;
  return a;
}

void Socket::set_status_flags(int flags) {
  vfs::OpenFile::set_status_flags(flags);
  CoreLock lock;
  netconn_set_nonblocking(conn_, nonblocking() ? 1 : 0);
}

Result<std::size_t> Socket::read(std::span<std::byte> buffer) {
  struct iovec one = {buffer.data(), buffer.size()};
  ReceiveRequest request;
  request.buffers = {&one, 1};
  return receive(request);
}

Result<std::size_t> Socket::write(std::span<const std::byte> data) {
  struct iovec one = {const_cast<std::byte*>(data.data()), data.size()};
  return send({&one, 1}, 0, nullptr);
}

namespace {
std::span<const struct iovec> as_iovecs(std::span<const vfs::IoBuffer> buffers) {
  static_assert(sizeof(vfs::IoBuffer) == sizeof(struct iovec));
  return {reinterpret_cast<const struct iovec*>(buffers.data()), buffers.size()};
}
}  // namespace

Result<std::size_t> Socket::read_vector(std::span<const vfs::IoBuffer> buffers) {
  ReceiveRequest request;
  request.buffers = as_iovecs(buffers);
  return receive(request);
}

Result<std::size_t> Socket::write_vector(std::span<const vfs::IoBuffer> buffers) {
  return send(as_iovecs(buffers), 0, nullptr);
}

std::size_t Socket::pending_bytes() {
  vfs::MutexLocker locked(receive_lock_);
  std::size_t n = 0;
  if (partial_) n += partial_->tot_len - partial_offset_;
  if (peeked_) return peeked_->p->tot_len;  // the next datagram
  CoreLock lock;
  if (conn_->recv_avail > 0) n += static_cast<std::size_t>(conn_->recv_avail);
  return n;
}

Result<int> Socket::ioctl(unsigned long request, void* argument) {
  switch (request) {
    case kIoctlIdentifySocket:
      *static_cast<Socket**>(argument) = this;
      return 0;
    case vfs::kIoctlFionread:
      *static_cast<int*>(argument) = static_cast<int>(pending_bytes());
      return 0;
    default:
      return vfs::OpenFile::ioctl(request, argument);
  }
}

}  // namespace cairn::sockets
