"""debug_traceTransaction with the callTracer: nested CALL / STATICCALL /
DELEGATECALL frames, a reverted inner call, contract creation."""

from __future__ import annotations

import pytest

from devnode_fixture import ACCOUNT0, RpcFailure, calldata, compile_fixture, deploy, transact

pytest_plugins = ["devnode_fixture"]

CALL_TRACER = {"tracer": "callTracer"}


@pytest.fixture(scope="module")
def contracts(devnode):
    from devnode_fixture import RpcClient

    client = RpcClient(devnode.url)
    try:
        return {name: deploy(client, name) for name in ("LogEmitter", "Reverter", "Relay")}
    finally:
        client.close()


def test_nested_calls_including_delegatecall(rpc, contracts):
    emitter, relay = contracts["LogEmitter"], contracts["Relay"]
    emit_input = calldata("emit_logs(uint256)", ["uint256"], [2])
    receipt = transact(rpc, relay, calldata("relay(address,uint256)", ["address", "uint256"], [emitter, 2]))
    trace = rpc.call("debug_traceTransaction", receipt["transactionHash"], CALL_TRACER)

    assert trace["type"] == "CALL"
    assert trace["from"] == ACCOUNT0.lower() and trace["to"] == relay
    assert trace["gasUsed"] == receipt["gasUsed"]
    assert "error" not in trace
    calls = trace["calls"]
    assert [c["type"] for c in calls] == ["CALL", "STATICCALL", "DELEGATECALL"]
    for frame in calls:
        assert frame["from"] == relay and frame["to"] == emitter
        assert int(frame["gasUsed"], 16) <= int(frame["gas"], 16)
    assert calls[0]["input"] == emit_input and calls[0]["value"] == "0x0"
    assert calls[1]["input"] == calldata("counter()") and "value" not in calls[1]
    assert int(calls[1]["output"], 16) == int(trace["output"], 16)  # relay returns what it read
    assert calls[2]["input"] == emit_input and "value" not in calls[2]


def test_with_log_puts_logs_in_the_emitting_frame(rpc, contracts):
    emitter, relay = contracts["LogEmitter"], contracts["Relay"]
    receipt = transact(rpc, relay, calldata("relay(address,uint256)", ["address", "uint256"], [emitter, 1]))
    trace = rpc.call(
        "debug_traceTransaction", receipt["transactionHash"],
        {"tracer": "callTracer", "tracerConfig": {"withLog": True}},
    )
    call, _static, delegate = trace["calls"]
    assert [log["address"] for log in call["logs"]] == [emitter]
    # Code runs in the proxy's context under DELEGATECALL, so the log is the proxy's.
    assert [log["address"] for log in delegate["logs"]] == [relay]
    flat = [(log["address"], log["topics"]) for log in receipt["logs"]]
    assert flat == [(log["address"], log["topics"]) for f in (call, delegate) for log in f["logs"]]

    top_only = rpc.call(
        "debug_traceTransaction", receipt["transactionHash"],
        {"tracer": "callTracer", "tracerConfig": {"onlyTopCall": True}},
    )
    assert "calls" not in top_only and top_only["to"] == relay


def test_reverted_inner_call_reports_error_and_reason(rpc, contracts):
    relay, reverter = contracts["Relay"], contracts["Reverter"]
    inner = bytes.fromhex(calldata("fail_with_reason()")[2:])
    receipt = transact(
        rpc, relay, calldata("try_call(address,bytes)", ["address", "bytes"], [reverter, inner]), gas=200_000
    )
    assert receipt["status"] == "0x1"
    trace = rpc.call("debug_traceTransaction", receipt["transactionHash"], CALL_TRACER)
    assert "error" not in trace
    (frame,) = trace["calls"]
    assert frame["to"] == reverter
    assert frame["error"] == "execution reverted"
    assert frame["revertReason"] == "Reverter: no luck"
    assert frame["output"].startswith("0x08c379a0")


def test_failed_transaction_and_contract_creation(rpc, contracts):
    reverter = contracts["Reverter"]
    failed = transact(rpc, reverter, calldata("fail_with_reason()"), gas=100_000)
    trace = rpc.call("debug_traceTransaction", failed["transactionHash"], CALL_TRACER)
    assert trace["error"] == "execution reverted" and trace["revertReason"] == "Reverter: no luck"

    _abi, bytecode = compile_fixture("LogEmitter")
    tx_hash = rpc.call("eth_sendTransaction", {"from": ACCOUNT0, "data": bytecode})
    receipt = rpc.call("eth_getTransactionReceipt", tx_hash)
    created = rpc.call("debug_traceTransaction", tx_hash, CALL_TRACER)
    assert created["type"] == "CREATE"
    assert created["to"] == receipt["contractAddress"]
    assert created["input"] == bytecode
    assert created["output"] == rpc.call("eth_getCode", receipt["contractAddress"], "latest")


def test_unknown_transaction_and_tracer(rpc):
    with pytest.raises(RpcFailure) as err:
        rpc.call("debug_traceTransaction", "0x" + "00" * 32, CALL_TRACER)
    assert err.value.code == -32000
    with pytest.raises(RpcFailure) as err:
        rpc.call("debug_traceTransaction", "0x" + "00" * 32, {})
    assert err.value.code == -32602
