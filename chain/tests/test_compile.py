"""compile.py: committed ABI files match the sources, artifacts are
deployable and deterministic, codehashes match what is on chain, and every
contract fits the EIP-170 / EIP-3860 size limits."""

import json

import boa
import pytest
from eth_abi import encode as abi_encode
from eth_utils import keccak
from support import takumi_compile
from vyper.compiler.output import build_abi_output

RELEASED = [n for n, c in takumi_compile.CONTRACTS.items() if c.released]


@pytest.fixture
def cached_compiler(deployers, monkeypatch):
    """compile.py, but reusing this session's compiled contracts."""
    monkeypatch.setattr(takumi_compile, "compiler_data", lambda name: deployers[name].compiler_data)
    return takumi_compile


def test_committed_abi_files_are_up_to_date(cached_compiler):
    assert cached_compiler.stale_abi_files() == [], "run: python chain/compile.py"


@pytest.mark.parametrize("name", RELEASED)
def test_abi_file_is_the_abi(deployers, name):
    committed = json.loads((takumi_compile.ABI_DIR / f"{name}.json").read_text())
    assert committed == build_abi_output(deployers[name].compiler_data)


@pytest.mark.parametrize("name", list(takumi_compile.CONTRACTS))
def test_sizes_within_eip170_and_eip3860(deployers, name):
    data = deployers[name].compiler_data
    assert len(data.bytecode_runtime) <= 24576 and len(data.bytecode) <= 49152


def test_onchain_codehash_is_the_compiled_codehash(system):
    # No immutables: every deployment of an implementation has the same
    # codehash, so the deployment manifest can pin it.
    for name, impl in system.impls.items():
        runtime = system.deployers[name].compiler_data.bytecode_runtime
        assert keccak(boa.env.get_code(impl.address)) == keccak(runtime), name


def test_load_artifact_is_deployable_and_deterministic(deployers):
    art = takumi_compile.load_artifact("ERC1967Proxy")
    assert art["bytecode"] == "0x" + deployers["ERC1967Proxy"].compiler_data.bytecode.hex()
    assert art["runtimeCodehash"] == "0x" + keccak(bytes.fromhex(art["runtimeBytecode"][2:])).hex()
    assert art["layoutOverride"] == "layouts/ERC1967Proxy/override.json"
    assert art["fingerprint"] == takumi_compile.fingerprint()
    assert {e["type"] for e in art["abi"]} == {"constructor", "fallback", "event"}
    # Deploy from the artifact alone, the way deploy.py will.
    target = deployers["SkillProfile"].deploy()
    ctor_args = abi_encode(["address", "bytes"], [target.address, b""])
    address, _ = boa.env.deploy_code(bytecode=bytes.fromhex(art["bytecode"][2:]) + ctor_args)
    assert "0x" + keccak(boa.env.get_code(address)).hex() == art["runtimeCodehash"]


def test_versions_are_read_from_the_source(deployers):
    version = takumi_compile.contract_version
    versions = {n: version(deployers[n].compiler_data) for n in takumi_compile.CONTRACTS}
    assert versions == {
        "ERC1967Proxy": None,
        "TakumiMultisig": None,
        "SkillProfile": "1.0.0",
        "SkillClaim": "1.0.0",
        "Endorsement": "1.0.0",
        "VerifierRegistry": "1.0.0",
        "SkillClaimVulnerable": "1.0.1",
        "SkillClaimFixed": "1.0.2",
    }
