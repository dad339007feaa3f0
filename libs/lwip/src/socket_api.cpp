// The BSD socket calls: descriptors to Sockets, sockaddrs to Endpoints, Results to
// errno. No SIGPIPE is ever raised (there are no signals): EPIPE is returned whether
// or not MSG_NOSIGNAL is given.
#include <errno.h>
#include <fcntl.h>
#include <sys/socket.h>
#include <sys/uio.h>

#include <cairn/vfs/fd_table.h>

#include "socket.h"

using namespace cairn;
using namespace cairn::sockets;

namespace {

constexpr int kTypeFlags = SOCK_NONBLOCK | SOCK_CLOEXEC;

int fail(const Error& error) {
  errno = error.code();
  return -1;
}

// The socket behind `fd` (held by `holder`): EBADF, ENOTSOCK.
Result<Socket*> socket_of(int fd, RefPtr<vfs::OpenFile>& holder) {
  holder = TRY(vfs::get_fd(fd));
  Socket* socket = Socket::from(holder.get());
  if (!socket) return Error(ENOTSOCK, "not a socket");
  return socket;
}

#define SOCKET_OR_FAIL(name, fd)                          \
  RefPtr<vfs::OpenFile> holder_;                          \
  auto name##_result = socket_of(fd, holder_);            \
  if (!name##_result) return fail(name##_result.error()); \
  Socket* name = name##_result.value()

Result<int> install(RefPtr<Socket> socket, int flags) {
  return vfs::install_fd(static_cast<RefPtr<vfs::OpenFile>&&>(socket), flags & SOCK_CLOEXEC);
}

int accept_common(int fd, struct sockaddr* address, socklen_t* length, int flags) {
  if (flags & ~kTypeFlags) return fail(Error(EINVAL, "bad accept4 flags"));
  SOCKET_OR_FAIL(socket, fd);
  Endpoint peer;
  auto accepted =
      socket->accept(address ? &peer : nullptr, (flags & SOCK_NONBLOCK) ? O_NONBLOCK : 0);
  if (!accepted) return fail(accepted.error());
  // Closing the connection again if the table is full is what Linux does too.
  auto installed = install(accepted.value(), flags);
  if (!installed) return fail(installed.error());
  if (address) endpoint_to_sockaddr(peer, socket->family(), address, length);
  return installed.value();
}

ssize_t send_common(int fd, std::span<const struct iovec> buffers, int flags,
                    const struct sockaddr* to, socklen_t to_length) {
  SOCKET_OR_FAIL(socket, fd);
  Endpoint destination;
  // Linux ignores the address of a connected stream socket.
  if (to && socket->type() == SOCK_DGRAM) {
    auto endpoint = endpoint_from_sockaddr(to, to_length, socket->family());
    if (!endpoint) return fail(endpoint.error());
    destination = endpoint.value();
  }
  auto sent =
      socket->send(buffers, flags, to && socket->type() == SOCK_DGRAM ? &destination : nullptr);
  if (!sent) return fail(sent.error());
  return static_cast<ssize_t>(sent.value());
}

ssize_t receive_common(int fd, std::span<const struct iovec> buffers, int flags,
                       struct sockaddr* from, socklen_t* from_length, int* out_flags) {
  SOCKET_OR_FAIL(socket, fd);
  Endpoint sender;
  bool sender_set = false;
  ReceiveRequest request;
  request.buffers = buffers;
  request.flags = flags;
  request.from = from ? &sender : nullptr;
  request.from_set = &sender_set;
  auto received = socket->receive(request);
  if (!received) return fail(received.error());
  if (from && from_length) {
    if (sender_set)
      endpoint_to_sockaddr(sender, socket->family(), from, from_length);
    else
      *from_length = 0;  // a stream socket does not say (Linux)
  }
  if (out_flags) *out_flags = request.out_flags;
  return static_cast<ssize_t>(received.value());
}

Result<std::span<const struct iovec>> message_buffers(const struct msghdr* message) {
  if (!message) return Error(EFAULT, "no msghdr");
  if (message->msg_iovlen > UIO_MAXIOV) return Error(EMSGSIZE, "too many iovecs");
  if (message->msg_iovlen && !message->msg_iov) return Error(EFAULT, "no iovecs");
  return std::span<const struct iovec>(message->msg_iov, message->msg_iovlen);
}

}  // namespace

extern "C" {

int socket(int domain, int type, int protocol) {
  if (type & ~(kTypeFlags | 0xf)) return fail(Error(EINVAL, "bad socket type flags"));
  auto socket =
      Socket::create(domain, type & 0xf, protocol, (type & SOCK_NONBLOCK) ? O_NONBLOCK : 0);
  if (!socket) return fail(socket.error());
  auto fd = install(socket.value(), type);
  return fd ? fd.value() : fail(fd.error());
}

int socketpair(int, int, int, int*) {
  return fail(Error(EOPNOTSUPP, "socketpair needs AF_UNIX, which Cairn does not have"));
}

int bind(int fd, const struct sockaddr* address, socklen_t length) {
  SOCKET_OR_FAIL(socket, fd);
  auto endpoint = endpoint_from_sockaddr(address, length, socket->family());
  if (!endpoint) return fail(endpoint.error());
  auto done = socket->bind(endpoint.value());
  return done ? 0 : fail(done.error());
}

int listen(int fd, int backlog) {
  SOCKET_OR_FAIL(socket, fd);
  auto done = socket->listen(backlog);
  return done ? 0 : fail(done.error());
}

int accept(int fd, struct sockaddr* address, socklen_t* length) {
  return accept_common(fd, address, length, 0);
}

int accept4(int fd, struct sockaddr* address, socklen_t* length, int flags) {
  return accept_common(fd, address, length, flags);
}

int connect(int fd, const struct sockaddr* address, socklen_t length) {
  SOCKET_OR_FAIL(socket, fd);
  if (address && length >= sizeof(sa_family_t) && address->sa_family == AF_UNSPEC) {
    auto done = socket->disconnect();
    return done ? 0 : fail(done.error());
  }
  auto endpoint = endpoint_from_sockaddr(address, length, socket->family());
  if (!endpoint) return fail(endpoint.error());
  auto done = socket->connect(endpoint.value());
  return done ? 0 : fail(done.error());
}

ssize_t send(int fd, const void* buffer, size_t length, int flags) {
  struct iovec one = {const_cast<void*>(buffer), length};
  return send_common(fd, {&one, 1}, flags, nullptr, 0);
}

ssize_t sendto(int fd, const void* buffer, size_t length, int flags, const struct sockaddr* to,
               socklen_t to_length) {
  struct iovec one = {const_cast<void*>(buffer), length};
  return send_common(fd, {&one, 1}, flags, to, to_length);
}

ssize_t sendmsg(int fd, const struct msghdr* message, int flags) {
  auto buffers = message_buffers(message);
  if (!buffers) return fail(buffers.error());
  return send_common(fd, buffers.value(), flags,
                     static_cast<const struct sockaddr*>(message->msg_name), message->msg_namelen);
}

ssize_t recv(int fd, void* buffer, size_t length, int flags) {
  struct iovec one = {buffer, length};
  return receive_common(fd, {&one, 1}, flags, nullptr, nullptr, nullptr);
}

ssize_t recvfrom(int fd, void* buffer, size_t length, int flags, struct sockaddr* from,
                 socklen_t* from_length) {
  struct iovec one = {buffer, length};
  return receive_common(fd, {&one, 1}, flags, from, from_length, nullptr);
}

ssize_t recvmsg(int fd, struct msghdr* message, int flags) {
  auto buffers = message_buffers(message);
  if (!buffers) return fail(buffers.error());
  message->msg_controllen = 0;  // no ancillary data
  return receive_common(fd, buffers.value(), flags,
                        static_cast<struct sockaddr*>(message->msg_name),
                        message->msg_name ? &message->msg_namelen : nullptr, &message->msg_flags);
}

int shutdown(int fd, int how) {
  SOCKET_OR_FAIL(socket, fd);
  auto done = socket->shutdown(how);
  return done ? 0 : fail(done.error());
}

int setsockopt(int fd, int level, int name, const void* value, socklen_t length) {
  SOCKET_OR_FAIL(socket, fd);
  auto done = socket->set_option(level, name, value, length);
  return done ? 0 : fail(done.error());
}

int getsockopt(int fd, int level, int name, void* value, socklen_t* length) {
  SOCKET_OR_FAIL(socket, fd);
  if (!length) return fail(Error(EFAULT, "no option length"));
  auto written = socket->get_option(level, name, value, *length);
  if (!written) return fail(written.error());
  *length = written.value();
  return 0;
}

int getsockname(int fd, struct sockaddr* address, socklen_t* length) {
  SOCKET_OR_FAIL(socket, fd);
  if (!address || !length) return fail(Error(EFAULT, "no address buffer"));
  auto name = socket->local_name();
  if (!name) return fail(name.error());
  endpoint_to_sockaddr(name.value(), socket->family(), address, length);
  return 0;
}

int getpeername(int fd, struct sockaddr* address, socklen_t* length) {
  SOCKET_OR_FAIL(socket, fd);
  if (!address || !length) return fail(Error(EFAULT, "no address buffer"));
  auto name = socket->peer_name();
  if (!name) return fail(name.error());
  endpoint_to_sockaddr(name.value(), socket->family(), address, length);
  return 0;
}

}  // extern "C"
