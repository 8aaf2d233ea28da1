# pragma version ~=0.4.3
# pragma nonreentrancy off
"""
@title SkillClaim
@notice Skill claims: a claimant asks for one of its skills to be verified,
        an operator assigns an active verifier (VerifierRegistry), the
        verifier approves (the skill is marked verified in SkillProfile) or
        rejects, the claimant may dispute a rejection and an operator
        resolves the dispute. The logic lives in modules/skill_claims.vy;
        this file wires it up as release 1.0.0. Runs behind ERC1967Proxy.
@dev Needs CLAIMS_ROLE on the SkillProfile proxy (granted by the multisig)
     to mark skills verified.
"""


from snekmate.auth import access_control
from snekmate.utils import pausable
from .modules import governance
from .modules import skill_claims

initializes: access_control
initializes: pausable
initializes: governance[access_control := access_control, pausable := pausable]
initializes: skill_claims[access_control := access_control, pausable := pausable]

exports: (
    access_control.__interface__,
    pausable.paused,
    governance.UPGRADER_ROLE,
    governance.PAUSER_ROLE,
    governance.OPERATOR_ROLE,
    governance.implementation,
    governance.initialized,
    governance.proxiableUUID,
    governance.upgradeTo,
    governance.upgradeToAndCall,
    governance.pause,
    governance.unpause,
    skill_claims.__interface__,
)


@deploy
def __init__():
    access_control.__init__()
    # The implementation must hold no roles at all (see SkillProfile).
    access_control._revoke_role(access_control.DEFAULT_ADMIN_ROLE, msg.sender)
    pausable.__init__()
    governance.__init__()


@external
def initialize(
    admin: address, pauser: address, operator: address, skillProfile: address, verifierRegistry: address
):
    """
    @notice Runs once, through the proxy (ERC1967Proxy's constructor data).
    @param admin The TakumiMultisig: DEFAULT_ADMIN_ROLE and UPGRADER_ROLE.
    @param pauser The guardian key: PAUSER_ROLE.
    @param operator The operations key: OPERATOR_ROLE.
    @param skillProfile The SkillProfile proxy.
    @param verifierRegistry The VerifierRegistry proxy.
    """
    governance._initialize_once()
    governance._grant_core_roles(admin, pauser)
    governance._grant_operator(operator)
    skill_claims._set_dependencies(skillProfile, verifierRegistry)


@external
@pure
def version() -> String[16]:
    return "1.0.0"
