"""Security tests (`pytest -k SecurityTest`, the runbook's
`forge test --match-contract SecurityTest`): who may pause, unpause,
upgrade and initialise; locked implementations; non-UUPS upgrade targets;
multisig replay and confirmation rules; the emergency stop covering every
user-facing state change; the proxy's return buffer and revert bubbling."""

import boa
import pytest
from support import DEFAULT_ADMIN_ROLE, error_data, execute, grant_via_multisig

MISSING_ROLE = "access_control: account is missing role"
PAUSED = "pausable: contract is paused"
PROXIES = ["profile", "claims", "endorsement", "registry"]
IMPL_OF = {
    "profile": "SkillProfile",
    "claims": "SkillClaim",
    "endorsement": "Endorsement",
    "registry": "VerifierRegistry",
}
MAX_RETURN = 8192  # ERC1967Proxy.MAX_RETURN


def init_args(system, attr):
    s = system
    return {
        "profile": (s.acc.attacker, s.acc.attacker),
        "registry": (s.acc.attacker, s.acc.attacker, s.acc.attacker),
        "endorsement": (s.acc.attacker, s.acc.attacker, s.profile.address),
        "claims": (s.acc.attacker, s.acc.attacker, s.acc.attacker, s.profile.address, s.registry.address),
    }[attr]


def pause_all(system):
    for attr in PROXIES:
        getattr(system, attr).pause(sender=system.acc.guardian)


class SecurityTestRoles:
    @pytest.mark.parametrize("attr", PROXIES)
    def test_only_the_guardian_pauses(self, system, attr):
        proxy = getattr(system, attr)
        for who in (system.acc.attacker, system.acc.operator, system.multisig.address):
            with boa.reverts(MISSING_ROLE):
                proxy.pause(sender=who)
        proxy.pause(sender=system.acc.guardian)
        assert proxy.paused()
        with boa.reverts(PAUSED):
            proxy.pause(sender=system.acc.guardian)

    @pytest.mark.parametrize("attr", PROXIES)
    def test_only_the_multisig_unpauses(self, system, attr):
        proxy = getattr(system, attr)
        proxy.pause(sender=system.acc.guardian)
        for who in (system.acc.guardian, system.acc.operator, system.acc.owners[0]):
            with boa.reverts(MISSING_ROLE):
                proxy.unpause(sender=who)
        system.via_multisig(proxy.address, proxy.unpause.prepare_calldata())
        assert not proxy.paused()
        with boa.reverts("pausable: contract is not paused"):
            system.via_multisig(proxy.address, proxy.unpause.prepare_calldata())

    @pytest.mark.parametrize("attr", PROXIES)
    def test_only_the_multisig_upgrades(self, system, attr):
        proxy = getattr(system, attr)
        new = system.deployers[IMPL_OF[attr]].deploy()
        for who in (system.acc.attacker, system.acc.guardian, system.acc.operator, system.acc.owners[0]):
            with boa.reverts(MISSING_ROLE):
                proxy.upgradeTo(new.address, sender=who)
            with boa.reverts(MISSING_ROLE):
                proxy.upgradeToAndCall(new.address, b"", sender=who)
        assert proxy.implementation() == system.impls[IMPL_OF[attr]].address

    @pytest.mark.parametrize("attr", PROXIES)
    def test_only_the_multisig_changes_roles(self, system, attr):
        proxy = getattr(system, attr)
        for who in (system.acc.attacker, system.acc.guardian, system.acc.operator):
            with boa.reverts(MISSING_ROLE):
                proxy.grantRole(DEFAULT_ADMIN_ROLE, who, sender=who)
        grant_via_multisig(system, proxy, proxy.PAUSER_ROLE(), system.acc.carol)
        assert proxy.hasRole(proxy.PAUSER_ROLE(), system.acc.carol)


class SecurityTestInitialisation:
    @pytest.mark.parametrize("attr", PROXIES)
    def test_proxy_cannot_be_reinitialised(self, system, attr):
        proxy = getattr(system, attr)
        with boa.reverts("governance: already initialized"):
            proxy.initialize(*init_args(system, attr), sender=system.acc.attacker)
        assert not proxy.hasRole(DEFAULT_ADMIN_ROLE, system.acc.attacker)

    @pytest.mark.parametrize("attr", PROXIES)
    def test_implementation_is_locked_and_holds_no_roles(self, system, attr):
        impl = system.impls[IMPL_OF[attr]]
        assert impl.initialized()
        with boa.reverts("governance: already initialized"):
            impl.initialize(*init_args(system, attr), sender=system.acc.attacker)
        assert not impl.hasRole(DEFAULT_ADMIN_ROLE, boa.env.eoa)  # its deployer
        with boa.reverts(MISSING_ROLE):
            impl.pause(sender=system.acc.attacker)

    @pytest.mark.parametrize("attr", PROXIES)
    def test_upgrade_functions_refuse_to_run_on_the_implementation(self, system, attr):
        impl = system.impls[IMPL_OF[attr]]
        with boa.reverts("governance: only through proxy"):
            impl.upgradeTo(impl.address, sender=system.multisig.address)
        with boa.reverts("governance: only through proxy"):
            impl.upgradeToAndCall(impl.address, b"", sender=system.multisig.address)

    def test_calling_the_implementation_directly_never_touches_proxy_state(self, system):
        impl, alice = system.impls["SkillProfile"], system.acc.alice
        impl.createProfile("Direct", "", "", sender=alice)
        assert impl.hasProfile(alice) and not system.profile.hasProfile(alice)


class SecurityTestUpgradeTargets:
    def test_eoa_is_not_uups(self, system):
        p = system.profile
        with boa.reverts("governance: new implementation is not UUPS"):
            system.via_multisig(p.address, p.upgradeTo.prepare_calldata(system.acc.alice))

    def test_contract_without_proxiable_uuid_is_not_uups(self, system):
        p = system.profile
        with boa.reverts("governance: new implementation is not UUPS"):
            system.via_multisig(p.address, p.upgradeTo.prepare_calldata(system.multisig.address))

    def test_a_proxy_is_not_an_implementation(self, system):
        # Through a proxy proxiableUUID reverts, so proxies cannot be chained.
        p = system.profile
        with boa.reverts("governance: only on implementation"):
            p.proxiableUUID()
        with boa.reverts("governance: new implementation is not UUPS"):
            system.via_multisig(p.address, p.upgradeTo.prepare_calldata(system.claims.address))

    def test_wrong_proxiable_uuid_is_refused(self, system):
        other_slot = boa.loads(
            """
@external
@view
def proxiableUUID() -> bytes32:
    return keccak256("some.other.slot")
"""
        )
        p = system.profile
        with boa.reverts("governance: unsupported proxiableUUID"):
            system.via_multisig(p.address, p.upgradeTo.prepare_calldata(other_slot.address))


class SecurityTestMultisig:
    def test_replay_is_rejected(self, system):
        ms, (o0, o1, o2) = system.multisig, system.acc.owners
        data = system.profile.grantRole.prepare_calldata(system.profile.PAUSER_ROLE(), system.acc.carol)
        pid = system.via_multisig(system.profile.address, data)
        for owner in (o0, o1, o2):
            with boa.reverts("TakumiMultisig: already executed"):
                ms.execute(pid, sender=owner)
        with boa.reverts("TakumiMultisig: already executed"):
            ms.confirm(pid, sender=o2)
        with boa.reverts("TakumiMultisig: already executed"):
            ms.revoke(pid, sender=o0)
        # The same call needs a new proposal (a new nonce).
        assert ms.propose(system.profile.address, 0, data, sender=o2) == pid + 1

    def test_double_confirmation_is_rejected(self, system):
        ms, (o0, o1, _) = system.multisig, system.acc.owners
        pid = ms.propose(system.profile.address, 0, b"", sender=o0)
        with boa.reverts("TakumiMultisig: already confirmed"):
            ms.confirm(pid, sender=o0)
        ms.confirm(pid, sender=o1)
        with boa.reverts("TakumiMultisig: already confirmed"):
            ms.confirm(pid, sender=o1)
        assert ms.confirmationCount(pid) == 2

    def test_non_owners_are_rejected(self, system):
        ms, attacker = system.multisig, system.acc.attacker
        pid = ms.propose(system.profile.address, 0, b"", sender=system.acc.owners[0])
        with boa.reverts("TakumiMultisig: not an owner"):
            ms.propose(system.profile.address, 0, b"", sender=attacker)
        for fn in (ms.confirm, ms.revoke, ms.execute):
            with boa.reverts("TakumiMultisig: not an owner"):
                fn(pid, sender=attacker)

    def test_one_owner_alone_cannot_execute(self, system):
        ms, o0 = system.multisig, system.acc.owners[0]
        pid = ms.propose(system.profile.address, 0, system.profile.unpause.prepare_calldata(), sender=o0)
        with boa.reverts("TakumiMultisig: not enough confirmations"):
            ms.execute(pid, sender=o0)


@pytest.fixture
def ready(system):
    """State in which every user-facing call in USER_CALLS would succeed."""
    s, a = system, system.acc
    ids = {"skill": s.profile_with_skill(a.alice)}
    s.register_verifier(a.verifier)
    s.register_verifier(a.verifier2)
    s.registry.suspendVerifier(a.verifier2, "on leave", sender=a.operator)
    ids["assigned"] = s.claims.createClaim(ids["skill"], "ipfs://e", sender=a.alice)
    s.claims.assignVerifier(ids["assigned"], a.verifier, sender=a.operator)
    for key in ("pending", "rejected", "disputed"):
        skill_id = s.profile.addSkill(key, "", sender=a.alice)
        ids[key] = s.claims.createClaim(skill_id, "ipfs://e", sender=a.alice)
    ids["fresh_skill"] = s.profile.addSkill("fresh", "", sender=a.alice)
    for key in ("rejected", "disputed"):
        s.claims.assignVerifier(ids[key], a.verifier, sender=a.operator)
        s.claims.rejectClaim(ids[key], "no", sender=a.verifier)
    s.claims.disputeRejection(ids["disputed"], "yes", sender=a.alice)
    ids["endorsement"] = s.endorsement.endorse(a.alice, ids["skill"], "", sender=a.bob)
    grant_via_multisig(s, s.profile, s.profile.CLAIMS_ROLE(), a.carol)
    return s, ids


# (contract, function, args from (accounts, ids), sender attribute)
USER_CALLS = [
    ("profile", "createProfile", lambda a, i: ("Bob", "", ""), "bob"),
    ("profile", "updateProfile", lambda a, i: ("Alice", "", ""), "alice"),
    ("profile", "addSkill", lambda a, i: ("Go", ""), "alice"),
    ("profile", "removeSkill", lambda a, i: (i["fresh_skill"],), "alice"),
    ("profile", "markSkillVerified", lambda a, i: (i["fresh_skill"], 99), "carol"),
    ("claims", "createClaim", lambda a, i: (i["fresh_skill"], "ipfs://e"), "alice"),
    ("claims", "assignVerifier", lambda a, i: (i["pending"], a.verifier), "operator"),
    ("claims", "approveClaim", lambda a, i: (i["assigned"],), "verifier"),
    ("claims", "rejectClaim", lambda a, i: (i["assigned"], "no"), "verifier"),
    ("claims", "disputeRejection", lambda a, i: (i["rejected"], "yes"), "alice"),
    ("claims", "resolveDispute", lambda a, i: (i["disputed"], True, "ok"), "operator"),
    ("endorsement", "endorse", lambda a, i: (a.alice, i["skill"], "hi"), "carol"),
    ("endorsement", "revokeEndorsement", lambda a, i: (i["endorsement"],), "bob"),
    ("registry", "registerVerifier", lambda a, i: (a.carol, "Carol", "", []), "operator"),
    ("registry", "updateVerifier", lambda a, i: (a.verifier, "V", "", []), "operator"),
    ("registry", "suspendVerifier", lambda a, i: (a.verifier, "why"), "operator"),
    ("registry", "reactivateVerifier", lambda a, i: (a.verifier2,), "operator"),
]


class SecurityTestPause:
    @pytest.mark.parametrize("contract,fn,args,sender", USER_CALLS, ids=[c[1] for c in USER_CALLS])
    def test_every_user_facing_change_stops_while_paused(self, ready, contract, fn, args, sender):
        system, ids = ready
        call = getattr(getattr(system, contract), fn)
        kwargs = {"sender": getattr(system.acc, sender)}
        with boa.env.anchor():
            call(*args(system.acc, ids), **kwargs)  # valid when not paused
        pause_all(system)
        with boa.reverts(PAUSED):
            call(*args(system.acc, ids), **kwargs)

    def test_pausing_skill_profile_also_stops_approvals(self, ready):
        system, ids = ready
        system.profile.pause(sender=system.acc.guardian)
        with boa.reverts(PAUSED):
            system.claims.approveClaim(ids["assigned"], sender=system.acc.verifier)

    def test_admin_keeps_working_while_paused(self, ready):
        # The runbook's sequence: pause, upgrade, fix roles, unpause.
        system, ids = ready
        pause_all(system)
        fixed = system.upgrade(system.claims, "SkillClaimFixed")
        c = system.claims
        system.via_multisig(c.address, c.revokeRole.prepare_calldata(c.OPERATOR_ROLE(), system.acc.operator))
        system.via_multisig(c.address, c.unpause.prepare_calldata())
        assert c.implementation() == fixed.address and not c.paused()
        with boa.reverts(MISSING_ROLE):
            c.assignVerifier(ids["pending"], system.acc.verifier, sender=system.acc.operator)


class SecurityTestProxyBuffers:
    def test_largest_views_fit_the_return_buffer(self, system):
        s, a = system, system.acc
        s.profile.createProfile("n" * 64, "b" * 512, "u" * 256, sender=a.alice)
        skill_ids = [s.profile.addSkill("s" * 64, "c" * 32, sender=a.alice) for _ in range(50)]
        s.registry.registerVerifier(a.verifier, "n" * 64, "o" * 64, ["s" * 32] * 10, sender=a.operator)
        claim_id = s.claims.createClaim(skill_ids[0], "e" * 256, sender=a.alice)
        s.claims.assignVerifier(claim_id, a.verifier, sender=a.operator)
        s.claims.rejectClaim(claim_id, "r" * 256, sender=a.verifier)
        s.claims.disputeRejection(claim_id, "d" * 256, sender=a.alice)
        s.claims.resolveDispute(claim_id, False, "x" * 256, sender=a.operator)
        endorsement_id = s.endorsement.endorse(a.alice, skill_ids[0], "m" * 256, sender=a.bob)
        views = [
            (s.profile, s.profile.getProfile, (a.alice,)),
            (s.profile, s.profile.getSkill, (skill_ids[0],)),
            (s.profile, s.profile.skillIdsOf, (a.alice,)),
            (s.registry, s.registry.getVerifier, (a.verifier,)),
            (s.claims, s.claims.getClaim, (claim_id,)),
            (s.endorsement, s.endorsement.getEndorsement, (endorsement_id,)),
        ]
        sizes = {}
        for proxy, fn, args in views:
            comp = execute(proxy.address, fn.prepare_calldata(*args), a.bob)
            assert not comp.is_error
            sizes[fn.name] = len(comp.output)
        # Decoding proves nothing was cut off at the cap.
        assert s.profile.getProfile(a.alice).bio == "b" * 512
        assert sorted(s.profile.skillIdsOf(a.alice)) == skill_ids
        assert list(s.registry.getVerifier(a.verifier).specialisations) == ["s" * 32] * 10
        assert s.claims.getClaim(claim_id).resolutionNote == "x" * 256
        assert max(sizes.values()) <= MAX_RETURN // 4, sizes  # headroom kept for future versions

    def test_revert_data_bubbles_unchanged(self, system):
        impl, proxy, alice = system.impls["SkillProfile"], system.profile, system.acc.alice
        data = proxy.createProfile.prepare_calldata("", "", "")
        direct, proxied = execute(impl.address, data, alice), execute(proxy.address, data, alice)
        assert direct.is_error and proxied.is_error
        assert bytes(proxied.output) == bytes(direct.output) == error_data("SkillProfile: name empty")

    def test_nested_revert_bubbles_through_two_proxies(self, system):
        # SkillClaim proxy -> SkillProfile proxy -> implementation.
        skill_id, claim_id = system.assigned_claim(system.acc.alice, system.acc.verifier)
        system.profile.removeSkill(skill_id, sender=system.acc.alice)
        data = system.claims.approveClaim.prepare_calldata(claim_id)
        comp = execute(system.claims.address, data, system.acc.verifier)
        assert comp.is_error and bytes(comp.output) == error_data("SkillProfile: skill removed")

    def test_unknown_selector_reverts_without_data(self, system):
        comp = execute(system.profile.address, b"\xde\xad\xbe\xef", system.acc.alice)
        assert comp.is_error and bytes(comp.output) == b""
