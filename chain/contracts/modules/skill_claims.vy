# pragma version ~=0.4.3
# pragma nonreentrancy off
"""
@title skill_claims
@notice The SkillClaim logic, as a module so that the released contract
        (SkillClaim.vy) and the drill fixtures (fixtures/SkillClaim*.vy)
        share one copy of it and therefore one storage layout; they differ
        only in `initialize` and `version`.
        Claim life cycle (status values below):
          claimant createClaim -> PENDING
          operator assignVerifier -> ASSIGNED (again to reassign)
          verifier approveClaim -> APPROVED (skill marked verified)
          verifier rejectClaim -> REJECTED
          claimant disputeRejection -> DISPUTED
          operator resolveDispute: upheld -> REJECTION_UPHELD,
                                   overturned -> APPROVED (skill verified)
        Only the active verifiers of VerifierRegistry may be assigned or
        decide; a skill has at most one open claim at a time.
@dev Revert reasons say "SkillClaim: ..." since this is SkillClaim's code.
"""


from snekmate.auth import access_control
from snekmate.utils import pausable
from . import governance
from .. import SkillProfile
from .. import VerifierRegistry

uses: access_control
uses: pausable


STATUS_PENDING: public(constant(uint8)) = 1
STATUS_ASSIGNED: public(constant(uint8)) = 2
STATUS_APPROVED: public(constant(uint8)) = 3
STATUS_REJECTED: public(constant(uint8)) = 4
STATUS_DISPUTED: public(constant(uint8)) = 5
STATUS_REJECTION_UPHELD: public(constant(uint8)) = 6

MAX_URI_LENGTH: public(constant(uint256)) = 256
MAX_REASON_LENGTH: public(constant(uint256)) = 256


struct Claim:
    id: uint256
    claimant: address
    skillId: uint256
    evidenceURI: String[512]
    verifier: address
    status: uint8
    rejectionReason: String[512]
    disputeReason: String[512]
    resolutionNote: String[512]
    createdAt: uint256
    updatedAt: uint256


event ClaimCreated:
    claimId: indexed(uint256)
    claimant: indexed(address)
    skillId: indexed(uint256)
    evidenceURI: String[512]

event VerifierAssigned:
    claimId: indexed(uint256)
    verifier: indexed(address)
    operator: indexed(address)

event ClaimApproved:
    claimId: indexed(uint256)
    verifier: indexed(address)
    skillId: indexed(uint256)

event ClaimRejected:
    claimId: indexed(uint256)
    verifier: indexed(address)
    reason: String[512]

event ClaimDisputed:
    claimId: indexed(uint256)
    claimant: indexed(address)
    reason: String[512]

event DisputeResolved:
    claimId: indexed(uint256)
    operator: indexed(address)
    overturned: bool
    note: String[512]


# Plain addresses (wrapped at each call): an interface-typed variable would
# put a file path into the storage-layout type string.
skillProfile: public(address)
verifierRegistry: public(address)
_claims: HashMap[uint256, Claim]
# Claims ever created (== the last claim id; ids start at 1).
claimCount: public(uint256)
# The most recent claim per skill id; only it may be open or disputed.
latestClaimOf: public(HashMap[uint256, uint256])


@internal
def _set_dependencies(skill_profile: address, verifier_registry: address):
    assert skill_profile != empty(address), "SkillClaim: zero skill profile"
    assert verifier_registry != empty(address), "SkillClaim: zero verifier registry"
    self.skillProfile = skill_profile
    self.verifierRegistry = verifier_registry


@external
def createClaim(skillId: uint256, evidenceURI: String[512]) -> uint256:
    """
    @notice Ask for one of your own skills to be verified.
    @return The new claim's id (also in the ClaimCreated event).
    """
    pausable._require_not_paused()
    skill: SkillProfile.Skill = staticcall SkillProfile.__interface__(self.skillProfile).getSkill(skillId)
    assert skill.owner != empty(address), "SkillClaim: unknown skill"
    assert skill.owner == msg.sender, "SkillClaim: not skill owner"
    assert not skill.removed, "SkillClaim: skill removed"
    assert not skill.verified, "SkillClaim: skill already verified"
    assert not self._is_open(self.latestClaimOf[skillId]), "SkillClaim: claim already open"
    assert len(evidenceURI) > 0, "SkillClaim: evidence empty"
    assert len(evidenceURI) <= MAX_URI_LENGTH, "SkillClaim: evidence URI too long"
    claim_id: uint256 = self.claimCount + 1
    self.claimCount = claim_id
    self._claims[claim_id] = Claim(
        id=claim_id,
        claimant=msg.sender,
        skillId=skillId,
        evidenceURI=evidenceURI,
        verifier=empty(address),
        status=STATUS_PENDING,
        rejectionReason="",
        disputeReason="",
        resolutionNote="",
        createdAt=block.timestamp,
        updatedAt=block.timestamp,
    )
    self.latestClaimOf[skillId] = claim_id
    log ClaimCreated(claimId=claim_id, claimant=msg.sender, skillId=skillId, evidenceURI=evidenceURI)
    return claim_id


@external
def assignVerifier(claimId: uint256, verifier: address):
    """
    @notice Operator: hand a claim to an active verifier; calling it again
            before a decision reassigns (e.g. the verifier was suspended).
    """
    pausable._require_not_paused()
    access_control._check_role(governance.OPERATOR_ROLE, msg.sender)
    status: uint8 = self._status(claimId)
    assert status == STATUS_PENDING or status == STATUS_ASSIGNED, "SkillClaim: not awaiting verifier"
    assert verifier != self._claims[claimId].claimant, "SkillClaim: verifier is claimant"
    assert self._is_active_verifier(verifier), "SkillClaim: verifier not active"
    self._claims[claimId].verifier = verifier
    self._set_status(claimId, STATUS_ASSIGNED)
    log VerifierAssigned(claimId=claimId, verifier=verifier, operator=msg.sender)


@external
def approveClaim(claimId: uint256):
    """
    @notice Assigned verifier: approve; the skill becomes verified.
    """
    self._require_deciding_verifier(claimId)
    self._approve(claimId)
    log ClaimApproved(claimId=claimId, verifier=msg.sender, skillId=self._claims[claimId].skillId)


@external
def rejectClaim(claimId: uint256, reason: String[512]):
    """
    @notice Assigned verifier: reject, saying why (the claimant may dispute).
    """
    self._require_deciding_verifier(claimId)
    self._check_text(reason, "SkillClaim: reason empty", "SkillClaim: reason too long")
    self._claims[claimId].rejectionReason = reason
    self._set_status(claimId, STATUS_REJECTED)
    log ClaimRejected(claimId=claimId, verifier=msg.sender, reason=reason)


@external
def disputeRejection(claimId: uint256, reason: String[512]):
    """
    @notice Claimant: contest a rejection; an operator then resolves it.
    """
    pausable._require_not_paused()
    assert self._status(claimId) == STATUS_REJECTED, "SkillClaim: claim not rejected"
    assert self._claims[claimId].claimant == msg.sender, "SkillClaim: not claimant"
    # A newer claim for the same skill replaced this one.
    assert self.latestClaimOf[self._claims[claimId].skillId] == claimId, "SkillClaim: claim superseded"
    self._check_text(reason, "SkillClaim: reason empty", "SkillClaim: reason too long")
    self._claims[claimId].disputeReason = reason
    self._set_status(claimId, STATUS_DISPUTED)
    log ClaimDisputed(claimId=claimId, claimant=msg.sender, reason=reason)


@external
def resolveDispute(claimId: uint256, overturn: bool, note: String[512]):
    """
    @notice Operator: `overturn` False upholds the rejection (final); True
            approves the claim and verifies the skill.
    """
    pausable._require_not_paused()
    access_control._check_role(governance.OPERATOR_ROLE, msg.sender)
    assert self._status(claimId) == STATUS_DISPUTED, "SkillClaim: claim not disputed"
    self._check_text(note, "SkillClaim: note empty", "SkillClaim: note too long")
    self._claims[claimId].resolutionNote = note
    if overturn:
        self._approve(claimId)
    else:
        self._set_status(claimId, STATUS_REJECTION_UPHELD)
    log DisputeResolved(claimId=claimId, operator=msg.sender, overturned=overturn, note=note)


@external
@view
def getClaim(claimId: uint256) -> Claim:
    """
    @notice The claim, or the zero struct (id == 0) for an unknown id.
    """
    return self._claims[claimId]


@external
@view
def nextClaimId() -> uint256:
    return self.claimCount + 1


@internal
def _require_deciding_verifier(claimId: uint256):
    pausable._require_not_paused()
    assert self._status(claimId) == STATUS_ASSIGNED, "SkillClaim: claim not assigned"
    assert self._claims[claimId].verifier == msg.sender, "SkillClaim: not assigned verifier"
    # Suspension takes effect immediately, even for claims already assigned.
    assert self._is_active_verifier(msg.sender), "SkillClaim: verifier not active"


@internal
def _approve(claimId: uint256):
    self._set_status(claimId, STATUS_APPROVED)
    # Reverts (reason bubbles) if the skill was removed meanwhile.
    skill_id: uint256 = self._claims[claimId].skillId
    extcall SkillProfile.__interface__(self.skillProfile).markSkillVerified(skill_id, claimId)


@internal
@view
def _is_active_verifier(account: address) -> bool:
    # VerifierRegistry is the only list of verifiers; never cache its answer.
    return staticcall VerifierRegistry.__interface__(self.verifierRegistry).isActiveVerifier(account)


@internal
@view
def _status(claimId: uint256) -> uint8:
    status: uint8 = self._claims[claimId].status
    assert status != 0, "SkillClaim: unknown claim"
    return status


@internal
def _set_status(claimId: uint256, status: uint8):
    self._claims[claimId].status = status
    self._claims[claimId].updatedAt = block.timestamp


@internal
@view
def _is_open(claimId: uint256) -> bool:
    status: uint8 = self._claims[claimId].status
    return status == STATUS_PENDING or status == STATUS_ASSIGNED or status == STATUS_DISPUTED


@internal
@pure
def _check_text(text: String[512], empty_reason: String[32], long_reason: String[32]):
    assert len(text) > 0, empty_reason
    assert len(text) <= MAX_REASON_LENGTH, long_reason
