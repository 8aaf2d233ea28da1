"""ERC1967Proxy + UUPS (modules/governance.vy), happy paths: the ERC-1967
slot, initialisation through the proxy constructor, upgrades through the
multisig (upgradeTo / upgradeToAndCall), events. Attacks on the same
machinery are in test_security.py."""

import boa
import pytest
from support import DEFAULT_ADMIN_ROLE, ZERO, error_data, proxy_view

SLOT = 0x360894A13BA1A3210667C828492DB98DCA3E2076CC3735A920A3CA505D382BBC
IMPLS = {
    "profile": "SkillProfile",
    "claims": "SkillClaim",
    "endorsement": "Endorsement",
    "registry": "VerifierRegistry",
}


@pytest.mark.parametrize("attr,name", IMPLS.items())
def test_proxy_points_at_its_implementation(system, attr, name):
    proxy, impl = getattr(system, attr), system.impls[name]
    assert proxy.version() == "1.0.0" and proxy.initialized()
    assert proxy.implementation() == impl.address
    assert boa.env.get_storage(proxy.address, SLOT) == int(impl.address, 16)
    assert impl.proxiableUUID() == SLOT.to_bytes(32, "big")
    assert not proxy.paused()


def test_proxy_has_no_functions_of_its_own(deployers):
    # Anything it declared would shadow the implementation's function.
    assert [e["type"] for e in deployers.abi("ERC1967Proxy") if e["type"] == "function"] == []


def test_creation_emits_upgraded_initialized_and_role_grants(system, deployers):
    impl = system.impls["SkillProfile"]
    ms, guard = system.multisig.address, system.acc.guardian
    deployer = system.acc.carol
    with boa.env.prank(deployer):
        proxy = deployers["ERC1967Proxy"].deploy(impl.address, impl.initialize.prepare_calldata(ms, guard))
    view = proxy_view(deployers, "SkillProfile", proxy.address)
    logs = view.get_logs(proxy._computation)
    assert [type(e).__name__ for e in logs] == ["Upgraded", "Initialized"] + ["RoleGranted"] * 3
    upgraded, initialized, *grants = logs
    assert upgraded.implementation == impl.address and initialized.version == 1
    assert [(g.role, g.account) for g in grants] == [
        (DEFAULT_ADMIN_ROLE, ms), (view.UPGRADER_ROLE(), ms), (view.PAUSER_ROLE(), guard)
    ]
    # Initialisation grants carry the deployer as sender: only in the
    # proxy's creation tx is that expected.
    assert {g.sender for g in grants} == {deployer} and all(g.address == proxy.address for g in logs)


@pytest.mark.parametrize(
    "name,args,reason",
    [
        ("SkillProfile", lambda s: (ZERO, s.acc.guardian), "governance: zero admin"),
        ("SkillProfile", lambda s: (s.multisig.address, ZERO), "governance: zero pauser"),
        ("VerifierRegistry", lambda s: (s.multisig.address, s.acc.guardian, ZERO), "governance: zero operator"),
        ("Endorsement", lambda s: (s.multisig.address, s.acc.guardian, ZERO), "Endorsement: zero skill profile"),
        (
            "SkillClaim",
            lambda s: (s.multisig.address, s.acc.guardian, s.acc.operator, ZERO, s.registry.address),
            "SkillClaim: zero skill profile",
        ),
        (
            "SkillClaim",
            lambda s: (s.multisig.address, s.acc.guardian, s.acc.operator, s.profile.address, ZERO),
            "SkillClaim: zero verifier registry",
        ),
    ],
)
def test_initialize_validates_and_proxy_creation_bubbles_it(system, deployers, name, args, reason):
    impl = system.impls[name]
    with boa.reverts(reason):
        deployers["ERC1967Proxy"].deploy(impl.address, impl.initialize.prepare_calldata(*args(system)))


def test_proxy_requires_a_contract(system, deployers):
    with boa.reverts("ERC1967Proxy: implementation not a contract"):
        deployers["ERC1967Proxy"].deploy(system.acc.alice, b"")


def test_proxy_without_init_data_can_be_initialised_once_later(system, deployers):
    impl = system.impls["SkillProfile"]
    proxy = deployers["ERC1967Proxy"].deploy(impl.address, b"")
    view = proxy_view(deployers, "SkillProfile", proxy.address)
    assert not view.initialized()
    view.initialize(system.multisig.address, system.acc.guardian)
    assert view.initialized() and view.hasRole(DEFAULT_ADMIN_ROLE, system.multisig.address)


def test_upgrade_through_multisig(system):
    claims = system.claims
    new = system.deployers["SkillClaimFixed"].deploy()
    pid = system.via_multisig(claims.address, claims.upgradeTo.prepare_calldata(new.address))
    upgraded, executed = system.multisig.get_logs()
    assert type(upgraded).__name__ == "Upgraded" and upgraded.implementation == new.address
    assert upgraded.address == claims.address
    assert type(executed).__name__ == "Executed"
    assert (executed.proposalId, executed.target) == (pid, claims.address)
    assert claims.version() == "1.0.2" and claims.implementation() == new.address
    assert boa.env.get_storage(claims.address, SLOT) == int(new.address, 16)


def test_upgrade_to_and_call_runs_the_call_in_proxy_storage(system):
    p, carol = system.profile, system.acc.carol
    new = system.deployers["SkillProfile"].deploy()
    follow_up = p.grantRole.prepare_calldata(p.PAUSER_ROLE(), carol)
    system.via_multisig(p.address, p.upgradeToAndCall.prepare_calldata(new.address, follow_up))
    assert p.implementation() == new.address and p.hasRole(p.PAUSER_ROLE(), carol)
    # An empty call is a plain upgrade.
    newer = system.deployers["SkillProfile"].deploy()
    system.via_multisig(p.address, p.upgradeToAndCall.prepare_calldata(newer.address, b""))
    assert p.implementation() == newer.address


def test_upgrade_to_and_call_bubbles_the_calls_revert(system):
    p, ms, (o0, o1, _) = system.profile, system.multisig, system.acc.owners
    new = system.deployers["SkillProfile"].deploy()
    again = p.initialize.prepare_calldata(ms.address, system.acc.guardian)
    pid = ms.propose(p.address, 0, p.upgradeToAndCall.prepare_calldata(new.address, again), sender=o0)
    ms.confirm(pid, sender=o1)
    comp = boa.env.execute_code(to_address=ms.address, sender=o0, data=ms.execute.prepare_calldata(pid))
    assert comp.is_error and bytes(comp.output) == error_data("governance: already initialized")
    assert p.implementation() == system.impls["SkillProfile"].address


def test_state_survives_upgrade(system):
    p, alice = system.profile, system.acc.alice
    skill_id = system.profile_with_skill(alice)
    system.upgrade(p, "SkillProfile")
    assert p.getSkill(skill_id).owner == alice and p.profileCount() == 1


@pytest.mark.parametrize(
    "name,version",
    [("SkillClaim", "1.0.0"), ("SkillClaimVulnerable", "1.0.1"), ("SkillClaimFixed", "1.0.2")],
)
def test_every_skill_claim_release_initialises_a_fresh_proxy(system, deployers, name, version):
    impl = deployers[name].deploy()
    s = system
    init = impl.initialize.prepare_calldata(
        s.multisig.address, s.acc.guardian, s.acc.operator, s.profile.address, s.registry.address
    )
    proxy = proxy_view(deployers, name, deployers["ERC1967Proxy"].deploy(impl.address, init).address)
    assert proxy.version() == version and proxy.implementation() == impl.address
    assert proxy.hasRole(proxy.OPERATOR_ROLE(), s.acc.operator)
    assert (proxy.skillProfile(), proxy.verifierRegistry()) == (s.profile.address, s.registry.address)
