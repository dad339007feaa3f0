// Addresses and connections: bind, listen, accept, connect, shutdown, names.
#include <fcntl.h>
#include <sys/socket.h>
#include <cerrno>

#include "socket.h"
#include "socket_lwip.h"

// The message lwIP's api_msg.c posts into a receive mailbox when the peer closes.
extern "C" const u8_t netconn_closed;

namespace cairn::sockets {

Result<void> Socket::bind(const Endpoint& local) {
  if (family_ == AF_INET6 && local.family != AF_INET6)
    return Error(EAFNOSUPPORT, "IPv6 socket needs an IPv6 address");
  ip_addr_t address = to_ip_addr(local);
  err_t err = netconn_bind(conn_, &address, local.port);
  if (err != ERR_OK) return Error(errno_of(err), "bind failed");
  CoreLock lock;
  bound_ = true;
  return {};
}

Result<void> Socket::listen(int backlog) {
  if (type_ != SOCK_STREAM) return Error(EOPNOTSUPP, "only stream sockets listen");
  // lwIP counts the backlog in a byte, and refuses every connection at 0.
  if (backlog < 1) backlog = 1;
  if (backlog > 255) backlog = 255;
  bool bound;
  {
    CoreLock lock;
    if (state_ == State::kListening) return {};
    if (state_ != State::kOpen) return Error(EINVAL, "socket is connected");
    bound = bound_;
  }
  // Linux gives an unbound listener an ephemeral port.
  if (!bound) {
    err_t err = netconn_bind(conn_, family_ == AF_INET6 ? IP6_ADDR_ANY : IP4_ADDR_ANY, 0);
    if (err != ERR_OK) return Error(errno_of(err), "bind failed");
  }
  err_t err = netconn_listen_with_backlog(conn_, static_cast<u8_t>(backlog));
  if (err != ERR_OK) return Error(errno_of(err), "listen failed");
  CoreLock lock;
  bound_ = true;
  state_ = State::kListening;
  return {};
}

Result<RefPtr<Socket>> Socket::accept(Endpoint* peer, int status_flags) {
  {
    CoreLock lock;
    if (state_ != State::kListening || read_shut_) return Error(EINVAL, "socket is not listening");
  }
  struct netconn* conn = nullptr;
  err_t err = netconn_accept(conn_, &conn);
  if (err != ERR_OK) {
    if (err == ERR_CLSD) return Error(EINVAL, "listener closed");
    return Error(errno_of(err), "accept failed");
  }
  // Linux's accepted sockets inherit the listener's timeouts.
  netconn_set_recvtimeout(conn, netconn_get_recvtimeout(conn_));
  netconn_set_sendtimeout(conn, netconn_get_sendtimeout(conn_));
  auto socket = vfs::make_ref<Socket>(conn, family_, type_, protocol_, O_RDWR | status_flags);
  if (!socket) {
    netconn_delete(conn);
    return Error(ENOBUFS, "out of memory for a socket");
  }
  {
    CoreLock lock;
    socket.value()->state_ = State::kConnected;
    socket.value()->bound_ = true;
  }
  if (peer) {
    ip_addr_t address;
    u16_t port = 0;
    if (netconn_peer(conn, &address, &port) == ERR_OK)
      *peer = from_ip_addr(address, port);
    else
      *peer = Endpoint{family_ == AF_INET6 ? kFamilyInet6 : kFamilyInet};
  }
  return socket.value();
}

// The outcome of a non-blocking connect, when connect() is called again (Linux: 0 the
// first time after success, EALREADY while pending, the error after a failure).
Result<void> Socket::finish_connect() {
  CoreLock lock;
  (void)poll_stream();  // moves kConnecting on when the handshake ended
  if (state_ == State::kConnecting) return Error(EALREADY, "connection in progress");
  if (state_ == State::kFailed) {
    int error = so_error_ ? so_error_ : ECONNREFUSED;
    so_error_ = 0;
    return Error(error, "connection failed");
  }
  return {};
}

Result<void> Socket::connect(const Endpoint& remote) {
  ip_addr_t address = to_ip_addr(remote);
  if (type_ == SOCK_DGRAM) {
    err_t err = netconn_connect(conn_, &address, remote.port);
    if (err != ERR_OK) return Error(errno_of(err), "connect failed");
    CoreLock lock;
    state_ = State::kConnected;
    bound_ = true;
    return {};
  }
  {
    CoreLock lock;
    switch (state_) {
      case State::kOpen:
        break;
      case State::kConnecting:
        return Error(EALREADY, "connection in progress");
      case State::kConnected:
        return Error(EISCONN, "already connected");
      case State::kListening:
        return Error(EISCONN, "socket is listening");
      case State::kFailed:
        return Error(ECONNABORTED, "connection failed earlier");
    }
    state_ = State::kConnecting;
  }
  // Blocking or not as the netconn's flag says (O_NONBLOCK is mirrored into it).
  err_t err = netconn_connect(conn_, &address, remote.port);
  if (err == ERR_INPROGRESS) return Error(EINPROGRESS, "connection in progress");
  CoreLock lock;
  if (err == ERR_OK) {
    state_ = State::kConnected;
    bound_ = true;
    return {};
  }
  state_ = State::kFailed;
  conn_->pending_err = ERR_OK;
  // A reset answering the SYN is a refusal; lwIP aborts after its SYN retries.
  if (err == ERR_RST) return Error(ECONNREFUSED, "connection refused");
  if (err == ERR_ABRT) return Error(ETIMEDOUT, "connection timed out");
  if (err == ERR_RTE) return Error(ENETUNREACH, "no route to the host");
  state_ = State::kOpen;
  return Error(errno_of(err), "connect failed");
}

Result<void> Socket::disconnect() {
  if (type_ != SOCK_DGRAM) return Error(EAFNOSUPPORT, "AF_UNSPEC connect on a stream socket");
  err_t err = netconn_disconnect(conn_);
  if (err != ERR_OK) return Error(errno_of(err), "disconnect failed");
  CoreLock lock;
  state_ = State::kOpen;
  return {};
}

Result<void> Socket::shutdown(int how) {
  if (how != SHUT_RD && how != SHUT_WR && how != SHUT_RDWR) return Error(EINVAL, "bad how");
  bool read = how != SHUT_WR, write = how != SHUT_RD;
  {
    CoreLock lock;
    if (state_ == State::kListening) {
      read_shut_ = read_shut_ || read;
      return {};
    }
    if (state_ != State::kConnected) return Error(ENOTCONN, "socket is not connected");
    if (type_ == SOCK_DGRAM) {
      read_shut_ = read_shut_ || read;
      write_shut_ = write_shut_ || write;
      return {};
    }
    if (read && !read_shut_) {
      read_shut_ = true;
      // Wake a receiver blocked in the mailbox with lwIP's own "closed" message: it
      // then shuts the receive side itself, in its thread. Shutting it from here
      // would free the mailbox under that receiver (no LWIP_NETCONN_FULLDUPLEX).
      if (sys_mbox_valid(&conn_->recvmbox))
        (void)sys_mbox_trypost(&conn_->recvmbox, const_cast<u8_t*>(&netconn_closed));
    }
    if (!write || write_shut_) return {};
    write_shut_ = true;
  }
  err_t err = netconn_shutdown(conn_, 0, 1);
  if (err != ERR_OK && err != ERR_CONN) return Error(errno_of(err), "shutdown failed");
  return {};
}

Result<Endpoint> Socket::local_name() {
  ip_addr_t address;
  u16_t port = 0;
  if (netconn_addr(conn_, &address, &port) != ERR_OK) {
    // Unbound: the wildcard address and port 0, as Linux says.
    return Endpoint{family_ == AF_INET6 ? kFamilyInet6 : kFamilyInet};
  }
  return from_ip_addr(address, port);
}

Result<Endpoint> Socket::peer_name() {
  {
    CoreLock lock;
    if (type_ == SOCK_STREAM) (void)poll_stream();
    if (state_ != State::kConnected) return Error(ENOTCONN, "socket is not connected");
  }
  ip_addr_t address;
  u16_t port = 0;
  err_t err = netconn_peer(conn_, &address, &port);
  if (err != ERR_OK) return Error(ENOTCONN, "socket is not connected");
  return from_ip_addr(address, port);
}

}  // namespace cairn::sockets
