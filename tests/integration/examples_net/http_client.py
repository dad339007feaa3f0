"""A small HTTP/1.1 client over raw sockets, so that tests control every byte sent
(malformed requests, pipelining, half-sent requests) and see every byte received."""
import socket
import struct

TIMEOUT = 60  # seconds; generous, the guest runs under TCG


class Response:
    def __init__(self, status, reason, headers, body):
        self.status, self.reason, self.headers, self.body = status, reason, headers, body

    def header(self, name):
        return self.headers.get(name.lower())

    def __repr__(self):
        return f"<{self.status} {self.reason} {self.headers} {len(self.body)} bytes>"


def connect(port, timeout=TIMEOUT):
    s = socket.create_connection(("127.0.0.1", port), timeout=timeout)
    s.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    return s


def reset(sock):
    """Closes with SO_LINGER 0: the peer gets a RST instead of a FIN."""
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    sock.close()


def request(method, path, headers=None, body=b"", version="HTTP/1.1", host=True):
    lines = [f"{method} {path} {version}"]
    if host:
        lines.append("Host: 127.0.0.1")
    for name, value in (headers or {}).items():
        lines.append(f"{name}: {value}")
    return ("\r\n".join(lines) + "\r\n\r\n").encode() + body


class Reader:
    """Reads responses off one connection, keeping what arrived beyond each."""

    def __init__(self, sock):
        self.sock, self.buf = sock, b""

    def _more(self):
        data = self.sock.recv(65536)
        if not data:
            raise ConnectionError("the server closed the connection")
        self.buf += data

    def response(self, head_only=False):
        while b"\r\n\r\n" not in self.buf:
            self._more()
        head, self.buf = self.buf.split(b"\r\n\r\n", 1)
        lines = head.decode("latin-1").split("\r\n")
        version, status, reason = (lines[0].split(" ", 2) + [""])[:3]
        if not version.startswith("HTTP/1."):
            raise ValueError(f"not an HTTP/1.x response: {lines[0]!r}")
        headers = {}
        for line in lines[1:]:
            name, _, value = line.partition(":")
            headers[name.strip().lower()] = value.strip()
        length = 0 if head_only else int(headers.get("content-length", "0"))
        while len(self.buf) < length:
            self._more()
        body, self.buf = self.buf[:length], self.buf[length:]
        return Response(int(status), reason, headers, body)

    def closed(self):
        """True once the server closed (EOF or reset) with nothing more sent."""
        try:
            data = self.sock.recv(65536)
        except ConnectionResetError:
            return True
        self.buf += data
        return not data


def exchange(port, raw, head_only=False):
    """One request on a fresh connection. Returns the response and whether the server
    then closed the connection (waiting for that up to the socket timeout, so only ask
    when it should)."""
    with connect(port) as s:
        s.sendall(raw)
        reader = Reader(s)
        return reader.response(head_only), reader


def exchange_and_close(port, raw):
    """exchange(), and whether the server closed the connection after answering."""
    with connect(port) as s:
        s.sendall(raw)
        reader = Reader(s)
        r = reader.response()
        return r, reader.closed()
