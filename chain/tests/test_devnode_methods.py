"""The remaining RPC methods: identity, accounts, block tags, transaction and
receipt shapes, state reads, fees, time travel and mining."""

from __future__ import annotations

import time

import pytest

from devnode_fixture import ACCOUNT0, ACCOUNT1, KEY1, RpcFailure, calldata, deploy, sign, transact

pytest_plugins = ["devnode_fixture"]

HARDHAT_ACCOUNTS = [
    "0xf39fd6e51aad88f6f4ce6ab8827279cfffb92266",
    "0x70997970c51812dc3a010c7d01b50e0d17dc79c8",
    "0x3c44cdddb6a900fa2b585dd299e03d12fa4293bc",
    "0x90f79bf6eb2c4f870365e785982e1f101e93b906",
    "0x15d34aaf54267db7d7c367839aaf71a00a2c6a65",
    "0x9965507d1a55bcc2695c58ba16fb37d819b0a4dc",
    "0x976ea74026e726554db657fa54763abd0c3a0aa9",
    "0x14dc79964da2c08b23698b3d3cc7ca32193d9955",
    "0x23618e81e3f5cdf7f54c3d65f7fbc0abf5b21e8f",
    "0xa0ee7a142d267c1f36714e4a8f75612f20a79720",
]


def test_identity_and_accounts(rpc):
    assert rpc.call("web3_clientVersion").startswith("takumi-devnode/")
    assert rpc.call("net_version") == "31337"
    assert rpc.call("eth_chainId") == "0x7a69"
    assert rpc.call("eth_syncing") is False
    assert rpc.call("eth_accounts") == HARDHAT_ACCOUNTS
    for account in HARDHAT_ACCOUNTS:
        assert int(rpc.call("eth_getBalance", account, "earliest"), 16) == 10_000 * 10**18


def test_block_tags_and_shapes(rpc):
    rpc.call("eth_sendTransaction", {"from": ACCOUNT0, "to": ACCOUNT1, "value": "0x1"})
    head = rpc.call("eth_blockNumber")
    for tag in ("latest", "pending", "safe", "finalized"):
        assert rpc.call("eth_getBlockByNumber", tag, False)["number"] == head
    assert rpc.call("eth_getBlockByNumber", "earliest", False)["number"] == "0x0"
    assert rpc.call("eth_getBlockByNumber", hex(int(head, 16) + 100), False) is None
    assert rpc.call("eth_getBlockByHash", "0x" + "12" * 32, True) is None

    by_hashes = rpc.call("eth_getBlockByNumber", head, False)
    full = rpc.call("eth_getBlockByHash", by_hashes["hash"], True)
    assert [tx["hash"] for tx in full["transactions"]] == by_hashes["transactions"]
    assert {k: v for k, v in full.items() if k != "transactions"} == {
        k: v for k, v in by_hashes.items() if k != "transactions"
    }
    for key in ("parentHash", "stateRoot", "receiptsRoot", "transactionsRoot", "logsBloom",
                "baseFeePerGas", "gasLimit", "gasUsed", "timestamp", "mixHash", "miner", "size"):
        assert key in full
    assert rpc.call("eth_getBlockTransactionCountByHash", full["hash"]) == "0x1"


def test_transaction_and_receipt_fields(rpc):
    nonce = int(rpc.call("eth_getTransactionCount", ACCOUNT0, "latest"), 16)
    tx_hash = rpc.call("eth_sendTransaction", {"from": ACCOUNT0, "to": ACCOUNT1, "value": "0x2a"})
    assert int(rpc.call("eth_getTransactionCount", ACCOUNT0, "pending"), 16) == nonce + 1
    tx = rpc.call("eth_getTransactionByHash", tx_hash)
    receipt = rpc.call("eth_getTransactionReceipt", tx_hash)
    assert tx["hash"] == tx_hash and tx["from"] == ACCOUNT0.lower() and tx["to"] == ACCOUNT1.lower()
    assert tx["value"] == "0x2a" and tx["nonce"] == hex(nonce) and tx["type"] == "0x2"
    assert tx["chainId"] == "0x7a69" and tx["input"] == "0x" and tx["gas"] == "0x5208"
    assert {"r", "s", "v", "yParity", "maxFeePerGas", "maxPriorityFeePerGas"} <= tx.keys()
    assert tx["blockHash"] == receipt["blockHash"] and tx["transactionIndex"] == "0x0"
    assert receipt["status"] == "0x1" and receipt["gasUsed"] == "0x5208"
    assert receipt["cumulativeGasUsed"] == "0x5208" and receipt["contractAddress"] is None
    assert receipt["logs"] == [] and int(receipt["effectiveGasPrice"], 16) > 0
    assert rpc.call("eth_getTransactionByHash", "0x" + "00" * 32) is None
    assert rpc.call("eth_getTransactionReceipt", "0x" + "00" * 32) is None


def test_state_reads(rpc):
    reverter = deploy(rpc, "Reverter")
    assert len(rpc.call("eth_getCode", reverter, "latest")) > 100
    assert rpc.call("eth_getCode", ACCOUNT1, "latest") == "0x"
    transact(rpc, reverter, calldata("store(uint256)", ["uint256"], [5]))
    assert rpc.call("eth_getStorageAt", reverter, "0x0", "latest") == "0x" + "00" * 31 + "05"
    assert rpc.call("eth_getStorageAt", reverter, "0x1") == "0x" + "00" * 32


def test_fee_methods(rpc):
    estimate = rpc.call("eth_estimateGas", {"from": ACCOUNT0, "to": ACCOUNT1, "value": "0x1"})
    assert estimate == "0x5208"
    assert rpc.call("eth_maxPriorityFeePerGas") == hex(10**9)
    assert int(rpc.call("eth_gasPrice"), 16) > 10**9
    head = int(rpc.call("eth_blockNumber"), 16)
    history = rpc.call("eth_feeHistory", "0x3", "latest", [10, 90])
    assert history["oldestBlock"] == hex(head - 2)
    assert len(history["baseFeePerGas"]) == 4 and len(history["gasUsedRatio"]) == 3
    assert len(history["reward"]) == 3 and all(len(r) == 2 for r in history["reward"])


def test_mining_and_time_travel(rpc):
    head = int(rpc.call("eth_blockNumber"), 16)
    assert rpc.call("evm_mine", 3) == "0x0"
    assert rpc.call("evm_mine", {"blocks": 2}) == "0x0"
    assert int(rpc.call("eth_blockNumber"), 16) == head + 5

    # The offset is relative to the wall clock (as in Hardhat); blocks mined
    # in quick succession may already be a few seconds ahead of it.
    now = int(time.time())
    rpc.call("evm_increaseTime", 3600)
    rpc.call("evm_mine")
    after = int(rpc.call("eth_getBlockByNumber", "latest", False)["timestamp"], 16)
    assert after >= now + 3600

    target = after + 1000
    assert rpc.call("evm_setNextBlockTimestamp", target) == hex(target)
    rpc.call("evm_mine")
    assert rpc.call("eth_getBlockByNumber", "latest", False)["timestamp"] == hex(target)
    with pytest.raises(RpcFailure) as err:
        rpc.call("evm_setNextBlockTimestamp", target)
    assert err.value.code == -32000


def test_transaction_rejections_use_geth_wording(rpc):
    with pytest.raises(RpcFailure) as err:
        rpc.call("eth_sendTransaction", {"from": "0x" + "11" * 20, "to": ACCOUNT1})
    assert err.value.code == -32000 and "unknown account" in err.value.message

    nonce = int(rpc.call("eth_getTransactionCount", ACCOUNT1, "latest"), 16)
    base = {"chainId": 31337, "to": ACCOUNT0, "gas": 21000, "maxFeePerGas": 10**11, "maxPriorityFeePerGas": 10**9}
    cases = [
        ({**base, "nonce": nonce + 5, "value": 1}, "nonce too high"),
        ({**base, "nonce": nonce, "value": 10**30}, "insufficient funds"),
        ({**base, "nonce": nonce, "value": 1, "maxFeePerGas": 1, "maxPriorityFeePerGas": 1}, "less than block base fee"),
    ]
    if nonce:
        cases.append(({**base, "nonce": nonce - 1, "value": 1}, "nonce too low"))
    for fields, wording in cases:
        with pytest.raises(RpcFailure) as err:
            rpc.call("eth_sendRawTransaction", sign(fields, KEY1))
        assert err.value.code == -32000 and wording in err.value.message, err.value.message


def test_automine_off_pool_pending_nonce_and_replacement(rpc):
    """evm_setAutomine false: transactions wait (pending nonce counts them), a
    same-nonce replacement needs both fee caps +10 % (geth's rule), evm_mine
    puts every waiting transaction in one block, and the original is gone."""
    rpc.call("evm_setAutomine", False)
    try:
        nonce = int(rpc.call("eth_getTransactionCount", ACCOUNT1, "latest"), 16)
        base = {"chainId": 31337, "gas": 21000, "to": ACCOUNT0, "value": 1}

        def raw(n: int, fee: int, tip: int) -> str:
            return sign({**base, "nonce": n, "maxFeePerGas": fee, "maxPriorityFeePerGas": tip}, KEY1)

        first = rpc.call("eth_sendRawTransaction", raw(nonce, 10**10, 10**9))
        assert rpc.call("eth_getTransactionReceipt", first) is None
        assert rpc.call("eth_getTransactionByHash", first)["blockNumber"] is None
        assert int(rpc.call("eth_getTransactionCount", ACCOUNT1, "pending"), 16) == nonce + 1
        assert int(rpc.call("eth_getTransactionCount", ACCOUNT1, "latest"), 16) == nonce
        with pytest.raises(RpcFailure, match="replacement transaction underpriced"):
            rpc.call("eth_sendRawTransaction", raw(nonce, 10**10 + 10**8, 10**9 + 10**7))  # +1 %
        replacement = rpc.call("eth_sendRawTransaction", raw(nonce, 11 * 10**9, 11 * 10**8))  # +10 %
        second = rpc.call("eth_sendRawTransaction", raw(nonce + 1, 10**10, 10**9))
        pool = rpc.call("txpool_content")["pending"]
        assert sorted(int(n) for n in next(iter(pool.values()))) == [nonce, nonce + 1]
        head = int(rpc.call("eth_blockNumber"), 16)
        rpc.call("evm_mine")
        assert int(rpc.call("eth_blockNumber"), 16) == head + 1
        for tx_hash in (replacement, second):
            receipt = rpc.call("eth_getTransactionReceipt", tx_hash)
            assert int(receipt["blockNumber"], 16) == head + 1 and receipt["status"] == "0x1"
        assert rpc.call("eth_getTransactionReceipt", first) is None
        assert rpc.call("eth_getTransactionByHash", first) is None
    finally:
        rpc.call("evm_setAutomine", True)
