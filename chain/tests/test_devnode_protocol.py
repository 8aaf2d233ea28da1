"""Dev node transport and JSON-RPC envelope: batches, every error class,
hostile bodies, keep-alive latency (defect 8) and graceful shutdown."""

from __future__ import annotations

import json
import signal
import socket
import tempfile
import threading
import time
from pathlib import Path

from devnode_fixture import RpcClient, start_devnode, stop_devnode

pytest_plugins = ["devnode_fixture"]


def post_json(rpc: RpcClient, payload) -> tuple[int, object]:
    status, body = rpc.post(json.dumps(payload).encode())
    return status, (json.loads(body) if body else None)


def assert_alive(rpc: RpcClient) -> None:
    assert rpc.call("eth_chainId") == "0x7a69"


def test_batch_mixes_results_errors_and_notifications(rpc):
    status, body = post_json(
        rpc,
        [
            {"jsonrpc": "2.0", "id": 1, "method": "eth_chainId"},
            {"jsonrpc": "2.0", "id": "two", "method": "net_version", "params": []},
            {"jsonrpc": "2.0", "method": "eth_blockNumber"},  # notification: no answer
            {"jsonrpc": "2.0", "id": 3, "method": "no_such_method"},
            {"jsonrpc": "2.0", "id": 4, "method": "eth_getBalance", "params": ["0x1234"]},
            {"jsonrpc": "2.0", "id": 5, "method": "eth_getLogs", "params": [{"fromBlock": "earliest"}]},
            42,
        ],
    )
    assert status == 200
    by_id = {r["id"]: r for r in body if r["id"] is not None}
    assert len(body) == 6
    assert isinstance(by_id[5]["result"], list)  # pre-encoded result spliced into a batch
    assert by_id[1]["result"] == "0x7a69"
    assert by_id["two"]["result"] == "31337"
    assert by_id[3]["error"]["code"] == -32601
    assert by_id[4]["error"]["code"] == -32602
    assert [r["error"]["code"] for r in body if r["id"] is None] == [-32600]


def test_envelope_errors(rpc):
    cases = [
        (b"{not json", -32700),
        (b"\xff\xfe\x00garbage\x01", -32700),
        (b"", -32700),
        (b"[" * 100_000, -32700),  # nesting deep enough to overflow a recursive parser
        (b"[]", -32600),
        (b'"just a string"', -32600),
        (b'{"id": 1, "method": "eth_chainId"}', -32600),  # no "jsonrpc": "2.0"
        (b'{"jsonrpc": "2.0", "id": 1, "method": 5}', -32600),
        (b'{"jsonrpc": "2.0", "id": {}, "method": "eth_chainId"}', -32600),
        (b'{"jsonrpc": "2.0", "id": 1, "method": "eth_chainId", "params": 7}', -32600),
        (b'{"jsonrpc": "2.0", "id": 1, "method": "eth_nope"}', -32601),
        (b'{"jsonrpc": "2.0", "id": 1, "method": "eth_getBalance", "params": {"a": 1}}', -32602),
    ]
    for body, code in cases:
        status, raw = rpc.post(body)
        assert status == 200, body[:40]
        response = json.loads(raw)
        assert response["error"]["code"] == code, (body[:40], response)
    assert_alive(rpc)


def test_bad_params_are_invalid_params(rpc):
    bad = [
        ("eth_getBalance", []),  # missing required
        ("eth_getBalance", ["0xzz"]),
        ("eth_getBalance", ["0x" + "11" * 19]),  # 19-byte address
        ("eth_getBalance", ["0x" + "11" * 20, "latest", "extra"]),
        ("eth_getBalance", ["0x" + "11" * 20, "0x1_0"]),
        ("eth_getBalance", ["0x" + "11" * 20, "soon"]),
        ("eth_getBlockByNumber", [12, False]),  # numbers must be hex strings
        ("eth_getBlockByNumber", ["latest", "yes"]),
        ("eth_getTransactionByHash", ["0x1234"]),
        ("eth_sendRawTransaction", ["0x"]),
        ("eth_sendRawTransaction", ["0xdeadbeef"]),
        ("eth_call", [{"to": "0x" + "11" * 20, "data": "0x1", "input": "0x12"}]),
        ("eth_getLogs", [{"blockHash": "0x" + "00" * 32, "fromBlock": "0x0"}]),
        ("eth_getLogs", [{"topics": [None] * 5}]),
        ("eth_getLogs", [{"fromBlock": "0x5", "toBlock": "0x1"}]),
        ("debug_traceTransaction", ["0x" + "00" * 32, {"tracer": "prestateTracer"}]),
        ("evm_mine", ["many"]),
    ]
    for method, params in bad:
        response = rpc.request(method, *params)
        assert response.get("error", {}).get("code") == -32602, (method, params, response)
    assert_alive(rpc)


def test_hostile_bodies_and_server_keeps_answering(devnode, rpc):
    # A declared body above the 16 MiB cap is refused without being read.
    with socket.create_connection(("127.0.0.1", devnode.port), timeout=10) as sock:
        sock.sendall(
            b"POST / HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
            b"Content-Length: 999999999\r\n\r\n{"
        )
        reply = sock.recv(65536)
    assert reply.startswith(b"HTTP/1.1 413"), reply[:80]
    assert b'"code": -32600' in reply or b'"code":-32600' in reply

    # A real 4 MB garbage body is read and answered with a parse error.
    status, raw = rpc.post(bytes(range(256)) * 16384)
    assert status == 200 and json.loads(raw)["error"]["code"] == -32700

    # A bogus Content-Length and a body cut short by a disconnect.
    with socket.create_connection(("127.0.0.1", devnode.port), timeout=10) as sock:
        sock.sendall(b"POST / HTTP/1.1\r\nHost: x\r\nContent-Length: lots\r\n\r\n")
        assert sock.recv(65536).startswith(b"HTTP/1.1 400")
    with socket.create_connection(("127.0.0.1", devnode.port), timeout=10) as sock:
        sock.sendall(b"POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\n{\"jsonrpc\"")

    # Chunked transfer encoding is understood.
    with socket.create_connection(("127.0.0.1", devnode.port), timeout=10) as sock:
        body = b'{"jsonrpc":"2.0","id":9,"method":"eth_chainId"}'
        sock.sendall(
            b"POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n"
            + b"%x\r\n" % 10 + body[:10] + b"\r\n"
            + b"%x\r\n" % (len(body) - 10) + body[10:] + b"\r\n0\r\n\r\n"
        )
        assert b'"result":"0x7a69"' in sock.recv(65536)

    # Only notifications: 204, nothing to say.
    status, raw = rpc.post(b'{"jsonrpc":"2.0","method":"eth_chainId"}')
    assert status == 204 and raw == b""
    assert_alive(rpc)
    fresh = RpcClient(devnode.url)
    assert fresh.call("eth_blockNumber").startswith("0x")
    fresh.close()


def test_keep_alive_latency_on_one_connection(rpc):
    """Defect 8: with Nagle left on, each keep-alive round trip stalls ~40 ms."""
    rpc.call("eth_blockNumber")  # connect and warm up
    sock = rpc.conn.sock
    n = 200
    start = time.perf_counter()
    for _ in range(n):
        rpc.call("eth_blockNumber")
    avg_ms = (time.perf_counter() - start) * 1000 / n
    print(f"\nkeep-alive: {n} sequential eth_blockNumber on one connection, avg {avg_ms:.2f} ms")
    assert rpc.conn.sock is sock, "the connection was not kept alive"
    assert avg_ms < 5


def test_accepted_sockets_have_nodelay(monkeypatch):
    """Defect 8, checked directly on the server's side of the connection."""
    from devnode import server as srv

    seen = []

    def spy(sock):
        real_enable(sock)
        seen.append(sock.getsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY))

    class StubDispatcher:
        def handle_body(self, body):
            return b'{"jsonrpc":"2.0","id":1,"result":"0x1"}', "stub"

    real_enable = srv.enable_tcp_nodelay
    monkeypatch.setattr(srv, "enable_tcp_nodelay", spy)
    httpd = srv.DevNodeHTTPServer(("127.0.0.1", 0), StubDispatcher())
    thread = threading.Thread(target=httpd.serve_forever, kwargs={"poll_interval": 0.05})
    thread.start()
    try:
        client = RpcClient(f"http://127.0.0.1:{httpd.server_address[1]}")
        assert client.call("eth_chainId") == "0x1"
        client.close()
    finally:
        httpd.shutdown()
        httpd.server_close()
        thread.join()
    assert seen and all(seen)


def test_get_is_a_liveness_probe(devnode):
    import urllib.request

    with urllib.request.urlopen(devnode.url, timeout=10) as response:
        info = json.loads(response.read())
    assert info["chainId"] == "0x7a69"


def test_graceful_shutdown_on_sigterm_and_sigint():
    with tempfile.TemporaryDirectory() as a, tempfile.TemporaryDirectory() as b:
        nodes = [start_devnode(Path(a)), start_devnode(Path(b), "--chain-id", "1337")]
        try:
            assert RpcClient(nodes[1].url).call("eth_chainId") == "0x539"
            # An idle keep-alive connection must not hold shutdown up.
            idle = RpcClient(nodes[0].url)
            idle.call("eth_blockNumber")
            codes = [stop_devnode(nodes[0], signal.SIGTERM), stop_devnode(nodes[1], signal.SIGINT)]
        finally:
            for node in nodes:
                stop_devnode(node)
        assert codes == [0, 0], [n.log() for n in nodes]
        assert not nodes[0].port_file.exists()
