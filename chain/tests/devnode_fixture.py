"""Helpers for the dev-node tests: start/stop the node, a keep-alive JSON-RPC
client, and compile/deploy for the Vyper fixtures.

Loaded by the ``test_devnode*.py`` modules with ``pytest_plugins =
["devnode_fixture"]`` so the session-scoped ``devnode`` fixture (one node
process for all dev-node tests) needs nothing in conftest.py. The test modules
also import helpers from here before pytest loads it as a plugin, hence
PYTEST_DONT_REWRITE (otherwise pytest warns it cannot rewrite asserts).
"""

from __future__ import annotations

import functools
import http.client
import json
import signal
import subprocess
import sys
import tempfile
import time
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterator
from urllib.parse import urlparse

import pytest

CHAIN_DIR = Path(__file__).resolve().parents[1]
FIXTURES_DIR = Path(__file__).resolve().parent / "fixtures"
if str(CHAIN_DIR) not in sys.path:  # the in-process tests import devnode directly
    sys.path.insert(0, str(CHAIN_DIR))

STARTUP_TIMEOUT = 60  # seconds; py-evm imports are slow on a busy 2-core box
# Hardhat account #0 and #1 (from the "test test ... junk" mnemonic).
ACCOUNT0 = "0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266"
KEY0 = "0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80"
ACCOUNT1 = "0x70997970C51812dc3A010C7d01b50e0d17dc79C8"
KEY1 = "0x59c6995e998f97a5a0044966f0945389dc9e86dae88c7a8412f4603b6b78690d"


class RpcFailure(Exception):
    def __init__(self, error: dict) -> None:
        super().__init__(f"{error.get('code')}: {error.get('message')}")
        self.code = error.get("code")
        self.message = error.get("message")
        self.data = error.get("data")


class RpcClient:
    """JSON-RPC over one persistent HTTP/1.1 connection (reconnects if closed)."""

    def __init__(self, url: str, timeout: float = 60) -> None:
        parsed = urlparse(url)
        self.host, self.port, self.timeout = parsed.hostname, parsed.port, timeout
        self.conn = http.client.HTTPConnection(self.host, self.port, timeout=timeout)
        self._next_id = 0

    def post(self, body: bytes, headers: dict | None = None) -> tuple[int, bytes]:
        hdrs = {"Content-Type": "application/json"}
        hdrs.update(headers or {})
        try:
            self.conn.request("POST", "/", body=body, headers=hdrs)
            response = self.conn.getresponse()
        except (http.client.HTTPException, ConnectionError):
            self.conn.close()  # server closed the connection (e.g. after a 413): retry once
            self.conn.request("POST", "/", body=body, headers=hdrs)
            response = self.conn.getresponse()
        data = response.read()
        if response.getheader("Connection", "").lower() == "close":
            self.conn.close()
        return response.status, data

    def request(self, method: str, *params: Any) -> dict:
        self._next_id += 1
        payload = {"jsonrpc": "2.0", "id": self._next_id, "method": method, "params": list(params)}
        status, data = self.post(json.dumps(payload).encode())
        assert status == 200, (status, data[:200])
        return json.loads(data)

    def call(self, method: str, *params: Any) -> Any:
        response = self.request(method, *params)
        if "error" in response:
            raise RpcFailure(response["error"])
        return response["result"]

    def close(self) -> None:
        self.conn.close()


@dataclass
class DevNodeProcess:
    proc: subprocess.Popen
    port: int
    port_file: Path
    log_path: Path

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def log(self) -> str:
        return self.log_path.read_text(errors="replace")


def start_devnode(workdir: Path, *extra_args: str) -> DevNodeProcess:
    """Start ``python -m devnode --port 0`` and return once it is listening."""
    port_file = workdir / "devnode.port"
    log_path = workdir / "devnode.log"
    log = open(log_path, "wb")
    proc = subprocess.Popen(
        [sys.executable, "-m", "devnode", "--port", "0", "--port-file", str(port_file), *extra_args],
        cwd=CHAIN_DIR,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    log.close()  # the child holds its own descriptor
    node = DevNodeProcess(proc, 0, port_file, log_path)
    deadline = time.monotonic() + STARTUP_TIMEOUT
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"devnode exited with {proc.returncode} during startup:\n{node.log()}")
        if port_file.exists():
            node.port = int(port_file.read_text().strip())
            return node
        time.sleep(0.05)
    stop_devnode(node)
    raise RuntimeError(f"devnode did not start within {STARTUP_TIMEOUT}s:\n{node.log()}")


def stop_devnode(node: DevNodeProcess, sig: int = signal.SIGTERM, timeout: float = 10) -> int:
    """Stop the process we started (by its pid only); kill it if it hangs."""
    if node.proc.poll() is None:
        node.proc.send_signal(sig)
        try:
            node.proc.wait(timeout)
        except subprocess.TimeoutExpired:
            node.proc.kill()
            node.proc.wait()
    return node.proc.returncode


@contextmanager
def running_devnode(*extra_args: str) -> Iterator[DevNodeProcess]:
    with tempfile.TemporaryDirectory(prefix="devnode-test-") as tmp:
        node = start_devnode(Path(tmp), *extra_args)
        try:
            yield node
        finally:
            stop_devnode(node)


@pytest.fixture(scope="session")
def devnode() -> Iterator[DevNodeProcess]:
    """One dev node for all dev-node tests; stopped even when tests fail."""
    with running_devnode() as node:
        yield node


@pytest.fixture()
def rpc(devnode: DevNodeProcess) -> Iterator[RpcClient]:
    client = RpcClient(devnode.url)
    yield client
    client.close()


# ---------------------------------------------------------------- contracts


@functools.cache
def compile_fixture(name: str) -> tuple[list, str]:
    """(abi, bytecode) of ``tests/fixtures/<name>.vy``; cached per test session."""
    import vyper

    source = (FIXTURES_DIR / f"{name}.vy").read_text()
    out = vyper.compile_code(source, output_formats=["abi", "bytecode"])
    return out["abi"], out["bytecode"]


def deploy(rpc: RpcClient, name: str, sender: str = ACCOUNT0) -> str:
    _abi, bytecode = compile_fixture(name)
    tx_hash = rpc.call("eth_sendTransaction", {"from": sender, "data": bytecode})
    receipt = rpc.call("eth_getTransactionReceipt", tx_hash)
    assert receipt["status"] == "0x1", receipt
    return receipt["contractAddress"]


def calldata(signature: str, types: list[str] | None = None, values: list | None = None) -> str:
    from eth_abi import encode
    from eth_utils import keccak

    selector = keccak(text=signature)[:4]
    return "0x" + (selector + encode(types or [], values or [])).hex()


def transact(rpc: RpcClient, to: str, data: str, sender: str = ACCOUNT0, gas: int | None = None) -> dict:
    """Send via eth_sendTransaction and return the receipt."""
    tx: dict = {"from": sender, "to": to, "data": data}
    if gas is not None:
        tx["gas"] = hex(gas)
    tx_hash = rpc.call("eth_sendTransaction", tx)
    return rpc.call("eth_getTransactionReceipt", tx_hash)


def sign(fields: dict, key: str = KEY0) -> str:
    """Raw signed transaction (eth-account wants a checksummed "to")."""
    from eth_account import Account
    from eth_utils import to_checksum_address

    if fields.get("to"):
        fields = {**fields, "to": to_checksum_address(fields["to"])}
    return "0x" + bytes(Account.sign_transaction(fields, key).raw_transaction).hex()
