"""py-evm objects -> geth-shaped JSON-RPC objects (camelCase keys, hex values).

We serialise straight from py-evm instead of going through eth-tester's
serializers and normaliser: those produce snake_case keys, pad ``extraData``
to 32 bytes (which breaks header re-hashing), number logs per transaction and
leave out ``logsBloom`` on receipts. Addresses are lowercase hex, as geth
returns them.
"""

from __future__ import annotations

from typing import Any

from eth._utils.address import generate_contract_address

LEGACY_TX_TYPE = 0
DYNAMIC_FEE_TX_TYPE = 2


def qty(value: int) -> str:
    return hex(value)


def data(value: bytes) -> str:
    return "0x" + bytes(value).hex()


def address(value: bytes | None) -> str | None:
    if not value:  # b"" is py-evm's "no recipient" (contract creation)
        return None
    return "0x" + bytes(value).hex()


def bloom_hex(value: int) -> str:
    return "0x" + value.to_bytes(256, "big").hex()


def topic_hex(value: int) -> str:
    return "0x" + value.to_bytes(32, "big").hex()


def tx_type(tx: Any) -> int:
    return getattr(tx, "type_id", None) or LEGACY_TX_TYPE


def effective_gas_price(tx: Any, base_fee: int) -> int:
    if tx_type(tx) >= DYNAMIC_FEE_TX_TYPE:
        return min(tx.max_fee_per_gas, base_fee + tx.max_priority_fee_per_gas)
    return tx.gas_price


def effective_tip(tx: Any, base_fee: int) -> int:
    return effective_gas_price(tx, base_fee) - base_fee


def serialize_header(block: Any, size: int, logs_bloom: int) -> dict:
    h = block.header
    out = {
        "number": qty(h.block_number),
        "hash": data(h.hash),
        "parentHash": data(h.parent_hash),
        "nonce": data(h.nonce),
        "sha3Uncles": data(h.uncles_hash),
        "logsBloom": bloom_hex(logs_bloom),
        "transactionsRoot": data(h.transaction_root),
        "stateRoot": data(h.state_root),
        "receiptsRoot": data(h.receipt_root),
        "miner": "0x" + bytes(h.coinbase).hex(),
        "difficulty": qty(h.difficulty),
        "totalDifficulty": qty(h.difficulty),
        "extraData": data(h.extra_data),
        "size": qty(size),
        "gasLimit": qty(h.gas_limit),
        "gasUsed": qty(h.gas_used),
        "timestamp": qty(h.timestamp),
        "mixHash": data(h.mix_hash),
        "uncles": [],
    }
    # Post-London/Shanghai/Cancun/Prague header fields, present when the fork has them.
    optional = (
        ("baseFeePerGas", "base_fee_per_gas", qty),
        ("withdrawalsRoot", "withdrawals_root", data),
        ("blobGasUsed", "blob_gas_used", qty),
        ("excessBlobGas", "excess_blob_gas", qty),
        ("parentBeaconBlockRoot", "parent_beacon_block_root", data),
        ("requestsHash", "requests_hash", data),
    )
    for key, attr, fmt in optional:
        value = getattr(h, attr, None)
        if value is not None:
            out[key] = fmt(value)
    if getattr(h, "withdrawals_root", None) is not None:
        out["withdrawals"] = [
            {
                "index": qty(w.index),
                "validatorIndex": qty(w.validator_index),
                "address": address(w.address),
                "amount": qty(w.amount),
            }
            for w in getattr(block, "withdrawals", ())
        ]
    return out


def serialize_transaction(tx: Any, block: Any, index: int) -> dict:
    header = block.header
    kind = tx_type(tx)
    base_fee = getattr(header, "base_fee_per_gas", None) or 0
    out = {
        "blockHash": data(header.hash),
        "blockNumber": qty(header.block_number),
        "from": address(tx.sender),
        "gas": qty(tx.gas),
        "gasPrice": qty(effective_gas_price(tx, base_fee)),
        "hash": data(tx.hash),
        "input": data(tx.data),
        "nonce": qty(tx.nonce),
        "to": address(tx.to),
        "transactionIndex": qty(index),
        "value": qty(tx.value),
        "type": qty(kind),
    }
    if kind == LEGACY_TX_TYPE:
        if tx.chain_id is not None:
            out["chainId"] = qty(tx.chain_id)
        out["v"] = qty(tx.v)
    else:
        out["chainId"] = qty(tx.chain_id)
        out["accessList"] = [
            {
                "address": address(item.account if hasattr(item, "account") else item[0]),
                "storageKeys": [topic_hex(k) for k in (item.storage_keys if hasattr(item, "storage_keys") else item[1])],
            }
            for item in tx.access_list
        ]
        if kind >= DYNAMIC_FEE_TX_TYPE:
            out["maxFeePerGas"] = qty(tx.max_fee_per_gas)
            out["maxPriorityFeePerGas"] = qty(tx.max_priority_fee_per_gas)
        if kind == 3:
            out["maxFeePerBlobGas"] = qty(tx.max_fee_per_blob_gas)
            out["blobVersionedHashes"] = [data(h) for h in tx.blob_versioned_hashes]
        if kind == 4:
            out["authorizationList"] = [
                {
                    "chainId": qty(a.chain_id),
                    "address": address(a.address),
                    "nonce": qty(a.nonce),
                    "yParity": qty(a.y_parity),
                    "r": qty(a.r),
                    "s": qty(a.s),
                }
                for a in tx.authorization_list
            ]
        out["v"] = qty(tx.y_parity)
        out["yParity"] = qty(tx.y_parity)
    out["r"] = qty(tx.r)
    out["s"] = qty(tx.s)
    return out


def serialize_log(log: Any, log_index: int, tx: Any, tx_index: int, header: Any) -> dict:
    return {
        "address": address(log.address),
        "topics": [topic_hex(t) for t in log.topics],
        "data": data(log.data),
        "blockNumber": qty(header.block_number),
        "blockHash": data(header.hash),
        "blockTimestamp": qty(header.timestamp),
        "transactionHash": data(tx.hash),
        "transactionIndex": qty(tx_index),
        "logIndex": qty(log_index),
        "removed": False,
    }


def serialize_receipt(
    tx: Any,
    tx_index: int,
    receipt: Any,
    gas_used: int,
    logs_json: list,
    receipt_bloom: int,
    header: Any,
) -> dict:
    base_fee = getattr(header, "base_fee_per_gas", None) or 0
    # Post-Byzantium py-evm stores the status byte in ``state_root``.
    status = 1 if receipt.state_root == b"\x01" else 0
    out = {
        "transactionHash": data(tx.hash),
        "transactionIndex": qty(tx_index),
        "blockHash": data(header.hash),
        "blockNumber": qty(header.block_number),
        "from": address(tx.sender),
        "to": address(tx.to),
        "cumulativeGasUsed": qty(receipt.gas_used),
        "gasUsed": qty(gas_used),
        "effectiveGasPrice": qty(effective_gas_price(tx, base_fee)),
        "contractAddress": (
            address(generate_contract_address(tx.sender, tx.nonce)) if not tx.to else None
        ),
        "logs": logs_json,
        "logsBloom": bloom_hex(receipt_bloom),
        "type": qty(tx_type(tx)),
        "status": qty(status),
    }
    return out
