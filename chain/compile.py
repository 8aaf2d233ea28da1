"""Compile Takumi's Vyper contracts into ABIs and build artifacts.

    python compile.py                   # write abi/<Contract>.json and out/<Contract>.json
    python compile.py --check           # exit 1 if a committed abi/*.json is stale (CI)
    python compile.py --release-layouts # record layouts/<Contract>/<version>.json for new versions

As a library (e.g. for deploy.py):

    from compile import load_artifact
    art = load_artifact("SkillProfile")   # {"abi": [...], "bytecode": "0x...", ...}

Every implementation behind ERC1967Proxy is compiled with its storage-layout
override (layouts/<Contract>/override.json), which pins the implementation
address to the ERC-1967 slot. Output is deterministic: same sources, same
compiler, same bytes; the artifact records a fingerprint of everything that
went in, and `load_artifact` recompiles when it no longer matches.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import sys
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import vyper
from eth_utils import keccak
from vyper import ast as vy_ast
from vyper.compiler.input_bundle import FilesystemInputBundle
from vyper.compiler.output import build_abi_output, build_layout_output
from vyper.compiler.phases import CompilerData
from vyper.compiler.settings import OptimizationLevel, Settings
from vyper.semantics.data_locations import DataLocation
from vyper.semantics.types import DArrayT, HashMapT, SArrayT, StructT

CHAIN_DIR = Path(__file__).resolve().parent
ABI_DIR = CHAIN_DIR / "abi"
OUT_DIR = CHAIN_DIR / "out"
LAYOUTS_DIR = CHAIN_DIR / "layouts"

# Pinned, not the compiler default: py-evm (dev node, tests) and Sepolia
# both run Cancun, and a default that moves with the compiler would change
# the bytecode under us.
SETTINGS = dict(evm_version="cancun", optimize=OptimizationLevel.GAS)


@dataclass(frozen=True)
class Contract:
    name: str
    source: str  # relative to CHAIN_DIR
    layout: str | None  # layouts/<layout>/override.json; None = not behind a proxy
    released: bool  # released contracts get a committed abi/<name>.json


CONTRACTS = {
    c.name: c
    for c in [
        Contract("ERC1967Proxy", "contracts/ERC1967Proxy.vy", "ERC1967Proxy", True),
        Contract("TakumiMultisig", "contracts/TakumiMultisig.vy", None, True),
        Contract("SkillProfile", "contracts/SkillProfile.vy", "SkillProfile", True),
        Contract("SkillClaim", "contracts/SkillClaim.vy", "SkillClaim", True),
        Contract("Endorsement", "contracts/Endorsement.vy", "Endorsement", True),
        Contract("VerifierRegistry", "contracts/VerifierRegistry.vy", "VerifierRegistry", True),
        # Exploit-drill fixtures: SkillClaim's layout, deployable, no ABI file
        # of their own (their ABI is SkillClaim's).
        Contract("SkillClaimVulnerable", "contracts/fixtures/SkillClaimVulnerable.vy", "SkillClaim", False),
        Contract("SkillClaimFixed", "contracts/fixtures/SkillClaimFixed.vy", "SkillClaim", False),
    ]
}

# The implementations behind ERC1967Proxy whose layouts are released.
UPGRADEABLE = ["SkillProfile", "SkillClaim", "Endorsement", "VerifierRegistry"]


def _input_bundle() -> FilesystemInputBundle:
    # CHAIN_DIR first so that "contracts/..." paths (which end up in the
    # metadata) are the same wherever the command runs; sys.path for snekmate.
    return FilesystemInputBundle([*(Path(p) for p in reversed(sys.path)), CHAIN_DIR])


def compiler_data(name: str) -> CompilerData:
    """Vyper's CompilerData for `name`, with its layout override applied.

    Tests wrap it in a titanoboa VyperDeployer, so they run exactly the
    bytecode this module writes to out/.
    """
    contract = CONTRACTS[name]
    bundle = _input_bundle()
    file_input = bundle.load_file(Path(contract.source))
    override = None
    if contract.layout is not None:
        override = bundle.load_json_file(Path("layouts") / contract.layout / "override.json")
    return CompilerData(file_input, bundle, Settings(**SETTINGS), storage_layout=override)


@cache
def fingerprint() -> str:
    """sha256 over every input that can change an artifact."""
    h = hashlib.sha256()
    h.update(f"vyper {vyper.__version__} {sorted(SETTINGS.items())}".encode())
    access_control = _input_bundle().load_file(Path("snekmate/auth/access_control.vy"))
    snekmate_dir = Path(access_control.resolved_path).parents[1]
    roots = [CHAIN_DIR / "contracts", LAYOUTS_DIR, snekmate_dir]
    for root in roots:
        for path in sorted(root.rglob("*")):
            if path.suffix in (".vy", ".vyi") or path.name == "override.json":
                h.update(str(path.relative_to(root.parent)).encode())
                h.update(path.read_bytes())
    return h.hexdigest()


def contract_version(data: CompilerData) -> str | None:
    """The literal returned by `version()`, read from the AST (no EVM)."""
    for fn in data.annotated_vyper_module.get_children(vy_ast.FunctionDef, {"name": "version"}):
        ret = fn.body[-1]
        if isinstance(ret, vy_ast.Return) and isinstance(ret.value, vy_ast.Str):
            return ret.value.value
    return None


def storage_layout(data: CompilerData) -> dict:
    """What `vyper -f layout` prints for this contract."""
    return build_layout_output(data)


def storage_structs(data: CompilerData) -> dict[str, list[list[str]]]:
    """Member lists of every struct stored in storage.

    The layout file only says "HashMap[address, Profile]"; reordering or
    retyping a member of Profile would corrupt storage just as surely as
    moving a slot, so the layout test checks these too.
    """
    found: dict[str, list[list[str]]] = {}

    def walk(typ):
        if isinstance(typ, HashMapT):
            walk(typ.value_type)
        elif isinstance(typ, (DArrayT, SArrayT)):
            walk(typ.value_type)
        elif isinstance(typ, StructT):
            found[typ._id] = [[member, str(t)] for member, t in typ.members.items()]
            for t in typ.members.values():
                walk(t)

    def visit(module_t):
        for var in module_t.variables.values():
            if var.location == DataLocation.STORAGE:
                walk(var.typ)
        for info in module_t.initialized_modules:
            visit(info.module_info.module_t)

    visit(data.annotated_vyper_module._metadata["type"])
    return dict(sorted(found.items()))


def compile_contract(name: str) -> dict:
    """Compile one contract into its artifact (a JSON-ready dict)."""
    data = compiler_data(name)
    runtime = data.bytecode_runtime
    contract = CONTRACTS[name]
    return {
        "contractName": name,
        "source": contract.source,
        "version": contract_version(data),
        "compiler": f"vyper {vyper.__version__}",
        "settings": {"evmVersion": SETTINGS["evm_version"], "optimize": "gas"},
        "layoutOverride": f"layouts/{contract.layout}/override.json" if contract.layout else None,
        "fingerprint": fingerprint(),
        "abi": build_abi_output(data),
        "bytecode": "0x" + data.bytecode.hex(),
        "runtimeBytecode": "0x" + runtime.hex(),
        # No immutables anywhere, so this equals keccak(eth_getCode(address)).
        "runtimeCodehash": "0x" + keccak(runtime).hex(),
        "storageLayout": storage_layout(data).get("storage_layout", {}),
    }


def _dump(obj) -> str:
    # One stable formatting for every committed JSON file.
    return json.dumps(obj, indent=2, sort_keys=True) + "\n"


def build(names: list[str] | None = None) -> dict[str, dict]:
    """Compile `names` (default: all) and write out/ and abi/ files."""
    OUT_DIR.mkdir(exist_ok=True)
    ABI_DIR.mkdir(exist_ok=True)
    artifacts = {}
    for name in names or list(CONTRACTS):
        art = compile_contract(name)
        (OUT_DIR / f"{name}.json").write_text(_dump(art))
        if CONTRACTS[name].released:
            (ABI_DIR / f"{name}.json").write_text(_dump(art["abi"]))
        artifacts[name] = art
    return artifacts


def load_artifact(name: str) -> dict:
    """The build artifact for `name`, compiled now if missing or stale."""
    path = OUT_DIR / f"{name}.json"
    if path.exists():
        art = json.loads(path.read_text())
        if art.get("fingerprint") == fingerprint():
            return art
    return build([name])[name]


def stale_abi_files() -> list[str]:
    """Committed abi/*.json files that differ from a fresh compile."""
    stale = []
    for name, contract in CONTRACTS.items():
        if not contract.released:
            continue
        path = ABI_DIR / f"{name}.json"
        fresh = _dump(build_abi_output(compiler_data(name)))
        if not path.exists() or path.read_text() != fresh:
            stale.append(str(path.relative_to(CHAIN_DIR)))
    return stale


def release_layouts() -> list[str]:
    """Write layouts/<C>/<version>.json (+ .structs.json) for versions not yet recorded.

    A recorded layout is history: if one exists with different content the
    version was not bumped, and this refuses rather than rewrite it.
    """
    written = []
    for name in UPGRADEABLE:
        data = compiler_data(name)
        version = contract_version(data)
        files = {
            LAYOUTS_DIR / name / f"{version}.json": _dump(storage_layout(data)),
            LAYOUTS_DIR / name / f"{version}.structs.json": _dump(storage_structs(data)),
        }
        for path, text in files.items():
            if path.exists():
                if path.read_text() != text:
                    raise SystemExit(f"{path} already released with another layout: bump {name}'s version()")
                continue
            path.write_text(text)
            written.append(str(path.relative_to(CHAIN_DIR)))
    return written


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    group = parser.add_mutually_exclusive_group()
    group.add_argument("--check", action="store_true", help="fail if committed ABI files are stale")
    group.add_argument("--release-layouts", action="store_true", help="record layouts of new versions")
    args = parser.parse_args(argv)
    if args.check:
        stale = stale_abi_files()
        for path in stale:
            print(f"stale: {path} (run: python chain/compile.py)")
        return 1 if stale else 0
    if args.release_layouts:
        for path in release_layouts():
            print(f"wrote {path}")
        return 0
    for name, art in build().items():
        print(f"{name:22} {art['version'] or '-':6} codehash {art['runtimeCodehash']}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
