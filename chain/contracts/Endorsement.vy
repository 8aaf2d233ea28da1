# pragma version ~=0.4.3
# pragma nonreentrancy off
"""
@title Endorsement
@notice Professionals endorse each other's skills with a short message. No
        self-endorsement; at most one active endorsement per (endorser,
        skill), which also means per (endorser, endorsee, skill) since a
        skill has one owner. The endorser may revoke; revoked endorsements
        free their place in both limits (active endorsements received per
        skill, active endorsements given per endorser). Ids are global,
        start at 1 and are never reused. Runs behind ERC1967Proxy.
@dev Views never revert: an unknown id returns the zero struct.
"""


from snekmate.auth import access_control
from snekmate.utils import pausable
from .modules import governance
from . import SkillProfile

initializes: access_control
initializes: pausable
initializes: governance[access_control := access_control, pausable := pausable]

exports: (
    access_control.__interface__,
    pausable.paused,
    governance.UPGRADER_ROLE,
    governance.PAUSER_ROLE,
    governance.implementation,
    governance.initialized,
    governance.proxiableUUID,
    governance.upgradeTo,
    governance.upgradeToAndCall,
    governance.pause,
    governance.unpause,
)


MAX_MESSAGE_LENGTH: public(constant(uint256)) = 256
MAX_ENDORSEMENTS_PER_SKILL: public(constant(uint256)) = 50
MAX_ENDORSEMENTS_GIVEN: public(constant(uint256)) = 100


struct Endorsement:
    id: uint256
    endorser: address
    endorsee: address
    skillId: uint256
    message: String[512]
    active: bool
    createdAt: uint256
    revokedAt: uint256


event Endorsed:
    endorsementId: indexed(uint256)
    endorser: indexed(address)
    skillId: indexed(uint256)
    endorsee: address
    message: String[512]

event EndorsementRevoked:
    endorsementId: indexed(uint256)
    endorser: indexed(address)
    skillId: indexed(uint256)


# SkillProfile proxy (plain address: keeps the layout type path-free).
skillProfile: public(address)
_endorsements: HashMap[uint256, Endorsement]
# Endorsements ever created (== the last id).
endorsementCount: public(uint256)
# endorser => skill id => the active endorsement's id (0 = none).
activeEndorsementId: public(HashMap[address, HashMap[uint256, uint256]])
# Active endorsements received per skill id / given per endorser.
receivedCount: public(HashMap[uint256, uint256])
givenCount: public(HashMap[address, uint256])


@deploy
def __init__():
    access_control.__init__()
    # The implementation must hold no roles at all (see SkillProfile).
    access_control._revoke_role(access_control.DEFAULT_ADMIN_ROLE, msg.sender)
    pausable.__init__()
    governance.__init__()


@external
def initialize(admin: address, pauser: address, skillProfile: address):
    """
    @notice Runs once, through the proxy (ERC1967Proxy's constructor data).
    @param admin The TakumiMultisig: DEFAULT_ADMIN_ROLE and UPGRADER_ROLE.
    @param pauser The guardian key: PAUSER_ROLE.
    @param skillProfile The SkillProfile proxy.
    """
    governance._initialize_once()
    governance._grant_core_roles(admin, pauser)
    assert skillProfile != empty(address), "Endorsement: zero skill profile"
    self.skillProfile = skillProfile


@external
@pure
def version() -> String[16]:
    return "1.0.0"


@external
def endorse(endorsee: address, skillId: uint256, message: String[512]) -> uint256:
    """
    @notice Endorse `endorsee`'s skill `skillId` (which must be theirs and
            not removed).
    @return The new endorsement's id (also in the Endorsed event).
    """
    pausable._require_not_paused()
    assert endorsee != msg.sender, "Endorsement: self-endorsement"
    skill: SkillProfile.Skill = staticcall SkillProfile.__interface__(self.skillProfile).getSkill(skillId)
    assert skill.owner != empty(address), "Endorsement: unknown skill"
    assert skill.owner == endorsee, "Endorsement: skill not owned by endorsee"
    assert not skill.removed, "Endorsement: skill removed"
    assert self.activeEndorsementId[msg.sender][skillId] == 0, "Endorsement: already endorsed"
    assert len(message) <= MAX_MESSAGE_LENGTH, "Endorsement: message too long"
    assert self.receivedCount[skillId] < MAX_ENDORSEMENTS_PER_SKILL, "Endorsement: skill limit reached"
    assert self.givenCount[msg.sender] < MAX_ENDORSEMENTS_GIVEN, "Endorsement: endorser limit reached"
    endorsement_id: uint256 = self.endorsementCount + 1
    self.endorsementCount = endorsement_id
    self._endorsements[endorsement_id] = Endorsement(
        id=endorsement_id,
        endorser=msg.sender,
        endorsee=endorsee,
        skillId=skillId,
        message=message,
        active=True,
        createdAt=block.timestamp,
        revokedAt=0,
    )
    self.activeEndorsementId[msg.sender][skillId] = endorsement_id
    self.receivedCount[skillId] += 1
    self.givenCount[msg.sender] += 1
    log Endorsed(
        endorsementId=endorsement_id, endorser=msg.sender, skillId=skillId, endorsee=endorsee, message=message
    )
    return endorsement_id


@external
def revokeEndorsement(endorsementId: uint256):
    """
    @notice The endorser withdraws an endorsement; it stays readable with
            `active == False` and no longer counts toward the limits.
    """
    pausable._require_not_paused()
    endorsement: Endorsement = self._endorsements[endorsementId]
    assert endorsement.id != 0, "Endorsement: unknown endorsement"
    assert endorsement.endorser == msg.sender, "Endorsement: not endorser"
    assert endorsement.active, "Endorsement: already revoked"
    self._endorsements[endorsementId].active = False
    self._endorsements[endorsementId].revokedAt = block.timestamp
    self.activeEndorsementId[msg.sender][endorsement.skillId] = 0
    self.receivedCount[endorsement.skillId] -= 1
    self.givenCount[msg.sender] -= 1
    log EndorsementRevoked(endorsementId=endorsementId, endorser=msg.sender, skillId=endorsement.skillId)


@external
@view
def getEndorsement(endorsementId: uint256) -> Endorsement:
    return self._endorsements[endorsementId]


@external
@view
def nextEndorsementId() -> uint256:
    return self.endorsementCount + 1
