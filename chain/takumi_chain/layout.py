"""Storage-layout compatibility between a released version and a candidate.

A layout is what `vyper -f layout` prints (compile.storage_layout), nested by
module: {"governance": {"implementation": {"slot", "type", "n_slots"}}, ...}.
A candidate is compatible when every variable of the old layout is still
there with the same slot, type and size (new variables are fine), and every
stored struct (compile.storage_structs: "<version>.structs.json") keeps its
members in order (new trailing members are fine).
"""

from __future__ import annotations

import json
from pathlib import Path


def flatten(layout: dict, prefix: str = "") -> dict[str, dict]:
    out: dict[str, dict] = {}
    for key, value in layout.items():
        if isinstance(value, dict) and "slot" in value and "type" in value:
            out[prefix + key] = value
        elif isinstance(value, dict):
            out.update(flatten(value, f"{prefix}{key}."))
    return out


def layout_breaks(old: dict, new: dict) -> list[str]:
    old_vars, new_vars = flatten(old), flatten(new)
    problems = []
    for var, was in old_vars.items():
        now = new_vars.get(var)
        if now is None:
            problems.append(f"{var}: removed (was slot {was.get('slot')}, {was.get('type')})")
            continue
        for key in ("slot", "type", "n_slots"):
            if now.get(key) != was.get(key):
                problems.append(f"{var}: {key} {was.get(key)} -> {now.get(key)}")
    return problems


def struct_breaks(old: dict, new: dict) -> list[str]:
    problems = []
    for struct, members in old.items():
        got = new.get(struct)
        if got is None:
            problems.append(f"struct {struct}: no longer stored")
            continue
        for i, member in enumerate(members):
            now = got[i] if i < len(got) else None
            if now != member:
                was_text = " ".join(member)
                now_text = " ".join(now) if now else "nothing"
                problems.append(f"struct {struct} member {i}: {was_text} -> {now_text}")
                break
    return problems


def read_layout(path: Path) -> dict:
    """The storage layout in a layouts/<C>/<version>.json file."""
    data = json.loads(Path(path).read_text())
    return data.get("storage_layout", data)


def structs_path(layout_path: Path) -> Path:
    return Path(layout_path).with_name(Path(layout_path).name[: -len(".json")] + ".structs.json")


def dump(obj) -> str:
    """The formatting compile.py uses for committed layout files."""
    return json.dumps(obj, indent=2, sort_keys=True) + "\n"
