"""Contract calls and events from a JSON ABI, with eth_abi only.

    profile = Abi.load("SkillProfile")
    data = profile.encode("createProfile", "Ada", "bio", "ipfs://...")
    skill = profile.decode("getSkill", rpc.call("eth_call", {...}, "latest"))  # dict for a struct
    for name, args in profile.events(receipt["logs"], address): ...

Overloaded functions are not supported (the Takumi contracts have none).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any, Iterable

from eth_abi import decode as abi_decode
from eth_abi import encode as abi_encode
from eth_utils import keccak, to_checksum_address

from . import ABI_DIR


def type_string(param: dict) -> str:
    """ABI JSON parameter -> eth_abi type string (tuples spelled out)."""
    typ = param["type"]
    if typ.startswith("tuple"):
        inner = ",".join(type_string(c) for c in param["components"])
        return f"({inner}){typ[len('tuple'):]}"
    return typ


def _to_python(param: dict, value: Any) -> Any:
    """Decoded value -> JSON-friendly Python: structs as dicts, addresses
    EIP-55, bytes as 0x-hex."""
    typ = param["type"]
    if typ.endswith("]"):
        inner = dict(param, type=typ[: typ.rindex("[")])
        return [_to_python(inner, v) for v in value]
    if typ == "tuple":
        return {c["name"]: _to_python(c, v) for c, v in zip(param["components"], value)}
    if typ == "address":
        return to_checksum_address(value)
    if isinstance(value, bytes):
        return "0x" + value.hex()
    return value


def _signature(item: dict) -> str:
    return f"{item['name']}({','.join(type_string(p) for p in item['inputs'])})"


class Abi:
    def __init__(self, abi: list[dict], name: str = "") -> None:
        self.name = name
        self.abi = abi
        self.functions = {i["name"]: i for i in abi if i.get("type") == "function"}
        self.constructor = next((i for i in abi if i.get("type") == "constructor"), {"inputs": []})
        self._selectors = {n: keccak(text=_signature(f))[:4] for n, f in self.functions.items()}
        self.event_abis = {i["name"]: i for i in abi if i.get("type") == "event"}
        self.topics = {"0x" + keccak(text=_signature(e)).hex(): e for e in self.event_abis.values()}

    @classmethod
    def load(cls, name: str, path: Path | None = None) -> "Abi":
        return cls(json.loads((path or ABI_DIR / f"{name}.json").read_text()), name)

    def topic(self, event: str) -> str:
        return "0x" + keccak(text=_signature(self.event_abis[event])).hex()

    # -- calls ---------------------------------------------------------------

    def encode(self, fn: str, *args: Any) -> str:
        item = self.functions[fn]
        types = [type_string(p) for p in item["inputs"]]
        return "0x" + (self._selectors[fn] + abi_encode(types, list(args))).hex()

    def encode_constructor(self, *args: Any) -> bytes:
        return abi_encode([type_string(p) for p in self.constructor["inputs"]], list(args))

    def decode(self, fn: str, data: str) -> Any:
        """Return value(s) of `fn`: one value, or a tuple for several outputs."""
        outputs = self.functions[fn]["outputs"]
        raw = bytes.fromhex(data[2:] if data.startswith("0x") else data)
        values = abi_decode([type_string(p) for p in outputs], raw)
        converted = [_to_python(p, v) for p, v in zip(outputs, values)]
        return converted[0] if len(converted) == 1 else tuple(converted)

    # -- events --------------------------------------------------------------

    def decode_log(self, log: dict) -> tuple[str, dict] | None:
        """(event name, {arg: value}) for a log of this ABI, else None."""
        topics = log.get("topics") or []
        if not topics or topics[0] not in self.topics:
            return None
        event = self.topics[topics[0]]
        indexed = [p for p in event["inputs"] if p.get("indexed")]
        plain = [p for p in event["inputs"] if not p.get("indexed")]
        args: dict[str, Any] = {}
        for param, topic in zip(indexed, topics[1:]):
            # Indexed dynamic types are hashed; Takumi only indexes value types.
            (value,) = abi_decode([type_string(param)], bytes.fromhex(topic[2:]))
            args[param["name"]] = _to_python(param, value)
        data = bytes.fromhex(log["data"][2:])
        for param, value in zip(plain, abi_decode([type_string(p) for p in plain], data)):
            args[param["name"]] = _to_python(param, value)
        return event["name"], args

    def events(self, logs: Iterable[dict], address: str | None = None) -> list[tuple[str, dict]]:
        found = []
        for log in logs:
            if address is not None and log["address"].lower() != address.lower():
                continue
            decoded = self.decode_log(log)
            if decoded is not None:
                found.append(decoded)
        return found


def selector(signature: str) -> str:
    return "0x" + keccak(text=signature).hex()[:8]


def role(name: str) -> bytes:
    """keccak256 of the role name (DEFAULT_ADMIN_ROLE is 32 zero bytes)."""
    return b"\x00" * 32 if name == "DEFAULT_ADMIN_ROLE" else keccak(text=name)
