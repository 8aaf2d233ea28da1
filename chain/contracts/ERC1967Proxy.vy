# pragma version ~=0.4.3
# pragma nonreentrancy off
"""
@title ERC1967Proxy
@notice The proxy in front of each Takumi contract (SkillProfile, SkillClaim,
        Endorsement, VerifierRegistry). It holds the contract's storage and
        address forever and delegates every call to the implementation
        stored at the ERC-1967 slot. Upgrades are UUPS: the implementation
        (modules/governance.vy) rewrites that slot, so this proxy has no
        functions of its own that could shadow an implementation function.
@dev `implementation` is pinned to the ERC-1967 slot by
     layouts/ERC1967Proxy/override.json (compile with that override).
"""


# Permanent compile-time cap on what a proxied call can return (and on
# bubbled revert data). Changing it means new proxies = new addresses, so it
# is generous: ~4x the largest current view (`skillIdsOf` of a profile with
# its 50 skill ids, ~1.7 KiB). tests/test_security.py reads every largest
# view through a proxy and keeps it under a quarter of this. Cost: the
# buffer's memory, within the ~2.5k gas a proxied call pays (measured).
MAX_RETURN: constant(uint256) = 8192

# Calldata cap for the constructor's initialize call.
MAX_INIT_CALLDATA: constant(uint256) = 1024


# Pinned to 0x3608...2bbc (ERC-1967) by the layout override.
implementation: address


# ERC-1967: emitted whenever the implementation changes (here: at creation).
event Upgraded:
    implementation: indexed(address)


@deploy
@payable
def __init__(implementation: address, data: Bytes[MAX_INIT_CALLDATA]):
    """
    @param implementation The first implementation (a deployed UUPS contract).
    @param data Calldata delegated to it right away, normally the encoded
           `initialize(...)` call, so nobody can front-run initialisation.
    """
    assert implementation.is_contract, "ERC1967Proxy: implementation not a contract"
    self.implementation = implementation
    log Upgraded(implementation=implementation)
    if len(data) > 0:
        ok: bool = False
        ret: Bytes[MAX_RETURN] = b""
        ok, ret = raw_call(
            implementation, data, max_outsize=MAX_RETURN, is_delegate_call=True, revert_on_failure=False
        )
        if not ok:
            raw_revert(ret)


@external
@payable
@raw_return
def __default__() -> Bytes[MAX_RETURN]:
    # Forward everything; return or revert with the implementation's exact
    # bytes, so callers see the same ABI data and revert reasons as if they
    # had called the implementation itself.
    ok: bool = False
    ret: Bytes[MAX_RETURN] = b""
    ok, ret = raw_call(
        self.implementation, msg.data, max_outsize=MAX_RETURN, is_delegate_call=True, revert_on_failure=False
    )
    if not ok:
        raw_revert(ret)
    return ret
