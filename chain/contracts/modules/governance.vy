# pragma version ~=0.4.3
# pragma nonreentrancy off
"""
@title governance
@notice The admin plumbing every Takumi implementation shares when it runs
        behind `ERC1967Proxy`: the run-once initializer, UUPS upgrades
        (ERC-1822 / ERC-1967) gated by `UPGRADER_ROLE`, and the emergency
        stop (a guardian with `PAUSER_ROLE` pauses fast; only the multisig,
        holding `DEFAULT_ADMIN_ROLE`, may unpause).
        The importing contract must pin `implementation` to the ERC-1967
        slot through its storage-layout override file, call `__init__` from
        its constructor (which locks the bare implementation) and call
        `_initialize_once` + `_grant_core_roles` from its `initialize`.
"""


from snekmate.auth import access_control
from snekmate.utils import pausable

uses: access_control
uses: pausable


# The Takumi role set. Hashes of the names so they read the same in every
# tool (cast, web3, the Swift bindings) without a lookup table.
UPGRADER_ROLE: public(constant(bytes32)) = keccak256("UPGRADER_ROLE")
PAUSER_ROLE: public(constant(bytes32)) = keccak256("PAUSER_ROLE")
OPERATOR_ROLE: public(constant(bytes32)) = keccak256("OPERATOR_ROLE")

# bytes32(uint256(keccak256("eip1967.proxy.implementation")) - 1)
IMPLEMENTATION_SLOT: constant(bytes32) = 0x360894a13ba1a3210667c828492db98dca3e2076cc3735a920a3ca505d382bbc

# Upper bound for the calldata `upgradeToAndCall` forwards (a migration or
# re-initialisation call); generous, since it is only a compile-time cap.
MAX_UPGRADE_CALLDATA: constant(uint256) = 1024
# Revert data bubbled from that call; revert strings are short.
MAX_UPGRADE_RETURN: constant(uint256) = 1024


# The current implementation. Every importing contract's layout override
# pins it to IMPLEMENTATION_SLOT, the slot ERC1967Proxy reads, so that the
# implementation can rewrite its own proxy's pointer. It also tells the two
# execution contexts apart without an immutable (which would make every
# implementation's on-chain codehash unique): through a proxy it is set;
# in the bare implementation's own storage it stays empty forever, since
# only `_upgrade` writes it and `_upgrade` requires it to be set.
implementation: public(address)

# True once `initialize` ran (through the proxy), and True from the start in
# the bare implementation's own storage (set in `__init__`), which locks it.
initialized: public(bool)


# Same signature as ERC1967Proxy's (ERC-1967 standard event).
event Upgraded:
    implementation: indexed(address)

# OpenZeppelin's signature, so generic tooling recognises it.
event Initialized:
    version: uint64


@deploy
def __init__():
    # Lock the bare implementation: nobody can initialize it and make
    # themselves admin of a contract that shares code with the proxies.
    self.initialized = True


@external
@view
def proxiableUUID() -> bytes32:
    """
    @notice ERC-1822: the slot this implementation stores its successor in.
    @dev Reverts through a proxy, so a proxy can never be installed as the
         implementation of another proxy (that would brick it).
    """
    assert self.implementation == empty(address), "governance: only on implementation"
    return IMPLEMENTATION_SLOT


@external
def upgradeTo(new_implementation: address):
    """
    @notice Point the proxy at `new_implementation` (UPGRADER_ROLE).
    """
    self._upgrade(new_implementation)


@external
def upgradeToAndCall(new_implementation: address, data: Bytes[MAX_UPGRADE_CALLDATA]):
    """
    @notice Upgrade, then delegatecall `data` on the new implementation in the
            proxy's storage (e.g. a migration), atomically. Revert data of
            that call bubbles unchanged.
    """
    self._upgrade(new_implementation)
    if len(data) > 0:
        ok: bool = False
        ret: Bytes[MAX_UPGRADE_RETURN] = b""
        ok, ret = raw_call(
            new_implementation,
            data,
            max_outsize=MAX_UPGRADE_RETURN,
            is_delegate_call=True,
            revert_on_failure=False,
        )
        if not ok:
            raw_revert(ret)


@external
def pause():
    """
    @notice Emergency stop (PAUSER_ROLE: the guardian key, meant to be fast).
    """
    access_control._check_role(PAUSER_ROLE, msg.sender)
    pausable._pause()


@external
def unpause():
    """
    @notice Resume (DEFAULT_ADMIN_ROLE: the multisig, since resuming after an
            incident is a critical decision).
    """
    access_control._check_role(access_control.DEFAULT_ADMIN_ROLE, msg.sender)
    pausable._unpause()


@internal
def _initialize_once():
    """
    @dev The run-once guard every `initialize` must call first.
    """
    assert not self.initialized, "governance: already initialized"
    self.initialized = True
    log Initialized(version=1)


@internal
def _grant_core_roles(admin: address, pauser: address):
    """
    @dev Grants the roles every contract has. Needed because snekmate's
         `access_control.__init__` only ran in the implementation's
         constructor, never in the proxy's storage.
    """
    assert admin != empty(address), "governance: zero admin"
    assert pauser != empty(address), "governance: zero pauser"
    access_control._grant_role(access_control.DEFAULT_ADMIN_ROLE, admin)
    access_control._grant_role(UPGRADER_ROLE, admin)
    access_control._grant_role(PAUSER_ROLE, pauser)


@internal
def _grant_operator(operator: address):
    """
    @dev For the contracts with day-to-day administration (SkillClaim,
         VerifierRegistry): the hot operations key.
    """
    assert operator != empty(address), "governance: zero operator"
    access_control._grant_role(OPERATOR_ROLE, operator)


@internal
def _upgrade(new_implementation: address):
    # Only through a proxy: on the bare implementation an upgrade would be
    # meaningless at best (see `implementation`).
    assert self.implementation != empty(address), "governance: only through proxy"
    access_control._check_role(UPGRADER_ROLE, msg.sender)
    # Ask the candidate for its proxiableUUID; an EOA, a non-UUPS contract or
    # a proxy (which reverts, see above) fails here, not after the upgrade.
    ok: bool = False
    ret: Bytes[32] = b""
    ok, ret = raw_call(
        new_implementation,
        method_id("proxiableUUID()"),
        max_outsize=32,
        is_static_call=True,
        revert_on_failure=False,
    )
    assert ok and len(ret) == 32, "governance: new implementation is not UUPS"
    assert extract32(ret, 0) == IMPLEMENTATION_SLOT, "governance: unsupported proxiableUUID"
    self.implementation = new_implementation
    log Upgraded(implementation=new_implementation)
