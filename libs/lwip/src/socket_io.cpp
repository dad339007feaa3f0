// Sending and receiving: TCP over netconn_write_vectors_partly and pbufs read in
// pieces, UDP over netbufs.
#include <sys/socket.h>
#include <sys/uio.h>
#include <cerrno>
#include <cstring>
#include <new>

#include "lwip/netbuf.h"
#include "lwip/pbuf.h"
#include "socket.h"
#include "socket_lwip.h"

namespace cairn::sockets {
namespace {

std::size_t total_length(std::span<const struct iovec> buffers) {
  std::size_t total = 0;
  for (const auto& b : buffers) total += b.iov_len;
  return total;
}

// Copies up to `length` bytes of `p` from `offset` into the buffers, starting
// `skip` bytes into them.
std::size_t copy_out(struct pbuf* p, std::size_t offset, std::size_t length,
                     std::span<const struct iovec> buffers, std::size_t skip) {
  std::size_t copied = 0;
  for (const auto& b : buffers) {
    if (copied == length) break;
    if (skip >= b.iov_len) {
      skip -= b.iov_len;
      continue;
    }
    std::size_t room = b.iov_len - skip;
    std::size_t n = length - copied < room ? length - copied : room;
    // pbuf lengths are 16-bit; one chunk at a time.
    for (std::size_t done = 0; done < n;) {
      std::size_t chunk = n - done > 0xffff ? 0xffff : n - done;
      u16_t got =
          pbuf_copy_partial(p, static_cast<char*>(b.iov_base) + skip + done,
                            static_cast<u16_t>(chunk), static_cast<u16_t>(offset + copied + done));
      if (got == 0) return copied + done;
      done += got;
    }
    copied += n;
    skip = 0;
  }
  return copied;
}

}  // namespace

// A reset (or abort) wins over a plain "not connected": the first call after it
// reports it, later calls EPIPE (send) or end of file (receive).
Error Socket::connection_error(err_t err) {
  if (err == ERR_RST) return Error(ECONNRESET, "connection reset by peer");
  if (err == ERR_ABRT) return Error(ECONNABORTED, "connection aborted");
  if (err == ERR_TIMEOUT || err == ERR_WOULDBLOCK) return Error(EAGAIN, "would block");
  return Error(errno_of(err), "socket error");
}

Result<std::size_t> Socket::send(std::span<const struct iovec> buffers, int flags,
                                 const Endpoint* to) {
  if (type_ == SOCK_DGRAM) return send_datagram(buffers, to);
  return send_stream(buffers, flags);
}

Result<std::size_t> Socket::send_stream(std::span<const struct iovec> buffers, int flags) {
  {
    CoreLock lock;
    (void)poll_stream();  // settles a finished non-blocking connect
    if (write_shut_) return Error(EPIPE, "socket shut down for writing");
    switch (state_) {
      case State::kConnected:
        break;
      case State::kConnecting:
        return Error(EAGAIN, "connection in progress");
      case State::kFailed: {
        int error = so_error_ ? so_error_ : EPIPE;
        so_error_ = 0;
        return Error(error, "connection failed");
      }
      default:
        return Error(ENOTCONN, "socket is not connected");
    }
  }
  constexpr std::size_t kOnStack = 16;
  struct netvector stack_vectors[kOnStack];
  struct netvector* vectors = stack_vectors;
  if (buffers.size() > kOnStack) {
    vectors = new (std::nothrow) struct netvector[buffers.size()];
    if (!vectors) return Error(ENOMEM, "out of memory");
  }
  u16_t count = 0;
  for (const auto& b : buffers)
    if (b.iov_len) vectors[count++] = {b.iov_base, b.iov_len};
  u8_t api_flags = NETCONN_COPY;
  if (nonblocking_call(flags)) api_flags |= NETCONN_DONTBLOCK;
  if (flags & MSG_MORE) api_flags |= NETCONN_MORE;
  std::size_t written = 0;
  err_t err = ERR_OK;
  if (count) err = netconn_write_vectors_partly(conn_, vectors, count, api_flags, &written);
  if (vectors != stack_vectors) delete[] vectors;
  if (err == ERR_OK || written) return written;
  if (err == ERR_WOULDBLOCK || err == ERR_TIMEOUT || err == ERR_MEM)
    return Error(EAGAIN, "send buffer full");
  // The connection is gone: a pending reset is reported once, then EPIPE.
  err_t pending = netconn_err(conn_);
  if (pending == ERR_RST || err == ERR_RST) return Error(ECONNRESET, "connection reset by peer");
  return Error(EPIPE, "connection closed");
}

Result<std::size_t> Socket::send_datagram(std::span<const struct iovec> buffers,
                                          const Endpoint* to) {
  std::size_t total = total_length(buffers);
  // An IPv4 datagram's payload is at most 65535 - 20 - 8 bytes; lwIP fragments.
  std::size_t limit = family_ == AF_INET6 ? 65535 - 8 : 65535 - 28;
  if (total > limit) return Error(EMSGSIZE, "datagram too large");
  {
    CoreLock lock;
    if (write_shut_) return Error(EPIPE, "socket shut down for writing");
    if (!to && state_ != State::kConnected) return Error(EDESTADDRREQ, "no destination");
  }
  struct netbuf* buf = netbuf_new();
  if (!buf) return Error(ENOBUFS, "no netbuf");
  auto* data = static_cast<char*>(netbuf_alloc(buf, static_cast<u16_t>(total)));
  if (!data && total) {
    netbuf_delete(buf);
    return Error(ENOBUFS, "no buffer for the datagram");
  }
  std::size_t at = 0;
  for (const auto& b : buffers) {
    std::memcpy(data + at, b.iov_base, b.iov_len);
    at += b.iov_len;
  }
  err_t err;
  if (to) {
    ip_addr_t address = to_ip_addr(*to);
    err = netconn_sendto(conn_, buf, &address, to->port);
  } else {
    err = netconn_send(conn_, buf);
  }
  netbuf_delete(buf);
  if (err == ERR_OK) return total;
  if (err == ERR_RTE) return Error(ENETUNREACH, "no route to the destination");
  if (err == ERR_MEM || err == ERR_BUF) return Error(ENOBUFS, "out of buffers");
  return Error(errno_of(err), "send failed");
}

Result<std::size_t> Socket::receive(ReceiveRequest& request) {
  if (type_ == SOCK_DGRAM) return receive_datagram(request);
  return receive_stream(request);
}

Result<std::size_t> Socket::receive_stream(ReceiveRequest& request) {
  {
    CoreLock lock;
    (void)poll_stream();
    if (state_ == State::kFailed) {
      int error = so_error_;
      so_error_ = 0;
      if (error) return Error(error, "connection failed");
      return std::size_t{0};
    }
    if (state_ != State::kConnected) return Error(ENOTCONN, "socket is not connected");
  }
  if (request.from_set) *request.from_set = false;
  const bool peek = request.flags & MSG_PEEK;
  const bool dont_wait = nonblocking_call(request.flags);
  const bool wait_all = (request.flags & MSG_WAITALL) && !peek && !dont_wait;
  const std::size_t total = total_length(request.buffers);
  if (total == 0) return std::size_t{0};

  vfs::MutexLocker locked(receive_lock_);
  std::size_t copied = 0;
  for (;;) {
    if (partial_) {
      std::size_t left = partial_->tot_len - partial_offset_;
      std::size_t want = total - copied < left ? total - copied : left;
      std::size_t n = copy_out(partial_, partial_offset_, want, request.buffers, copied);
      copied += n;
      if (peek) return copied;
      partial_offset_ += n;
      if (partial_offset_ == partial_->tot_len) {
        pbuf_free(partial_);
        __atomic_store_n(&partial_, nullptr, __ATOMIC_RELAXED);
        partial_offset_ = 0;
      }
    }
    if (copied == total) return copied;
    {
      CoreLock lock;
      if (eof_ || read_shut_) return copied;
    }
    // Wait only for the first bytes (or for all of them with MSG_WAITALL); after
    // that take what has already arrived.
    bool block = !dont_wait && (copied == 0 || wait_all);
    struct pbuf* p = nullptr;
    err_t err = netconn_recv_tcp_pbuf_flags(conn_, &p, block ? 0 : NETCONN_DONTBLOCK);
    if (err == ERR_OK && p) {
      __atomic_store_n(&partial_, p, __ATOMIC_RELAXED);
      partial_offset_ = 0;
      continue;
    }
    if (err == ERR_OK || err == ERR_CLSD || err == ERR_CONN) {
      // The peer's FIN (lwIP then shut the receive side), or after it.
      CoreLock lock;
      eof_ = true;
      return copied;
    }
    if (copied) return copied;  // an error waits for the next call (lwIP keeps it)
    return connection_error(err);
  }
}

Result<std::size_t> Socket::receive_datagram(ReceiveRequest& request) {
  {
    CoreLock lock;
    if (read_shut_) return std::size_t{0};
  }
  const bool peek = request.flags & MSG_PEEK;
  vfs::MutexLocker locked(receive_lock_);
  struct netbuf* buf = peeked_;
  __atomic_store_n(&peeked_, nullptr, __ATOMIC_RELAXED);
  if (!buf) {
    err_t err = netconn_recv_udp_raw_netbuf_flags(
        conn_, &buf, nonblocking_call(request.flags) ? NETCONN_DONTBLOCK : 0);
    if (err != ERR_OK) return connection_error(err);
  }
  std::size_t length = buf->p->tot_len;
  std::size_t total = total_length(request.buffers);
  std::size_t n = copy_out(buf->p, 0, length < total ? length : total, request.buffers, 0);
  if (n < length) request.out_flags |= MSG_TRUNC;
  if (request.from) {
    *request.from = from_ip_addr(*netbuf_fromaddr(buf), netbuf_fromport(buf));
    if (request.from_set) *request.from_set = true;
  }
  if (peek)
    __atomic_store_n(&peeked_, buf, __ATOMIC_RELAXED);
  else
    netbuf_delete(buf);
  return (request.flags & MSG_TRUNC) ? length : n;
}

}  // namespace cairn::sockets
