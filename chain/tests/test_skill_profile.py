"""SkillProfile through its proxy: profiles, skills with stable ids, and
verification only through CLAIMS_ROLE. Every revert reason is asserted."""

import boa
import pytest
from support import events, grant_via_multisig

NAME, BIO, URI = "Aiko Tanaka", "Smart-contract engineer", "ipfs://aiko"


def test_create_profile_stores_fields_and_emits_everything(system):
    p, alice = system.profile, system.acc.alice
    p.createProfile(NAME, BIO, URI, sender=alice)
    (ev,) = events(p, "ProfileCreated")
    assert (ev.owner, ev.name, ev.bio, ev.metadataURI) == (alice, NAME, BIO, URI)
    prof = p.getProfile(alice)
    assert (prof.owner, prof.name, prof.bio, prof.metadataURI, prof.skillCount) == (alice, NAME, BIO, URI, 0)
    assert prof.createdAt == prof.updatedAt > 0
    assert p.hasProfile(alice) and not p.hasProfile(system.acc.bob)
    assert p.profileCount() == 1


def test_create_profile_accepts_fields_at_their_limits(system):
    p = system.profile
    p.createProfile("n" * 64, "b" * 512, "u" * 256, sender=system.acc.alice)
    assert p.getProfile(system.acc.alice).bio == "b" * 512


def test_create_profile_twice_reverts(system):
    system.profile.createProfile(NAME, BIO, URI, sender=system.acc.alice)
    with boa.reverts("SkillProfile: profile exists"):
        system.profile.createProfile(NAME, BIO, URI, sender=system.acc.alice)


BAD_FIELDS = [
    (("", BIO, URI), "SkillProfile: name empty"),
    (("n" * 65, BIO, URI), "SkillProfile: name too long"),
    ((NAME, "b" * 513, URI), "SkillProfile: bio too long"),
    ((NAME, BIO, "u" * 257), "SkillProfile: metadata URI too long"),
]


@pytest.mark.parametrize("fields,reason", BAD_FIELDS)
def test_create_profile_rejects_bad_fields(system, fields, reason):
    with boa.reverts(reason):
        system.profile.createProfile(*fields, sender=system.acc.alice)


@pytest.mark.parametrize("fields,reason", BAD_FIELDS)
def test_update_profile_rejects_bad_fields(system, fields, reason):
    system.profile.createProfile(NAME, BIO, URI, sender=system.acc.alice)
    with boa.reverts(reason):
        system.profile.updateProfile(*fields, sender=system.acc.alice)


def test_update_profile(system):
    p, alice = system.profile, system.acc.alice
    p.createProfile(NAME, BIO, URI, sender=alice)
    boa.env.time_travel(seconds=60)
    p.updateProfile("Aiko T.", "", "ipfs://new", sender=alice)
    (ev,) = events(p, "ProfileUpdated")
    assert (ev.owner, ev.name, ev.bio, ev.metadataURI) == (alice, "Aiko T.", "", "ipfs://new")
    prof = p.getProfile(alice)
    assert (prof.name, prof.bio, prof.metadataURI) == ("Aiko T.", "", "ipfs://new")
    assert prof.updatedAt == prof.createdAt + 60


def test_update_profile_without_profile_reverts(system):
    with boa.reverts("SkillProfile: no profile"):
        system.profile.updateProfile(NAME, BIO, URI, sender=system.acc.alice)


def test_skill_ids_are_global_and_never_reused(system):
    p, alice, bob = system.profile, system.acc.alice, system.acc.bob
    p.createProfile("Alice", "", "", sender=alice)
    p.createProfile("Bob", "", "", sender=bob)
    assert p.nextSkillId() == 1
    assert p.addSkill("Vyper", "engineering", sender=alice) == 1
    (ev,) = events(p, "SkillAdded")
    assert (ev.skillId, ev.owner, ev.name, ev.category) == (1, alice, "Vyper", "engineering")
    assert p.addSkill("Rust", "engineering", sender=bob) == 2
    assert p.addSkill("Go", "", sender=alice) == 3
    p.removeSkill(1, sender=alice)
    # Removal does not shift anything: skill 3 keeps its id, 1 is retired.
    assert p.addSkill("Swift", "mobile", sender=alice) == 4
    assert sorted(p.skillIdsOf(alice)) == [3, 4]
    assert p.getSkill(3).name == "Go" and p.getSkill(1).removed
    assert p.skillCount() == 4 and p.nextSkillId() == 5
    assert p.getProfile(alice).skillCount == 2


def test_get_skill_fields(system):
    p, alice = system.profile, system.acc.alice
    skill_id = system.profile_with_skill(alice, "Vyper")
    s = p.getSkill(skill_id)
    assert (s.id, s.owner, s.name, s.category) == (skill_id, alice, "Vyper", "engineering")
    assert (s.verified, s.removed, s.verifiedByClaim) == (False, False, 0) and s.createdAt > 0


def test_unknown_ids_read_as_zero(system):
    assert system.profile.getSkill(99).owner == "0x" + "00" * 20
    assert system.profile.getProfile(system.acc.bob).name == ""
    assert system.profile.skillIdsOf(system.acc.bob) == []


def test_add_skill_without_profile_reverts(system):
    with boa.reverts("SkillProfile: no profile"):
        system.profile.addSkill("Vyper", "", sender=system.acc.alice)


@pytest.mark.parametrize(
    "name,category,reason",
    [
        ("", "x", "SkillProfile: skill name empty"),
        ("s" * 65, "x", "SkillProfile: skill name too long"),
        ("Vyper", "c" * 33, "SkillProfile: category too long"),
    ],
)
def test_add_skill_rejects_bad_fields(system, name, category, reason):
    system.profile.createProfile(NAME, BIO, URI, sender=system.acc.alice)
    with boa.reverts(reason):
        system.profile.addSkill(name, category, sender=system.acc.alice)


def test_skills_per_profile_limit_counts_active_skills_only(system):
    p, alice = system.profile, system.acc.alice
    p.createProfile(NAME, BIO, URI, sender=alice)
    limit = p.MAX_SKILLS_PER_PROFILE()
    for i in range(limit):
        p.addSkill(f"skill {i}", "c" * 32, sender=alice)
    with boa.reverts("SkillProfile: too many skills"):
        p.addSkill("one more", "", sender=alice)
    p.removeSkill(7, sender=alice)
    assert p.addSkill("one more", "", sender=alice) == limit + 1


def test_remove_skill(system):
    p, alice = system.profile, system.acc.alice
    skill_id = system.profile_with_skill(alice)
    p.removeSkill(skill_id, sender=alice)
    (ev,) = events(p, "SkillRemoved")
    assert (ev.skillId, ev.owner) == (skill_id, alice)
    assert p.getSkill(skill_id).removed and p.skillIdsOf(alice) == []
    assert p.getProfile(alice).skillCount == 0


def test_remove_skill_reverts(system):
    p, alice = system.profile, system.acc.alice
    skill_id = system.profile_with_skill(alice)
    with boa.reverts("SkillProfile: unknown skill"):
        p.removeSkill(42, sender=alice)
    with boa.reverts("SkillProfile: not skill owner"):
        p.removeSkill(skill_id, sender=system.acc.bob)
    p.removeSkill(skill_id, sender=alice)
    with boa.reverts("SkillProfile: skill removed"):
        p.removeSkill(skill_id, sender=alice)


def test_mark_skill_verified_needs_claims_role(system):
    skill_id = system.profile_with_skill(system.acc.alice)
    with boa.reverts("access_control: account is missing role"):
        system.profile.markSkillVerified(skill_id, 1, sender=system.acc.alice)
    assert system.profile.hasRole(system.profile.CLAIMS_ROLE(), system.claims.address)


def test_mark_skill_verified_checks_the_skill(system):
    # An EOA with CLAIMS_ROLE stands in for SkillClaim to reach each check.
    p, alice, carol = system.profile, system.acc.alice, system.acc.carol
    grant_via_multisig(system, p, p.CLAIMS_ROLE(), carol)
    skill_id = system.profile_with_skill(alice)
    with boa.reverts("SkillProfile: unknown skill"):
        p.markSkillVerified(99, 1, sender=carol)
    p.markSkillVerified(skill_id, 7, sender=carol)
    (ev,) = events(p, "SkillVerified")
    assert (ev.skillId, ev.owner, ev.claimId) == (skill_id, alice, 7)
    assert p.getSkill(skill_id).verified and p.getSkill(skill_id).verifiedByClaim == 7
    with boa.reverts("SkillProfile: skill already verified"):
        p.markSkillVerified(skill_id, 8, sender=carol)
    other = p.addSkill("Go", "", sender=alice)
    p.removeSkill(other, sender=alice)
    with boa.reverts("SkillProfile: skill removed"):
        p.markSkillVerified(other, 9, sender=carol)
