"""Small, named fixes for eth-tester/py-evm behaviour that a real node gets right.

Each function says which defect (numbered as in ``devnode/README.md``) it
fixes. They are pure functions, testable without a running chain. Three fixes
live next to the state they need: defect 6 (``evm_revert`` returns a boolean,
``DevChain.revert``) and defect 7 (hash and log indexes, ``DevChain._index_block``
and ``_forget_blocks_above``) in ``chain.py``, defect 8 (Nagle,
``enable_tcp_nodelay``) in ``server.py``.
"""

from __future__ import annotations

import re
from typing import Any, Iterable, Sequence

from eth import exceptions as evm_errors
from eth_abi import decode as abi_decode
from eth_bloom import BloomFilter

from .errors import EXECUTION_REVERTED, InvalidParams, RpcError, ServerError

ERROR_STRING_SELECTOR = bytes.fromhex("08c379a0")  # Error(string)
PANIC_SELECTOR = bytes.fromhex("4e487b71")  # Panic(uint256)

# Solidity/Vyper panic codes, worded as geth's abi.UnpackRevert words them.
PANIC_REASONS = {
    0x00: "generic panic",
    0x01: "assert(false)",
    0x11: "arithmetic underflow or overflow",
    0x12: "division or modulo by zero",
    0x21: "enum overflow",
    0x22: "invalid encoded storage byte array accessed",
    0x31: "out-of-bounds array access; popping on an empty array",
    0x32: "out-of-bounds access of an array or bytesN",
    0x41: "out of memory",
    0x51: "uninitialized function",
}

BLOCK_TAGS = ("latest", "earliest", "pending", "safe", "finalized")

# int(x, 16) and bytes.fromhex also accept "_" and whitespace; JSON-RPC does not.
_HEX_DIGITS = re.compile(r"[0-9a-fA-F]*")


# --- Defect 1: eth-tester accepts raw transactions signed for any chain id ---


def check_transaction_chain_id(tx: Any, chain_id: int) -> None:
    """Reject a decoded transaction that is not replay-protected for this chain.

    eth-tester/py-evm decode and apply a transaction signed for chain 1 (or
    any other chain) without complaint, so a client bug that signs for the
    wrong network would pass every test against the dev node and fail in
    production. Typed transactions carry ``chainId`` explicitly; legacy ones
    encode it in ``v`` (EIP-155). Pre-EIP-155 legacy transactions have no
    chain id at all; geth refuses them over RPC by default and so do we, with
    geth's message.
    """
    tx_chain_id = getattr(tx, "chain_id", None)
    if tx_chain_id is None:
        raise ServerError(
            "only replay-protected (EIP-155) transactions allowed over RPC"
        )
    if tx_chain_id != chain_id:
        raise ServerError(
            f"invalid chain id for signer: have {tx_chain_id} want {chain_id}"
        )


# --- Defect 2: eth_call / eth_estimateGas drop the raw revert data ---


def decode_revert_reason(output: bytes) -> str | None:
    """Human-readable reason for ``Error(string)`` and ``Panic(uint256)``.

    Returns None for custom errors and empty reverts: their meaning is only
    known to the caller's ABI, so the bytes travel in ``data`` untouched.
    """
    try:
        if output[:4] == ERROR_STRING_SELECTOR:
            (reason,) = abi_decode(["string"], output[4:])
            return reason
        if output[:4] == PANIC_SELECTOR:
            (code,) = abi_decode(["uint256"], output[4:])
            return PANIC_REASONS.get(code, f"unknown panic code: {code:#x}")
    except Exception:  # malformed ABI payload: keep the raw bytes only
        return None
    return None


def revert_error(output: bytes) -> RpcError:
    """geth-shaped error for a reverted call: code 3, reason, exact revert bytes.

    eth-tester raises ``TransactionFailed`` carrying only the decoded string
    (or nothing, for custom errors), so a client cannot decode custom errors
    or distinguish a revert from other failures. geth returns
    ``{"code": 3, "message": "execution reverted: <reason>", "data": "0x…"}``.
    We do the same, and also for empty reverts (data "0x"), so clients can
    always rely on ``data`` being present on code 3.
    """
    reason = decode_revert_reason(output)
    message = "execution reverted" if reason is None else f"execution reverted: {reason}"
    return RpcError(EXECUTION_REVERTED, message, "0x" + output.hex())


# geth's wording for EVM failures other than REVERT (vm/errors.go).
_VM_ERROR_MESSAGES = (
    (evm_errors.Revert, "execution reverted"),
    (evm_errors.OutOfGas, "out of gas"),
    (evm_errors.InvalidInstruction, "invalid opcode"),
    (evm_errors.InvalidJumpDestination, "invalid jump destination"),
    (evm_errors.StackDepthLimit, "max call depth exceeded"),
    (evm_errors.WriteProtection, "write protection"),
    (evm_errors.InsufficientStack, "stack underflow"),
    (evm_errors.FullStack, "stack limit reached 1024"),
    (evm_errors.ContractCreationCollision, "contract address collision"),
    (evm_errors.OutOfBoundsRead, "return data out of bounds"),
    (evm_errors.InsufficientFunds, "insufficient balance for transfer"),
)


def vm_error_message(error: Exception) -> str:
    """geth's message for an EVM error, so clients can match on it."""
    for cls, message in _VM_ERROR_MESSAGES:
        if isinstance(error, cls):
            return message
    return str(error) or type(error).__name__


# --- Defect 3: logIndex counts per transaction instead of per block ---


def number_logs_per_block(logs_per_tx: Sequence[Sequence[Any]]) -> list[list[tuple[int, Any]]]:
    """Pair each log with its block-wide ``logIndex``.

    eth-tester restarts ``logIndex`` at 0 for every receipt, so two logs in one
    block share an index and ``(blockHash, logIndex)`` stops being a unique
    key (the indexer's ``chain_events`` relies on it). A real node numbers
    logs consecutively across all transactions of the block.
    """
    numbered: list[list[tuple[int, Any]]] = []
    next_index = 0
    for logs in logs_per_tx:
        numbered.append([(next_index + i, log) for i, log in enumerate(logs)])
        next_index += len(logs)
    return numbered


# --- Defect 4: receipts (and blocks) have no logsBloom ---


def logs_bloom(logs: Iterable[tuple[bytes, Sequence[bytes]]]) -> int:
    """2048-bit bloom over each log's address and topics (yellow paper 4.3.1).

    eth-tester's receipts carry no ``logsBloom`` at all; clients that skip
    blocks by bloom then miss every event. Input: ``(address, topics)`` pairs
    with 20-byte addresses and 32-byte topics.
    """
    bloom = BloomFilter()
    for address, topics in logs:
        bloom.add(address)
        for topic in topics:
            bloom.add(topic)
    return int(bloom)


def block_bloom(receipt_blooms: Iterable[int]) -> int:
    """A block's bloom is the OR of its receipts' blooms."""
    value = 0
    for bloom in receipt_blooms:
        value |= bloom
    return value


# --- Defect 5: blockHash / EIP-1898 block parameters crash eth-tester ---


def parse_block_id(value: Any, *, allow_hash: bool = True) -> tuple[str, Any, bool]:
    """Normalise a block parameter to ``(kind, value, require_canonical)``.

    Accepts a tag, a hex number, and (EIP-1898) ``{"blockHash": h,
    "requireCanonical": bool}`` or ``{"blockNumber": n}``. eth-tester only
    understands tags and integers, and raises on the object form, which
    web3.py and ethers send for calls pinned to a block. ``kind`` is "tag",
    "number" or "hash".
    """
    if isinstance(value, str):
        if value in BLOCK_TAGS:
            return "tag", value, False
        if allow_hash and len(value) == 66:
            # geth also takes a bare 32-byte hash where EIP-1898 is allowed;
            # web3.py sends eth_call(..., block_identifier=<hash>) that way.
            return "hash", parse_data(value, "blockHash", 32), False
        return "number", parse_quantity(value, "block number"), False
    if isinstance(value, dict) and allow_hash:
        has_hash = "blockHash" in value
        has_number = "blockNumber" in value
        if has_hash == has_number:
            raise InvalidParams("block object must have exactly one of blockHash or blockNumber")
        if has_hash:
            require = value.get("requireCanonical", False)
            if not isinstance(require, bool):
                raise InvalidParams("requireCanonical must be a boolean")
            return "hash", parse_data(value["blockHash"], "blockHash", 32), require
        kind, number, _ = parse_block_id(value["blockNumber"], allow_hash=False)
        return kind, number, False
    raise InvalidParams(f"invalid block identifier: {value!r}")


# --- Reorg support: replacement blocks must not reuse a dropped block's hash ---


def timestamp_after_orphans(proposed: int, orphan_max_timestamp: int | None) -> int:
    """Push a replacement block's timestamp past the block it replaces.

    After ``evm_revert`` the next block at a height could otherwise be built
    from the same parent with the same timestamp and (for an empty block) the
    same contents. eth-tester randomises ``mixHash`` so hashes differ anyway,
    but a later timestamp makes the new hash differ by construction and keeps
    timestamps monotonic from the point of view of an indexer that saw the
    dropped block.
    """
    if orphan_max_timestamp is None:
        return proposed
    return max(proposed, orphan_max_timestamp + 1)


# --- Parameter parsing helpers (strict, like geth) ---


def parse_quantity(value: Any, name: str) -> int:
    if not isinstance(value, str) or not value.startswith(("0x", "0X")) or len(value) < 3:
        raise InvalidParams(f"{name}: expected a hex quantity like 0x1a, got {value!r}")
    if not _HEX_DIGITS.fullmatch(value, 2):
        raise InvalidParams(f"{name}: invalid hex quantity {value!r}")
    if len(value) > 66:
        raise InvalidParams(f"{name}: quantity exceeds 256 bits")
    return int(value[2:], 16)


def parse_data(value: Any, name: str, length: int | None = None) -> bytes:
    if not isinstance(value, str) or not value.startswith(("0x", "0X")):
        raise InvalidParams(f"{name}: expected 0x-prefixed hex data, got {value!r}")
    if len(value) % 2:
        raise InvalidParams(f"{name}: hex data has an odd number of digits")
    if not _HEX_DIGITS.fullmatch(value, 2):
        raise InvalidParams(f"{name}: invalid hex data")
    data = bytes.fromhex(value[2:])
    if length is not None and len(data) != length:
        raise InvalidParams(f"{name}: expected {length} bytes, got {len(data)}")
    return data
