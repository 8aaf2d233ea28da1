"""debug_traceTransaction with geth's callTracer output shape.

The transaction is re-executed on its parent block's state, inside its own
block's context (number, timestamp, prevrandao, base fee), after the
transactions that precede it in the block. py-evm keeps every sub-call's
computation in ``computation.children``, so the call tree is walked after
execution. What the tree does not record is which opcode made each child
(a STATICCALL inside a STATICCALL looks like a CALL with ``is_static``, CREATE
and CREATE2 look alike), so a computation subclass tags each child with the
opcode at the moment it is spawned.
"""

from __future__ import annotations

from typing import Any

from eth.exceptions import Revert

from . import serialize as ser
from .chain import DevChain
from .errors import InvalidParams, ServerError
from .fixes import decode_revert_reason, vm_error_message

CALL_OPCODES = {
    0xF0: "CREATE",
    0xF1: "CALL",
    0xF2: "CALLCODE",
    0xF4: "DELEGATECALL",
    0xF5: "CREATE2",
    0xFA: "STATICCALL",
}
VALUE_CARRYING = {"CALL", "CALLCODE", "CREATE", "CREATE2"}


def tracing_computation_class(base: type) -> type:
    class TracingComputation(base):  # type: ignore[misc, valid-type]
        def apply_child_computation(self, child_msg: Any) -> Any:
            # CALL*/CREATE* have no immediate operands, so the byte just before
            # the program counter is the opcode being executed right now.
            opcode = self.code[self.code.program_counter - 1]
            child = super().apply_child_computation(child_msg)
            child.trace_call_type = CALL_OPCODES.get(opcode, "CALL")
            return child

    return TracingComputation


def parse_trace_config(options: Any) -> tuple[bool, bool]:
    """-> (onlyTopCall, withLog). Only the callTracer is implemented."""
    if options is None:
        options = {}
    if not isinstance(options, dict):
        raise InvalidParams("trace options must be an object")
    if options.get("tracer") != "callTracer":
        raise InvalidParams('only {"tracer": "callTracer"} is supported')
    config = options.get("tracerConfig") or {}
    if not isinstance(config, dict):
        raise InvalidParams("tracerConfig must be an object")
    return bool(config.get("onlyTopCall", False)), bool(config.get("withLog", False))


def trace_transaction(node: DevChain, tx_hash: bytes, options: Any) -> dict:
    only_top, with_log = parse_trace_config(options)
    found = node.locate_transaction(tx_hash)
    if found is None:
        raise ServerError(f"transaction {ser.data(tx_hash)} not found")
    record, index = found
    parent = node.parent_of(record)
    txs = record.block.transactions

    # The block's own header with the parent's state root: the VM then
    # starts from the parent state but executes "in" this block.
    header = record.header.copy(state_root=parent.header.state_root)
    state = node._chain.get_vm(header).state
    state.computation_class = tracing_computation_class(type(state).computation_class)
    for earlier in txs[:index]:
        state.apply_transaction(earlier)
        state.lock_changes()
    tx = txs[index]
    computation = state.apply_transaction(tx)

    receipt = record.receipts_json[index]
    is_create = not tx.to
    frame = _frame(
        call_type="CREATE" if is_create else "CALL",
        sender=tx.sender,
        to=bytes.fromhex(receipt["contractAddress"][2:]) if is_create else tx.to,
        value=tx.value,
        gas=tx.gas,
        gas_used=record.gas_used[index],
        data=tx.data,
        computation=computation,
    )
    if not only_top:
        _add_children(frame, computation, ancestors_failed=computation.is_error, with_log=with_log)
    if with_log:
        _add_logs(frame, computation, failed=computation.is_error)
    return frame


def _frame(
    call_type: str,
    sender: bytes,
    to: bytes,
    value: int,
    gas: int,
    gas_used: int,
    data: bytes,
    computation: Any,
) -> dict:
    frame: dict[str, Any] = {
        "type": call_type,
        "from": ser.address(sender),
        "to": ser.address(to),
        "gas": ser.qty(gas),
        "gasUsed": ser.qty(gas_used),
        "input": ser.data(bytes(data)),
    }
    if call_type in VALUE_CARRYING:
        frame["value"] = ser.qty(value)
    if computation.is_error:
        error = computation.error
        frame["error"] = vm_error_message(error)
        if isinstance(error, Revert):
            output = bytes(computation.output)
            frame["output"] = ser.data(output)
            reason = decode_revert_reason(output)
            if reason is not None:
                frame["revertReason"] = reason
    else:
        output = bytes(computation.output)
        if output:
            frame["output"] = ser.data(output)
    return frame


def _add_children(frame: dict, computation: Any, ancestors_failed: bool, with_log: bool) -> None:
    calls = []
    for child in computation.children:
        msg = child.msg
        call_type = getattr(child, "trace_call_type", "CALL")
        is_create = call_type in ("CREATE", "CREATE2")
        child_frame = _frame(
            call_type=call_type,
            # For DELEGATECALL the message sender is the original caller; geth
            # reports the contract that executed the opcode, i.e. the parent.
            sender=computation.msg.storage_address,
            to=msg.storage_address if is_create else msg.code_address,
            value=msg.value,
            gas=msg.gas,
            gas_used=child.get_gas_used(),
            data=msg.code if is_create else msg.data,
            computation=child,
        )
        failed = ancestors_failed or child.is_error
        _add_children(child_frame, child, failed, with_log)
        if with_log:
            _add_logs(child_frame, child, failed)
        calls.append(child_frame)
    if calls:
        frame["calls"] = calls


def _add_logs(frame: dict, computation: Any, failed: bool) -> None:
    # Logs of a frame that (or whose ancestor) failed were rolled back; geth drops them too.
    if failed:
        return
    logs = [
        {
            "address": ser.address(address),
            "topics": [ser.topic_hex(t) for t in topics],
            "data": ser.data(bytes(data)),
        }
        for _counter, address, topics, data in computation._log_entries
    ]
    if logs:
        frame["logs"] = logs
