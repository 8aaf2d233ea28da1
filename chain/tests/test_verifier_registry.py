"""VerifierRegistry through its proxy: operators register, update, suspend
and reactivate verifiers; it is the only list SkillClaim consults."""

import boa
import pytest
from support import ZERO, events

SPECS = ["solidity", "vyper", "audits"]
MISSING_ROLE = "access_control: account is missing role"


def register(system, account, name="Vera", org="Guild", specs=SPECS):
    system.registry.registerVerifier(account, name, org, specs, sender=system.acc.operator)


def test_register_verifier(system):
    r, v, op = system.registry, system.acc.verifier, system.acc.operator
    register(system, v)
    (ev,) = events(r, "VerifierRegistered")
    assert (ev.account, ev.operator, ev.name, ev.organisation, list(ev.specialisations)) == (
        v, op, "Vera", "Guild", SPECS
    )
    got = r.getVerifier(v)
    assert (got.account, got.name, got.organisation, list(got.specialisations), got.active) == (
        v, "Vera", "Guild", SPECS, True
    )
    assert got.registeredAt == got.updatedAt > 0
    assert r.isActiveVerifier(v) and not r.isActiveVerifier(system.acc.bob)
    assert (r.verifierCount(), r.activeVerifierCount()) == (1, 1)
    assert r.getVerifier(system.acc.bob).account == ZERO


def test_register_accepts_fields_at_their_limits(system):
    register(system, system.acc.verifier, "n" * 64, "o" * 64, ["s" * 32] * 10)
    assert len(system.registry.getVerifier(system.acc.verifier).specialisations) == 10


def test_only_operators_manage_verifiers(system):
    r, v, bob = system.registry, system.acc.verifier, system.acc.bob
    with boa.reverts(MISSING_ROLE):
        r.registerVerifier(v, "Vera", "Guild", SPECS, sender=bob)
    register(system, v)
    with boa.reverts(MISSING_ROLE):
        r.updateVerifier(v, "Vera", "Guild", SPECS, sender=bob)
    with boa.reverts(MISSING_ROLE):
        r.suspendVerifier(v, "fraud", sender=bob)
    with boa.reverts(MISSING_ROLE):
        r.reactivateVerifier(v, sender=bob)
    # The multisig is admin, not operator: separation of duties holds.
    with boa.reverts(MISSING_ROLE):
        r.suspendVerifier(v, "fraud", sender=system.multisig.address)


def test_register_reverts(system):
    with boa.reverts("VerifierRegistry: zero address"):
        register(system, ZERO)
    register(system, system.acc.verifier)
    with boa.reverts("VerifierRegistry: already registered"):
        register(system, system.acc.verifier)


BAD_FIELDS = [
    (("", "Guild", SPECS), "VerifierRegistry: name empty"),
    (("n" * 65, "Guild", SPECS), "VerifierRegistry: name too long"),
    (("Vera", "o" * 65, SPECS), "VerifierRegistry: organisation too long"),
    (("Vera", "Guild", ["s"] * 11), "VerifierRegistry: too many specialisations"),
    (("Vera", "Guild", ["ok", ""]), "VerifierRegistry: specialisation empty"),
    (("Vera", "Guild", ["s" * 33]), "VerifierRegistry: specialisation too long"),
]


@pytest.mark.parametrize("fields,reason", BAD_FIELDS)
def test_register_rejects_bad_fields(system, fields, reason):
    with boa.reverts(reason):
        register(system, system.acc.verifier, *fields)


@pytest.mark.parametrize("fields,reason", BAD_FIELDS)
def test_update_rejects_bad_fields(system, fields, reason):
    register(system, system.acc.verifier)
    with boa.reverts(reason):
        system.registry.updateVerifier(system.acc.verifier, *fields, sender=system.acc.operator)


def test_update_verifier(system):
    r, v, op = system.registry, system.acc.verifier, system.acc.operator
    register(system, v)
    boa.env.time_travel(seconds=10)
    r.updateVerifier(v, "Vera K.", "Other Guild", ["rust"], sender=op)
    (ev,) = events(r, "VerifierUpdated")
    assert (ev.account, ev.operator, ev.name, ev.organisation, list(ev.specialisations)) == (
        v, op, "Vera K.", "Other Guild", ["rust"]
    )
    got = r.getVerifier(v)
    assert (got.name, got.organisation, list(got.specialisations)) == ("Vera K.", "Other Guild", ["rust"])
    assert got.updatedAt == got.registeredAt + 10
    with boa.reverts("VerifierRegistry: not registered"):
        r.updateVerifier(system.acc.bob, "Bob", "", [], sender=op)


def test_suspend_and_reactivate(system):
    r, v, op = system.registry, system.acc.verifier, system.acc.operator
    register(system, v)
    r.suspendVerifier(v, "conflict of interest", sender=op)
    (ev,) = events(r, "VerifierSuspended")
    assert (ev.account, ev.operator, ev.reason) == (v, op, "conflict of interest")
    assert not r.isActiveVerifier(v) and not r.getVerifier(v).active
    assert (r.verifierCount(), r.activeVerifierCount()) == (1, 0)
    r.reactivateVerifier(v, sender=op)
    (ev,) = events(r, "VerifierReactivated")
    assert (ev.account, ev.operator) == (v, op)
    assert r.isActiveVerifier(v) and r.activeVerifierCount() == 1


def test_suspend_reverts(system):
    r, v, op = system.registry, system.acc.verifier, system.acc.operator
    with boa.reverts("VerifierRegistry: not registered"):
        r.suspendVerifier(v, "x", sender=op)
    register(system, v)
    with boa.reverts("VerifierRegistry: reason empty"):
        r.suspendVerifier(v, "", sender=op)
    with boa.reverts("VerifierRegistry: reason too long"):
        r.suspendVerifier(v, "r" * 257, sender=op)
    r.suspendVerifier(v, "r" * 256, sender=op)
    with boa.reverts("VerifierRegistry: not active"):
        r.suspendVerifier(v, "again", sender=op)


def test_reactivate_reverts(system):
    r, v, op = system.registry, system.acc.verifier, system.acc.operator
    with boa.reverts("VerifierRegistry: not registered"):
        r.reactivateVerifier(v, sender=op)
    register(system, v)
    with boa.reverts("VerifierRegistry: not suspended"):
        r.reactivateVerifier(v, sender=op)
