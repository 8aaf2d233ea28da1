"""An independent client (web3.py HTTPProvider) against the dev node, and a
reorg made with evm_snapshot/evm_revert."""

from __future__ import annotations

import warnings

import pytest

with warnings.catch_warnings():
    # web3 imports websockets.legacy, which warns on import; nothing we can act on.
    warnings.simplefilter("ignore", DeprecationWarning)
    from web3 import HTTPProvider, Web3
    from web3.exceptions import ContractCustomError, ContractLogicError

from devnode_fixture import ACCOUNT0, ACCOUNT1, KEY1, calldata, compile_fixture, deploy, sign, transact

pytest_plugins = ["devnode_fixture"]


@pytest.fixture(scope="module")
def w3(devnode) -> Web3:
    return Web3(HTTPProvider(devnode.url, request_kwargs={"timeout": 60}))


def test_web3_deploys_calls_and_reads_logs(w3):
    assert w3.is_connected()
    assert w3.eth.chain_id == 31337
    assert w3.eth.accounts[:2] == [ACCOUNT0, ACCOUNT1]

    abi, bytecode = compile_fixture("LogEmitter")
    deploy_hash = w3.eth.contract(abi=abi, bytecode=bytecode).constructor().transact({"from": ACCOUNT0})
    deployed = w3.eth.wait_for_transaction_receipt(deploy_hash, timeout=30)
    emitter = w3.eth.contract(address=deployed.contractAddress, abi=abi)
    assert emitter.functions.counter().call() == 0

    receipt = w3.eth.wait_for_transaction_receipt(
        emitter.functions.emit_logs(3).transact({"from": ACCOUNT0}), timeout=30
    )
    assert receipt.status == 1
    events = emitter.events.Ping().get_logs(from_block=receipt.blockNumber, to_block=receipt.blockNumber)
    assert [(e.args.sender, e.args.seq, e.args.value) for e in events] == [(ACCOUNT0, i, i) for i in range(3)]
    assert [e.logIndex for e in events] == [0, 1, 2]
    assert emitter.events.Ping().process_receipt(receipt)[2].args.seq == 2
    assert emitter.functions.counter().call() == 3
    # Pinned reads: by block number and by block hash (web3 sends the bare hash).
    assert emitter.functions.counter().call(block_identifier=deployed.blockNumber) == 0
    assert emitter.functions.counter().call(block_identifier=receipt.blockHash) == 3


def test_web3_locally_signed_transaction_and_reverts(w3):
    abi, bytecode = compile_fixture("Reverter")
    receipt = w3.eth.wait_for_transaction_receipt(
        w3.eth.contract(abi=abi, bytecode=bytecode).constructor().transact({"from": ACCOUNT0}), timeout=30
    )
    reverter = w3.eth.contract(address=receipt.contractAddress, abi=abi)

    tx = reverter.functions.store(11).build_transaction({
        "from": ACCOUNT1, "nonce": w3.eth.get_transaction_count(ACCOUNT1), "chainId": 31337,
    })
    signed = w3.eth.account.sign_transaction(tx, KEY1)
    tx_hash = w3.eth.send_raw_transaction(signed.raw_transaction)
    assert w3.eth.wait_for_transaction_receipt(tx_hash, timeout=30).status == 1
    assert reverter.functions.value().call() == 11

    with pytest.raises(ContractLogicError) as err:
        reverter.functions.fail_with_reason().call()
    assert "Reverter: no luck" in str(err.value)
    with pytest.raises(ContractCustomError) as err:
        reverter.functions.fail_with_custom_error().call({"from": ACCOUNT1})
    assert err.value.data.startswith("0x" + Web3.keccak(text="Unauthorized(address,uint256)")[:4].hex())


def test_reorg_replaces_blocks_at_the_same_heights(rpc):
    emitter = deploy(rpc, "LogEmitter")
    nonce = int(rpc.call("eth_getTransactionCount", ACCOUNT1, "latest"), 16)
    raw_a = sign({"chainId": 31337, "nonce": nonce, "to": emitter, "gas": 200_000,
                  "maxFeePerGas": 10**11, "maxPriorityFeePerGas": 10**9,
                  "data": calldata("emit_logs(uint256)", ["uint256"], [2])}, KEY1)

    snapshot = rpc.call("evm_snapshot")
    base = int(rpc.call("eth_blockNumber"), 16)
    tx_a = rpc.call("eth_sendRawTransaction", raw_a)
    rpc.call("evm_mine")
    old = [rpc.call("eth_getBlockByNumber", hex(base + i), False) for i in (1, 2)]
    assert old[0]["transactions"] == [tx_a]

    assert rpc.call("evm_revert", snapshot) is True
    assert int(rpc.call("eth_blockNumber"), 16) == base
    assert rpc.call("eth_getTransactionReceipt", tx_a) is None
    assert rpc.call("eth_getTransactionByHash", tx_a) is None
    assert rpc.call("eth_getBlockByHash", old[0]["hash"], False) is None
    assert rpc.call("eth_getBlockByNumber", hex(base + 1), False) is None
    assert rpc.call("eth_getLogs", {"fromBlock": hex(base), "address": emitter}) == []
    assert rpc.request("eth_getLogs", {"blockHash": old[0]["hash"]})["error"]["code"] == -32000

    # A different transaction at height base+1, then an empty block at base+2.
    tx_b = transact(rpc, emitter, calldata("emit_logs(uint256)", ["uint256"], [1]))["transactionHash"]
    rpc.call("evm_mine")
    new = [rpc.call("eth_getBlockByNumber", hex(base + i), False) for i in (1, 2)]
    assert new[0]["transactions"] == [tx_b]
    for before, after in zip(old, new):
        assert after["number"] == before["number"]
        assert after["hash"] != before["hash"]
        assert int(after["timestamp"], 16) > int(before["timestamp"], 16)
    assert new[0]["parentHash"] == old[0]["parentHash"]
    assert new[1]["parentHash"] == new[0]["hash"]
    logs = rpc.call("eth_getLogs", {"fromBlock": hex(base), "address": emitter})
    assert [log["transactionHash"] for log in logs] == [tx_b]

    # The dropped transaction can be replayed; the indexes learn its new block.
    assert rpc.call("eth_sendRawTransaction", raw_a) == tx_a
    replayed = rpc.call("eth_getTransactionReceipt", tx_a)
    assert replayed["blockNumber"] == hex(base + 3) and replayed["blockHash"] != old[0]["hash"]
