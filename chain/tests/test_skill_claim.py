"""SkillClaim through its proxy: the claim life cycle (create, assign,
approve/reject, dispute, resolve), its links to SkillProfile (verification)
and VerifierRegistry (who may verify), and every revert reason."""

import boa
import pytest
from support import ZERO, events

PENDING, ASSIGNED, APPROVED, REJECTED, DISPUTED, UPHELD = 1, 2, 3, 4, 5, 6
MISSING_ROLE = "access_control: account is missing role"


@pytest.fixture
def assigned(system):
    """(system, skill id, claim id): alice's claim assigned to `verifier`."""
    skill_id, claim_id = system.assigned_claim(system.acc.alice, system.acc.verifier)
    return system, skill_id, claim_id


@pytest.fixture
def rejected(assigned):
    system, skill_id, claim_id = assigned
    system.claims.rejectClaim(claim_id, "evidence is a 404", sender=system.acc.verifier)
    return system, skill_id, claim_id


@pytest.fixture
def disputed(rejected):
    system, skill_id, claim_id = rejected
    system.claims.disputeRejection(claim_id, "link fixed, see mirror", sender=system.acc.alice)
    return system, skill_id, claim_id


def test_status_constants(system):
    c = system.claims
    got = [c.STATUS_PENDING(), c.STATUS_ASSIGNED(), c.STATUS_APPROVED(), c.STATUS_REJECTED()]
    assert got + [c.STATUS_DISPUTED(), c.STATUS_REJECTION_UPHELD()] == [1, 2, 3, 4, 5, 6]


def test_dependencies_are_the_proxies(system):
    assert system.claims.skillProfile() == system.profile.address
    assert system.claims.verifierRegistry() == system.registry.address


def test_create_claim(system):
    c, alice = system.claims, system.acc.alice
    skill_id = system.profile_with_skill(alice)
    assert c.nextClaimId() == 1
    claim_id = c.createClaim(skill_id, "ipfs://evidence", sender=alice)
    (ev,) = events(c, "ClaimCreated")
    assert (ev.claimId, ev.claimant, ev.skillId) == (claim_id, alice, skill_id)
    assert ev.evidenceURI == "ipfs://evidence"
    got = c.getClaim(claim_id)
    assert (got.id, got.claimant, got.skillId, got.evidenceURI, got.verifier, got.status) == (
        1, alice, skill_id, "ipfs://evidence", ZERO, PENDING
    )
    assert (got.rejectionReason, got.disputeReason, got.resolutionNote) == ("", "", "")
    assert got.createdAt == got.updatedAt > 0
    assert c.latestClaimOf(skill_id) == 1 and c.claimCount() == 1 and c.nextClaimId() == 2
    assert c.getClaim(2).id == 0


def test_create_claim_reverts(system):
    c, p, alice = system.claims, system.profile, system.acc.alice
    skill_id = system.profile_with_skill(alice)
    with boa.reverts("SkillClaim: unknown skill"):
        c.createClaim(99, "ipfs://e", sender=alice)
    with boa.reverts("SkillClaim: not skill owner"):
        c.createClaim(skill_id, "ipfs://e", sender=system.acc.bob)
    with boa.reverts("SkillClaim: evidence empty"):
        c.createClaim(skill_id, "", sender=alice)
    with boa.reverts("SkillClaim: evidence URI too long"):
        c.createClaim(skill_id, "e" * 257, sender=alice)
    c.createClaim(skill_id, "e" * 256, sender=alice)
    with boa.reverts("SkillClaim: claim already open"):
        c.createClaim(skill_id, "ipfs://e", sender=alice)
    removed = p.addSkill("Go", "", sender=alice)
    p.removeSkill(removed, sender=alice)
    with boa.reverts("SkillClaim: skill removed"):
        c.createClaim(removed, "ipfs://e", sender=alice)


def test_create_claim_for_verified_skill_reverts(assigned):
    system, skill_id, claim_id = assigned
    system.claims.approveClaim(claim_id, sender=system.acc.verifier)
    with boa.reverts("SkillClaim: skill already verified"):
        system.claims.createClaim(skill_id, "ipfs://e", sender=system.acc.alice)


def test_assign_and_reassign_verifier(assigned):
    system, _, claim_id = assigned
    c, op, v2 = system.claims, system.acc.operator, system.acc.verifier2
    assert c.getClaim(claim_id).status == ASSIGNED and c.getClaim(claim_id).verifier == system.acc.verifier
    system.register_verifier(v2)
    c.assignVerifier(claim_id, v2, sender=op)
    (ev,) = events(c, "VerifierAssigned")
    assert (ev.claimId, ev.verifier, ev.operator) == (claim_id, v2, op)
    assert c.getClaim(claim_id).verifier == v2
    # The previous verifier can no longer decide.
    with boa.reverts("SkillClaim: not assigned verifier"):
        c.approveClaim(claim_id, sender=system.acc.verifier)


def test_assign_verifier_reverts(system):
    c, op, alice, v = system.claims, system.acc.operator, system.acc.alice, system.acc.verifier
    skill_id = system.profile_with_skill(alice)
    claim_id = c.createClaim(skill_id, "ipfs://e", sender=alice)
    with boa.reverts(MISSING_ROLE):
        c.assignVerifier(claim_id, v, sender=alice)
    with boa.reverts("SkillClaim: unknown claim"):
        c.assignVerifier(99, v, sender=op)
    with boa.reverts("SkillClaim: verifier not active"):
        c.assignVerifier(claim_id, v, sender=op)
    system.register_verifier(alice)
    with boa.reverts("SkillClaim: verifier is claimant"):
        c.assignVerifier(claim_id, alice, sender=op)
    system.register_verifier(v)
    system.registry.suspendVerifier(v, "under review", sender=op)
    with boa.reverts("SkillClaim: verifier not active"):
        c.assignVerifier(claim_id, v, sender=op)


def test_approve_claim_verifies_the_skill(assigned):
    system, skill_id, claim_id = assigned
    c, v = system.claims, system.acc.verifier
    c.approveClaim(claim_id, sender=v)
    approved = events(c, "ClaimApproved")[0]
    verified = events(c, "SkillVerified")[0]
    assert (approved.claimId, approved.verifier, approved.skillId) == (claim_id, v, skill_id)
    assert (verified.skillId, verified.claimId) == (skill_id, claim_id)
    assert verified.address == system.profile.address  # emitted by SkillProfile
    assert c.getClaim(claim_id).status == APPROVED
    skill = system.profile.getSkill(skill_id)
    assert skill.verified and skill.verifiedByClaim == claim_id
    with boa.reverts("SkillClaim: not awaiting verifier"):
        c.assignVerifier(claim_id, v, sender=system.acc.operator)


def test_approve_claim_reverts(assigned):
    system, skill_id, claim_id = assigned
    c, v = system.claims, system.acc.verifier
    with boa.reverts("SkillClaim: unknown claim"):
        c.approveClaim(99, sender=v)
    with boa.reverts("SkillClaim: not assigned verifier"):
        c.approveClaim(claim_id, sender=system.acc.bob)
    system.registry.suspendVerifier(v, "fraud", sender=system.acc.operator)
    with boa.reverts("SkillClaim: verifier not active"):
        c.approveClaim(claim_id, sender=v)
    system.registry.reactivateVerifier(v, sender=system.acc.operator)
    # SkillProfile's own reason comes through unchanged.
    system.profile.removeSkill(skill_id, sender=system.acc.alice)
    with boa.reverts("SkillProfile: skill removed"):
        c.approveClaim(claim_id, sender=v)


def test_pending_claim_cannot_be_decided(system):
    alice = system.acc.alice
    claim_id = system.claims.createClaim(system.profile_with_skill(alice), "ipfs://e", sender=alice)
    with boa.reverts("SkillClaim: claim not assigned"):
        system.claims.approveClaim(claim_id, sender=system.acc.verifier)
    with boa.reverts("SkillClaim: claim not assigned"):
        system.claims.rejectClaim(claim_id, "no", sender=system.acc.verifier)


def test_approval_needs_claims_role_on_skill_profile(assigned):
    system, _, claim_id = assigned
    p = system.profile
    system.via_multisig(p.address, p.revokeRole.prepare_calldata(p.CLAIMS_ROLE(), system.claims.address))
    with boa.reverts(MISSING_ROLE):
        system.claims.approveClaim(claim_id, sender=system.acc.verifier)


def test_reject_claim(rejected):
    system, _, claim_id = rejected
    c = system.claims
    (ev,) = events(c, "ClaimRejected")
    assert (ev.claimId, ev.verifier, ev.reason) == (claim_id, system.acc.verifier, "evidence is a 404")
    got = c.getClaim(claim_id)
    assert (got.status, got.rejectionReason) == (REJECTED, "evidence is a 404")


def test_reject_claim_reverts(assigned):
    system, _, claim_id = assigned
    c, v = system.claims, system.acc.verifier
    with boa.reverts("SkillClaim: not assigned verifier"):
        c.rejectClaim(claim_id, "no", sender=system.acc.bob)
    with boa.reverts("SkillClaim: reason empty"):
        c.rejectClaim(claim_id, "", sender=v)
    with boa.reverts("SkillClaim: reason too long"):
        c.rejectClaim(claim_id, "r" * 257, sender=v)


def test_dispute_rejection(disputed):
    system, _, claim_id = disputed
    c = system.claims
    (ev,) = events(c, "ClaimDisputed")
    assert (ev.claimId, ev.claimant, ev.reason) == (claim_id, system.acc.alice, "link fixed, see mirror")
    got = c.getClaim(claim_id)
    assert (got.status, got.disputeReason) == (DISPUTED, "link fixed, see mirror")


def test_dispute_reverts(rejected):
    system, skill_id, claim_id = rejected
    c, alice = system.claims, system.acc.alice
    with boa.reverts("SkillClaim: unknown claim"):
        c.disputeRejection(99, "x", sender=alice)
    with boa.reverts("SkillClaim: not claimant"):
        c.disputeRejection(claim_id, "x", sender=system.acc.bob)
    with boa.reverts("SkillClaim: reason empty"):
        c.disputeRejection(claim_id, "", sender=alice)
    with boa.reverts("SkillClaim: reason too long"):
        c.disputeRejection(claim_id, "r" * 257, sender=alice)
    # A new claim for the skill supersedes the rejected one.
    c.createClaim(skill_id, "ipfs://better", sender=alice)
    with boa.reverts("SkillClaim: claim superseded"):
        c.disputeRejection(claim_id, "x", sender=alice)


def test_only_rejected_claims_can_be_disputed(assigned):
    system, _, claim_id = assigned
    with boa.reverts("SkillClaim: claim not rejected"):
        system.claims.disputeRejection(claim_id, "x", sender=system.acc.alice)


def test_dispute_upheld_is_final(disputed):
    system, skill_id, claim_id = disputed
    c, op, alice = system.claims, system.acc.operator, system.acc.alice
    c.resolveDispute(claim_id, False, "evidence still missing", sender=op)
    (ev,) = events(c, "DisputeResolved")
    assert (ev.claimId, ev.operator, ev.overturned) == (claim_id, op, False)
    assert ev.note == "evidence still missing"
    got = c.getClaim(claim_id)
    assert (got.status, got.resolutionNote) == (UPHELD, "evidence still missing")
    assert not system.profile.getSkill(skill_id).verified
    with boa.reverts("SkillClaim: claim not rejected"):
        c.disputeRejection(claim_id, "again", sender=alice)
    # The claimant may start over with a new claim.
    assert c.createClaim(skill_id, "ipfs://new", sender=alice) == claim_id + 1


def test_dispute_overturned_verifies_the_skill(disputed):
    system, skill_id, claim_id = disputed
    c, op = system.claims, system.acc.operator
    c.resolveDispute(claim_id, True, "mirror checks out", sender=op)
    (ev,) = events(c, "DisputeResolved")
    assert (ev.overturned, ev.note) == (True, "mirror checks out")
    (verified,) = events(c, "SkillVerified")
    assert (verified.skillId, verified.claimId) == (skill_id, claim_id)
    assert c.getClaim(claim_id).status == APPROVED
    assert system.profile.getSkill(skill_id).verified


def test_resolve_dispute_reverts(disputed):
    system, _, claim_id = disputed
    c, op = system.claims, system.acc.operator
    with boa.reverts(MISSING_ROLE):
        c.resolveDispute(claim_id, True, "note", sender=system.acc.alice)
    with boa.reverts("SkillClaim: note empty"):
        c.resolveDispute(claim_id, True, "", sender=op)
    with boa.reverts("SkillClaim: note too long"):
        c.resolveDispute(claim_id, True, "n" * 257, sender=op)
    c.resolveDispute(claim_id, False, "n" * 256, sender=op)
    with boa.reverts("SkillClaim: claim not disputed"):
        c.resolveDispute(claim_id, True, "note", sender=op)
