#!/usr/bin/env python3
"""Deploy Takumi's contracts to any JSON-RPC endpoint and write the manifest.

    deploy.py system --rpc URL --network NAME [--manifest-dir DIR] [--force]
        [--deployer-key-file F] [--owners A,B,C --guardian A --operator A]
    deploy.py implementation CONTRACT --rpc URL --network NAME [--source PATH]
        [--manifest-dir DIR] [--layouts-dir DIR] [--deployer-key-file F]

`system`: the four implementations, their ERC1967 proxies (initialize runs in
the proxy constructor), the 2-of-3 TakumiMultisig, the role wiring, then
chain/deployments/NAME.json (or DIR/NAME.json). `implementation`: a new
implementation only (an upgrade candidate, e.g. an emergency fix), checked
for storage-layout compatibility with the deployed version, appended to the
manifest's `candidates`; nothing is upgraded. Its address goes to stdout.

Keys: on chain id 31337 the dev node's hardhat accounts are the default
(deployer 0, owners 1-3, guardian 4, operator 5; chain/deployments/README.md).
Elsewhere: DEPLOYER_KEY (environment) or --deployer-key-file (mode 0600), and
--owners/--guardian/--operator. Private keys are never printed.

Exit codes: 0 done; 1 the operation failed (a reverted transaction, an
incompatible layout, an unreachable node); 2 bad input or usage.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from takumi_chain import (  # noqa: E402
    CHAIN_DIR,
    DEV_CHAIN_ID,
    IMPLEMENTATION_SLOT,
    LAYOUTS_DIR,
    UPGRADEABLE,
    Failure,
    UsageError,
    build,
    keys,
    layout,
    manifest,
)
from takumi_chain.abi import Abi, role  # noqa: E402
from takumi_chain.rpc import RpcClient, RpcError  # noqa: E402
from takumi_chain.tx import Sender, eth_call  # noqa: E402

from eth_utils import keccak, to_checksum_address  # noqa: E402

ROLES = ["DEFAULT_ADMIN_ROLE", "UPGRADER_ROLE", "PAUSER_ROLE", "OPERATOR_ROLE", "CLAIMS_ROLE"]
THRESHOLD = 2
# Contracts whose initialize grants OPERATOR_ROLE (the others have no operator duties).
OPERATED = {"SkillClaim", "VerifierRegistry"}


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def connect(url: str) -> tuple[RpcClient, int]:
    rpc = RpcClient(url)
    try:
        return rpc, rpc.chain_id()
    except RpcError as exc:
        raise Failure(f"{url}: eth_chainId failed: {exc.message}") from None


def deployer_signer(args, chain_id: int):
    signer = keys.key_from(args.deployer_key_file, "DEPLOYER_KEY", "deployer")
    if signer is not None:
        return signer
    if chain_id == DEV_CHAIN_ID:
        return keys.dev_signer(keys.DEV_ROLES["deployer"])
    raise UsageError(f"chain id {chain_id} is not the dev chain: set DEPLOYER_KEY or pass --deployer-key-file")


def codehash(rpc: RpcClient, address: str) -> str:
    code = rpc.call("eth_getCode", address, "latest")
    if code in (None, "0x"):
        raise Failure(f"no code at {address}")
    return "0x" + keccak(bytes.fromhex(code[2:])).hex()


def block_of(receipt: dict) -> int:
    return int(receipt["blockNumber"], 16)


# ---------------------------------------------------------------- system


def resolve_accounts(args, chain_id: int) -> dict:
    given = {"owners": args.owners, "guardian": args.guardian, "operator": args.operator}
    if chain_id != DEV_CHAIN_ID:
        missing = [f"--{k}" for k, v in given.items() if not v]
        if missing:
            raise UsageError(f"chain id {chain_id} is not the dev chain: {', '.join(missing)} required")
    if args.owners:
        owners = [keys.address(a, "--owners") for a in args.owners.split(",")]
    else:
        owners = [keys.dev_signer(i).address for i in keys.DEV_ROLES["owners"]]
    if len(owners) != 3 or len(set(owners)) != 3:
        raise UsageError("--owners must be three distinct addresses (the 2-of-3 multisig)")
    dev = {who: keys.dev_signer(keys.DEV_ROLES[who]).address for who in ("guardian", "operator")}
    guardian = keys.address(args.guardian, "--guardian") if args.guardian else dev["guardian"]
    operator = keys.address(args.operator, "--operator") if args.operator else dev["operator"]
    return {"multisigOwners": owners, "guardian": guardian, "operator": operator}


def cmd_system(args) -> int:
    path = manifest.manifest_path(args.network, args.manifest_dir)
    if path.exists() and not args.force:
        raise UsageError(f"{path} already exists; pass --force to overwrite it")
    if args.owners is not None or args.guardian is not None or args.operator is not None:
        # Validate addresses before touching the network.
        for value, what in [(args.guardian, "--guardian"), (args.operator, "--operator")]:
            if value is not None:
                keys.address(value, what)
        if args.owners is not None:
            for a in args.owners.split(","):
                keys.address(a, "--owners")
    rpc, chain_id = connect(args.rpc)
    deployer = deployer_signer(args, chain_id)
    accounts = resolve_accounts(args, chain_id)
    if deployer.address in {*accounts["multisigOwners"], accounts["guardian"], accounts["operator"]}:
        raise UsageError("the deployer must not be a multisig owner, the guardian or the operator (it keeps no role)")
    if int(rpc.call("eth_getBalance", deployer.address, "latest"), 16) == 0:
        raise Failure(f"deployer {deployer.address} has no ether on chain id {chain_id}")

    log(f"deploy: chain id {chain_id}, deployer {deployer.address}, network {args.network}")
    arts = {name: build.artifact(name) for name in ["ERC1967Proxy", "TakumiMultisig", *UPGRADEABLE]}
    abis = {name: Abi(art["abi"], name) for name, art in arts.items()}
    sender = Sender(rpc, chain_id)

    def create(name: str, ctor_args: list, label: str) -> tuple[str, dict]:
        data = arts[name]["bytecode"] + abis[name].encode_constructor(*ctor_args).hex()
        receipt = sender.send(deployer, None, data, label=f"deploy {label}")
        address = to_checksum_address(receipt["contractAddress"])
        log(f"deploy: {label:32} {address}  block {block_of(receipt)}")
        return address, receipt

    impls = {name: create(name, [], f"{name} implementation") for name in UPGRADEABLE}
    ms_address, ms_receipt = create("TakumiMultisig", [accounts["multisigOwners"], THRESHOLD], "TakumiMultisig")
    guardian, operator = accounts["guardian"], accounts["operator"]

    proxies: dict[str, tuple[str, dict]] = {}

    def proxy(name: str, *init_args) -> str:
        init = bytes.fromhex(abis[name].encode("initialize", *init_args)[2:])
        proxies[name] = create("ERC1967Proxy", [impls[name][0], init], f"{name} proxy")
        return proxies[name][0]

    # SkillProfile's admin is the deployer for a moment: CLAIMS_ROLE must go to
    # the SkillClaim proxy, which does not exist yet at initialize time. The
    # deployer hands both admin roles to the multisig and renounces them below.
    profile = proxy("SkillProfile", deployer.address, guardian)
    registry = proxy("VerifierRegistry", ms_address, guardian, operator)
    proxy("Endorsement", ms_address, guardian, profile)
    claims = proxy("SkillClaim", ms_address, guardian, operator, profile, registry)

    sp = abis["SkillProfile"]
    wiring = [
        ("grantRole", role("CLAIMS_ROLE"), claims, "CLAIMS_ROLE to the SkillClaim proxy"),
        ("grantRole", role("DEFAULT_ADMIN_ROLE"), ms_address, "DEFAULT_ADMIN_ROLE to the multisig"),
        ("grantRole", role("UPGRADER_ROLE"), ms_address, "UPGRADER_ROLE to the multisig"),
        ("renounceRole", role("UPGRADER_ROLE"), deployer.address, "deployer renounces UPGRADER_ROLE"),
        ("renounceRole", role("DEFAULT_ADMIN_ROLE"), deployer.address, "deployer renounces DEFAULT_ADMIN_ROLE"),
    ]
    last_receipt = None
    for fn, role_id, account, what in wiring:
        last_receipt = sender.send(deployer, profile, sp.encode(fn, role_id, account), label=f"SkillProfile: {what}")
        log(f"deploy: SkillProfile: {what}  block {block_of(last_receipt)}")

    contracts = verify_system(rpc, arts, abis, impls, proxies, ms_address, accounts, deployer.address)
    head = rpc.call("eth_getBlockByNumber", last_receipt["blockNumber"], False)
    doc = {
        "network": args.network,
        "chainId": chain_id,
        "startBlock": min([block_of(ms_receipt)] + [block_of(r) for _, r in proxies.values()]),
        "deployedAt": manifest.iso_utc(int(head["timestamp"], 16)),
        "deployer": deployer.address,
        "accounts": accounts,
        "multisig": {
            "address": ms_address,
            "threshold": THRESHOLD,
            "abi": manifest.rel(build.takumi_compile.ABI_DIR / "TakumiMultisig.json", path),
            "codehash": codehash(rpc, ms_address),
            "block": block_of(ms_receipt),
        },
        "contracts": {},
        "candidates": [],
    }
    for name in UPGRADEABLE:
        info = contracts[name]
        layout_file = ensure_layout_file(LAYOUTS_DIR, name, info["version"], None, None)
        doc["contracts"][name] = {
            "proxy": proxies[name][0],
            "implementation": impls[name][0],
            "version": info["version"],
            "abi": manifest.rel(build.takumi_compile.ABI_DIR / f"{name}.json", path),
            "codehash": info["codehash"],
            "layout": manifest.rel(layout_file, path),
            "block": block_of(proxies[name][1]),
        }
    if path.exists() and not args.force:  # appeared while we were deploying
        raise Failure(f"{path} appeared during the deployment; not overwritten (pass --force)")
    manifest.write_atomic(path, doc)
    log(f"deploy: wrote {path} ({sender.sent} transactions)")
    print(path)
    return 0


def verify_system(rpc, arts, abis, impls, proxies, ms_address, accounts, deployer) -> dict:
    """Read everything back: roles, implementation slots, versions, code."""
    problems = []
    result = {}
    expected_holders = {
        "DEFAULT_ADMIN_ROLE": {ms_address},
        "UPGRADER_ROLE": {ms_address},
        "PAUSER_ROLE": {accounts["guardian"]},
    }
    multisig = abis["TakumiMultisig"]
    owners = multisig.decode("getOwners", eth_call(rpc, ms_address, multisig.encode("getOwners")))
    threshold = multisig.decode("threshold", eth_call(rpc, ms_address, multisig.encode("threshold")))
    if owners != accounts["multisigOwners"] or threshold != THRESHOLD:
        problems.append(f"multisig owners/threshold read back as {owners}/{threshold}")
    if codehash(rpc, ms_address) != arts["TakumiMultisig"]["runtimeCodehash"]:
        problems.append("multisig runtime code differs from the compiled artifact")
    for name in UPGRADEABLE:
        abi, address, impl = abis[name], proxies[name][0], impls[name][0]
        holders = dict(expected_holders)
        if name in OPERATED:
            holders["OPERATOR_ROLE"] = {accounts["operator"]}
        if name == "SkillProfile":
            holders["CLAIMS_ROLE"] = {proxies["SkillClaim"][0]}
        everyone = {deployer, ms_address, accounts["guardian"], accounts["operator"], proxies["SkillClaim"][0], impl}
        for role_name in ROLES:
            for account in everyone:
                has = abi.decode("hasRole", eth_call(rpc, address, abi.encode("hasRole", role(role_name), account)))
                if has != (account in holders.get(role_name, set())):
                    problems.append(f"{name}: hasRole({role_name}, {account}) is {has}")
        slot = rpc.call("eth_getStorageAt", address, IMPLEMENTATION_SLOT, "latest")
        if int(slot, 16) != int(impl, 16):
            problems.append(f"{name}: proxy implementation slot holds {slot}")
        version = abi.decode("version", eth_call(rpc, address, abi.encode("version")))
        if version != arts[name]["version"]:
            problems.append(f"{name}: version() is {version!r}, compiled {arts[name]['version']!r}")
        impl_hash = codehash(rpc, impl)
        if impl_hash != arts[name]["runtimeCodehash"]:
            problems.append(f"{name}: implementation code differs from the compiled artifact")
        result[name] = {"version": version, "codehash": impl_hash}
    if problems:
        raise Failure("deployed system does not check out: " + "; ".join(problems))
    return result


def ensure_layout_file(layouts_dir: Path, contract: str, version: str, layout_doc: dict | None,
                       structs: dict | None) -> Path:
    """layouts/<C>/<version>.json (+ .structs.json): written if missing, must match if present."""
    target = Path(layouts_dir) / contract / f"{version}.json"
    if layout_doc is None:  # the released version compile.py knows (test_storage_layout checks the files)
        if target.exists() and layout.structs_path(target).exists():
            return target
        data = build.takumi_compile.compiler_data(contract)
        layout_doc, structs = build.takumi_compile.storage_layout(data), build.takumi_compile.storage_structs(data)
    files = {target: layout.dump(layout_doc), layout.structs_path(target): layout.dump(structs)}
    for file, text in files.items():
        if file.exists():
            if file.read_text() != text:
                raise Failure(f"{file} already records {contract} {version} with another layout: bump version()")
        else:
            file.parent.mkdir(parents=True, exist_ok=True)
            file.write_text(text)
            log(f"deploy: wrote {file}")
    return target


# ---------------------------------------------------------------- implementation


def resolve_source(contract: str, source: str | None) -> Path:
    if source is None:
        return (CHAIN_DIR / build.takumi_compile.CONTRACTS[contract].source).resolve()
    given = Path(source).expanduser()
    for candidate in ([given] if given.is_absolute() else [Path.cwd() / given, CHAIN_DIR / given]):
        if candidate.is_file():
            return candidate.resolve()
    raise UsageError(f"--source {source}: no such file (looked in the current folder and {CHAIN_DIR})")


def cmd_implementation(args) -> int:
    contract = args.contract
    if contract not in UPGRADEABLE:
        raise UsageError(f"CONTRACT must be one of {', '.join(UPGRADEABLE)}, got {contract!r}")
    path = manifest.manifest_path(args.network, args.manifest_dir)
    doc = manifest.load(path)
    source = resolve_source(contract, args.source)
    rpc, chain_id = connect(args.rpc)
    if chain_id != doc["chainId"]:
        raise UsageError(f"{path} is for chain id {doc['chainId']}, but {args.rpc} is chain id {chain_id}")
    deployer = deployer_signer(args, chain_id)
    current = doc["contracts"].get(contract)
    if current is None:
        raise UsageError(f"{path} has no {contract}")

    # Layout: every slot of the deployed version kept, stored structs only grow.
    current_layout_file = manifest.resolve(path, current["layout"])
    old_layout = layout.read_layout(current_layout_file)
    old_structs_file = layout.structs_path(current_layout_file)
    old_structs = json.loads(old_structs_file.read_text()) if old_structs_file.exists() else {}

    def check(layout_doc: dict, structs: dict) -> None:
        problems = layout.layout_breaks(old_layout, layout_doc.get("storage_layout", layout_doc))
        problems += layout.struct_breaks(old_structs, structs)
        if problems:
            raise Failure(
                f"storage layout of {source.name} is not compatible with deployed "
                f"{contract} {current['version']}: " + "; ".join(problems)
            )

    log(f"deploy: compiling {source} with {contract}'s storage-layout override")
    cand = build.compile_candidate(contract, source, check)
    if not cand.version:
        raise Failure(f"{source} has no version() returning a string literal")
    if not any(f.get("name") == "proxiableUUID" for f in cand.abi):
        raise Failure(f"{source} has no proxiableUUID(): not a UUPS implementation")
    if cand.version == current["version"]:
        raise Failure(f"{contract} {cand.version} is already deployed: bump version() in {source.name}")
    layouts_dir = Path(args.layouts_dir).resolve() if args.layouts_dir else LAYOUTS_DIR
    target = layouts_dir / contract / f"{cand.version}.json"
    for file, text in [(target, layout.dump(cand.layout)), (layout.structs_path(target), layout.dump(cand.structs))]:
        if file.exists() and file.read_text() != text:
            raise Failure(f"{file} already records {contract} {cand.version} with another layout: bump version()")

    sender = Sender(rpc, chain_id)
    receipt = sender.send(deployer, None, "0x" + cand.bytecode.hex(), label=f"deploy {contract} {cand.version}")
    address = to_checksum_address(receipt["contractAddress"])
    log(f"deploy: {contract} {cand.version} implementation {address}  block {block_of(receipt)}")

    abi = Abi(cand.abi, contract)
    version = abi.decode("version", eth_call(rpc, address, abi.encode("version")))
    if version != cand.version:
        raise Failure(f"{address}: version() is {version!r}, source says {cand.version!r}; not recorded")
    try:
        uuid = rpc.call("eth_call", {"to": address, "data": abi.encode("proxiableUUID")}, "latest")
    except RpcError as exc:
        raise Failure(f"{address}: proxiableUUID() failed ({exc.message}); not recorded") from None
    if uuid is None or int(uuid, 16) != int(IMPLEMENTATION_SLOT, 16):
        raise Failure(f"{address}: proxiableUUID() is {uuid}, not the ERC-1967 slot; not recorded")
    onchain = codehash(rpc, address)
    if onchain != cand.codehash:
        raise Failure(f"{address}: runtime code differs from the compiled source; not recorded")

    layout_file = ensure_layout_file(layouts_dir, contract, cand.version, cand.layout, cand.structs)
    block = rpc.call("eth_getBlockByNumber", receipt["blockNumber"], False)
    entry = {
        "contract": contract,
        "implementation": address,
        "version": cand.version,
        "codehash": onchain,
        "layout": manifest.rel(layout_file, path),
        "source": manifest.rel(source, path),
        "block": block_of(receipt),
        "deployedAt": manifest.iso_utc(int(block["timestamp"], 16)),
    }
    doc = manifest.load(path)  # re-read: keep anything written meanwhile
    doc.setdefault("candidates", []).append(entry)
    manifest.write_atomic(path, doc)
    log(f"deploy: recorded candidate in {path}")
    print(address)
    return 0


# ---------------------------------------------------------------- CLI


class Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # one line, exit 2
        self.exit(2, f"{self.prog}: error: {message}\n")


def parser() -> argparse.ArgumentParser:
    p = Parser(prog="deploy.py", description=__doc__.splitlines()[0])
    sub = p.add_subparsers(dest="command", required=True, parser_class=Parser)

    def common(sp):
        sp.add_argument("--rpc", required=True, help="JSON-RPC URL")
        sp.add_argument("--network", required=True, help="network label (dev, sepolia, ...): the manifest's name")
        sp.add_argument("--manifest-dir", help="folder of NAME.json (default chain/deployments)")
        sp.add_argument("--deployer-key-file", help="file (mode 0600) with the deployer's hex private key; "
                        "default $DEPLOYER_KEY, or hardhat account 0 on chain id 31337")

    s = sub.add_parser("system", help="deploy everything and write the manifest")
    common(s)
    s.add_argument("--force", action="store_true", help="overwrite an existing manifest")
    s.add_argument("--owners", help="the three multisig owners, comma-separated")
    s.add_argument("--guardian", help="PAUSER_ROLE holder")
    s.add_argument("--operator", help="OPERATOR_ROLE holder")

    i = sub.add_parser("implementation", help="deploy an upgrade candidate; prints its address")
    i.add_argument("contract", metavar="CONTRACT", help=", ".join(UPGRADEABLE))
    common(i)
    i.add_argument("--source", help="Vyper file to compile with CONTRACT's layout override "
                   "(default: the contract's own source)")
    i.add_argument("--layouts-dir", help="where to record <CONTRACT>/<version>.json (default chain/layouts)")
    return p


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    try:
        return cmd_system(args) if args.command == "system" else cmd_implementation(args)
    except UsageError as exc:
        print(f"deploy.py: error: {exc}", file=sys.stderr)
        return 2
    except (Failure, RpcError) as exc:
        print(f"deploy.py: failed: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("deploy.py: interrupted", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
