# pragma version ~=0.4.3
# pragma nonreentrancy off
"""
@title SkillProfile
@notice Professionals' profiles (name, bio, metadata URI) and the skills
        they list. Skill ids are global, start at 1 and are never reused,
        so they stay stable when skills are removed. A skill becomes
        verified only through SkillClaim (the holder of CLAIMS_ROLE) once a
        claim for it is approved. Runs behind ERC1967Proxy.
@dev Views never revert: an unknown id or address returns the zero struct
     (owner == empty(address)). String parameters are typed at twice their
     limit so that over-long input gets a readable revert reason instead of
     an anonymous ABI-decoding failure.
"""


from snekmate.auth import access_control
from snekmate.utils import pausable
from .modules import governance

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


# Granted (by the multisig) to the SkillClaim proxy: the only account that
# may mark skills verified.
CLAIMS_ROLE: public(constant(bytes32)) = keccak256("CLAIMS_ROLE")

MAX_NAME_LENGTH: public(constant(uint256)) = 64
MAX_BIO_LENGTH: public(constant(uint256)) = 512
MAX_URI_LENGTH: public(constant(uint256)) = 256
MAX_SKILL_NAME_LENGTH: public(constant(uint256)) = 64
MAX_CATEGORY_LENGTH: public(constant(uint256)) = 32
MAX_SKILLS_PER_PROFILE: public(constant(uint256)) = 50


struct Profile:
    owner: address
    name: String[128]
    bio: String[1024]
    metadataURI: String[512]
    skillCount: uint256
    createdAt: uint256
    updatedAt: uint256


struct Skill:
    id: uint256
    owner: address
    name: String[128]
    category: String[64]
    verified: bool
    removed: bool
    verifiedByClaim: uint256
    createdAt: uint256


event ProfileCreated:
    owner: indexed(address)
    name: String[128]
    bio: String[1024]
    metadataURI: String[512]

event ProfileUpdated:
    owner: indexed(address)
    name: String[128]
    bio: String[1024]
    metadataURI: String[512]

event SkillAdded:
    skillId: indexed(uint256)
    owner: indexed(address)
    name: String[128]
    category: String[64]

event SkillRemoved:
    skillId: indexed(uint256)
    owner: indexed(address)

event SkillVerified:
    skillId: indexed(uint256)
    owner: indexed(address)
    claimId: indexed(uint256)


_profiles: HashMap[address, Profile]
_skills: HashMap[uint256, Skill]
# Active (not removed) skill ids per owner; order is not meaningful.
_skillIds: HashMap[address, DynArray[uint256, MAX_SKILLS_PER_PROFILE]]
# Profiles ever created, and skills ever created (== the last skill id).
profileCount: public(uint256)
skillCount: public(uint256)


@deploy
def __init__():
    access_control.__init__()
    # The implementation must hold no roles at all: the deployer key got
    # DEFAULT_ADMIN_ROLE from snekmate's constructor, drop it again.
    access_control._revoke_role(access_control.DEFAULT_ADMIN_ROLE, msg.sender)
    pausable.__init__()
    governance.__init__()


@external
def initialize(admin: address, pauser: address):
    """
    @notice Runs once, through the proxy (ERC1967Proxy's constructor data).
    @param admin The TakumiMultisig: DEFAULT_ADMIN_ROLE and UPGRADER_ROLE.
    @param pauser The guardian key: PAUSER_ROLE.
    """
    governance._initialize_once()
    governance._grant_core_roles(admin, pauser)


@external
@pure
def version() -> String[16]:
    return "1.0.0"


@external
def createProfile(name: String[128], bio: String[1024], metadataURI: String[512]):
    pausable._require_not_paused()
    assert self._profiles[msg.sender].owner == empty(address), "SkillProfile: profile exists"
    self._check_profile_fields(name, bio, metadataURI)
    self._profiles[msg.sender] = Profile(
        owner=msg.sender,
        name=name,
        bio=bio,
        metadataURI=metadataURI,
        skillCount=0,
        createdAt=block.timestamp,
        updatedAt=block.timestamp,
    )
    self.profileCount += 1
    log ProfileCreated(owner=msg.sender, name=name, bio=bio, metadataURI=metadataURI)


@external
def updateProfile(name: String[128], bio: String[1024], metadataURI: String[512]):
    pausable._require_not_paused()
    self._require_profile(msg.sender)
    self._check_profile_fields(name, bio, metadataURI)
    self._profiles[msg.sender].name = name
    self._profiles[msg.sender].bio = bio
    self._profiles[msg.sender].metadataURI = metadataURI
    self._profiles[msg.sender].updatedAt = block.timestamp
    log ProfileUpdated(owner=msg.sender, name=name, bio=bio, metadataURI=metadataURI)


@external
def addSkill(name: String[128], category: String[64]) -> uint256:
    """
    @return The new skill's id (also in the SkillAdded event).
    """
    pausable._require_not_paused()
    self._require_profile(msg.sender)
    assert len(name) > 0, "SkillProfile: skill name empty"
    assert len(name) <= MAX_SKILL_NAME_LENGTH, "SkillProfile: skill name too long"
    assert len(category) <= MAX_CATEGORY_LENGTH, "SkillProfile: category too long"
    assert len(self._skillIds[msg.sender]) < MAX_SKILLS_PER_PROFILE, "SkillProfile: too many skills"
    skill_id: uint256 = self.skillCount + 1
    self.skillCount = skill_id
    self._skills[skill_id] = Skill(
        id=skill_id,
        owner=msg.sender,
        name=name,
        category=category,
        verified=False,
        removed=False,
        verifiedByClaim=0,
        createdAt=block.timestamp,
    )
    self._skillIds[msg.sender].append(skill_id)
    self._profiles[msg.sender].skillCount += 1
    log SkillAdded(skillId=skill_id, owner=msg.sender, name=name, category=category)
    return skill_id


@external
def removeSkill(skillId: uint256):
    """
    @notice Remove one of your skills. The id is retired, never reused; the
            skill stays readable with `removed == True`.
    """
    pausable._require_not_paused()
    self._require_active_skill(skillId)
    assert self._skills[skillId].owner == msg.sender, "SkillProfile: not skill owner"
    self._skills[skillId].removed = True
    # Swap-and-pop in the owner's list: ids are stable, list order is not.
    ids: DynArray[uint256, MAX_SKILLS_PER_PROFILE] = self._skillIds[msg.sender]
    last: uint256 = len(ids) - 1
    for i: uint256 in range(MAX_SKILLS_PER_PROFILE):
        if ids[i] == skillId:
            ids[i] = ids[last]
            break
    ids.pop()
    self._skillIds[msg.sender] = ids
    self._profiles[msg.sender].skillCount -= 1
    log SkillRemoved(skillId=skillId, owner=msg.sender)


@external
def markSkillVerified(skillId: uint256, claimId: uint256):
    """
    @notice Called by SkillClaim when claim `claimId` for `skillId` is
            approved (directly or by an overturned dispute).
    """
    pausable._require_not_paused()
    access_control._check_role(CLAIMS_ROLE, msg.sender)
    self._require_active_skill(skillId)
    assert not self._skills[skillId].verified, "SkillProfile: skill already verified"
    self._skills[skillId].verified = True
    self._skills[skillId].verifiedByClaim = claimId
    log SkillVerified(skillId=skillId, owner=self._skills[skillId].owner, claimId=claimId)


@external
@view
def getProfile(owner: address) -> Profile:
    return self._profiles[owner]


@external
@view
def hasProfile(owner: address) -> bool:
    return self._profiles[owner].owner != empty(address)


@external
@view
def getSkill(skillId: uint256) -> Skill:
    return self._skills[skillId]


@external
@view
def skillIdsOf(owner: address) -> DynArray[uint256, MAX_SKILLS_PER_PROFILE]:
    """
    @notice The owner's active skill ids (removed ones excluded), any order.
    """
    return self._skillIds[owner]


@external
@view
def nextSkillId() -> uint256:
    return self.skillCount + 1


@internal
@view
def _require_profile(owner: address):
    assert self._profiles[owner].owner != empty(address), "SkillProfile: no profile"


@internal
@view
def _require_active_skill(skillId: uint256):
    assert self._skills[skillId].owner != empty(address), "SkillProfile: unknown skill"
    assert not self._skills[skillId].removed, "SkillProfile: skill removed"


@internal
@pure
def _check_profile_fields(name: String[128], bio: String[1024], metadataURI: String[512]):
    assert len(name) > 0, "SkillProfile: name empty"
    assert len(name) <= MAX_NAME_LENGTH, "SkillProfile: name too long"
    assert len(bio) <= MAX_BIO_LENGTH, "SkillProfile: bio too long"
    assert len(metadataURI) <= MAX_URI_LENGTH, "SkillProfile: metadata URI too long"
