"""Signing and sending transactions: local nonces, explicit gas, receipts.

`Sender.send` is for the few deployment transactions (gas estimated, one at a
time, waits for the receipt). `Sender.send_many` is for bulk work (seed): it
signs every transaction with locally tracked nonces and an explicit gas limit,
posts them as one JSON-RPC batch of eth_sendRawTransaction, then fetches the
receipts as one batch (the dev node mines on arrival, so they exist already;
on a real chain the missing ones are polled).
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Any

from eth_abi import decode as abi_decode
from eth_account import Account
from eth_utils import to_checksum_address

from . import Failure
from .rpc import RpcClient, RpcError

ERROR_SELECTOR = "0x08c379a0"  # Error(string)


class Signer:
    """A private key and its address. Never prints the key."""

    __slots__ = ("_account", "address", "label")

    def __init__(self, key: str | bytes, label: str = "") -> None:
        self._account = Account.from_key(key)
        self.address = to_checksum_address(self._account.address)
        self.label = label

    def sign(self, fields: dict) -> tuple[str, str]:
        signed = self._account.sign_transaction(fields)
        return "0x" + bytes(signed.raw_transaction).hex(), "0x" + bytes(signed.hash).hex()

    def __repr__(self) -> str:
        return f"Signer({self.label or self.address})"


@dataclass
class Fees:
    max_fee: int | None  # EIP-1559; None = legacy gasPrice
    tip: int | None
    gas_price: int | None = None

    @classmethod
    def from_node(cls, rpc: RpcClient, headroom: int = 2) -> "Fees":
        block = rpc.call("eth_getBlockByNumber", "latest", False)
        base = block.get("baseFeePerGas")
        if base is None:
            return cls(None, None, int(rpc.call("eth_gasPrice"), 16) * headroom)
        try:
            tip = int(rpc.call("eth_maxPriorityFeePerGas"), 16)
        except RpcError:
            tip = 10**9
        return cls(headroom * int(base, 16) + tip, tip)

    def fields(self) -> dict:
        if self.max_fee is None:
            return {"gasPrice": self.gas_price}
        return {"type": 2, "maxFeePerGas": self.max_fee, "maxPriorityFeePerGas": self.tip}

    def cost(self, gas: int) -> int:
        return gas * (self.max_fee if self.max_fee is not None else self.gas_price)


@dataclass
class Tx:
    """One transaction to send in bulk, with a label for error messages."""

    signer: Signer
    to: str | None
    data: str
    gas: int
    value: int = 0
    label: str = ""
    meta: Any = None
    # Filled in by send_many:
    hash: str = ""
    receipt: dict = field(default_factory=dict)


def revert_reason(data: str | None) -> str:
    if not data or data == "0x":
        return "reverted without a reason"
    if data.startswith(ERROR_SELECTOR):
        try:
            (reason,) = abi_decode(["string"], bytes.fromhex(data[10:]))
            return reason
        except Exception:  # malformed revert data: show it raw
            pass
    return f"reverted with data {data[:74]}"


class Sender:
    def __init__(self, rpc: RpcClient, chain_id: int, fees: Fees | None = None, timeout: float = 300) -> None:
        self.rpc = rpc
        self.chain_id = chain_id
        self.fees = fees or Fees.from_node(rpc)
        self.timeout = timeout
        self.nonces: dict[str, int] = {}
        self.sent = 0

    # -- nonces ----------------------------------------------------------------

    def prefetch_nonces(self, signers: list[Signer]) -> None:
        missing = [s for s in signers if s.address not in self.nonces]
        results = self.rpc.batch([("eth_getTransactionCount", [s.address, "pending"]) for s in missing])
        for signer, result in zip(missing, results):
            if isinstance(result, RpcError):
                raise Failure(f"eth_getTransactionCount({signer.address}): {result.message}")
            self.nonces[signer.address] = int(result, 16)

    def _next_nonce(self, signer: Signer) -> int:
        if signer.address not in self.nonces:
            self.nonces[signer.address] = int(self.rpc.call("eth_getTransactionCount", signer.address, "pending"), 16)
        nonce = self.nonces[signer.address]
        self.nonces[signer.address] = nonce + 1
        return nonce

    def _fields(self, signer: Signer, to: str | None, data: str, gas: int, value: int) -> dict:
        fields = {"chainId": self.chain_id, "nonce": self._next_nonce(signer), "gas": gas, "value": value,
                  "data": data, **self.fees.fields()}
        if to is not None:
            fields["to"] = to_checksum_address(to)
        return fields

    # -- one at a time -----------------------------------------------------------

    def estimate(self, signer: Signer, to: str | None, data: str, value: int = 0, label: str = "") -> int:
        call = {"from": signer.address, "data": data, "value": hex(value)}
        if to is not None:
            call["to"] = to
        try:
            gas = int(self.rpc.call("eth_estimateGas", call), 16)
        except RpcError as exc:
            why = revert_reason(exc.data) if exc.code == 3 else exc.message
            raise Failure(f"{label or 'transaction'} would fail: {why}") from None
        return gas + gas // 4 + 20_000

    def send(self, signer: Signer, to: str | None, data: str, gas: int | None = None, value: int = 0,
             label: str = "") -> dict:
        """Sign, send, wait: the receipt (raises Failure if it reverted)."""
        if gas is None:
            gas = self.estimate(signer, to, data, value, label)
        tx = Tx(signer, to, data, gas, value, label)
        self.send_many([tx])
        return tx.receipt

    # -- in bulk ------------------------------------------------------------------

    def send_many(self, txs: list[Tx]) -> list[Tx]:
        """Sign all, send as a batch, fetch all receipts; Failure on any revert."""
        if not txs:
            return txs
        self.prefetch_nonces(list({t.signer.address: t.signer for t in txs}.values()))
        raws = []
        for t in txs:
            raw, t.hash = t.signer.sign(self._fields(t.signer, t.to, t.data, t.gas, t.value))
            raws.append(raw)
        results = self.rpc.batch([("eth_sendRawTransaction", [raw]) for raw in raws])
        for t, result in zip(txs, results):
            if isinstance(result, RpcError):
                # Nonces after a refused transaction are now wrong: forget them.
                self.nonces.clear()
                raise Failure(f"{t.label or 'transaction'} from {t.signer.address} refused: {result.message}")
        self.sent += len(txs)
        self._collect_receipts(txs)
        for t in txs:
            if t.receipt.get("status") != "0x1":
                raise Failure(f"{t.label or 'transaction'} {t.hash} reverted: {self._why(t)}")
        return txs

    def _collect_receipts(self, txs: list[Tx]) -> None:
        pending = list(txs)
        deadline = time.monotonic() + self.timeout
        delay = 0.05
        while True:
            results = self.rpc.batch([("eth_getTransactionReceipt", [t.hash]) for t in pending])
            still = []
            for t, result in zip(pending, results):
                if isinstance(result, RpcError):
                    raise Failure(f"eth_getTransactionReceipt({t.hash}): {result.message}")
                if result is None:
                    still.append(t)
                else:
                    t.receipt = result
            if not still:
                return
            if time.monotonic() > deadline:
                raise Failure(f"{len(still)} transaction(s) not mined after {self.timeout:.0f}s, first {still[0].hash}")
            pending = still
            time.sleep(delay)
            delay = min(delay * 2, 2.0)

    def _why(self, t: Tx) -> str:
        """Replay a reverted transaction as eth_call on its parent state."""
        block = int(t.receipt["blockNumber"], 16)
        call = {"from": t.signer.address, "data": t.data, "value": hex(t.value), "gas": hex(t.gas)}
        if t.to is not None:
            call["to"] = t.to
        try:
            self.rpc.call("eth_call", call, hex(max(block - 1, 0)))
        except RpcError as exc:
            return revert_reason(exc.data) if exc.code == 3 else exc.message
        return f"out of gas? (gas limit {t.gas}, used {int(t.receipt['gasUsed'], 16)})"


def eth_call(rpc: RpcClient, to: str, data: str, block: str = "latest") -> str:
    try:
        return rpc.call("eth_call", {"to": to, "data": data}, block)
    except RpcError as exc:
        if exc.code == 3:
            raise Failure(f"call to {to} reverted: {revert_reason(exc.data)}") from None
        raise
