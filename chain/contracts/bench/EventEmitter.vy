# pragma version ~=0.4.3
# pragma nonreentrancy off
"""
@title EventEmitter (bench only)
@notice Emits Takumi's own events, many per transaction, so that `make bench`
        can record a large, realistic event history from the dev node in
        minutes instead of hours (one real user action = one transaction =
        a handful of events; the indexer benchmark needs over 100,000).
        Never deployed outside the benchmark: it has no access control and
        its events claim things (approvals, role-free verifier registrations)
        that no real contract would let anyone assert.
@dev Runs behind ERC1967Proxy like the real contracts, so the logs come from
     a proxy address, as the indexer sees them in production. The event
     declarations are copied from SkillProfile, SkillClaim (modules/
     skill_claims.vy), Endorsement and VerifierRegistry: same names, types
     and indexed flags, hence the same topic0 and encoding.
     Each `emitCohort(members)` call tells a coherent story the projector can
     follow (profiles before their skills, claims of existing skills,
     endorsements of existing skills by existing members, updates and
     removals of rows created earlier), so indexing does real projection
     work: inserts, reads, updates and skill recounts, not only raw-event storage.
     Storage: counters from slot 0; the proxy's implementation lives at the
     ERC-1967 slot, far from them.
"""

# ---- SkillProfile events
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

# ---- SkillClaim events
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

# ---- Endorsement events
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

# ---- VerifierRegistry events
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


# Entities ever created (the last id of each kind); ids start at 1 like the
# real contracts'.
members: public(uint256)
skills: public(uint256)
claims: public(uint256)
endorsements: public(uint256)
verifiers: public(uint256)

MAX_MEMBERS_PER_CALL: constant(uint256) = 64
# keccak256("takumi-bench"): keeps the derived accounts apart from any other scheme.
BENCH_SALT: constant(bytes32) = keccak256("takumi-bench")


@external
@pure
def version() -> String[16]:
    return "bench-1"


@internal
@pure
def _account(kind: uint256, n: uint256) -> address:
    # A deterministic, distinct address per (kind, n): member 7 and verifier 7
    # differ; nothing ever signs for these accounts.
    h: bytes32 = keccak256(abi_encode(BENCH_SALT, kind, n))
    return convert(convert(slice(h, 12, 20), bytes20), address)


@external
def emitCohort(members: uint256):
    """
    @notice One cohort: a new verifier (registered, updated; the previous one
            suspended and reactivated), then `members` new profiles, each with
            three skills, an approved claim, a rejected-disputed-resolved
            claim, three endorsements from earlier members (one revoked), a
            profile update and a skill removal.
    """
    assert members > 0 and members <= MAX_MEMBERS_PER_CALL, "EventEmitter: 1..64 members per call"
    operator: address = msg.sender

    v: uint256 = self.verifiers + 1
    self.verifiers = v
    verifier: address = self._account(2, v)
    specs: DynArray[String[64], 20] = ["solidity", "vyper", "auditing"]
    log VerifierRegistered(account=verifier, operator=operator, name=concat("Verifier ", uint2str(v)),
                           organisation="Bench Guild", specialisations=specs)
    specs.append("security")
    log VerifierUpdated(account=verifier, operator=operator, name=concat("Verifier ", uint2str(v)),
                        organisation="Bench Guild of Auditors", specialisations=specs)
    if v > 1:
        previous: address = self._account(2, v - 1)
        log VerifierSuspended(account=previous, operator=operator, reason="bench: rotating verifiers")
        log VerifierReactivated(account=previous, operator=operator)

    m: uint256 = self.members
    s: uint256 = self.skills
    c: uint256 = self.claims
    e: uint256 = self.endorsements
    for i: uint256 in range(members, bound=MAX_MEMBERS_PER_CALL):
        m += 1
        owner: address = self._account(1, m)
        number: String[78] = uint2str(m)
        log ProfileCreated(owner=owner, name=concat("Member ", number),
                           bio=concat("Engineer number ", number, ". Builds and audits smart contracts; writes Swift and Vyper."),
                           metadataURI=concat("ipfs://bafybeibench", number, "/profile.json"))

        s1: uint256 = s + 1
        s2: uint256 = s + 2
        s3: uint256 = s + 3
        s += 3
        log SkillAdded(skillId=s1, owner=owner, name="Vyper", category="engineering")
        log SkillAdded(skillId=s2, owner=owner, name="Smart contract auditing", category="security")
        log SkillAdded(skillId=s3, owner=owner, name=concat("Language #", uint2str(s3 % 97)), category="languages")

        # An approved claim: the skill becomes verified.
        c += 1
        log ClaimCreated(claimId=c, claimant=owner, skillId=s1, evidenceURI=concat("ipfs://bafybeievidence", uint2str(c), "/cert.pdf"))
        log VerifierAssigned(claimId=c, verifier=verifier, operator=operator)
        log ClaimApproved(claimId=c, verifier=verifier, skillId=s1)
        log SkillVerified(skillId=s1, owner=owner, claimId=c)

        # A rejected claim, disputed, then resolved (every other one overturned).
        c += 1
        log ClaimCreated(claimId=c, claimant=owner, skillId=s2, evidenceURI=concat("ipfs://bafybeievidence", uint2str(c), "/report.pdf"))
        log VerifierAssigned(claimId=c, verifier=verifier, operator=operator)
        log ClaimRejected(claimId=c, verifier=verifier, reason="Evidence does not show independent work")
        log ClaimDisputed(claimId=c, claimant=owner, reason="The report lists me as the sole author")
        overturned: bool = m % 2 == 0
        log DisputeResolved(claimId=c, operator=operator, overturned=overturned,
                            note="Reviewed the repository history with the claimant")
        if overturned:
            log SkillVerified(skillId=s2, owner=owner, claimId=c)

        # Endorsements from the three members created before this one (when
        # there are any); the first is revoked again.
        for k: uint256 in range(3):
            if m > k + 1:
                e += 1
                endorser: address = self._account(1, m - k - 1)
                log Endorsed(endorsementId=e, endorser=endorser, skillId=s + k - 2, endorsee=owner,
                             message="Worked with them on an audit; careful and quick.")
                if k == 0:
                    log EndorsementRevoked(endorsementId=e, endorser=endorser, skillId=s + k - 2)

        log ProfileUpdated(owner=owner, name=concat("Member ", number),
                           bio=concat("Senior engineer number ", number, ". Audits smart contracts."),
                           metadataURI=concat("ipfs://bafybeibench", number, "/profile-v2.json"))
        log SkillRemoved(skillId=s3, owner=owner)

    self.members = m
    self.skills = s
    self.claims = c
    self.endorsements = e
