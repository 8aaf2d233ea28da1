"""Command line: ``cd chain && .venv/bin/python -m devnode [--port 8545] ...``.

Also runnable as ``chain/.venv/bin/python chain/devnode`` from the repository
root (the directory is executed as a script; see the sys.path fix-up below).
"""

from __future__ import annotations

import argparse
import os
import signal
import sys
import tempfile
import threading
from pathlib import Path

if __package__ in (None, ""):
    # Run as a directory/script: make `import devnode` resolve to this package.
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from devnode import __version__  # noqa: E402
from devnode.chain import DEFAULT_BALANCE_WEI, DEFAULT_CHAIN_ID, HARDHAT_MNEMONIC, DevChain  # noqa: E402
from devnode.rpc import Dispatcher  # noqa: E402
from devnode.server import DevNodeHTTPServer  # noqa: E402


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m devnode",
        description="Takumi dev node: JSON-RPC over HTTP on eth-tester/py-evm, instant mining.",
    )
    parser.add_argument("--host", default="127.0.0.1", help="address to bind (default 127.0.0.1)")
    parser.add_argument("--port", type=int, default=8545, help="TCP port; 0 picks a free one (default 8545)")
    parser.add_argument("--port-file", type=Path, help="write the bound port here once listening")
    parser.add_argument("--chain-id", type=int, default=DEFAULT_CHAIN_ID, help="chain id (default 31337)")
    parser.add_argument("--accounts", type=int, default=10, help="funded dev accounts (default 10)")
    parser.add_argument("--mnemonic", default=HARDHAT_MNEMONIC, help="HD mnemonic (default: Hardhat's)")
    parser.add_argument(
        "--balance", type=int, default=DEFAULT_BALANCE_WEI // 10**18, help="ETH per account (default 10000)"
    )
    parser.add_argument("--verbose", action="store_true", help="log one line per request to stderr")
    parser.add_argument("--version", action="version", version=f"takumi-devnode {__version__}")
    args = parser.parse_args(argv)
    if not 0 <= args.port <= 65535:
        parser.error("--port must be between 0 and 65535")
    if args.accounts < 1:
        parser.error("--accounts must be at least 1")
    if args.chain_id < 1:
        parser.error("--chain-id must be positive")
    return args


def write_port_file(path: Path, port: int) -> None:
    """Write atomically, so a poller never reads an empty or partial file."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".devnode-port-")
    with os.fdopen(fd, "w") as fh:
        fh.write(f"{port}\n")
    os.replace(tmp, path)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    stop = threading.Event()
    # Install handlers before anything can observe us running (the port file),
    # so a SIGTERM sent right after startup still shuts down cleanly.
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    signal.signal(signal.SIGINT, lambda *_: stop.set())

    node = DevChain(
        chain_id=args.chain_id,
        accounts=args.accounts,
        mnemonic=args.mnemonic,
        balance_wei=args.balance * 10**18,
    )
    try:
        server = DevNodeHTTPServer((args.host, args.port), Dispatcher(node, args.verbose), args.verbose)
    except OSError as exc:
        print(f"devnode: cannot listen on {args.host}:{args.port}: {exc}", file=sys.stderr)
        return 1
    port = server.server_address[1]
    serving = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.2}, daemon=True)
    serving.start()
    if args.port_file:
        write_port_file(args.port_file, port)
    print(
        f"devnode listening on http://{args.host}:{port} (chain id {args.chain_id}, "
        f"{args.accounts} accounts)",
        flush=True,
    )
    while not stop.wait(0.5):
        if not serving.is_alive():  # serve_forever died: exit non-zero rather than hang
            return 1
    server.shutdown()
    server.server_close()
    if args.port_file:
        try:
            if args.port_file.read_text().strip() == str(port):
                args.port_file.unlink()
        except OSError:
            pass
    return 0


if __name__ == "__main__":
    sys.exit(main())
