# pragma version ~=0.4.3
# pragma nonreentrancy off
"""
@title TakumiMultisig
@notice The M-of-N owner wallet (deployed as 2-of-3) that holds
        DEFAULT_ADMIN_ROLE and UPGRADER_ROLE on every Takumi proxy, so
        unpausing, upgrading and role changes need two keys.
        Flow: an owner `propose`s (target, amount in wei, data), which counts as its
        own confirmation; other owners `confirm` (or `revoke` their
        confirmation); once confirmations by current owners reach the
        threshold any owner may `execute` it, exactly once. Owners and
        threshold change only through proposals that call this contract.
        Not behind a proxy: it is the thing that upgrades the proxies.
@dev The proposal id is the multisig's nonce: ids start at 1, increase by
     one per proposal, and `executed` makes each id usable once, so a
     confirmed call cannot be replayed. Events carry every field (id,
     proposer, target, amount, data) so an indexer needs no eth_call, and
     `Executed` shares its tx with whatever the call emitted (e.g.
     RoleGranted with sender == this contract, or Upgraded).
"""


MAX_OWNERS: public(constant(uint256)) = 10
# Room for upgradeToAndCall(address, bytes) with its 1 KiB payload.
MAX_CALLDATA: public(constant(uint256)) = 4096
# Revert data of a failed call is bubbled; reasons are short.
MAX_REVERT_DATA: constant(uint256) = 1024


struct Proposal:
    target: address
    amount: uint256
    data: Bytes[MAX_CALLDATA]
    proposer: address
    executed: bool


event Proposed:
    proposalId: indexed(uint256)
    proposer: indexed(address)
    target: indexed(address)
    amount: uint256
    data: Bytes[MAX_CALLDATA]

event Confirmed:
    proposalId: indexed(uint256)
    owner: indexed(address)
    target: indexed(address)
    confirmations: uint256

event Revoked:
    proposalId: indexed(uint256)
    owner: indexed(address)
    target: indexed(address)
    confirmations: uint256

event Executed:
    proposalId: indexed(uint256)
    executor: indexed(address)
    target: indexed(address)
    proposer: address
    amount: uint256
    data: Bytes[MAX_CALLDATA]

event OwnerAdded:
    owner: indexed(address)

event OwnerRemoved:
    owner: indexed(address)

event ThresholdChanged:
    threshold: uint256

event Deposited:
    sender: indexed(address)
    amount: uint256


_owners: DynArray[address, MAX_OWNERS]
isOwner: public(HashMap[address, bool])
threshold: public(uint256)
# Proposals ever made (== the last proposal id, the nonce).
proposalCount: public(uint256)
_proposals: HashMap[uint256, Proposal]
isConfirmedBy: public(HashMap[uint256, HashMap[address, bool]])


@deploy
def __init__(owners: DynArray[address, MAX_OWNERS], threshold: uint256):
    """
    @param owners Distinct, non-zero owner addresses (Takumi: 3).
    @param threshold Confirmations needed, 1..len(owners) (Takumi: 2).
    """
    for owner: address in owners:
        self._add_owner(owner)
    self._set_threshold(threshold)


@external
@payable
def __default__():
    # Lets the multisig hold ETH for proposals that carry an `amount`.
    log Deposited(sender=msg.sender, amount=msg.value)


@external
def propose(target: address, amount: uint256, data: Bytes[MAX_CALLDATA]) -> uint256:
    """
    @notice Propose a call; counts as the proposer's confirmation.
    @return The proposal id (nonce).
    """
    self._require_owner()
    assert target != empty(address), "TakumiMultisig: zero target"
    proposal_id: uint256 = self.proposalCount + 1
    self.proposalCount = proposal_id
    self._proposals[proposal_id] = Proposal(
        target=target, amount=amount, data=data, proposer=msg.sender, executed=False
    )
    log Proposed(proposalId=proposal_id, proposer=msg.sender, target=target, amount=amount, data=data)
    self._confirm(proposal_id)
    return proposal_id


@external
def confirm(proposalId: uint256):
    self._require_owner()
    self._require_pending(proposalId)
    self._confirm(proposalId)


@external
def revoke(proposalId: uint256):
    """
    @notice Withdraw your confirmation of a proposal not yet executed.
    """
    self._require_owner()
    self._require_pending(proposalId)
    assert self.isConfirmedBy[proposalId][msg.sender], "TakumiMultisig: not confirmed"
    self.isConfirmedBy[proposalId][msg.sender] = False
    log Revoked(
        proposalId=proposalId,
        owner=msg.sender,
        target=self._proposals[proposalId].target,
        confirmations=self._confirmations(proposalId),
    )


@external
def execute(proposalId: uint256):
    """
    @notice Run a proposal confirmed by `threshold` current owners. If the
            call reverts, this reverts with the same data and the proposal
            stays pending (it can be executed later).
    """
    self._require_owner()
    self._require_pending(proposalId)
    assert self._confirmations(proposalId) >= self.threshold, "TakumiMultisig: not enough confirmations"
    # Marked before the call: a re-entrant execute of the same id fails.
    self._proposals[proposalId].executed = True
    proposal: Proposal = self._proposals[proposalId]
    ok: bool = False
    ret: Bytes[MAX_REVERT_DATA] = b""
    ok, ret = raw_call(
        proposal.target,
        proposal.data,
        max_outsize=MAX_REVERT_DATA,
        value=proposal.amount,
        revert_on_failure=False,
    )
    if not ok:
        raw_revert(ret)
    log Executed(
        proposalId=proposalId,
        executor=msg.sender,
        target=proposal.target,
        proposer=proposal.proposer,
        amount=proposal.amount,
        data=proposal.data,
    )


@external
def addOwner(owner: address):
    self._require_self()
    self._add_owner(owner)


@external
def removeOwner(owner: address):
    self._require_self()
    assert self.isOwner[owner], "TakumiMultisig: not an owner"
    assert len(self._owners) - 1 >= self.threshold, "TakumiMultisig: would fall below threshold"
    self.isOwner[owner] = False
    owners: DynArray[address, MAX_OWNERS] = self._owners
    for i: uint256 in range(MAX_OWNERS):
        if owners[i] == owner:
            owners[i] = owners[len(owners) - 1]
            break
    owners.pop()
    self._owners = owners
    log OwnerRemoved(owner=owner)


@external
def changeThreshold(threshold: uint256):
    self._require_self()
    self._set_threshold(threshold)


@external
@view
def getOwners() -> DynArray[address, MAX_OWNERS]:
    return self._owners


@external
@view
def getProposal(proposalId: uint256) -> Proposal:
    """
    @notice The proposal, or the zero struct for an unknown id.
    """
    return self._proposals[proposalId]


@external
@view
def confirmationCount(proposalId: uint256) -> uint256:
    return self._confirmations(proposalId)


@internal
def _confirm(proposalId: uint256):
    assert not self.isConfirmedBy[proposalId][msg.sender], "TakumiMultisig: already confirmed"
    self.isConfirmedBy[proposalId][msg.sender] = True
    log Confirmed(
        proposalId=proposalId,
        owner=msg.sender,
        target=self._proposals[proposalId].target,
        confirmations=self._confirmations(proposalId),
    )


@internal
@view
def _confirmations(proposalId: uint256) -> uint256:
    # Counted over the current owners, so a removed owner's confirmation
    # stops counting the moment it is removed.
    count: uint256 = 0
    for owner: address in self._owners:
        if self.isConfirmedBy[proposalId][owner]:
            count += 1
    return count


@internal
@view
def _require_owner():
    assert self.isOwner[msg.sender], "TakumiMultisig: not an owner"


@internal
@view
def _require_self():
    assert msg.sender == self, "TakumiMultisig: only via multisig"


@internal
@view
def _require_pending(proposalId: uint256):
    assert self._proposals[proposalId].proposer != empty(address), "TakumiMultisig: unknown proposal"
    assert not self._proposals[proposalId].executed, "TakumiMultisig: already executed"


@internal
def _add_owner(owner: address):
    assert owner != empty(address) and owner != self, "TakumiMultisig: invalid owner"
    assert not self.isOwner[owner], "TakumiMultisig: already an owner"
    assert len(self._owners) < MAX_OWNERS, "TakumiMultisig: too many owners"
    self.isOwner[owner] = True
    self._owners.append(owner)
    log OwnerAdded(owner=owner)


@internal
def _set_threshold(threshold: uint256):
    assert threshold >= 1 and threshold <= len(self._owners), "TakumiMultisig: invalid threshold"
    self.threshold = threshold
    log ThresholdChanged(threshold=threshold)
