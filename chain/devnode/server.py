"""HTTP/1.1 transport: threaded, keep-alive, one write per response.

stdlib only (http.server). Request framing by Content-Length or chunked
transfer encoding; bodies above MAX_BODY_BYTES are refused with 413 and the
connection closed (the unread body would otherwise be parsed as the next
request).
"""

from __future__ import annotations

import json
import socket
import socketserver
import sys
import time
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from .errors import INVALID_REQUEST
from .rpc import Dispatcher

MAX_BODY_BYTES = 16 * 1024 * 1024
IDLE_TIMEOUT_SECONDS = 120


class BadRequest(Exception):
    def __init__(self, status: HTTPStatus, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message


def enable_tcp_nodelay(sock: socket.socket) -> None:
    """Defect 8: disable Nagle on every accepted connection.

    On a keep-alive connection a small response written while the client's
    previous ACK is still delayed (up to ~40 ms on Linux) sits in Nagle's
    buffer until that ACK arrives, so sequential requests on one connection
    run at ~25/s instead of thousands. The stdlib server leaves Nagle on.
    """
    try:
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    except OSError:
        pass  # not a TCP socket (e.g. a test double); nothing to tune


class RpcRequestHandler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # keep-alive by default
    server_version = "takumi-devnode"
    timeout = IDLE_TIMEOUT_SECONDS  # closes idle keep-alive connections and stalled uploads
    server: "DevNodeHTTPServer"

    def setup(self) -> None:
        super().setup()
        enable_tcp_nodelay(self.connection)

    # -- request handling --------------------------------------------------

    def do_POST(self) -> None:  # noqa: N802 - http.server naming
        start = time.perf_counter()
        try:
            body = self._read_body()
        except BadRequest as exc:
            self.close_connection = True
            error = {"jsonrpc": "2.0", "id": None, "error": {"code": INVALID_REQUEST, "message": exc.message}}
            self._send(exc.status, json.dumps(error).encode())
            self._log(f"http {exc.status.value} {exc.message}", start)
            self._lingering_close()
            return
        if body is None:  # client went away mid-body
            self.close_connection = True
            return
        try:
            response, summary = self.server.dispatcher.handle_body(body)
        except Exception as exc:  # last line of defence; the dispatcher already catches handler errors
            response = json.dumps(
                {"jsonrpc": "2.0", "id": None, "error": {"code": -32603, "message": f"internal error: {exc}"}}
            ).encode()
            summary = "internal-error"
        if response is None:  # only notifications: nothing to say
            self._send(HTTPStatus.NO_CONTENT, b"")
        else:
            self._send(HTTPStatus.OK, response)
        self._log(summary, start)

    def do_GET(self) -> None:  # noqa: N802
        # A liveness probe for scripts and humans; JSON-RPC itself is POST only.
        node = self.server.dispatcher.node
        with node.lock:
            info = {"name": "takumi-devnode", "chainId": hex(node.chain_id), "blockNumber": hex(node.head.number)}
        self._send(HTTPStatus.OK, json.dumps(info).encode())

    def _read_body(self) -> bytes | None:
        if "chunked" in self.headers.get("Transfer-Encoding", "").lower():
            return self._read_chunked()
        length_header = self.headers.get("Content-Length")
        if length_header is None:
            return b""
        try:
            length = int(length_header)
        except ValueError:
            raise BadRequest(HTTPStatus.BAD_REQUEST, "invalid Content-Length") from None
        if length < 0:
            raise BadRequest(HTTPStatus.BAD_REQUEST, "invalid Content-Length")
        if length > MAX_BODY_BYTES:
            raise BadRequest(HTTPStatus.REQUEST_ENTITY_TOO_LARGE, f"request body exceeds {MAX_BODY_BYTES} bytes")
        body = self.rfile.read(length)
        return body if len(body) == length else None

    def _read_chunked(self) -> bytes | None:
        chunks, total = [], 0
        while True:
            line = self.rfile.readline(1024)
            if not line:
                return None
            try:
                size = int(line.split(b";", 1)[0].strip(), 16)
            except ValueError:
                raise BadRequest(HTTPStatus.BAD_REQUEST, "invalid chunk size") from None
            if size == 0:
                # Skip trailers up to the blank line that ends the message.
                while True:
                    trailer = self.rfile.readline(1024)
                    if not trailer or trailer in (b"\r\n", b"\n"):
                        break
                return b"".join(chunks)
            total += size
            if total > MAX_BODY_BYTES:
                raise BadRequest(HTTPStatus.REQUEST_ENTITY_TOO_LARGE, f"request body exceeds {MAX_BODY_BYTES} bytes")
            chunk = self.rfile.read(size)
            if len(chunk) != size:
                return None
            chunks.append(chunk)
            self.rfile.readline(3)  # CRLF after the chunk

    def _send(self, status: HTTPStatus, body: bytes) -> None:
        # Status line, headers and body go out in a single write; together with
        # TCP_NODELAY that keeps a keep-alive round trip well under a millisecond.
        head = [
            f"HTTP/1.1 {status.value} {status.phrase}",
            f"Server: {self.server_version}",
            "Content-Type: application/json",
            f"Content-Length: {len(body)}",
            "Connection: close" if self.close_connection else "Connection: keep-alive",
        ]
        try:
            self.wfile.write(("\r\n".join(head) + "\r\n\r\n").encode("latin-1") + body)
        except OSError:
            self.close_connection = True  # client hung up; nothing else to do

    def _lingering_close(self) -> None:
        """Half-close, then discard what the client is still sending (bounded).

        Closing a socket with unread input makes the kernel send RST, and a
        client that is still uploading may then lose our error response
        before reading it.
        """
        try:
            self.connection.shutdown(socket.SHUT_WR)
            self.connection.settimeout(1.0)
            discarded = 0
            while discarded < MAX_BODY_BYTES:
                chunk = self.connection.recv(65536)
                if not chunk:
                    break
                discarded += len(chunk)
        except OSError:
            pass

    # -- logging -----------------------------------------------------------

    def _log(self, summary: str, start: float) -> None:
        if self.server.verbose:
            elapsed = (time.perf_counter() - start) * 1000
            sys.stderr.write(f"{self.address_string()} {summary} {elapsed:.1f}ms\n")
            sys.stderr.flush()

    def log_message(self, format: str, *args) -> None:  # noqa: A002
        # http.server logs every request and error to stderr; we log one line
        # per request ourselves, and only with --verbose.
        if self.server.verbose:
            sys.stderr.write(f"{self.address_string()} {format % args}\n")


class DevNodeHTTPServer(ThreadingHTTPServer):
    daemon_threads = True  # idle keep-alive connections must not block shutdown
    request_queue_size = 128
    allow_reuse_address = True

    def __init__(self, address: tuple[str, int], dispatcher: Dispatcher, verbose: bool = False) -> None:
        self.dispatcher = dispatcher
        self.verbose = verbose
        super().__init__(address, RpcRequestHandler)

    def server_bind(self) -> None:
        # HTTPServer.server_bind resolves the host name with getfqdn(), a
        # reverse-DNS lookup that can stall for seconds on a machine without DNS.
        socketserver.TCPServer.server_bind(self)
        host, port = self.server_address[:2]
        self.server_name, self.server_port = host, port

    def handle_error(self, request, client_address) -> None:
        # Resets and broken pipes from clients are routine; only say so when asked.
        if self.verbose:
            super().handle_error(request, client_address)
