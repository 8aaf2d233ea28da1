"""One test (or more) per eth-tester defect the dev node fixes.

Numbering follows devnode/README.md: (1) foreign chain id accepted, (2) revert
data dropped, (3) per-transaction logIndex, (4) no logsBloom, (5) blockHash /
EIP-1898 block parameters, (6) evm_revert returns null, (7) linear scans
instead of indexes. Defect 8 (Nagle) is in test_devnode_protocol.py.
"""

from __future__ import annotations

import os
import time

import pytest
from eth_abi import encode
from eth_bloom import BloomFilter
from eth_utils import keccak

from devnode_fixture import (
    ACCOUNT0,
    ACCOUNT1,
    KEY1,
    RpcClient,
    RpcFailure,
    calldata,
    compile_fixture,
    deploy,
    sign,
    transact,
)

pytest_plugins = ["devnode_fixture"]

PING_TOPIC = "0x" + keccak(text="Ping(address,uint256,uint256)").hex()


@pytest.fixture(scope="module")
def emitter(devnode) -> str:
    client = RpcClient(devnode.url)
    try:
        return deploy(client, "LogEmitter")
    finally:
        client.close()


@pytest.fixture(scope="module")
def reverter(devnode) -> str:
    client = RpcClient(devnode.url)
    try:
        return deploy(client, "Reverter")
    finally:
        client.close()


def emit(rpc, emitter: str, n: int, gas: int | None = None) -> dict:
    receipt = transact(rpc, emitter, calldata("emit_logs(uint256)", ["uint256"], [n]), gas=gas)
    assert receipt["status"] == "0x1"
    return receipt


def nonce_of(rpc, account: str) -> int:
    return int(rpc.call("eth_getTransactionCount", account, "latest"), 16)


# ---------------------------------------------------------------- defect 1


def test_1_raw_transaction_for_another_chain_is_rejected(rpc):
    head = rpc.call("eth_blockNumber")
    nonce = nonce_of(rpc, ACCOUNT1)
    dynamic = {"to": ACCOUNT0, "value": 1, "gas": 21000, "nonce": nonce,
               "maxFeePerGas": 10**11, "maxPriorityFeePerGas": 10**9}
    legacy = {"to": ACCOUNT0, "value": 1, "gas": 21000, "nonce": nonce, "gasPrice": 10**11}

    for raw in (sign({**dynamic, "chainId": 1}, KEY1), sign({**legacy, "chainId": 11155111}, KEY1)):
        with pytest.raises(RpcFailure) as err:
            rpc.call("eth_sendRawTransaction", raw)
        assert err.value.code == -32000
        assert "invalid chain id for signer" in err.value.message and "want 31337" in err.value.message

    with pytest.raises(RpcFailure) as err:  # pre-EIP-155: no chain id at all
        rpc.call("eth_sendRawTransaction", sign(legacy, KEY1))
    assert "replay-protected" in err.value.message
    assert rpc.call("eth_blockNumber") == head, "a rejected transaction was mined"

    for fields in ({**legacy, "chainId": 31337}, {**dynamic, "chainId": 31337, "nonce": nonce + 1}):
        tx_hash = rpc.call("eth_sendRawTransaction", sign(fields, KEY1))
        assert rpc.call("eth_getTransactionReceipt", tx_hash)["status"] == "0x1"
        assert rpc.call("eth_getTransactionByHash", tx_hash)["chainId"] == "0x7a69"


def test_1_chainid_opcode_sees_the_node_chain_id(rpc, reverter):
    out = rpc.call("eth_call", {"to": reverter, "data": calldata("chain_id()")})
    assert int(out, 16) == 31337


# ---------------------------------------------------------------- defect 2


def test_2_eth_call_returns_exact_revert_data(rpc, reverter):
    expected = bytes.fromhex("08c379a0") + encode(["string"], ["Reverter: no luck"])
    for method in ("eth_call", "eth_estimateGas"):
        error = rpc.request(method, {"from": ACCOUNT1, "to": reverter, "data": calldata("fail_with_reason()")})["error"]
        assert error == {
            "code": 3,
            "message": "execution reverted: Reverter: no luck",
            "data": "0x" + expected.hex(),
        }


def test_2_custom_error_and_empty_revert_keep_their_bytes(rpc, reverter):
    custom = rpc.request("eth_call", {"from": ACCOUNT1, "to": reverter, "data": calldata("fail_with_custom_error()")})
    expected = keccak(text="Unauthorized(address,uint256)")[:4] + encode(["address", "uint256"], [ACCOUNT1, 42])
    assert custom["error"] == {"code": 3, "message": "execution reverted", "data": "0x" + expected.hex()}

    empty = rpc.request("eth_call", {"to": reverter, "data": calldata("fail_empty()")}, "latest")
    assert empty["error"] == {"code": 3, "message": "execution reverted", "data": "0x"}


def test_2_mined_revert_is_a_failed_receipt_not_an_rpc_error(rpc, reverter):
    receipt = transact(rpc, reverter, calldata("fail_with_reason()"), gas=100_000)
    assert receipt["status"] == "0x0"


# ---------------------------------------------------------------- defects 3 and 4


def test_3_log_index_and_receipts_agree_with_get_logs(rpc, emitter):
    receipt = emit(rpc, emitter, 5)
    logs = receipt["logs"]
    assert [log["logIndex"] for log in logs] == ["0x0", "0x1", "0x2", "0x3", "0x4"]
    assert {log["blockHash"] for log in logs} == {receipt["blockHash"]}
    by_block = rpc.call("eth_getLogs", {"blockHash": receipt["blockHash"]})
    by_range = rpc.call("eth_getLogs", {"fromBlock": receipt["blockNumber"], "toBlock": receipt["blockNumber"]})
    assert by_block == logs == by_range
    assert rpc.call("eth_getBlockReceipts", receipt["blockNumber"]) == [receipt]


def test_3_log_index_counts_across_transactions_of_one_block():
    """Instant mining puts one transaction in a block, so build a three-
    transaction block in-process through the node's own mining path."""
    from devnode.chain import DevChain

    node = DevChain(accounts=1)
    sender = node.accounts[0]
    _abi, bytecode = compile_fixture("LogEmitter")
    receipt = node.receipt(node.send_transaction({"from": sender, "data": bytes.fromhex(bytecode[2:])}))
    address = receipt["contractAddress"]
    nonce = node.get_nonce(sender, ("tag", "latest", False))
    key = "0x" + node.keys[sender].hex()
    txs = [
        node._decode_raw(bytes.fromhex(sign({
            "chainId": 31337, "nonce": nonce + i, "to": address, "gas": 500_000,
            "maxFeePerGas": 10**11, "maxPriorityFeePerGas": 10**9,
            "data": calldata("emit_logs(uint256)", ["uint256"], [n]),
        }, key)[2:]))
        for i, n in enumerate([2, 0, 3])
    ]
    record = node.mine_transactions(txs)

    per_receipt = [[log["logIndex"] for log in r["logs"]] for r in record.receipts_json]
    assert per_receipt == [["0x0", "0x1"], [], ["0x2", "0x3", "0x4"]]
    all_logs = node.get_logs(record.hash, None, None, None, [])
    assert all_logs == [log for r in record.receipts_json for log in r["logs"]]
    assert [log["transactionIndex"] for log in all_logs] == ["0x0", "0x0", "0x2", "0x2", "0x2"]
    # Defect 4: our eth-bloom block bloom equals the one py-evm hashed into the header.
    assert int(record.header_json["logsBloom"], 16) == record.header.bloom
    assert int(record.receipts_json[1]["logsBloom"], 16) == 0


def test_4_logs_bloom_contains_address_and_topics(rpc, emitter):
    receipt = emit(rpc, emitter, 3)
    block = rpc.call("eth_getBlockByHash", receipt["blockHash"], False)
    for bloom_hex in (receipt["logsBloom"], block["logsBloom"]):
        assert len(bloom_hex) == 2 + 512
        bloom = BloomFilter(int(bloom_hex, 16))
        assert bytes.fromhex(emitter[2:]) in bloom
        for log in receipt["logs"]:
            for topic in log["topics"]:
                assert bytes.fromhex(topic[2:]) in bloom
        assert os.urandom(32) not in bloom  # false positive odds here: ~1e-5

    transfer = rpc.call("eth_getTransactionReceipt", rpc.call(
        "eth_sendTransaction", {"from": ACCOUNT0, "to": ACCOUNT1, "value": "0x1"}))
    assert transfer["logsBloom"] == "0x" + "00" * 256


# ---------------------------------------------------------------- defect 5


def test_5_get_logs_by_block_hash(rpc, emitter):
    first = emit(rpc, emitter, 2)
    emit(rpc, emitter, 4)
    logs = rpc.call("eth_getLogs", {"blockHash": first["blockHash"], "address": emitter, "topics": [PING_TOPIC]})
    assert logs == first["logs"]
    unknown = rpc.request("eth_getLogs", {"blockHash": "0x" + "ab" * 32})
    assert unknown["error"]["code"] == -32000


def test_5_eip1898_block_objects_for_call_and_state(rpc, reverter):
    store = calldata("store(uint256)", ["uint256"], [7])
    at_seven = transact(rpc, reverter, store)
    transact(rpc, reverter, calldata("store(uint256)", ["uint256"], [9]))
    read = {"to": reverter, "data": calldata("value()")}

    assert int(rpc.call("eth_call", read, "latest"), 16) == 9
    assert int(rpc.call("eth_call", read, {"blockHash": at_seven["blockHash"]}), 16) == 7
    assert int(rpc.call("eth_call", read, {"blockHash": at_seven["blockHash"], "requireCanonical": True}), 16) == 7
    assert int(rpc.call("eth_call", read, {"blockNumber": at_seven["blockNumber"]}), 16) == 7
    slot0 = rpc.call("eth_getStorageAt", reverter, "0x0", {"blockHash": at_seven["blockHash"]})
    assert int(slot0, 16) == 7

    genesis = rpc.call("eth_getBlockByNumber", "earliest", False)
    balance = rpc.call("eth_getBalance", ACCOUNT0, {"blockHash": genesis["hash"]})
    assert int(balance, 16) == 10_000 * 10**18
    missing = rpc.request("eth_call", read, {"blockHash": "0x" + "cd" * 32})
    assert missing["error"]["code"] == -32000


# ---------------------------------------------------------------- defect 6


def test_6_evm_revert_returns_a_boolean(rpc):
    snapshot = rpc.call("evm_snapshot")
    rpc.call("evm_mine")
    assert rpc.call("evm_revert", snapshot) is True
    assert rpc.call("evm_revert", snapshot) is False  # consumed
    assert rpc.call("evm_revert", "0x7fffffff") is False


# ---------------------------------------------------------------- defect 7


def test_7_ten_thousand_logs_come_back_fast(devnode, rpc):
    emitter = deploy(rpc, "LogEmitter")
    start_block = rpc.call("eth_blockNumber")
    t0 = time.perf_counter()
    for _ in range(5):
        emit(rpc, emitter, 2000, gas=5_000_000)
    mined = time.perf_counter() - t0

    query = {"fromBlock": start_block, "toBlock": "latest", "address": emitter, "topics": [PING_TOPIC]}
    timings = []
    for _ in range(3):
        client = RpcClient(devnode.url)  # includes connecting and the client's JSON parsing
        t0 = time.perf_counter()
        logs = client.call("eth_getLogs", query)
        timings.append(time.perf_counter() - t0)
        client.close()
    print(f"\n10k logs: mined 5x2000 in {mined:.2f}s; eth_getLogs "
          + ", ".join(f"{t * 1000:.0f} ms" for t in timings))
    assert len(logs) == 10_000
    assert [int(log["topics"][2], 16) for log in logs] == list(range(10_000))  # Ping.seq, in order
    for block in {log["blockNumber"] for log in logs}:
        indexes = [int(log["logIndex"], 16) for log in logs if log["blockNumber"] == block]
        assert indexes == list(range(2000))
    assert min(timings[1:]) < 1.0
