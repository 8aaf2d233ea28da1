# pragma version ~=0.4.3
# pragma nonreentrancy off
"""
@title VerifierRegistry
@notice The single source of truth for accredited verifiers: operators
        (OPERATOR_ROLE) register, update, suspend and reactivate them.
        SkillClaim asks `isActiveVerifier` and keeps no list of its own.
        Runs behind ERC1967Proxy.
@dev Views never revert: an unknown address returns the zero struct. String
     parameters are typed at twice their limit so that over-long input gets
     a readable revert reason instead of an ABI-decoding failure.
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
    governance.OPERATOR_ROLE,
    governance.implementation,
    governance.initialized,
    governance.proxiableUUID,
    governance.upgradeTo,
    governance.upgradeToAndCall,
    governance.pause,
    governance.unpause,
)


MAX_NAME_LENGTH: public(constant(uint256)) = 64
MAX_ORGANISATION_LENGTH: public(constant(uint256)) = 64
MAX_SPECIALISATIONS: public(constant(uint256)) = 10
MAX_SPECIALISATION_LENGTH: public(constant(uint256)) = 32
MAX_REASON_LENGTH: public(constant(uint256)) = 256


struct Verifier:
    account: address
    name: String[128]
    organisation: String[128]
    specialisations: DynArray[String[64], 20]
    active: bool
    registeredAt: uint256
    updatedAt: uint256


event VerifierRegistered:
    account: indexed(address)
    operator: indexed(address)
    name: String[128]
    organisation: String[128]
    specialisations: DynArray[String[64], 20]

event VerifierUpdated:
    account: indexed(address)
    operator: indexed(address)
    name: String[128]
    organisation: String[128]
    specialisations: DynArray[String[64], 20]

event VerifierSuspended:
    account: indexed(address)
    operator: indexed(address)
    reason: String[512]

event VerifierReactivated:
    account: indexed(address)
    operator: indexed(address)


_verifiers: HashMap[address, Verifier]
# Verifiers ever registered, and how many of them are active now.
verifierCount: public(uint256)
activeVerifierCount: public(uint256)


@deploy
def __init__():
    access_control.__init__()
    # The implementation must hold no roles at all (see SkillProfile).
    access_control._revoke_role(access_control.DEFAULT_ADMIN_ROLE, msg.sender)
    pausable.__init__()
    governance.__init__()


@external
def initialize(admin: address, pauser: address, operator: address):
    """
    @notice Runs once, through the proxy (ERC1967Proxy's constructor data).
    @param admin The TakumiMultisig: DEFAULT_ADMIN_ROLE and UPGRADER_ROLE.
    @param pauser The guardian key: PAUSER_ROLE.
    @param operator The operations key: OPERATOR_ROLE.
    """
    governance._initialize_once()
    governance._grant_core_roles(admin, pauser)
    governance._grant_operator(operator)


@external
@pure
def version() -> String[16]:
    return "1.0.0"


@external
def registerVerifier(
    account: address, name: String[128], organisation: String[128], specialisations: DynArray[String[64], 20]
):
    self._require_operator()
    assert account != empty(address), "VerifierRegistry: zero address"
    assert self._verifiers[account].account == empty(address), "VerifierRegistry: already registered"
    self._check_fields(name, organisation, specialisations)
    self._verifiers[account] = Verifier(
        account=account,
        name=name,
        organisation=organisation,
        specialisations=specialisations,
        active=True,
        registeredAt=block.timestamp,
        updatedAt=block.timestamp,
    )
    self.verifierCount += 1
    self.activeVerifierCount += 1
    log VerifierRegistered(
        account=account,
        operator=msg.sender,
        name=name,
        organisation=organisation,
        specialisations=specialisations,
    )


@external
def updateVerifier(
    account: address, name: String[128], organisation: String[128], specialisations: DynArray[String[64], 20]
):
    self._require_operator()
    self._require_registered(account)
    self._check_fields(name, organisation, specialisations)
    self._verifiers[account].name = name
    self._verifiers[account].organisation = organisation
    self._verifiers[account].specialisations = specialisations
    self._verifiers[account].updatedAt = block.timestamp
    log VerifierUpdated(
        account=account,
        operator=msg.sender,
        name=name,
        organisation=organisation,
        specialisations=specialisations,
    )


@external
def suspendVerifier(account: address, reason: String[512]):
    """
    @notice A suspended verifier can neither be assigned nor decide claims
            (SkillClaim checks at each step), until reactivated.
    """
    self._require_operator()
    self._require_registered(account)
    assert self._verifiers[account].active, "VerifierRegistry: not active"
    assert len(reason) > 0, "VerifierRegistry: reason empty"
    assert len(reason) <= MAX_REASON_LENGTH, "VerifierRegistry: reason too long"
    self._verifiers[account].active = False
    self._verifiers[account].updatedAt = block.timestamp
    self.activeVerifierCount -= 1
    log VerifierSuspended(account=account, operator=msg.sender, reason=reason)


@external
def reactivateVerifier(account: address):
    self._require_operator()
    self._require_registered(account)
    assert not self._verifiers[account].active, "VerifierRegistry: not suspended"
    self._verifiers[account].active = True
    self._verifiers[account].updatedAt = block.timestamp
    self.activeVerifierCount += 1
    log VerifierReactivated(account=account, operator=msg.sender)


@external
@view
def isActiveVerifier(account: address) -> bool:
    return self._verifiers[account].active


@external
@view
def getVerifier(account: address) -> Verifier:
    return self._verifiers[account]


@internal
def _require_operator():
    # Operator actions stop during an emergency too: the hot key may be the
    # compromised one.
    pausable._require_not_paused()
    access_control._check_role(governance.OPERATOR_ROLE, msg.sender)


@internal
@view
def _require_registered(account: address):
    assert self._verifiers[account].account != empty(address), "VerifierRegistry: not registered"


@internal
@pure
def _check_fields(name: String[128], organisation: String[128], specialisations: DynArray[String[64], 20]):
    assert len(name) > 0, "VerifierRegistry: name empty"
    assert len(name) <= MAX_NAME_LENGTH, "VerifierRegistry: name too long"
    assert len(organisation) <= MAX_ORGANISATION_LENGTH, "VerifierRegistry: organisation too long"
    assert len(specialisations) <= MAX_SPECIALISATIONS, "VerifierRegistry: too many specialisations"
    for s: String[64] in specialisations:
        assert len(s) > 0, "VerifierRegistry: specialisation empty"
        assert len(s) <= MAX_SPECIALISATION_LENGTH, "VerifierRegistry: specialisation too long"
