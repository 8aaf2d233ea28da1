"""Reference oracle for the Ethereum module's differential tests.

Runs as one long-lived process per test run (started by PythonOracle.swift with
chain/.venv/bin/python). Protocol: JSON lines. Each request line is
    {"batch": [{"op": "...", ...}, ...]}
and gets one response line
    {"results": [{"ok": <value>} | {"error": "<message>"}, ...]}
in the same order. Bytes travel as 0x-hex, big integers as decimal strings.
The answers come from the Ethereum Foundation's libraries: eth-hash, rlp,
eth-abi, eth-keys (coincurve backend) and eth-account.
"""

import json
import sys

import rlp
from eth_abi import decode as abi_decode
from eth_abi import encode as abi_encode
from eth_abi.grammar import TupleType, parse
from eth_account import Account
from eth_account.messages import _hash_eip191_message, encode_defunct
from eth_hash.auto import keccak
from eth_keys import keys
from eth_utils import (
    event_signature_to_log_topic,
    function_signature_to_4byte_selector,
    to_checksum_address,
)


def unhex(text):
    if not text.startswith("0x"):
        raise ValueError("missing 0x")
    return bytes.fromhex(text[2:])


def tohex(data):
    return "0x" + bytes(data).hex()


def rlp_to_python(item):
    return [rlp_to_python(x) for x in item] if isinstance(item, list) else unhex(item)


def rlp_to_json(item):
    return [rlp_to_json(x) for x in item] if isinstance(item, list) else tohex(item)


def abi_to_python(abi_type, value):
    if abi_type.is_array:
        return [abi_to_python(abi_type.item_type, x) for x in value]
    if isinstance(abi_type, TupleType):
        return tuple(abi_to_python(c, x) for c, x in zip(abi_type.components, value))
    base = abi_type.base
    if base in ("uint", "int"):
        return int(value)
    if base in ("address", "bytes"):
        return unhex(value)
    return value  # bool, string


def abi_to_json(abi_type, value):
    if abi_type.is_array:
        return [abi_to_json(abi_type.item_type, x) for x in value]
    if isinstance(abi_type, TupleType):
        return [abi_to_json(c, x) for c, x in zip(abi_type.components, value)]
    base = abi_type.base
    if base in ("uint", "int"):
        return str(value)
    if base == "address":
        return value.lower()
    if base == "bytes":
        return tohex(value)
    return value


def transaction_dict(tx):
    fields = {
        "nonce": int(tx["nonce"]),
        "gas": int(tx["gasLimit"]),
        "value": int(tx["value"]),
        "data": unhex(tx["data"]),
    }
    if tx.get("to"):
        fields["to"] = to_checksum_address(tx["to"])
    if tx["type"] == 2:
        fields.update(
            type=2,
            chainId=int(tx["chainId"]),
            maxPriorityFeePerGas=int(tx["maxPriorityFeePerGas"]),
            maxFeePerGas=int(tx["maxFeePerGas"]),
            accessList=[
                {"address": to_checksum_address(e["address"]), "storageKeys": e["storageKeys"]}
                for e in tx["accessList"]
            ],
        )
    else:
        fields["gasPrice"] = int(tx["gasPrice"])
        if tx.get("chainId") is not None:
            fields["chainId"] = int(tx["chainId"])
    return fields


def handle(request):
    op = request["op"]
    if op == "keccak":
        return tohex(keccak(unhex(request["data"])))
    if op == "checksum":
        return to_checksum_address(request["address"])
    if op == "rlp_encode":
        return tohex(rlp.encode(rlp_to_python(request["item"])))
    if op == "rlp_decode":
        return rlp_to_json(rlp.decode(unhex(request["data"]), strict=True))
    if op == "abi_encode":
        types = [parse(t) for t in request["types"]]
        values = [abi_to_python(t, v) for t, v in zip(types, request["values"])]
        return tohex(abi_encode(request["types"], values))
    if op == "abi_decode":
        types = [parse(t) for t in request["types"]]
        values = abi_decode(request["types"], unhex(request["data"]), strict=True)
        return [abi_to_json(t, v) for t, v in zip(types, values)]
    if op == "selector":
        return tohex(function_signature_to_4byte_selector(request["signature"]))
    if op == "topic":
        return tohex(event_signature_to_log_topic(request["signature"]))
    if op == "sign_hash":
        signature = keys.PrivateKey(unhex(request["key"])).sign_msg_hash(unhex(request["hash"]))
        return {"r": tohex(signature.r.to_bytes(32, "big")), "s": tohex(signature.s.to_bytes(32, "big")), "v": signature.v}
    if op == "recover_hash":
        return Account._recover_hash(unhex(request["hash"]), signature=unhex(request["signature"])).lower()
    if op == "personal_hash":
        return tohex(_hash_eip191_message(encode_defunct(primitive=unhex(request["message"]))))
    if op == "personal_sign":
        signed = Account.sign_message(encode_defunct(primitive=unhex(request["message"])), unhex(request["key"]))
        return tohex(signed.signature)
    if op == "personal_recover":
        message = encode_defunct(primitive=unhex(request["message"]))
        return Account.recover_message(message, signature=unhex(request["signature"])).lower()
    if op == "tx_sign":
        signed = Account.sign_transaction(transaction_dict(request["tx"]), unhex(request["key"]))
        return {"raw": tohex(signed.raw_transaction), "hash": tohex(signed.hash)}
    if op == "tx_recover":
        return Account.recover_transaction(unhex(request["raw"])).lower()
    raise ValueError(f"unknown op {op}")


def main():
    for line in sys.stdin:
        results = []
        for request in json.loads(line)["batch"]:
            try:
                results.append({"ok": handle(request)})
            except Exception as error:  # every library failure is an answer: "rejected"
                results.append({"error": f"{type(error).__name__}: {error}"})
        sys.stdout.write(json.dumps({"results": results}) + "\n")
        sys.stdout.flush()


if __name__ == "__main__":
    main()
