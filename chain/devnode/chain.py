"""The chain behind the dev node: eth-tester's PyEVMBackend plus our own indexes.

Only the dispatcher calls into this class, always holding ``self.lock``:
py-evm is not thread-safe and the HTTP server is threaded.

What eth-tester provides and we keep: genesis with funded HD accounts, the
py-evm MiningChain, transaction application, mining and snapshot/revert of
the canonical head. What we add on top: a chain id other than eth-tester's
hard-coded one, validation a real node performs before accepting a
transaction, one-block-per-transaction mining with controllable timestamps,
and in-memory indexes (defect 7) from which blocks, transactions, receipts
and logs are served without touching py-evm.
"""

from __future__ import annotations

import json
import threading
import time
from dataclasses import dataclass, field
from typing import Any

import rlp
from eth.exceptions import Revert
from eth.vm.spoof import SpoofTransaction
from eth_account import Account
from eth_tester import PyEVMBackend
from eth_utils import ValidationError as EthUtilsValidationError
from eth_utils import to_checksum_address

from . import serialize as ser
from .errors import InvalidParams, RpcError, ServerError
from .fixes import (
    block_bloom,
    check_transaction_chain_id,
    logs_bloom,
    number_logs_per_block,
    revert_error,
    timestamp_after_orphans,
    vm_error_message,
)

HARDHAT_MNEMONIC = "test test test test test test test test test test test junk"
# Hardhat/anvil derive account i at m/44'/60'/0'/0/i; eth-tester appends "/i".
HARDHAT_HD_PATH = "m/44'/60'/0'/0"
DEFAULT_BALANCE_WEI = 10_000 * 10**18
DEFAULT_CHAIN_ID = 31337
BLOCK_GAS_LIMIT = 30_000_000
DEFAULT_PRIORITY_FEE = 10**9  # 1 gwei, what geth suggests on an idle chain
ZERO_ADDRESS = b"\x00" * 20
BLOB_TX_TYPE = 3


@dataclass(slots=True)
class BlockRecord:
    """Everything the RPC layer serves about one canonical block, pre-serialised."""

    number: int
    hash: bytes
    header: Any  # py-evm header
    block: Any  # py-evm block (transactions for tracing and fee history)
    header_json: dict
    tx_hashes: list[bytes]
    tx_hashes_json: list[str]
    txs_json: list[dict]
    receipts_json: list[dict]
    gas_used: list[int]  # per transaction
    # (lowercase address, topics tuple, log JSON, log JSON encoded), in block log order.
    logs: list[tuple[str, tuple[str, ...], dict, bytes]] = field(default_factory=list)


@dataclass(frozen=True, slots=True)
class RawJSON:
    """A result that is already JSON; the dispatcher splices it in verbatim."""

    encoded: bytes


def configure_chain_id(backend: PyEVMBackend, chain_id: int) -> None:
    """Give the chain our chain id (CHAINID opcode, typed-tx defaults).

    eth-tester builds a chain class per backend with ``chain_id =
    131277322940537`` hard-coded. The class is private to this backend, so
    setting the attribute on it (not the instance) also survives eth-tester's
    revert-to-genesis, which builds a new chain instance from the class.
    """
    type(backend.chain).chain_id = chain_id


class DevChain:
    def __init__(
        self,
        chain_id: int = DEFAULT_CHAIN_ID,
        accounts: int = 10,
        mnemonic: str = HARDHAT_MNEMONIC,
        balance_wei: int = DEFAULT_BALANCE_WEI,
    ) -> None:
        if accounts < 1:
            raise ValueError("at least one account is required")
        self.chain_id = chain_id
        self.lock = threading.RLock()
        self.backend = PyEVMBackend.from_mnemonic(
            mnemonic,
            genesis_state_overrides={"balance": balance_wei},
            num_accounts=accounts,
            hd_path=HARDHAT_HD_PATH,
            genesis_parameters=PyEVMBackend.generate_genesis_params(
                overrides={"gas_limit": BLOCK_GAS_LIMIT}
            ),
        )
        configure_chain_id(self.backend, chain_id)
        self.keys = {
            key.public_key.to_canonical_address(): key.to_bytes()
            for key in self.backend.account_keys
        }
        self.accounts = [k.public_key.to_canonical_address() for k in self.backend.account_keys]

        # Defect 7: our own indexes, so lookups never scan the chain.
        self._blocks: list[BlockRecord] = []
        self._by_hash: dict[bytes, int] = {}
        self._tx_index: dict[bytes, tuple[int, int]] = {}

        self._snapshots: dict[int, tuple[bytes, int, int]] = {}
        self._snapshot_counter = 0
        self._time_offset = 0
        self._next_timestamp: int | None = None
        # Highest timestamp of any block dropped by evm_revert, per height.
        self._orphan_timestamps: dict[int, int] = {}
        # With automine off (evm_setAutomine false), accepted transactions wait
        # here, keyed by (sender, nonce) in arrival order, until evm_mine or the
        # mining interval puts them all in one block. A transaction with the
        # same sender and nonce replaces the waiting one only with fees raised
        # by at least 10 %, as geth's txpool requires.
        self.automine = True
        self._pool: dict[tuple[bytes, int], Any] = {}
        self.mining_interval_ms = 0
        self._interval_generation = 0

        self._index_block(self._chain.get_canonical_block_by_number(0))

    # ------------------------------------------------------------------ basics

    @property
    def _chain(self):
        # eth-tester replaces backend.chain when reverting to genesis: never cache it.
        return self.backend.chain

    @property
    def head(self) -> BlockRecord:
        return self._blocks[-1]

    def pending_base_fee(self) -> int:
        return self._chain.header.base_fee_per_gas or 0

    # ------------------------------------------------------------------ indexes

    def _index_block(self, block: Any) -> BlockRecord:
        """Serialise a freshly mined block once and index it (defect 7)."""
        header = block.header
        if header.block_number != len(self._blocks):
            raise RuntimeError(
                f"index out of step: block {header.block_number}, index height {len(self._blocks)}"
            )
        receipts = block.get_receipts(self._chain.chaindb)
        numbered = number_logs_per_block([r.logs for r in receipts])  # defect 3
        txs_json, receipts_json, gas_used, blooms, logs = [], [], [], [], []
        cumulative = 0
        for i, (tx, receipt) in enumerate(zip(block.transactions, receipts)):
            logs_json = [ser.serialize_log(log, idx, tx, i, header) for idx, log in numbered[i]]
            bloom = logs_bloom(  # defect 4
                (log.address, [t.to_bytes(32, "big") for t in log.topics]) for log in receipt.logs
            )
            used = receipt.gas_used - cumulative
            cumulative = receipt.gas_used
            txs_json.append(ser.serialize_transaction(tx, block, i))
            receipts_json.append(
                ser.serialize_receipt(tx, i, receipt, used, logs_json, bloom, header)
            )
            gas_used.append(used)
            blooms.append(bloom)
            logs.extend(
                (lj["address"], tuple(lj["topics"]), lj, json.dumps(lj, separators=(",", ":")).encode())
                for lj in logs_json
            )
        header_json = ser.serialize_header(block, len(rlp.encode(block)), block_bloom(blooms))
        tx_hashes = [tx.hash for tx in block.transactions]
        record = BlockRecord(
            number=header.block_number,
            hash=header.hash,
            header=header,
            block=block,
            header_json=header_json,
            tx_hashes=tx_hashes,
            tx_hashes_json=[ser.data(h) for h in tx_hashes],
            txs_json=txs_json,
            receipts_json=receipts_json,
            gas_used=gas_used,
            logs=logs,
        )
        self._blocks.append(record)
        self._by_hash[record.hash] = record.number
        for i, tx_hash in enumerate(tx_hashes):
            self._tx_index[tx_hash] = (record.number, i)
        return record

    def _forget_blocks_above(self, number: int) -> None:
        """Drop every index entry of blocks above ``number`` (defect 7, reorgs)."""
        for record in self._blocks[number + 1 :]:
            self._by_hash.pop(record.hash, None)
            for tx_hash in record.tx_hashes:
                self._tx_index.pop(tx_hash, None)
            previous = self._orphan_timestamps.get(record.number, 0)
            self._orphan_timestamps[record.number] = max(previous, record.header.timestamp)
        del self._blocks[number + 1 :]

    # ------------------------------------------------------------------ blocks

    def resolve(self, block_id: tuple[str, Any, bool]) -> BlockRecord | None:
        """Canonical block for a parsed block id (see fixes.parse_block_id), or None."""
        kind, value, _require_canonical = block_id
        if kind == "tag":
            # Instant mining leaves nothing pending, and a dev chain is final at once.
            return self._blocks[0] if value == "earliest" else self._blocks[-1]
        if kind == "number":
            return self._blocks[value] if value < len(self._blocks) else None
        number = self._by_hash.get(value)
        return None if number is None else self._blocks[number]

    def state_header(self, block_id: tuple[str, Any, bool]) -> Any:
        """Header whose post-state answers a state query (EIP-1898 aware, defect 5)."""
        record = self.resolve(block_id)
        if record is not None:
            return record.header
        kind, value, require_canonical = block_id
        if kind == "hash" and not require_canonical:
            # EIP-1898: a non-canonical (e.g. reverted) block is fine unless
            # requireCanonical is set; py-evm still has its header and state.
            try:
                return self._chain.get_block_header_by_hash(value)
            except Exception:
                pass
        if kind == "hash":
            raise ServerError(f"header for hash not found: {ser.data(value)}")
        raise ServerError("header not found")

    def block_json(self, record: BlockRecord | None, full: bool) -> dict | None:
        if record is None:
            return None
        out = dict(record.header_json)
        out["transactions"] = record.txs_json if full else record.tx_hashes_json
        return out

    def block_by_hash(self, block_hash: bytes) -> BlockRecord | None:
        number = self._by_hash.get(block_hash)
        return None if number is None else self._blocks[number]

    def transaction(self, tx_hash: bytes) -> dict | None:
        loc = self._tx_index.get(tx_hash)
        if loc is None:
            return self._pending_transaction_json(tx_hash)
        return self._blocks[loc[0]].txs_json[loc[1]]

    def _pending_transaction_json(self, tx_hash: bytes) -> dict | None:
        """A waiting transaction as geth shows it: block fields null."""
        for tx in self._pool.values():
            if tx.hash == tx_hash:
                out = ser.serialize_transaction(tx, self.head.block, 0)
                out.update(blockHash=None, blockNumber=None, transactionIndex=None)
                if ser.tx_type(tx) >= ser.DYNAMIC_FEE_TX_TYPE:
                    out["gasPrice"] = ser.qty(tx.max_fee_per_gas)
                return out
        return None

    def receipt(self, tx_hash: bytes) -> dict | None:
        loc = self._tx_index.get(tx_hash)
        return None if loc is None else self._blocks[loc[0]].receipts_json[loc[1]]

    def locate_transaction(self, tx_hash: bytes) -> tuple[BlockRecord, int] | None:
        loc = self._tx_index.get(tx_hash)
        return None if loc is None else (self._blocks[loc[0]], loc[1])

    def parent_of(self, record: BlockRecord) -> BlockRecord:
        return self._blocks[record.number - 1]

    # ------------------------------------------------------------------ logs

    def get_logs(
        self,
        block_hash: bytes | None,
        from_id: tuple | None,
        to_id: tuple | None,
        addresses: frozenset[str] | None,
        topics: list[frozenset[str] | None],
        encoded: bool = False,
    ) -> list:
        """eth_getLogs from the per-block log index (defects 5 and 7).

        Returns log dicts, or their pre-encoded JSON with ``encoded=True``.
        """
        if block_hash is not None:
            record = self.block_by_hash(block_hash)
            if record is None:
                raise ServerError("unknown block")
            records = [record]
        else:
            head = self.head.number
            lo = self._filter_bound(from_id, head)
            hi = self._filter_bound(to_id, head)
            if lo > hi:
                raise InvalidParams("invalid block range params")
            records = self._blocks[lo : min(hi, head) + 1]
        out: list = []
        n_topics = len(topics)
        pick = 3 if encoded else 2
        for record in records:
            for entry in record.logs:
                address, log_topics = entry[0], entry[1]
                if addresses is not None and address not in addresses:
                    continue
                if n_topics:
                    if len(log_topics) < n_topics:
                        continue
                    if any(
                        wanted is not None and log_topics[i] not in wanted
                        for i, wanted in enumerate(topics)
                    ):
                        continue
                out.append(entry[pick])
        return out

    @staticmethod
    def _filter_bound(block_id: tuple | None, head: int) -> int:
        if block_id is None:
            return head
        kind, value, _ = block_id
        if kind == "tag":
            return 0 if value == "earliest" else head
        return value

    # ------------------------------------------------------------------ state

    def _state(self, block_id) -> Any:
        return self._chain.get_vm(self.state_header(block_id)).state

    def get_balance(self, address: bytes, block_id) -> int:
        return self._state(block_id).get_balance(address)

    def get_nonce(self, address: bytes, block_id) -> int:
        nonce = self._state(block_id).get_nonce(address)
        if block_id[0] == "tag" and block_id[1] == "pending":
            # geth's "pending" nonce counts the sender's waiting transactions.
            while (address, nonce) in self._pool:
                nonce += 1
        return nonce

    def get_code(self, address: bytes, block_id) -> bytes:
        return self._state(block_id).get_code(address)

    def get_storage(self, address: bytes, slot: int, block_id) -> int:
        return self._state(block_id).get_storage(address, slot)

    # ------------------------------------------------------------------ calls

    def _execute(self, call: dict, header: Any, gas: int) -> Any:
        """Run a call on the post-state of ``header`` and discard its effects.

        The block context is ``header`` itself (as geth does for eth_call) with
        the base fee zeroed so that a call without fee fields costs nothing
        and needs no balance (geth's NoBaseFee behaviour).
        """
        if getattr(header, "base_fee_per_gas", None) is not None:
            header = header.copy(base_fee_per_gas=0)
        vm = self._chain.get_vm(header)
        state = vm.state
        sender = call.get("from") or ZERO_ADDRESS
        unsigned = vm.create_unsigned_transaction(
            nonce=state.get_nonce(sender),
            gas_price=0,
            gas=gas,
            to=call.get("to") or b"",
            value=call.get("value", 0),
            data=call.get("data", b""),
        )
        snapshot = state.snapshot()
        try:
            return state.apply_transaction(SpoofTransaction(unsigned, from_=sender))
        except EthUtilsValidationError as exc:
            raise ServerError(_validation_message(str(exc))) from None
        finally:
            state.revert(snapshot)

    @staticmethod
    def _call_failure(computation: Any) -> RpcError:
        error = computation.error
        if isinstance(error, Revert):
            return revert_error(bytes(computation.output))  # defect 2
        return ServerError(vm_error_message(error))

    def call(self, call: dict, block_id) -> bytes:
        header = self.state_header(block_id)
        gas = call.get("gas") or header.gas_limit
        computation = self._execute(call, header, gas)
        if computation.is_error:
            raise self._call_failure(computation)
        return bytes(computation.output)

    def estimate_gas(self, call: dict, block_id) -> int:
        """Binary search like geth's: cheapest gas limit at which the call succeeds.

        The first run at the cap reports the exact revert error (defect 2)
        instead of a generic failure.
        """
        header = self.state_header(block_id)
        cap = call.get("gas") or header.gas_limit
        computation = self._execute(call, header, cap)
        if computation.is_error:
            raise self._call_failure(computation)

        def succeeds(gas: int) -> bool:
            return not self._execute(call, header, gas).is_error

        used = cap - computation.get_gas_remaining()  # before refunds, with intrinsic gas
        if used >= cap or succeeds(used):
            return used  # the common case (plain transfers, most calls): exact
        lo, hi = used, cap
        # Gas forwarded to sub-calls is capped at 63/64 of what is left, so the
        # limit needed is usually a little above the gas used: try that first.
        optimistic = min(cap, (used + 2300) * 64 // 63)
        if optimistic < hi:
            if succeeds(optimistic):
                hi = optimistic
            else:
                lo = optimistic
        # Stop within 1.5% of the answer, as geth does; the result errs high.
        while hi - lo > 1 and (hi - lo) * 1000 > hi * 15:
            mid = (lo + hi) // 2
            if succeeds(mid):
                hi = mid
            else:
                lo = mid
        return hi

    # ------------------------------------------------------------------ transactions

    def _decode_raw(self, raw: bytes) -> Any:
        if not raw:
            raise InvalidParams("empty raw transaction")
        if raw[0] == BLOB_TX_TYPE:
            raise ServerError("blob transactions are not supported by the dev node")
        try:
            tx = self._chain.get_vm().get_transaction_builder().decode(raw)
        except Exception as exc:
            raise InvalidParams(f"invalid raw transaction: {exc}") from None
        try:
            tx.check_signature_validity()
            tx.sender  # noqa: B018 - recovers the signer, raises on a bad signature
        except Exception:
            raise ServerError("invalid sender") from None
        return tx

    def _validate_for_inclusion(self, tx: Any) -> None:
        """The checks geth's txpool does, with geth's messages.

        py-evm would raise its own ValidationError for most of these, worded
        differently ("Invalid transaction nonce"); clients key retry logic on
        geth's wording ("nonce too low"), so we check first.
        """
        state = self._chain.get_vm().state  # pending block on top of the head
        sender = tx.sender
        nonce = state.get_nonce(sender)
        if tx.nonce < nonce:
            raise ServerError(f"nonce too low: next nonce {nonce}, tx nonce {tx.nonce}")
        if (sender, tx.nonce) in self._pool:
            self._check_replacement(self._pool[(sender, tx.nonce)], tx)
        else:
            nonce = self.get_nonce(sender, ("tag", "pending", False))
        if tx.nonce > nonce and (sender, tx.nonce) not in self._pool:
            # geth would queue it; with instant mining there is no queue.
            raise ServerError(f"nonce too high: next nonce {nonce}, tx nonce {tx.nonce}")
        if tx.gas > self._chain.header.gas_limit:
            raise ServerError("exceeds block gas limit")
        max_fee = tx.max_fee_per_gas if ser.tx_type(tx) >= ser.DYNAMIC_FEE_TX_TYPE else tx.gas_price
        base_fee = self.pending_base_fee()
        if max_fee < base_fee:
            raise ServerError(
                "max fee per gas less than block base fee: "
                f"address {to_checksum_address(sender)}, maxFeePerGas: {max_fee}, baseFee: {base_fee}"
            )
        balance = state.get_balance(sender)
        cost = tx.gas * max_fee + tx.value
        if balance < cost:
            raise ServerError(
                "insufficient funds for gas * price + value: "
                f"address {to_checksum_address(sender)} have {balance} want {cost}"
            )

    @staticmethod
    def _fees(tx: Any) -> tuple[int, int]:
        if ser.tx_type(tx) >= ser.DYNAMIC_FEE_TX_TYPE:
            return tx.max_fee_per_gas, tx.max_priority_fee_per_gas
        return tx.gas_price, tx.gas_price

    def _check_replacement(self, old: Any, new: Any) -> None:
        """geth's txpool rule: both fee caps raised by at least 10 %."""
        old_fee, old_tip = self._fees(old)
        new_fee, new_tip = self._fees(new)
        if new_fee * 100 < old_fee * 110 or new_tip * 100 < old_tip * 110:
            raise ServerError("replacement transaction underpriced")

    def send_raw_transaction(self, raw: bytes) -> bytes:
        tx = self._decode_raw(raw)
        check_transaction_chain_id(tx, self.chain_id)  # defect 1
        self._validate_for_inclusion(tx)
        if not self.automine:
            self._pool[(tx.sender, tx.nonce)] = tx
            return tx.hash
        self.mine_transactions([tx])
        return tx.hash

    # ------------------------------------------------------------------ pool

    def set_automine(self, enabled: bool) -> None:
        """Hardhat's evm_setAutomine; turning it back on mines what waits."""
        self.automine = enabled
        if enabled and self._pool:
            self.mine_pending()

    def pending_transactions(self) -> list:
        return list(self._pool.values())

    def mine_pending(self) -> BlockRecord:
        """One block with every waiting transaction that still applies (a
        transaction made invalid by an earlier one is dropped, as geth does)."""
        # Arrival order (a replacement keeps its predecessor's place), so each
        # sender's nonces come in sequence.
        txs = list(self._pool.values())
        self._pool.clear()
        chain = self._chain
        self._prepare_pending_header()
        for tx in txs:
            try:
                chain.apply_transaction(tx)
            except Exception:
                continue
        (block_hash,) = self.backend.mine_blocks(1)
        return self._index_block(chain.get_block_by_hash(block_hash))

    def set_interval_mining(self, milliseconds: int) -> None:
        """Hardhat's evm_setIntervalMining: a block every interval with the waiting
        transactions (0 stops it). A generation counter ends the previous thread."""
        self.mining_interval_ms = milliseconds
        self._interval_generation += 1
        if milliseconds <= 0:
            return
        generation = self._interval_generation

        def loop() -> None:
            while True:
                time.sleep(milliseconds / 1000)
                with self.lock:
                    if generation != self._interval_generation:
                        return
                    if self._pool:
                        self.mine_pending()

        threading.Thread(target=loop, daemon=True, name="interval-mining").start()

    def send_transaction(self, call: dict) -> bytes:
        """Sign with the unlocked dev key, then take the raw-transaction path."""
        sender = call.get("from")
        if sender is None:
            raise InvalidParams("missing from")
        key = self.keys.get(sender)
        if key is None:
            raise ServerError(f"unknown account {to_checksum_address(sender)}")
        if call.get("chainId") not in (None, self.chain_id):
            raise ServerError(
                f"invalid chain id for signer: have {call['chainId']} want {self.chain_id}"
            )
        latest = ("tag", "latest", False)
        fields: dict[str, Any] = {
            "chainId": self.chain_id,
            "nonce": call["nonce"] if "nonce" in call else self.get_nonce(sender, latest),
            "gas": call.get("gas") or self.estimate_gas(call, latest),
            "value": call.get("value", 0),
            "data": call.get("data", b""),
        }
        if call.get("to"):
            fields["to"] = to_checksum_address(call["to"])
        if "gasPrice" in call:
            fields["gasPrice"] = call["gasPrice"]
        else:
            tip = call.get("maxPriorityFeePerGas", DEFAULT_PRIORITY_FEE)
            fields["maxPriorityFeePerGas"] = tip
            fields["maxFeePerGas"] = call.get("maxFeePerGas", 2 * self.pending_base_fee() + tip)
        if "accessList" in call:
            fields["accessList"] = call["accessList"]
        try:
            signed = Account.sign_transaction(fields, key)
        except Exception as exc:
            raise InvalidParams(f"cannot sign transaction: {exc}") from None
        return self.send_raw_transaction(bytes(signed.raw_transaction))

    # ------------------------------------------------------------------ mining

    def _prepare_pending_header(self) -> None:
        """Set the next block's timestamp: wall clock + evm_increaseTime offset,
        or the evm_setNextBlockTimestamp value, never <= parent's."""
        chain = self._chain
        parent = chain.get_canonical_head()
        if self._next_timestamp is not None:
            timestamp = self._next_timestamp
            self._next_timestamp = None
            # Later blocks continue from the chosen time, as in Hardhat.
            self._time_offset = timestamp - int(time.time())
        else:
            timestamp = max(int(time.time()) + self._time_offset, parent.timestamp + 1)
            timestamp = timestamp_after_orphans(
                timestamp, self._orphan_timestamps.get(parent.block_number + 1)
            )
        chain.header = chain.header.copy(timestamp=timestamp)

    def mine_transactions(self, txs: list) -> BlockRecord:
        """Apply ``txs`` (already validated) in one new block and index it.

        The RPC methods pass one transaction (instant mining); tests use
        several to build a multi-transaction block.
        """
        chain = self._chain
        self._prepare_pending_header()
        try:
            for tx in txs:
                chain.apply_transaction(tx)
        except Exception as exc:
            # Discard the half-built block so the next one starts clean.
            chain.header = chain.create_header_from_parent(chain.get_canonical_head())
            if isinstance(exc, EthUtilsValidationError):
                raise ServerError(_validation_message(str(exc))) from None
            raise
        (block_hash,) = self.backend.mine_blocks(1)
        return self._index_block(chain.get_block_by_hash(block_hash))

    def mine(self, count: int, timestamp: int | None = None) -> None:
        if timestamp is not None:
            self.set_next_block_timestamp(timestamp)
        for index in range(count):
            # The first block takes the waiting transactions (automine off).
            if index == 0 and self._pool:
                self.mine_pending()
            else:
                self.mine_transactions([])

    def increase_time(self, seconds: int) -> int:
        self._time_offset += seconds
        return self._time_offset

    def set_next_block_timestamp(self, timestamp: int) -> None:
        parent_ts = self.head.header.timestamp
        if timestamp <= parent_ts:
            raise ServerError(
                f"timestamp {timestamp} is lower than or equal to previous block's timestamp {parent_ts}"
            )
        self._next_timestamp = timestamp

    # ------------------------------------------------------------------ snapshots

    def snapshot(self) -> int:
        self._snapshot_counter += 1
        head = self.head
        self._snapshots[self._snapshot_counter] = (head.hash, head.number, self._time_offset)
        return self._snapshot_counter

    def revert(self, snapshot_id: int) -> bool:
        """Defect 6: answer true/false (eth-tester's revert returns nothing).

        As in Hardhat and Ganache, reverting consumes the snapshot and every
        later one (their blocks are gone). All indexes forget the dropped
        blocks; the next blocks at those heights get new hashes.
        """
        snap = self._snapshots.get(snapshot_id)
        if snap is None:
            return False
        for sid in [s for s in self._snapshots if s >= snapshot_id]:
            del self._snapshots[sid]
        block_hash, number, time_offset = snap
        self.backend.revert_to_snapshot(block_hash)
        self._forget_blocks_above(number)
        self._time_offset = time_offset
        self._next_timestamp = None
        return True

    # ------------------------------------------------------------------ fees

    def fee_history(self, count: int, newest_id, percentiles: list[float] | None) -> dict:
        newest_record = self.resolve(newest_id)
        if newest_record is None:
            raise ServerError("header not found")
        count = min(count, 1024, newest_record.number + 1)
        newest = newest_record.number
        oldest = newest - count + 1
        records = self._blocks[oldest : newest + 1]
        base_fees = [r.header.base_fee_per_gas for r in records]
        if newest == self.head.number:
            base_fees.append(self.pending_base_fee())
        else:
            base_fees.append(self._blocks[newest + 1].header.base_fee_per_gas)
        out: dict[str, Any] = {
            "oldestBlock": ser.qty(oldest if count else newest + 1),
            "baseFeePerGas": [ser.qty(b) for b in base_fees] if count else [],
            "gasUsedRatio": [r.header.gas_used / r.header.gas_limit for r in records],
        }
        if percentiles:
            out["reward"] = [_block_rewards(r, percentiles) for r in records]
        return out


def _block_rewards(record: BlockRecord, percentiles: list[float]) -> list[str]:
    """Effective priority fee at each gas-weighted percentile (geth's algorithm)."""
    base_fee = record.header.base_fee_per_gas or 0
    txs = sorted(
        (ser.effective_tip(tx, base_fee), used)
        for tx, used in zip(record.block.transactions, record.gas_used)
    )
    if not txs:
        return [ser.qty(0) for _ in percentiles]
    total = record.header.gas_used
    rewards = []
    i, cumulative = 0, txs[0][1]
    for p in percentiles:
        threshold = total * p / 100
        while cumulative < threshold and i < len(txs) - 1:
            i += 1
            cumulative += txs[i][1]
        rewards.append(ser.qty(txs[i][0]))
    return rewards


def _validation_message(message: str) -> str:
    return message or "transaction rejected"
