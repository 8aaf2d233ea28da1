"""Helpers for the contract tests: compiled deployers (cached on disk), the
Takumi deployment as a `System` object, proxy views, small builders and log
helpers. The pytest fixtures that hand them out live in chain/conftest.py.
"""

from __future__ import annotations

import json
import pickle
import sys
from dataclasses import dataclass
from pathlib import Path

import boa
from boa.contracts.abi.abi_contract import ABIContract
from boa.contracts.vyper.vyper_contract import VyperContract, VyperDeployer
from boa.interpret import _compute_source_map
from eth_abi import encode as abi_encode
from eth_utils import function_signature_to_4byte_selector as method_id
from vyper.compiler.output import build_abi_output
from vyper.compiler.settings import anchor_settings

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
import compile as takumi_compile  # noqa: E402

CACHE_DIR = takumi_compile.OUT_DIR / ".compile-cache"
# Bound once: some tests monkeypatch compile.compiler_data to reuse the
# session's compiled contracts, which must not loop back here.
_fresh_compiler_data = takumi_compile.compiler_data
ZERO = "0x" + "00" * 20
DEFAULT_ADMIN_ROLE = b"\x00" * 32


def _compiled(name: str):
    """CompilerData with bytecode and source map computed, from disk if possible."""
    path = CACHE_DIR / f"{name}-{takumi_compile.fingerprint()[:16]}.pickle"
    if path.exists():
        try:
            return pickle.loads(path.read_bytes())
        except Exception:  # a cache from another vyper/boa build: recompile
            path.unlink()
    data = _fresh_compiler_data(name)
    with anchor_settings(data.settings):
        _ = data.bytecode, data.bytecode_runtime
        # titanoboa needs the runtime source map for coverage and traces.
        data.source_map = _compute_source_map(data)
    CACHE_DIR.mkdir(parents=True, exist_ok=True)
    path.write_bytes(pickle.dumps(data))
    return data


class Deployers(dict):
    """name -> VyperDeployer, compiled on first use."""

    def __missing__(self, name: str) -> VyperDeployer:
        contract = takumi_compile.CONTRACTS[name]
        deployer = VyperDeployer(_compiled(name), filename=str(takumi_compile.CHAIN_DIR / contract.source))
        self[name] = deployer
        return deployer

    def abi(self, name: str) -> list:
        return build_abi_output(self[name].compiler_data)


@dataclass
class Accounts:
    owners: list[str]
    guardian: str
    operator: str
    alice: str
    bob: str
    carol: str
    verifier: str
    verifier2: str
    attacker: str


def make_accounts() -> Accounts:
    gen = boa.env.generate_address
    return Accounts(
        owners=[gen(f"owner{i}") for i in range(3)],
        guardian=gen("guardian"),
        operator=gen("operator"),
        alice=gen("alice"),
        bob=gen("bob"),
        carol=gen("carol"),
        verifier=gen("verifier"),
        verifier2=gen("verifier2"),
        attacker=gen("attacker"),
    )


@dataclass
class System:
    """A deployed Takumi: proxies (ABI views), implementations and accounts."""

    deployers: Deployers
    acc: Accounts
    multisig: VyperContract
    profile: ABIContract
    claims: ABIContract
    endorsement: ABIContract
    registry: ABIContract
    impls: dict[str, VyperContract]

    def via_multisig(self, target, calldata: bytes, amount: int = 0) -> int:
        """Propose, confirm and execute a call as owners 0 and 1 (2-of-3)."""
        owners = self.acc.owners
        pid = self.multisig.propose(str(target), amount, calldata, sender=owners[0])
        self.multisig.confirm(pid, sender=owners[1])
        self.multisig.execute(pid, sender=owners[0])
        return pid

    def upgrade(self, proxy: ABIContract, impl_name: str) -> VyperContract:
        """Deploy a new implementation and install it through the multisig."""
        impl = self.deployers[impl_name].deploy()
        self.via_multisig(proxy.address, proxy.upgradeTo.prepare_calldata(impl.address))
        return impl

    # -- small builders shared by the domain tests --------------------------

    def profile_with_skill(self, owner: str, skill: str = "Vyper") -> int:
        self.profile.createProfile(f"{skill} person", "bio", "ipfs://meta", sender=owner)
        return self.profile.addSkill(skill, "engineering", sender=owner)

    def register_verifier(self, account: str) -> None:
        self.registry.registerVerifier(account, "Vera", "Guild", ["solidity"], sender=self.acc.operator)

    def assigned_claim(self, claimant: str, verifier: str) -> tuple[int, int]:
        """A claim by `claimant` for a fresh skill, assigned to `verifier`."""
        skill_id = self.profile_with_skill(claimant)
        self.register_verifier(verifier)
        claim_id = self.claims.createClaim(skill_id, "ipfs://evidence", sender=claimant)
        self.claims.assignVerifier(claim_id, verifier, sender=self.acc.operator)
        return skill_id, claim_id


def proxy_view(deployers: Deployers, impl_name: str, address) -> ABIContract:
    """The implementation's ABI at a proxy address.

    Given the proxy's source map so that titanoboa's coverage attributes the
    proxy's own program counters (its __default__) to ERC1967Proxy.vy; the
    delegated execution is attributed to the implementation by code address.
    """
    factory = boa.loads_abi(json.dumps(deployers.abi(impl_name)), name=impl_name)
    contract = factory.at(address)
    contract.source_map = deployers["ERC1967Proxy"].compiler_data.source_map
    return contract


def deploy_proxy(deployers: Deployers, impl: VyperContract, init_calldata: bytes, impl_name: str):
    proxy = deployers["ERC1967Proxy"].deploy(impl.address, init_calldata)
    return proxy_view(deployers, impl_name, proxy.address)


def deploy_system(deployers: Deployers) -> System:
    acc = make_accounts()
    multisig = deployers["TakumiMultisig"].deploy(acc.owners, 2)
    impls = {name: deployers[name].deploy() for name in takumi_compile.UPGRADEABLE}
    ms, guard, op = multisig.address, acc.guardian, acc.operator

    profile = deploy_proxy(
        deployers,
        impls["SkillProfile"],
        impls["SkillProfile"].initialize.prepare_calldata(ms, guard),
        "SkillProfile",
    )
    registry = deploy_proxy(
        deployers,
        impls["VerifierRegistry"],
        impls["VerifierRegistry"].initialize.prepare_calldata(ms, guard, op),
        "VerifierRegistry",
    )
    endorsement = deploy_proxy(
        deployers,
        impls["Endorsement"],
        impls["Endorsement"].initialize.prepare_calldata(ms, guard, profile.address),
        "Endorsement",
    )
    claims = deploy_proxy(
        deployers,
        impls["SkillClaim"],
        impls["SkillClaim"].initialize.prepare_calldata(ms, guard, op, profile.address, registry.address),
        "SkillClaim",
    )
    system = System(deployers, acc, multisig, profile, claims, endorsement, registry, impls)
    # The one role that cannot be granted in initialize (SkillClaim's proxy
    # does not exist yet when SkillProfile is initialised): a multisig call,
    # exactly as deploy.py must do it.
    system.via_multisig(
        profile.address, profile.grantRole.prepare_calldata(profile.CLAIMS_ROLE(), claims.address)
    )
    return system


def events(contract, name: str | None = None) -> list:
    """Decoded logs of `contract`'s last call, optionally only event `name`."""
    logs = contract.get_logs()
    return [e for e in logs if name is None or type(e).__name__ == name]


def error_data(reason: str) -> bytes:
    """The ABI encoding of `Error(string)`: what a Vyper assert reverts with."""
    return method_id("Error(string)") + abi_encode(["string"], [reason])


def execute(to, data: bytes, sender):
    """Run a call and return the raw computation (output, is_error, logs)."""
    return boa.env.execute_code(to_address=str(to), sender=str(sender), data=data)


def grant_via_multisig(system: System, contract, role: bytes, account) -> None:
    system.via_multisig(contract.address, contract.grantRole.prepare_calldata(role, str(account)))
