// Which Socket owns which netconn, for lwIP's event callback. lwIP calls it from the
// tcpip thread and from application threads (with or without the core lock), so the
// table is guarded by the scheduler lock, and the socket is notified with it still
// held: a socket taken out of the table gets no further calls.
//
// The table is a fixed open-addressing hash sized for every netconn lwIP's pool can
// hold, so adding never fails or allocates.
#pragma once

#include "lwip/api.h"

namespace cairn::sockets {

class Socket;

// The callback every socket's netconn is created with (accepted ones inherit it).
void netconn_event(struct netconn* conn, enum netconn_evt event, u16_t length);

void register_socket(struct netconn* conn, Socket* socket);
void unregister_socket(struct netconn* conn);

}  // namespace cairn::sockets
