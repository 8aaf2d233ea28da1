"""Compiling through chain/compile.py (layout overrides, pinned settings).

`artifact(name)` is compile.load_artifact (cached in out/). `compile_candidate`
compiles any Vyper file with an upgradeable contract's storage-layout override
(layouts/<C>/override.json), e.g. a fix for an emergency upgrade.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass
from pathlib import Path

from eth_utils import keccak

from . import CHAIN_DIR, Failure, UsageError

if str(CHAIN_DIR) not in sys.path:
    sys.path.insert(0, str(CHAIN_DIR))
import compile as takumi_compile  # noqa: E402  (chain/compile.py)


def artifact(name: str) -> dict:
    return takumi_compile.load_artifact(name)


@dataclass
class Candidate:
    contract: str
    source: Path
    abi: list
    bytecode: bytes
    runtime: bytes
    version: str | None
    layout: dict  # {"storage_layout": {...}} as in layouts/<C>/<version>.json
    structs: dict

    @property
    def codehash(self) -> str:
        return "0x" + keccak(self.runtime).hex()


def _known_name(contract: str, source: Path) -> str | None:
    """The compile.py name of `source` if it is built with `contract`'s layout."""
    layout_name = takumi_compile.CONTRACTS[contract].layout
    for name, known in takumi_compile.CONTRACTS.items():
        if known.layout == layout_name and (CHAIN_DIR / known.source).resolve() == source:
            return name
    return None


def _compiler_data(contract: str, source: Path):
    """CompilerData for any `source` with `contract`'s layout override."""
    from vyper.compiler.input_bundle import FilesystemInputBundle
    from vyper.compiler.phases import CompilerData
    from vyper.compiler.settings import Settings

    layout_name = takumi_compile.CONTRACTS[contract].layout
    # Same search path as compile.py: CHAIN_DIR (so `contracts/...` resolves,
    # and absolute imports such as `from contracts.modules import governance`
    # work from a file anywhere), then sys.path for snekmate.
    bundle = FilesystemInputBundle([*(Path(p) for p in reversed(sys.path)), CHAIN_DIR])
    try:
        inside = source.relative_to(CHAIN_DIR)  # keeps the metadata path as compile.py writes it
    except ValueError:
        inside = source
    file_input = bundle.load_file(inside)
    override = bundle.load_json_file(Path("layouts") / layout_name / "override.json")
    return CompilerData(file_input, bundle, Settings(**takumi_compile.SETTINGS), storage_layout=override)


def compile_candidate(contract: str, source: Path, check=None) -> Candidate:
    """Compile `source`; `check(layout_doc, structs)` runs before code generation
    (the slow part) so that an incompatible layout is refused quickly."""
    from vyper.compiler.output import build_abi_output
    from vyper.exceptions import CompilerPanic, StorageLayoutException, VyperException

    source = source.resolve()
    if not source.is_file():
        raise UsageError(f"--source {source}: no such file")
    try:
        known = _known_name(contract, source)
        if known is not None:
            # compile.py's cached artifact; only the struct list needs analysis.
            data = takumi_compile.compiler_data(known)
            structs, layout = takumi_compile.storage_structs(data), takumi_compile.storage_layout(data)
            if check is not None:
                check(layout, structs)
            art = artifact(known)
            return Candidate(
                contract, source, art["abi"], bytes.fromhex(art["bytecode"][2:]),
                bytes.fromhex(art["runtimeBytecode"][2:]), art["version"], layout, structs,
            )
        data = _compiler_data(contract, source)
        structs = takumi_compile.storage_structs(data)
        layout = takumi_compile.storage_layout(data)
        if check is not None:
            check(layout, structs)
        bytecode, runtime = data.bytecode, data.bytecode_runtime
        abi = build_abi_output(data)
        version = takumi_compile.contract_version(data)
    except (StorageLayoutException, CompilerPanic) as exc:
        text = str(exc).strip()
        first = text.splitlines()[0] if text else exc.__class__.__name__
        if isinstance(exc, StorageLayoutException) or "storage layout" in text.lower():
            raise Failure(
                f"{source}: storage layout incompatible with {contract}'s override "
                f"(layouts/{contract}/override.json): {first}"
            ) from None
        raise Failure(f"{source}: compiler panic: {first}") from None
    except VyperException as exc:
        first = str(exc).strip().splitlines()[0]
        raise UsageError(f"{source} does not compile: {exc.__class__.__name__}: {first}") from None
    return Candidate(contract, source, abi, bytecode, runtime, version, layout, structs)
