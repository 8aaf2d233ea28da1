"""Endorsement through its proxy: endorse a profile's skill, no
self-endorsement, one active endorsement per (endorser, skill), revocation,
and limits that count active endorsements only."""

import boa
import pytest
from support import events


@pytest.fixture
def skill(system):
    """(system, alice's skill id)."""
    return system, system.profile_with_skill(system.acc.alice)


def test_endorse(skill):
    system, skill_id = skill
    e, alice, bob = system.endorsement, system.acc.alice, system.acc.bob
    assert e.nextEndorsementId() == 1
    eid = e.endorse(alice, skill_id, "Great Vyper reviews", sender=bob)
    (ev,) = events(e, "Endorsed")
    assert (ev.endorsementId, ev.endorser, ev.skillId, ev.endorsee, ev.message) == (
        eid, bob, skill_id, alice, "Great Vyper reviews"
    )
    got = e.getEndorsement(eid)
    assert (got.id, got.endorser, got.endorsee, got.skillId, got.message, got.active) == (
        1, bob, alice, skill_id, "Great Vyper reviews", True
    )
    assert got.createdAt > 0 and got.revokedAt == 0
    assert e.activeEndorsementId(bob, skill_id) == eid
    assert (e.receivedCount(skill_id), e.givenCount(bob)) == (1, 1)
    assert (e.endorsementCount(), e.nextEndorsementId()) == (1, 2)
    assert e.skillProfile() == system.profile.address
    assert e.getEndorsement(2).id == 0


def test_endorse_reverts(skill):
    system, skill_id = skill
    e, p, alice, bob = system.endorsement, system.profile, system.acc.alice, system.acc.bob
    with boa.reverts("Endorsement: self-endorsement"):
        e.endorse(alice, skill_id, "me!", sender=alice)
    with boa.reverts("Endorsement: unknown skill"):
        e.endorse(alice, 99, "", sender=bob)
    with boa.reverts("Endorsement: skill not owned by endorsee"):
        e.endorse(system.acc.carol, skill_id, "", sender=bob)
    with boa.reverts("Endorsement: message too long"):
        e.endorse(alice, skill_id, "m" * 257, sender=bob)
    e.endorse(alice, skill_id, "m" * 256, sender=bob)
    with boa.reverts("Endorsement: already endorsed"):
        e.endorse(alice, skill_id, "again", sender=bob)
    removed = p.addSkill("Go", "", sender=alice)
    p.removeSkill(removed, sender=alice)
    with boa.reverts("Endorsement: skill removed"):
        e.endorse(alice, removed, "", sender=bob)


def test_revoke_and_endorse_again(skill):
    system, skill_id = skill
    e, alice, bob = system.endorsement, system.acc.alice, system.acc.bob
    eid = e.endorse(alice, skill_id, "first", sender=bob)
    boa.env.time_travel(seconds=5)
    e.revokeEndorsement(eid, sender=bob)
    (ev,) = events(e, "EndorsementRevoked")
    assert (ev.endorsementId, ev.endorser, ev.skillId) == (eid, bob, skill_id)
    got = e.getEndorsement(eid)
    assert not got.active and got.revokedAt == got.createdAt + 5
    assert e.activeEndorsementId(bob, skill_id) == 0
    assert (e.receivedCount(skill_id), e.givenCount(bob)) == (0, 0)
    # A fresh endorsement gets a fresh id; the revoked one stays readable.
    assert e.endorse(alice, skill_id, "second", sender=bob) == eid + 1
    assert e.getEndorsement(eid).message == "first"


def test_revoke_reverts(skill):
    system, skill_id = skill
    e, alice, bob = system.endorsement, system.acc.alice, system.acc.bob
    eid = e.endorse(alice, skill_id, "", sender=bob)
    with boa.reverts("Endorsement: unknown endorsement"):
        e.revokeEndorsement(99, sender=bob)
    with boa.reverts("Endorsement: not endorser"):
        e.revokeEndorsement(eid, sender=alice)
    e.revokeEndorsement(eid, sender=bob)
    with boa.reverts("Endorsement: already revoked"):
        e.revokeEndorsement(eid, sender=bob)


def test_received_limit_counts_active_endorsements_only(skill):
    system, skill_id = skill
    e, alice = system.endorsement, system.acc.alice
    limit = e.MAX_ENDORSEMENTS_PER_SKILL()
    endorsers = [boa.env.generate_address(f"fan{i}") for i in range(limit + 1)]
    for fan in endorsers[:limit]:
        e.endorse(alice, skill_id, "", sender=fan)
    with boa.reverts("Endorsement: skill limit reached"):
        e.endorse(alice, skill_id, "", sender=endorsers[limit])
    e.revokeEndorsement(1, sender=endorsers[0])
    e.endorse(alice, skill_id, "", sender=endorsers[limit])
    assert e.receivedCount(skill_id) == limit


def test_given_limit_counts_active_endorsements_only(system):
    e, p, carol = system.endorsement, system.profile, system.acc.carol
    limit = e.MAX_ENDORSEMENTS_GIVEN()
    per_profile = p.MAX_SKILLS_PER_PROFILE()
    targets = []  # (endorsee, skill id), limit + 1 of them
    for i in range((limit + per_profile) // per_profile):
        owner = boa.env.generate_address(f"pro{i}")
        p.createProfile(f"pro {i}", "", "", sender=owner)
        targets += [(owner, p.addSkill(f"s{j}", "", sender=owner)) for j in range(per_profile)]
    for owner, skill_id in targets[:limit]:
        e.endorse(owner, skill_id, "", sender=carol)
    with boa.reverts("Endorsement: endorser limit reached"):
        e.endorse(*targets[limit], "", sender=carol)
    e.revokeEndorsement(1, sender=carol)
    e.endorse(*targets[limit], "", sender=carol)
    assert e.givenCount(carol) == limit
