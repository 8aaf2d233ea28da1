"""TakumiMultisig: propose -> confirm -> execute, revocation, owner and
threshold management through the multisig itself, events, reverts."""

import boa
import pytest
from support import ZERO, DEFAULT_ADMIN_ROLE, error_data, events

NOT_OWNER = "TakumiMultisig: not an owner"


@pytest.fixture
def ms(system):
    return system.multisig


def grant_calldata(system, account):
    p = system.profile
    return p.grantRole.prepare_calldata(p.PAUSER_ROLE(), str(account))


def test_deployed_as_two_of_three(system, ms):
    assert list(ms.getOwners()) == system.acc.owners
    assert ms.threshold() == 2 and all(ms.isOwner(o) for o in system.acc.owners)
    assert not ms.isOwner(system.acc.attacker)


@pytest.mark.parametrize(
    "owners,threshold,reason",
    [
        (["a", "a"], 1, "TakumiMultisig: already an owner"),
        (["a", ZERO], 1, "TakumiMultisig: invalid owner"),
        (["a", "b"], 0, "TakumiMultisig: invalid threshold"),
        (["a", "b"], 3, "TakumiMultisig: invalid threshold"),
    ],
)
def test_constructor_validates(deployers, owners, threshold, reason):
    named = {"a": boa.env.generate_address("a"), "b": boa.env.generate_address("b"), ZERO: ZERO}
    addrs = [named[o] for o in owners]
    with boa.reverts(reason):
        deployers["TakumiMultisig"].deploy(addrs, threshold)


def test_propose_counts_as_first_confirmation(system, ms):
    o0 = system.acc.owners[0]
    data = grant_calldata(system, system.acc.carol)
    pid = ms.propose(system.profile.address, 0, data, sender=o0)
    proposed, confirmed = events(ms)
    assert type(proposed).__name__ == "Proposed" and type(confirmed).__name__ == "Confirmed"
    assert (proposed.proposalId, proposed.proposer, proposed.target, proposed.amount, proposed.data) == (
        pid, o0, system.profile.address, 0, data
    )
    assert (confirmed.proposalId, confirmed.owner, confirmed.target, confirmed.confirmations) == (
        pid, o0, system.profile.address, 1
    )
    got = ms.getProposal(pid)
    assert (got.target, got.amount, got.data, got.proposer, got.executed) == (
        system.profile.address, 0, data, o0, False
    )
    assert ms.confirmationCount(pid) == 1 and ms.isConfirmedBy(pid, o0)
    assert ms.proposalCount() == pid


def test_confirm_execute_and_events(system, ms):
    o0, o1, o2 = system.acc.owners
    carol = system.acc.carol
    data = grant_calldata(system, carol)
    pid = ms.propose(system.profile.address, 0, data, sender=o0)
    with boa.reverts("TakumiMultisig: not enough confirmations"):
        ms.execute(pid, sender=o0)
    ms.confirm(pid, sender=o1)
    (ev,) = events(ms, "Confirmed")
    assert (ev.owner, ev.confirmations) == (o1, 2)
    ms.execute(pid, sender=o2)
    granted, executed = events(ms)
    # The role grant and Executed share the tx; the grant's sender is the multisig.
    assert type(granted).__name__ == "RoleGranted" and granted.sender == ms.address
    assert (granted.account, granted.address) == (carol, system.profile.address)
    assert type(executed).__name__ == "Executed"
    assert (executed.proposalId, executed.executor, executed.target, executed.proposer) == (
        pid, o2, system.profile.address, o0
    )
    assert (executed.amount, executed.data) == (0, data)
    assert system.profile.hasRole(system.profile.PAUSER_ROLE(), carol)
    assert ms.getProposal(pid).executed


def test_revoke_confirmation(system, ms):
    o0, o1, _ = system.acc.owners
    pid = ms.propose(system.profile.address, 0, grant_calldata(system, o1), sender=o0)
    ms.confirm(pid, sender=o1)
    ms.revoke(pid, sender=o1)
    (ev,) = events(ms, "Revoked")
    assert (ev.proposalId, ev.owner, ev.target, ev.confirmations) == (pid, o1, system.profile.address, 1)
    assert not ms.isConfirmedBy(pid, o1)
    with boa.reverts("TakumiMultisig: not enough confirmations"):
        ms.execute(pid, sender=o0)
    with boa.reverts("TakumiMultisig: not confirmed"):
        ms.revoke(pid, sender=o1)


def test_unknown_proposal_reverts(system, ms):
    o0 = system.acc.owners[0]
    for fn in (ms.confirm, ms.revoke, ms.execute):
        with boa.reverts("TakumiMultisig: unknown proposal"):
            fn(42, sender=o0)


def test_propose_rejects_zero_target(system, ms):
    with boa.reverts("TakumiMultisig: zero target"):
        ms.propose(ZERO, 0, b"", sender=system.acc.owners[0])


def test_failed_call_reverts_with_its_reason_and_stays_pending(system, ms):
    o0, o1, _ = system.acc.owners
    # unpause while not paused: the target reverts.
    data = system.profile.unpause.prepare_calldata()
    pid = ms.propose(system.profile.address, 0, data, sender=o0)
    ms.confirm(pid, sender=o1)
    comp = boa.env.execute_code(
        to_address=ms.address, sender=o0, data=ms.execute.prepare_calldata(pid)
    )
    assert comp.is_error and bytes(comp.output) == error_data("pausable: contract is not paused")
    assert not ms.getProposal(pid).executed
    system.profile.pause(sender=system.acc.guardian)
    ms.execute(pid, sender=o0)
    assert not system.profile.paused()


def test_value_transfer(system, ms):
    o0, o1, _ = system.acc.owners
    boa.env.set_balance(o0, 10**18)
    boa.env.execute_code(to_address=ms.address, sender=o0, value=10**17, data=b"")
    payee = system.acc.carol
    pid = ms.propose(payee, 10**17, b"", sender=o0)
    ms.confirm(pid, sender=o1)
    ms.execute(pid, sender=o1)
    assert boa.env.get_balance(payee) == 10**17
    assert boa.env.get_balance(ms.address) == 0


def test_deposit_event(system, ms):
    o0 = system.acc.owners[0]
    boa.env.set_balance(o0, 10**18)
    comp = boa.env.execute_code(to_address=ms.address, sender=o0, value=5, data=b"")
    (ev,) = ms.get_logs(comp)
    assert type(ev).__name__ == "Deposited" and (ev.sender, ev.amount) == (o0, 5)


def test_owner_management_only_through_the_multisig(system, ms):
    o0 = system.acc.owners[0]
    with boa.reverts("TakumiMultisig: only via multisig"):
        ms.addOwner(system.acc.carol, sender=o0)
    with boa.reverts("TakumiMultisig: only via multisig"):
        ms.removeOwner(o0, sender=o0)
    with boa.reverts("TakumiMultisig: only via multisig"):
        ms.changeThreshold(1, sender=o0)


def test_add_owner_and_raise_threshold(system, ms):
    carol = system.acc.carol
    system.via_multisig(ms.address, ms.addOwner.prepare_calldata(carol))
    assert [type(e).__name__ for e in ms.get_logs()] == ["OwnerAdded", "Executed"]
    assert ms.isOwner(carol) and len(ms.getOwners()) == 4
    system.via_multisig(ms.address, ms.changeThreshold.prepare_calldata(3))
    (ev,) = events(ms, "ThresholdChanged")
    assert ev.threshold == 3 and ms.threshold() == 3


def test_remove_owner_drops_its_confirmations(system, ms):
    o0, o1, o2 = system.acc.owners
    pending = ms.propose(system.profile.address, 0, grant_calldata(system, o2), sender=o2)
    ms.confirm(pending, sender=o1)
    assert ms.confirmationCount(pending) == 2
    system.via_multisig(ms.address, ms.removeOwner.prepare_calldata(o2))
    (ev,) = events(ms, "OwnerRemoved")
    assert ev.owner == o2 and not ms.isOwner(o2)
    assert sorted(ms.getOwners()) == sorted([o0, o1])
    # o2's confirmation no longer counts toward the threshold.
    assert ms.confirmationCount(pending) == 1
    with boa.reverts(NOT_OWNER):
        ms.confirm(pending, sender=o2)


@pytest.mark.parametrize(
    "call,reason",
    [
        (lambda ms, s: ms.removeOwner.prepare_calldata(s.acc.carol), "TakumiMultisig: not an owner"),
        (lambda ms, s: ms.addOwner.prepare_calldata(s.acc.owners[0]), "TakumiMultisig: already an owner"),
        (lambda ms, s: ms.addOwner.prepare_calldata(ms.address), "TakumiMultisig: invalid owner"),
        (lambda ms, s: ms.changeThreshold.prepare_calldata(4), "TakumiMultisig: invalid threshold"),
        (lambda ms, s: ms.changeThreshold.prepare_calldata(0), "TakumiMultisig: invalid threshold"),
    ],
)
def test_self_call_validation(system, ms, call, reason):
    with boa.reverts(reason):
        system.via_multisig(ms.address, call(ms, system))


def test_cannot_remove_below_threshold(system, ms):
    o0, o1, o2 = system.acc.owners
    system.via_multisig(ms.address, ms.removeOwner.prepare_calldata(o2))
    with boa.reverts("TakumiMultisig: would fall below threshold"):
        system.via_multisig(ms.address, ms.removeOwner.prepare_calldata(o1))


def test_owner_limit(system, ms):
    for i in range(ms.MAX_OWNERS() - 3):
        system.via_multisig(ms.address, ms.addOwner.prepare_calldata(boa.env.generate_address(f"x{i}")))
    with boa.reverts("TakumiMultisig: too many owners"):
        system.via_multisig(ms.address, ms.addOwner.prepare_calldata(system.acc.carol))


def test_admin_role_is_the_multisigs(system):
    for proxy in (system.profile, system.claims, system.endorsement, system.registry):
        assert proxy.hasRole(DEFAULT_ADMIN_ROLE, system.multisig.address)
        assert proxy.hasRole(proxy.UPGRADER_ROLE(), system.multisig.address)
