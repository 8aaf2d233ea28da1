"""chain/deploy.py against real dev nodes (one per module, plus one with a
non-dev chain id): the manifest, the roles read back on chain, codehashes,
overwrite protection, usage errors, and `implementation` (candidate recorded,
nothing upgraded, incompatible layouts refused)."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from eth_utils import keccak, to_checksum_address

from devnode_fixture import CHAIN_DIR, running_devnode

pytest_plugins = ["devnode_fixture"]

import deploy  # noqa: E402  (chain/ is on sys.path via devnode_fixture)
from takumi_chain import IMPLEMENTATION_SLOT, UPGRADEABLE, build  # noqa: E402
from takumi_chain.abi import Abi, role  # noqa: E402
from takumi_chain.keys import dev_signer  # noqa: E402
from takumi_chain.rpc import RpcClient  # noqa: E402

HARDHAT = [dev_signer(i).address for i in range(7)]
ROLES = ["DEFAULT_ADMIN_ROLE", "UPGRADER_ROLE", "PAUSER_ROLE", "OPERATOR_ROLE", "CLAIMS_ROLE"]
SPEC_KEYS = ["network", "chainId", "startBlock", "deployedAt", "deployer", "accounts", "multisig", "contracts",
             "candidates"]
CONTRACT_KEYS = {"proxy", "implementation", "version", "abi", "codehash", "layout", "block"}
CANDIDATE_KEYS = {"contract", "implementation", "version", "codehash", "layout", "source", "block", "deployedAt"}


def run_cli(*args: str, cwd: Path = CHAIN_DIR, env: dict | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, str(CHAIN_DIR / "deploy.py"), *args], cwd=cwd, capture_output=True,
                          text=True, timeout=300, env={**os.environ, "DEPLOYER_KEY": "", **(env or {})})


def run_main(capsys, *args: str) -> tuple[int, str]:
    """deploy.main in-process (no interpreter start-up): (exit code, stderr)."""
    try:
        code = deploy.main(list(args))
    except SystemExit as exc:  # argparse
        code = exc.code
    return code, capsys.readouterr().err


@pytest.fixture(autouse=True)
def _no_ambient_keys(monkeypatch):
    monkeypatch.delenv("DEPLOYER_KEY", raising=False)


@pytest.fixture(scope="module")
def node():
    with running_devnode() as n:
        yield n


@pytest.fixture(scope="module")
def rpc(node):
    client = RpcClient(node.url)
    yield client
    client.close()


@pytest.fixture(scope="module")
def deployed(node, tmp_path_factory):
    folder = tmp_path_factory.mktemp("manifests")
    result = run_cli("system", "--rpc", node.url, "--network", "dev", "--manifest-dir", str(folder))
    assert result.returncode == 0, result.stderr
    path = folder / "dev.json"
    assert result.stdout.strip() == str(path)
    return path, json.loads(path.read_text())


def call(rpc, abi: Abi, address: str, fn: str, *args):
    return abi.decode(fn, rpc.call("eth_call", {"to": address, "data": abi.encode(fn, *args)}, "latest"))


def codehash(rpc, address: str) -> str:
    return "0x" + keccak(bytes.fromhex(rpc.call("eth_getCode", address, "latest")[2:])).hex()


def deployed_in(rpc, address: str, block: int) -> bool:
    before, at = (rpc.call("eth_getCode", address, hex(b)) for b in (block - 1, block))
    return before == "0x" and at != "0x"


# ---------------------------------------------------------------- system


def test_manifest_fields(deployed, rpc):
    path, doc = deployed
    assert list(doc) == SPEC_KEYS
    assert doc["network"] == "dev" and doc["chainId"] == 31337 and doc["candidates"] == []
    assert doc["deployer"] == HARDHAT[0]
    assert doc["accounts"] == {"multisigOwners": HARDHAT[1:4], "guardian": HARDHAT[4], "operator": HARDHAT[5]}
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", doc["deployedAt"])
    ms = doc["multisig"]
    assert set(ms) == {"address", "threshold", "abi", "codehash", "block"} and ms["threshold"] == 2
    assert list(doc["contracts"]) == UPGRADEABLE
    addresses = [ms["address"]]
    for name, c in doc["contracts"].items():
        assert set(c) == CONTRACT_KEYS, name
        assert c["version"] == build.artifact(name)["version"]
        addresses += [c["proxy"], c["implementation"]]
        assert deployed_in(rpc, c["proxy"], c["block"]), name
        # Paths are relative to the manifest's folder and resolve to the repo's files.
        for key, expected in [("abi", CHAIN_DIR / "abi" / f"{name}.json"),
                              ("layout", CHAIN_DIR / "layouts" / name / f"{c['version']}.json")]:
            assert not os.path.isabs(c[key])
            assert (path.parent / c[key]).resolve() == expected.resolve()
    assert (path.parent / ms["abi"]).resolve() == (CHAIN_DIR / "abi" / "TakumiMultisig.json").resolve()
    assert all(a == to_checksum_address(a) for a in addresses) and len(set(addresses)) == 9
    assert deployed_in(rpc, ms["address"], ms["block"])
    assert doc["startBlock"] == min([ms["block"]] + [c["block"] for c in doc["contracts"].values()])


def test_roles_on_chain(deployed, rpc):
    _, doc = deployed
    ms, acc = doc["multisig"]["address"], doc["accounts"]
    claims_proxy = doc["contracts"]["SkillClaim"]["proxy"]
    for name, c in doc["contracts"].items():
        abi = Abi.load(name)
        expected = {
            "DEFAULT_ADMIN_ROLE": {ms},
            "UPGRADER_ROLE": {ms},
            "PAUSER_ROLE": {acc["guardian"]},
            "OPERATOR_ROLE": {acc["operator"]} if name in ("SkillClaim", "VerifierRegistry") else set(),
            "CLAIMS_ROLE": {claims_proxy} if name == "SkillProfile" else set(),
        }
        accounts = {doc["deployer"], ms, acc["guardian"], acc["operator"], claims_proxy, *acc["multisigOwners"]}
        for role_name in ROLES:
            for account in accounts:
                has = call(rpc, abi, c["proxy"], "hasRole", role(role_name), account)
                assert has == (account in expected[role_name]), (name, role_name, account)


def test_codehashes_slots_and_versions(deployed, rpc):
    _, doc = deployed
    ms = doc["multisig"]
    assert codehash(rpc, ms["address"]) == ms["codehash"]
    multisig = Abi.load("TakumiMultisig")
    assert call(rpc, multisig, ms["address"], "getOwners") == doc["accounts"]["multisigOwners"]
    assert call(rpc, multisig, ms["address"], "threshold") == 2
    for name, c in doc["contracts"].items():
        abi = Abi.load(name)
        assert codehash(rpc, c["implementation"]) == c["codehash"], name
        slot = rpc.call("eth_getStorageAt", c["proxy"], IMPLEMENTATION_SLOT, "latest")
        assert int(slot, 16) == int(c["implementation"], 16), name
        assert call(rpc, abi, c["proxy"], "version") == c["version"]
        assert call(rpc, abi, c["proxy"], "initialized") is True
        # The bare implementation is locked and holds no role.
        assert call(rpc, abi, c["implementation"], "initialized") is True
        assert not call(rpc, abi, c["implementation"], "hasRole", role("DEFAULT_ADMIN_ROLE"), doc["deployer"])


def test_refuses_to_overwrite_without_force(deployed, node):
    path, _ = deployed
    before = path.read_bytes()
    result = run_cli("system", "--rpc", node.url, "--network", "dev", "--manifest-dir", str(path.parent))
    assert result.returncode == 2
    assert "already exists" in result.stderr and "--force" in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
    assert path.read_bytes() == before


@pytest.mark.parametrize("args, message", [
    (["system", "--network", "dev"], "--rpc"),
    (["system", "--rpc", "ftp://x", "--network", "dev"], "http(s) URL"),
    (["system", "--rpc", "{url}", "--network", "Dev/../x"], "--network"),
    (["system", "--rpc", "{url}", "--network", "t", "--guardian", "0x1234"], "not an address"),
    (["system", "--rpc", "{url}", "--network", "t", "--operator", "0x70997970c51812dc3a010c7d01b50e0d17dc79C8"],
     "checksum"),
    (["system", "--rpc", "{url}", "--network", "t", "--owners", "{a1},{a2}"], "three distinct"),
    (["system", "--rpc", "{url}", "--network", "t", "--owners", "{a1},{a1},{a2}"], "three distinct"),
    (["system", "--rpc", "{url}", "--network", "t", "--guardian", "{a0}"], "deployer must not"),
    (["system", "--rpc", "{url}", "--network", "t", "--deployer-key-file", "/nonexistent/key"], "key file"),
    (["implementation", "Nope", "--rpc", "{url}", "--network", "dev"], "CONTRACT must be one of"),
    (["implementation", "SkillClaim", "--rpc", "{url}", "--network", "nomanifest"], "no deployment manifest"),
    (["bogus"], "invalid choice"),
])
def test_bad_input_exits_2(capsys, node, tmp_path, args, message):
    fill = {"url": node.url, "a0": HARDHAT[0], "a1": HARDHAT[1], "a2": HARDHAT[2]}
    args = [a.format(**fill) for a in args] + (["--manifest-dir", str(tmp_path)] if len(args) > 1 else [])
    code, err = run_main(capsys, *args)
    assert code == 2, err
    assert message in err
    assert len(err.strip().splitlines()) == 1, err
    assert not (tmp_path / "t.json").exists()


def test_key_file_must_be_private(capsys, node, tmp_path):
    key = tmp_path / "deployer.key"
    key.write_text("0x" + "11" * 32 + "\n")
    key.chmod(0o644)
    code, err = run_main(capsys, "system", "--rpc", node.url, "--network", "t", "--manifest-dir", str(tmp_path),
                         "--deployer-key-file", str(key))
    assert code == 2 and "chmod 600" in err
    assert "11" * 32 not in err


def test_unreachable_rpc_exits_1(capsys, tmp_path):
    code, err = run_main(capsys, "system", "--rpc", "http://127.0.0.1:9", "--network", "t",
                         "--manifest-dir", str(tmp_path))
    assert code == 1 and "cannot reach" in err


def test_non_dev_chain_needs_explicit_keys_and_accounts(capsys, tmp_path):
    owners = ["0x" + f"{i:040x}" for i in (0xA1, 0xA2, 0xA3)]
    guardian, operator = "0x" + "0b" * 20, "0x" + "0c" * 20
    with running_devnode("--chain-id", "11155111") as other:
        base = ["system", "--rpc", other.url, "--network", "sepolia-test", "--manifest-dir", str(tmp_path)]
        code, err = run_main(capsys, *base)
        assert code == 2 and "DEPLOYER_KEY" in err
        key = tmp_path / "deployer.key"
        key.write_text(dev_signer(6)._account.key.hex())  # a funded account of that node
        key.chmod(0o600)
        code, err = run_main(capsys, *base, "--deployer-key-file", str(key))
        assert code == 2 and "--owners" in err
        code, err = run_main(capsys, *base, "--deployer-key-file", str(key), "--owners", ",".join(owners),
                             "--guardian", guardian, "--operator", operator)
        assert code == 0, err
        assert key.read_text() not in err
        doc = json.loads((tmp_path / "sepolia-test.json").read_text())
        assert doc["chainId"] == 11155111 and doc["deployer"] == HARDHAT[6]
        assert doc["accounts"]["multisigOwners"] == [to_checksum_address(o) for o in owners]
        client = RpcClient(other.url)
        try:
            profile = doc["contracts"]["SkillProfile"]["proxy"]
            abi = Abi.load("SkillProfile")
            assert call(client, abi, profile, "hasRole", role("PAUSER_ROLE"), to_checksum_address(guardian))
            assert not call(client, abi, profile, "hasRole", role("DEFAULT_ADMIN_ROLE"), HARDHAT[6])
        finally:
            client.close()


# ---------------------------------------------------------------- implementation


def proxy_slots(rpc, doc) -> dict:
    return {name: rpc.call("eth_getStorageAt", c["proxy"], IMPLEMENTATION_SLOT, "latest")
            for name, c in doc["contracts"].items()}


def test_implementation_candidate_recorded_nothing_upgraded(deployed, node, rpc, tmp_path):
    path, _ = deployed
    doc = json.loads(path.read_text())
    slots = proxy_slots(rpc, doc)
    layouts = tmp_path / "layouts"
    result = run_cli("implementation", "SkillClaim", "--rpc", node.url, "--network", "dev",
                     "--manifest-dir", str(path.parent), "--source", "contracts/fixtures/SkillClaimFixed.vy",
                     "--layouts-dir", str(layouts))
    assert result.returncode == 0, result.stderr
    address = result.stdout.strip()
    assert re.fullmatch(r"0x[0-9a-fA-F]{40}", address) and address == to_checksum_address(address)

    after = json.loads(path.read_text())
    assert after["contracts"] == doc["contracts"]  # nothing upgraded in the manifest...
    assert proxy_slots(rpc, after) == slots  # ...nor on chain
    (cand,) = after["candidates"]
    assert set(cand) == CANDIDATE_KEYS
    assert cand["contract"] == "SkillClaim" and cand["implementation"] == address and cand["version"] == "1.0.2"
    assert cand["codehash"] == codehash(rpc, address)
    assert deployed_in(rpc, address, cand["block"])
    assert (path.parent / cand["source"]).resolve() == (CHAIN_DIR / "contracts/fixtures/SkillClaimFixed.vy").resolve()
    layout_file = (path.parent / cand["layout"]).resolve()
    assert layout_file == (layouts / "SkillClaim" / "1.0.2.json").resolve() and layout_file.exists()
    released = json.loads((path.parent / doc["contracts"]["SkillClaim"]["layout"]).read_text())
    assert json.loads(layout_file.read_text()) == released  # the fix keeps the deployed layout exactly
    abi = Abi.load("SkillClaim")
    assert call(rpc, abi, address, "proxiableUUID") == IMPLEMENTATION_SLOT
    assert call(rpc, abi, address, "version") == "1.0.2"


def _incompatible_profile_source(folder: Path) -> Path:
    """SkillProfile 1.1.0 with Profile.bio widened: same slots, a struct member retyped."""
    text = (CHAIN_DIR / "contracts/SkillProfile.vy").read_text()
    text = text.replace("from .modules import governance", "from contracts.modules import governance")
    text = text.replace('return "1.0.0"', 'return "1.1.0"')
    struct = "struct Profile:\n    owner: address\n    name: String[128]\n    bio: String[1024]\n"
    assert struct in text, "SkillProfile.vy changed: update this test's crafted source"
    text = text.replace(struct, struct.replace("bio: String[1024]", "bio: String[2048]"))
    source = folder / "SkillProfileWider.vy"
    source.write_text(text)
    return source


@pytest.mark.parametrize("kind", ["struct", "slots", "same-version"])
def test_implementation_refuses_incompatible_layouts(capsys, deployed, node, rpc, tmp_path, kind):
    path, _ = deployed
    before, head = path.read_bytes(), rpc.call("eth_blockNumber")
    if kind == "struct":
        contract, source, message = "SkillProfile", _incompatible_profile_source(tmp_path), \
            "struct Profile member 2: bio String[1024] -> bio String[2048]"
    elif kind == "slots":
        source = tmp_path / "Tiny.vy"  # a variable the override does not know
        source.write_text('# pragma version ~=0.4.3\ncounter: uint256\n\n@external\n@pure\n'
                          'def version() -> String[16]:\n    return "9.0.0"\n')
        contract, message = "Endorsement", "storage layout incompatible"
    else:
        contract, source, message = "SkillClaim", CHAIN_DIR / "contracts/SkillClaim.vy", "bump version()"
    code, err = run_main(capsys, "implementation", contract, "--rpc", node.url, "--network", "dev",
                         "--manifest-dir", str(path.parent), "--source", str(source),
                         "--layouts-dir", str(tmp_path / "layouts"))
    assert code == 1, err
    assert message in err
    assert path.read_bytes() == before  # no candidate recorded
    assert rpc.call("eth_blockNumber") == head  # nothing deployed
    assert not (tmp_path / "layouts").exists()
