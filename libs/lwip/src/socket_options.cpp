// setsockopt/getsockopt: what lwIP has is mapped onto its pcbs and netconns; options
// lwIP lacks but programs set routinely (buffer sizes, SO_LINGER, TCP_CORK...) are
// accepted and reported back; anything else is ENOPROTOOPT.
#include <net/if.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <cerrno>
#include <cstring>

#include "lwip/netif.h"
#include "lwip/tcp.h"
#include "lwip/udp.h"
#include "socket.h"
#include "socket_lwip.h"

namespace cairn::sockets {
namespace {

Result<int> int_value(const void* value, std::uint32_t length) {
  if (!value || length < sizeof(int)) return Error(EINVAL, "option value too short");
  int v;
  std::memcpy(&v, value, sizeof v);
  return v;
}

// Integer options are returned as an int, truncated to the caller's length.
std::uint32_t put_int(void* value, std::uint32_t length, int v) {
  std::uint32_t n = length < sizeof v ? length : sizeof v;
  std::memcpy(value, &v, n);
  return n;
}

Result<u32_t> timeout_ms(const void* value, std::uint32_t length) {
  if (!value || length < sizeof(struct timeval)) return Error(EINVAL, "need a struct timeval");
  struct timeval tv;
  std::memcpy(&tv, value, sizeof tv);
  if (tv.tv_sec < 0 || tv.tv_usec < 0 || tv.tv_usec >= 1000000) return Error(EDOM, "bad timeval");
  // Round up: 1 us still times out, where 0 would mean forever.
  std::uint64_t ms = static_cast<std::uint64_t>(tv.tv_sec) * 1000 + (tv.tv_usec + 999) / 1000;
  return static_cast<u32_t>(ms > 0x7fffffff ? 0x7fffffff : ms);
}

std::uint32_t put_timeout(void* value, std::uint32_t length, std::uint64_t ms) {
  struct timeval tv = {static_cast<time_t>(ms / 1000), static_cast<suseconds_t>(ms % 1000 * 1000)};
  std::uint32_t n = length < sizeof tv ? length : sizeof tv;
  std::memcpy(value, &tv, n);
  return n;
}

}  // namespace

Result<void> Socket::set_option(int level, int name, const void* value, std::uint32_t length) {
  switch (level) {
    case SOL_SOCKET:
      return set_socket_option(name, value, length);
    case IPPROTO_TCP: {
      if (type_ != SOCK_STREAM) return Error(ENOPROTOOPT, "not a TCP socket");
      int v = TRY(int_value(value, length));
      CoreLock lock;
      struct tcp_pcb* pcb = conn_->pcb.tcp;
      switch (name) {
        case TCP_NODELAY:
          if (!pcb) return Error(EINVAL, "connection closed");
          if (v)
            tcp_nagle_disable(pcb);
          else
            tcp_nagle_enable(pcb);
          return {};
        case TCP_KEEPIDLE:
        case TCP_KEEPINTVL:
        case TCP_KEEPCNT:
          if (v < 1) return Error(EINVAL, "keepalive values are positive");
          if (!pcb) return Error(EINVAL, "connection closed");
          if (name == TCP_KEEPIDLE) pcb->keep_idle = static_cast<u32_t>(v) * 1000;
          if (name == TCP_KEEPINTVL) pcb->keep_intvl = static_cast<u32_t>(v) * 1000;
          if (name == TCP_KEEPCNT) pcb->keep_cnt = static_cast<u32_t>(v);
          return {};
        case TCP_MAXSEG:
        case TCP_CORK:
        case TCP_QUICKACK:
        case TCP_DEFER_ACCEPT:
        case TCP_USER_TIMEOUT:
        case TCP_SYNCNT:
        case TCP_LINGER2:
        case TCP_WINDOW_CLAMP:
        case TCP_FASTOPEN:
          return {};  // lwIP has no such knob; harmless to ignore
        default:
          return Error(ENOPROTOOPT, "unknown TCP option");
      }
    }
    case IPPROTO_IP:
    case IPPROTO_IPV6:
      return set_ip_option(level, name, value, length);
    default:
      return Error(ENOPROTOOPT, "unknown option level");
  }
}

Result<void> Socket::set_socket_option(int name, const void* value, std::uint32_t length) {
  switch (name) {
    case SO_RCVTIMEO:
      netconn_set_recvtimeout(conn_, TRY(timeout_ms(value, length)));
      return {};
    case SO_SNDTIMEO:
      netconn_set_sendtimeout(conn_, static_cast<s32_t>(TRY(timeout_ms(value, length))));
      return {};
    case SO_LINGER: {
      if (!value || length < sizeof(struct linger)) return Error(EINVAL, "need a struct linger");
      struct linger l;
      std::memcpy(&l, value, sizeof l);
      linger_on_ = l.l_onoff;
      linger_seconds_ = l.l_linger;
      return {};
    }
    case SO_BINDTODEVICE: {
      char ifname[IF_NAMESIZE] = {};
      std::memcpy(ifname, value, length < IF_NAMESIZE - 1 ? length : IF_NAMESIZE - 1);
      u8_t index = 0;
      if (ifname[0]) {
        CoreLock lock;
        struct netif* netif = netif_find(ifname);
        if (!netif) return Error(ENODEV, "no such interface");
        index = netif_get_index(netif);
      }
      err_t err = netconn_bind_if(conn_, index);
      if (err != ERR_OK) return Error(errno_of(err), "SO_BINDTODEVICE failed");
      return {};
    }
    default:
      break;
  }
  int v = TRY(int_value(value, length));
  CoreLock lock;
  struct ip_pcb* pcb = conn_->pcb.ip;
  auto set_flag = [&](u8_t flag) -> Result<void> {
    if (!pcb) return Error(EINVAL, "connection closed");
    if (v)
      ip_set_option(pcb, flag);
    else
      ip_reset_option(pcb, flag);
    return {};
  };
  switch (name) {
    case SO_REUSEADDR:
    case SO_REUSEPORT:  // lwIP has only one kind of address reuse
      return set_flag(SOF_REUSEADDR);
    case SO_KEEPALIVE:
      return set_flag(SOF_KEEPALIVE);
    case SO_BROADCAST:
      return set_flag(SOF_BROADCAST);
    case SO_RCVBUF:
    case SO_RCVBUFFORCE:
      receive_buffer_ = v;
      // Bounds the bytes queued for UDP; TCP's window is fixed at build time.
      if (type_ == SOCK_DGRAM && v > 0) netconn_set_recvbufsize(conn_, v);
      return {};
    case SO_SNDBUF:
    case SO_SNDBUFFORCE:
      send_buffer_ = v;
      return {};
    case SO_DEBUG:
    case SO_DONTROUTE:
    case SO_OOBINLINE:
    case SO_PRIORITY:
    case SO_RCVLOWAT:
    case SO_SNDLOWAT:
    case SO_NO_CHECK:
    case SO_TIMESTAMP:
      return {};
    default:
      return Error(ENOPROTOOPT, "unknown socket option");
  }
}

Result<void> Socket::set_ip_option(int level, int name, const void* value, std::uint32_t length) {
  if (level == IPPROTO_IP && (name == IP_ADD_MEMBERSHIP || name == IP_DROP_MEMBERSHIP)) {
    if (type_ != SOCK_DGRAM) return Error(EPROTO, "multicast needs a datagram socket");
    if (!value || length < sizeof(struct ip_mreq)) return Error(EINVAL, "need a struct ip_mreq");
    struct ip_mreq request;
    std::memcpy(&request, value, sizeof request);
    ip_addr_t group, interface;
    ip_addr_set_ip4_u32_val(group, request.imr_multiaddr.s_addr);
    ip_addr_set_ip4_u32_val(interface, request.imr_interface.s_addr);
    err_t err = netconn_join_leave_group(conn_, &group, &interface,
                                         name == IP_ADD_MEMBERSHIP ? NETCONN_JOIN : NETCONN_LEAVE);
    if (err != ERR_OK) return Error(errno_of(err), "multicast membership failed");
    return {};
  }
  int v = TRY(int_value(value, length));
  CoreLock lock;
  struct ip_pcb* pcb = conn_->pcb.ip;
  if (level == IPPROTO_IP) {
    if (family_ != AF_INET && name != IP_TOS && name != IP_TTL)
      return Error(ENOPROTOOPT, "IPv4 option on an IPv6 socket");
    switch (name) {
      case IP_TOS:
        if (pcb) pcb->tos = static_cast<u8_t>(v);
        return {};
      case IP_TTL:
        if (v < -1 || v > 255) return Error(EINVAL, "bad TTL");
        if (pcb) pcb->ttl = static_cast<u8_t>(v == -1 ? IP_DEFAULT_TTL : v);
        return {};
      case IP_MULTICAST_TTL:
        if (type_ != SOCK_DGRAM) return Error(ENOPROTOOPT, "not a datagram socket");
        if (conn_->pcb.udp) udp_set_multicast_ttl(conn_->pcb.udp, static_cast<u8_t>(v));
        return {};
      case IP_MULTICAST_LOOP:
        if (type_ != SOCK_DGRAM) return Error(ENOPROTOOPT, "not a datagram socket");
        if (conn_->pcb.udp) {
          if (v)
            udp_set_flags(conn_->pcb.udp, UDP_FLAGS_MULTICAST_LOOP);
          else
            udp_clear_flags(conn_->pcb.udp, UDP_FLAGS_MULTICAST_LOOP);
        }
        return {};
      default:
        return Error(ENOPROTOOPT, "unknown IP option");
    }
  }
  if (family_ != AF_INET6) return Error(ENOPROTOOPT, "IPv6 option on an IPv4 socket");
  switch (name) {
    case IPV6_V6ONLY:
      // Takes effect at bind(), as on Linux.
      netconn_set_ipv6only(conn_, v ? 1 : 0);
      return {};
    case IPV6_UNICAST_HOPS:
      if (v < -1 || v > 255) return Error(EINVAL, "bad hop limit");
      if (pcb) pcb->ttl = static_cast<u8_t>(v == -1 ? IP_DEFAULT_TTL : v);
      return {};
    case IPV6_MULTICAST_HOPS:
    case IPV6_MULTICAST_LOOP:
      return {};
    default:
      return Error(ENOPROTOOPT, "unknown IPv6 option");
  }
}

Result<std::uint32_t> Socket::get_option(int level, int name, void* value, std::uint32_t length) {
  if (!value) return Error(EFAULT, "no option buffer");
  if (level == SOL_SOCKET) return get_socket_option(name, value, length);
  if (level == IPPROTO_IP || level == IPPROTO_IPV6)
    return get_ip_option(level, name, value, length);
  if (level != IPPROTO_TCP) return Error(ENOPROTOOPT, "unknown option level");
  if (type_ != SOCK_STREAM) return Error(ENOPROTOOPT, "not a TCP socket");
  CoreLock lock;
  struct tcp_pcb* pcb = conn_->pcb.tcp;
  switch (name) {
    case TCP_NODELAY:
      return put_int(value, length, pcb && tcp_nagle_disabled(pcb) ? 1 : 0);
    case TCP_KEEPIDLE:
      return put_int(value, length, pcb ? static_cast<int>(pcb->keep_idle / 1000) : 0);
    case TCP_KEEPINTVL:
      return put_int(value, length, pcb ? static_cast<int>(pcb->keep_intvl / 1000) : 0);
    case TCP_KEEPCNT:
      return put_int(value, length, pcb ? static_cast<int>(pcb->keep_cnt) : 0);
    case TCP_MAXSEG:
      return put_int(value, length, pcb ? pcb->mss : TCP_MSS);
    case TCP_CORK:
    case TCP_QUICKACK:
    case TCP_DEFER_ACCEPT:
    case TCP_USER_TIMEOUT:
    case TCP_FASTOPEN:
      return put_int(value, length, 0);
    default:
      return Error(ENOPROTOOPT, "unknown TCP option");
  }
}

Result<std::uint32_t> Socket::get_socket_option(int name, void* value, std::uint32_t length) {
  switch (name) {
    case SO_RCVTIMEO:
      return put_timeout(value, length, netconn_get_recvtimeout(conn_));
    case SO_SNDTIMEO:
      return put_timeout(value, length, static_cast<u32_t>(netconn_get_sendtimeout(conn_)));
    case SO_LINGER: {
      struct linger l = {linger_on_, linger_seconds_};
      std::uint32_t n = length < sizeof l ? length : sizeof l;
      std::memcpy(value, &l, n);
      return n;
    }
    case SO_TYPE:
      return put_int(value, length, type_);
    case SO_PROTOCOL:
      return put_int(value, length, protocol_);
    case SO_DOMAIN:
      return put_int(value, length, family_);
    case SO_RCVBUF:
      return put_int(value, length, receive_buffer_ ? receive_buffer_ : TCP_WND);
    case SO_SNDBUF:
      return put_int(value, length, send_buffer_ ? send_buffer_ : TCP_SND_BUF);
    default:
      break;
  }
  CoreLock lock;
  struct ip_pcb* pcb = conn_->pcb.ip;
  switch (name) {
    case SO_ERROR: {
      if (type_ == SOCK_STREAM) (void)poll_stream();
      int error = so_error_;
      so_error_ = 0;
      if (!error && conn_->pending_err != ERR_OK) {
        error = errno_of(conn_->pending_err);
        conn_->pending_err = ERR_OK;
      }
      return put_int(value, length, error);
    }
    case SO_ACCEPTCONN:
      return put_int(value, length, state_ == State::kListening);
    case SO_REUSEADDR:
    case SO_REUSEPORT:
      return put_int(value, length, pcb && ip_get_option(pcb, SOF_REUSEADDR) ? 1 : 0);
    case SO_KEEPALIVE:
      return put_int(value, length, pcb && ip_get_option(pcb, SOF_KEEPALIVE) ? 1 : 0);
    case SO_BROADCAST:
      return put_int(value, length, pcb && ip_get_option(pcb, SOF_BROADCAST) ? 1 : 0);
    case SO_DEBUG:
    case SO_DONTROUTE:
    case SO_OOBINLINE:
    case SO_PRIORITY:
    case SO_NO_CHECK:
    case SO_TIMESTAMP:
      return put_int(value, length, 0);
    case SO_RCVLOWAT:
    case SO_SNDLOWAT:
      return put_int(value, length, 1);
    default:
      return Error(ENOPROTOOPT, "unknown socket option");
  }
}

Result<std::uint32_t> Socket::get_ip_option(int level, int name, void* value,
                                            std::uint32_t length) {
  CoreLock lock;
  struct ip_pcb* pcb = conn_->pcb.ip;
  if (level == IPPROTO_IP) {
    switch (name) {
      case IP_TOS:
        return put_int(value, length, pcb ? pcb->tos : 0);
      case IP_TTL:
        return put_int(value, length, pcb ? pcb->ttl : IP_DEFAULT_TTL);
      case IP_MULTICAST_TTL:
        return put_int(
            value, length,
            type_ == SOCK_DGRAM && conn_->pcb.udp ? udp_get_multicast_ttl(conn_->pcb.udp) : 1);
      case IP_MULTICAST_LOOP:
        return put_int(value, length,
                       type_ == SOCK_DGRAM && conn_->pcb.udp &&
                               (conn_->pcb.udp->flags & UDP_FLAGS_MULTICAST_LOOP)
                           ? 1
                           : 0);
      default:
        return Error(ENOPROTOOPT, "unknown IP option");
    }
  }
  if (family_ != AF_INET6) return Error(ENOPROTOOPT, "IPv6 option on an IPv4 socket");
  switch (name) {
    case IPV6_V6ONLY:
      return put_int(value, length, netconn_get_ipv6only(conn_) ? 1 : 0);
    case IPV6_UNICAST_HOPS:
      return put_int(value, length, pcb ? pcb->ttl : IP_DEFAULT_TTL);
    default:
      return Error(ENOPROTOOPT, "unknown IPv6 option");
  }
}

}  // namespace cairn::sockets
