#!/usr/bin/env python3
"""A read-only JSON-RPC server that replays a recording (bench/replay/record.py), repeated.

    chain/.venv/bin/python bench/replay/server.py RECORDING [--events N] [--spacing G]
        [--port 0] [--port-file F]

Serves what an indexer reads: eth_chainId, net_version, eth_syncing,
eth_blockNumber, eth_getBlockByNumber, eth_getBlockByHash, eth_getLogs
(address filter, block range), web3_clientVersion, and JSON-RPC batches, on
127.0.0.1 (HTTP/1.1 keep-alive).

The chain it serves: the recorded blocks before the emitter's first
transaction unchanged (deployment), then the emitter's blocks repeated until
at least N events (default 1,000,000) have been served, each repetition
with new block numbers, block hashes and transaction hashes so that every
event is a distinct `chain_events` row. The dev node mines one transaction
per block, so a recorded block holds a few hundred events, far denser than
any real chain; `--spacing G` puts G-1 empty blocks after each replayed one
(default: whatever brings the average near 1 event per block), so the
indexer's block-range batches see realistic event counts. Hashes form one
chain (each parentHash is the previous block's hash) so the indexer's reorg
checks pass. A replayed hash ends with its block number (16 hex digits),
which is how eth_getBlockByHash finds it.

Speed: responses are assembled from per-block JSON fragments serialised once
at start-up (only the block number, hashes and timestamp are substituted per
request), so the feed costs a small fraction of what parsing it costs the
client, and the benchmark measures the client, not this server.

Bench methods (not Ethereum): `bench_info` (head, events, repetitions,
spacing, the server's pid for CPU accounting; with an address list as parameter also `eventsFor`, the logs of
those addresses), `bench_logRanges` (every eth_getLogs range served since the last
`bench_resetLogRanges`, as [from, to, logs]), `bench_resetLogRanges`.

Prints `replay listening on http://127.0.0.1:PORT …` when ready; SIGTERM or
SIGINT stops it. Exit codes: 0 stopped; 1 cannot start; 2 bad usage.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import signal
import socket
import sys
import tempfile
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

# Events per block the default spacing aims at: about one, far busier than
# Takumi will be on a public chain, yet sparse enough that the indexer's
# adaptive batching behaves as it would there: batches grow to its
# 5,000-block maximum (~5,000 logs each) instead of being cut by the
# log-count thresholds a dev node's one-transaction blocks would hit.
TARGET_DENSITY = 1


def hexq(n: int) -> str:
    return hex(n)


def quoted(text: str) -> bytes:
    return b'"' + text.encode() + b'"'


class RpcFailure(Exception):
    def __init__(self, code: int, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


class Fragment:
    """The logs of one recorded block as JSON pieces with slots.

    `pieces` alternates literal bytes and slots ("BN" block number, "BH" block
    hash, "TS" timestamp, an int n: the block's n-th transaction hash);
    `render` fills the slots with one repetition's values (JSON strings,
    quotes included) and joins, which costs far less than searching and
    replacing in the serialised text.
    """

    def __init__(self, items: list[dict]) -> None:
        self.count = len(items)
        self.tx_hashes: list[bytes] = []
        self.addresses = frozenset(item["address"].lower() for item in items)
        self.per_log: list[tuple[str, list]] = []
        for item in items:
            tx = item["transactionHash"].encode()
            if tx not in self.tx_hashes:
                self.tx_hashes.append(tx)
            templated = dict(item, blockNumber="@BN@", blockHash="@BH@", transactionHash=f"@X{self.tx_hashes.index(tx)}@")
            if "blockTimestamp" in templated:
                templated["blockTimestamp"] = "@TS@"
            text = json.dumps(templated, separators=(",", ":"))
            pieces: list = []
            for index, chunk in enumerate(text.split('"@')):
                if index == 0:
                    pieces.append(chunk.encode())
                    continue
                name, rest = chunk.split('@"', 1)
                pieces.append(int(name[1:]) if name.startswith("X") else name)
                pieces.append(rest.encode())
            self.per_log.append((item["address"].lower(), pieces))
        self.pieces = self.merge(self.per_log)
        self.slots = [(i, p) for i, p in enumerate(self.pieces) if not isinstance(p, bytes)]

    @staticmethod
    def merge(logs: list[tuple[str, list]]) -> list:
        """The logs' pieces comma-separated, adjacent literals joined."""
        merged: list = []
        for index, (_, pieces) in enumerate(logs):
            for position, piece in enumerate(([b","] if index else []) + pieces):
                if isinstance(piece, bytes) and merged and isinstance(merged[-1], bytes):
                    merged[-1] += piece
                else:
                    merged.append(piece)
        return merged

    def render(self, values: dict) -> bytes:
        out = list(self.pieces)
        for index, slot in self.slots:
            out[index] = values[slot]
        return b"".join(out)

    def render_filtered(self, values: dict, wanted: frozenset) -> list[bytes]:
        return [b"".join(p if isinstance(p, bytes) else values[p] for p in pieces)
                for address, pieces in self.per_log if address in wanted]


class Replay:
    """The replayed chain: block numbers, hashes, headers and log fragments."""

    def __init__(self, recording: dict, target_events: int, spacing: int | None) -> None:
        self.chain_id = int(recording["chainId"])
        self.first = int(recording["repeatFrom"])  # F: first repeated block
        last = int(recording["repeatTo"])
        self.length = last - self.first + 1  # L: recorded blocks per repetition
        blocks = recording["blocks"]
        if len(blocks) != last + 1 or any(int(b["number"], 16) != i for i, b in enumerate(blocks)):
            raise ValueError("recording: blocks must run from 0 to repeatTo without gaps")
        self.prefix_blocks = blocks[: self.first]
        self.prefix_by_hash = {b["hash"]: i for i, b in enumerate(self.prefix_blocks)}
        self.templates = blocks[self.first :]
        # The header of an empty block: the last recorded header without its transaction.
        self.empty_header = dict(blocks[last], transactions=[], gasUsed="0x0", logsBloom="0x" + "00" * 256)
        self.base_timestamp = int(blocks[self.first - 1]["timestamp"], 16) if self.first > 0 else 0

        by_block: dict[int, list[dict]] = {}
        for item in recording["logs"]:
            by_block.setdefault(int(item["blockNumber"], 16), []).append(item)
        for items in by_block.values():
            items.sort(key=lambda item: int(item["logIndex"], 16))
        # Prefix logs: served as recorded.
        self.prefix_logs = {n: [(item["address"].lower(), json.dumps(item, separators=(",", ":")).encode())
                                for item in items] for n, items in by_block.items() if n < self.first}
        # Repeated logs: each block's logs serialised once, split at what changes
        # per repetition (block number, hash, timestamp, transaction hash):
        # a request only fills those slots in and joins.
        self.fragments: list[Fragment] = []
        per_repetition = 0
        for offset in range(self.length):
            items = by_block.get(self.first + offset, [])
            per_repetition += len(items)
            self.fragments.append(Fragment(items))
        if per_repetition == 0:
            raise ValueError("recording: no logs in the repeated blocks")
        prefix_events = sum(len(v) for v in self.prefix_logs.values())
        # The repeated blocks alone reach the target: prefix logs partly come
        # from addresses an indexer does not read (implementations).
        self.per_repetition = per_repetition
        self.repetitions = max(1, -(-target_events // per_repetition))
        self.events = prefix_events + self.repetitions * per_repetition
        density = per_repetition / self.length
        self.spacing = spacing if spacing is not None else max(1, round(density / TARGET_DENSITY))
        self.head = self.first + (self.repetitions * self.length - 1) * self.spacing
        self.ranges: list[list[int]] = []
        self.lock = threading.Lock()

    # -- numbering ---------------------------------------------------------------

    def block_hash(self, n: int) -> str:
        if n < self.first:
            return self.prefix_blocks[n]["hash"]
        return "0x" + hashlib.sha256(b"takumi-bench-replay:%d" % n).hexdigest()[:48] + f"{n:016x}"

    def number_of_hash(self, text: str) -> int | None:
        text = text.lower()
        if text in self.prefix_by_hash:
            return self.prefix_by_hash[text]
        if len(text) != 66:
            return None
        try:
            n = int(text[50:], 16)
        except ValueError:
            return None
        return n if self.first <= n <= self.head and self.block_hash(n) == text else None

    def recorded(self, n: int) -> tuple[int, int] | None:
        """(repetition, offset) of the recorded block replayed at n, or None for an empty block."""
        if n < self.first or (n - self.first) % self.spacing:
            return None
        index = (n - self.first) // self.spacing
        return divmod(index, self.length)

    def tx_hash(self, original: bytes, repetition: int) -> bytes:
        if repetition == 0:
            return original
        return b"0x" + hashlib.sha256(original + b":%d" % repetition).hexdigest().encode()

    # -- methods -------------------------------------------------------------------

    def header(self, n: int) -> dict | None:
        if n < 0 or n > self.head:
            return None
        if n < self.first:
            return self.prefix_blocks[n]
        where = self.recorded(n)
        if where is None:
            block = dict(self.empty_header)
        else:
            repetition, offset = where
            block = dict(self.templates[offset])
            block["transactions"] = [self.tx_hash(t.encode(), repetition).decode() for t in block["transactions"]]
        block["number"] = hexq(n)
        block["hash"] = self.block_hash(n)
        block["parentHash"] = self.block_hash(n - 1)
        block["timestamp"] = hexq(self.base_timestamp + (n - self.first + 1))
        return block

    def count_for(self, wanted: frozenset) -> int:
        """How many logs of these addresses the whole replayed chain holds."""
        prefix = sum(1 for items in self.prefix_logs.values() for a, _ in items if a in wanted)
        repeated = sum(1 for fragment in self.fragments for a, _ in fragment.per_log if a in wanted)
        return prefix + self.repetitions * repeated

    def block_number_param(self, value) -> int:
        if value in ("latest", "pending", "safe", "finalized"):
            return self.head
        if value == "earliest":
            return 0
        if not isinstance(value, str) or not value.startswith("0x"):
            raise RpcFailure(-32602, f"invalid block number {value!r}")
        try:
            return int(value, 16)
        except ValueError:
            raise RpcFailure(-32602, f"invalid block number {value!r}") from None

    def logs(self, params: list) -> bytes:
        """eth_getLogs: the comma-joined log objects (without brackets)."""
        if not params or not isinstance(params[0], dict):
            raise RpcFailure(-32602, "eth_getLogs expects a filter object")
        flt = params[0]
        if flt.get("topics"):
            raise RpcFailure(-32602, "the replay server does not filter by topics")
        if "blockHash" in flt:
            number = self.number_of_hash(str(flt["blockHash"]))
            if number is None:
                raise RpcFailure(-32000, "unknown block")
            start = end = number
        else:
            start = self.block_number_param(flt.get("fromBlock", "latest"))
            end = min(self.block_number_param(flt.get("toBlock", "latest")), self.head)
        address = flt.get("address")
        wanted = None if address is None else frozenset(
            a.lower() for a in ([address] if isinstance(address, str) else address))
        out: list[bytes] = []
        count = 0
        # Deployment blocks, served as recorded.
        for n in range(start, min(end, self.first - 1) + 1):
            kept = [p for a, p in self.prefix_logs.get(n, []) if wanted is None or a in wanted]
            out.extend(kept)
            count += len(kept)
        # Replayed blocks: only every `spacing`-th block has logs.
        low = max(start, self.first)
        if low <= end:
            first_index = -(-(low - self.first) // self.spacing)
            last_index = (end - self.first) // self.spacing
            for index in range(first_index, last_index + 1):
                repetition, offset = divmod(index, self.length)
                fragment = self.fragments[offset]
                if not fragment.count:
                    continue
                n = self.first + index * self.spacing
                slots = {"BN": quoted(hexq(n)), "BH": quoted(self.block_hash(n)),
                         "TS": quoted(hexq(self.base_timestamp + (n - self.first + 1)))}
                for i, original in enumerate(fragment.tx_hashes):
                    slots[i] = b'"' + self.tx_hash(original, repetition) + b'"'
                if wanted is None or fragment.addresses <= wanted:
                    out.append(fragment.render(slots))
                    count += fragment.count
                else:
                    kept = fragment.render_filtered(slots, wanted)
                    if kept:
                        out.append(b",".join(kept))
                        count += len(kept)
        body = b",".join(out)
        with self.lock:
            self.ranges.append([start, end, count])
        return body

    def dispatch(self, request) -> bytes:
        """One request object → its serialised response object."""
        if not isinstance(request, dict) or not isinstance(request.get("method"), str):
            return self.error(None, -32600, "invalid request")
        rid = request.get("id")
        method = request["method"]
        params = request.get("params") or []
        try:
            if method == "eth_getLogs":
                return b'{"jsonrpc":"2.0","id":' + json.dumps(rid).encode() + b',"result":[' + self.logs(params) + b"]}"
            result = self.call(method, params)
        except RpcFailure as failure:
            return self.error(rid, failure.code, failure.message)
        return json.dumps({"jsonrpc": "2.0", "id": rid, "result": result}, separators=(",", ":")).encode()

    def call(self, method: str, params: list):
        if method == "eth_chainId":
            return hexq(self.chain_id)
        if method == "net_version":
            return str(self.chain_id)
        if method == "eth_syncing":
            return False
        if method == "web3_clientVersion":
            return "takumi-bench-replay/1"
        if method == "eth_blockNumber":
            return hexq(self.head)
        if method == "eth_getBlockByNumber":
            if len(params) > 1 and params[1]:
                raise RpcFailure(-32602, "the replay server serves transaction hashes only (second parameter false)")
            return self.header(self.block_number_param(params[0] if params else "latest"))
        if method == "eth_getBlockByHash":
            if len(params) > 1 and params[1]:
                raise RpcFailure(-32602, "the replay server serves transaction hashes only (second parameter false)")
            number = self.number_of_hash(str(params[0])) if params else None
            return None if number is None else self.header(number)
        if method == "bench_info":
            info = {"head": self.head, "events": self.events, "repetitions": self.repetitions,
                    "spacing": self.spacing, "firstRepeatedBlock": self.first, "recordedBlocks": self.length,
                    "pid": os.getpid()}
            if params and isinstance(params[0], list):
                info["eventsFor"] = self.count_for(frozenset(str(a).lower() for a in params[0]))
            return info
        if method == "bench_logRanges":
            with self.lock:
                return list(self.ranges)
        if method == "bench_resetLogRanges":
            with self.lock:
                self.ranges.clear()
            return True
        raise RpcFailure(-32601, f"the method {method} does not exist/is not available")

    @staticmethod
    def error(rid, code: int, message: str) -> bytes:
        return json.dumps({"jsonrpc": "2.0", "id": rid, "error": {"code": code, "message": message}},
                          separators=(",", ":")).encode()


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    replay: Replay

    def log_message(self, *args) -> None:  # quiet: the benchmark prints its own summary
        pass

    def do_GET(self) -> None:
        self.reply(200, json.dumps({"replay": True, "head": self.replay.head}).encode())

    def do_POST(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        raw = self.rfile.read(length)
        try:
            payload = json.loads(raw)
        except ValueError:
            self.reply(200, Replay.error(None, -32700, "parse error"))
            return
        if isinstance(payload, list):
            if not payload:
                self.reply(200, Replay.error(None, -32600, "empty batch"))
                return
            body = b"[" + b",".join(self.replay.dispatch(item) for item in payload) + b"]"
        else:
            body = self.replay.dispatch(payload)
        self.reply(200, body)

    def reply(self, status: int, body: bytes) -> None:
        head = (f"HTTP/1.1 {status} OK\r\nContent-Type: application/json\r\n"
                f"Content-Length: {len(body)}\r\nConnection: keep-alive\r\n\r\n").encode()
        # One write: header and body in the same segment train (no Nagle stall).
        self.wfile.write(head + body)
        self.wfile.flush()


class Server(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True

    def server_bind(self) -> None:
        super().server_bind()
        self.socket.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)

    def get_request(self):
        conn, addr = super().get_request()
        conn.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        return conn, addr


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("recording", type=Path)
    parser.add_argument("--events", type=int, default=1_000_000, help="serve at least this many events")
    parser.add_argument("--spacing", type=int, help="blocks per replayed block (default: ~1 event per block)")
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument("--port-file", type=Path)
    args = parser.parse_args(argv)
    if args.events < 1 or (args.spacing is not None and args.spacing < 1):
        print("replay: --events and --spacing must be positive", file=sys.stderr)
        return 2
    try:
        with open(args.recording) as f:
            replay = Replay(json.load(f), args.events, args.spacing)
    except (OSError, ValueError, KeyError) as exc:
        print(f"replay: cannot load {args.recording}: {exc}", file=sys.stderr)
        return 1
    Handler.replay = replay
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    signal.signal(signal.SIGINT, lambda *_: stop.set())
    try:
        server = Server(("127.0.0.1", args.port), Handler)
    except OSError as exc:
        print(f"replay: cannot listen: {exc}", file=sys.stderr)
        return 1
    port = server.server_address[1]
    serving = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.2}, daemon=True)
    serving.start()
    if args.port_file:
        fd, tmp = tempfile.mkstemp(dir=args.port_file.parent, prefix=".replay-port-")
        with os.fdopen(fd, "w") as f:
            f.write(f"{port}\n")
        os.replace(tmp, args.port_file)
    print(f"replay listening on http://127.0.0.1:{port} (head {replay.head}, {replay.events} events, "
          f"{replay.repetitions} repetitions, spacing {replay.spacing})", flush=True)
    while not stop.wait(0.5):
        if not serving.is_alive():
            return 1
    server.shutdown()
    server.server_close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
