#!/usr/bin/env python3
"""Seed a Takumi deployment with a realistic demo dataset and write a ledger.

    seed.py --rpc URL --network NAME --ledger PATH [--manifest-dir DIR] [--seed N]

Everything goes through the proxies named in the deployment manifest, from 60
accounts derived from the seed (key i = keccak256("takumi-seed:<N>:<i>") mod
(n-1) + 1), funded by the funder: 50 members with profiles (0-49), 5 verifiers
registered by the operator (50-54), 5 endorsers without a profile (55-59).
It creates about 50 profiles, 200 skills, 100 claims in every state (pending,
assigned, approved, rejected, disputed, rejection upheld, dispute overturned),
300 endorsements (40 revoked, 5 renewed), suspends a verifier, suspends and
reactivates another, removes skills and updates profiles.

The ledger (JSON) records every entity with the ids the contracts assigned
(read from the events in the receipts) and its final state as this script
modelled it, plus counts and per-contract event counts: an oracle, independent
of the indexer, for the indexer's tests. Same --seed on a freshly deployed
chain = same ledger (apart from its "run" section).

Ledger keys: network, chainId, seed, contracts {name: proxy}, fromBlock,
toBlock, accounts [{index, address, kind: member|verifier|endorser}],
profiles [{owner, name, bio, metadataURI, skillCount, updated, createdBlock}],
skills [{id, owner, name, category, verified, removed, verifiedByClaim,
createdBlock}], claims [{id, claimant, skillId, evidenceURI, verifier, status
(the contract's 1-6), state (pending|assigned|approved|rejected|disputed|
upheld|overturned), rejectionReason, disputeReason, resolutionNote,
assignments, createdBlock}], endorsements [{id, endorser, endorsee, skillId,
message, active, createdBlock}], verifiers [{account, name, organisation,
specialisations, active, suspensions, reactivations, updated,
registeredBlock}], counts {...}, events {contract: {event: n}}, run
{manifest, wallTimeSeconds, phaseSeconds, maxGasUsed, finishedAt}.

Keys: on chain id 31337 the funder is hardhat account 0 and the operator
hardhat account 5 (the deploy defaults); elsewhere pass --funder-key-file and
--operator-key-file (mode 0600) or set SEED_FUNDER_KEY / SEED_OPERATOR_KEY.

Speed: transactions are signed locally with explicit nonces and gas limits and
sent as JSON-RPC batches over one keep-alive connection, one batch per phase;
receipts are fetched as a batch too (the dev node mines on arrival).
Exit codes: 0 done; 1 failed (e.g. a reverted transaction); 2 bad input.
"""

from __future__ import annotations

import argparse
import random
import sys
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from takumi_chain import DEV_CHAIN_ID, UPGRADEABLE, Failure, UsageError, keys, manifest  # noqa: E402
from takumi_chain import seed_data as data  # noqa: E402
from takumi_chain.abi import Abi  # noqa: E402
from takumi_chain.rpc import RpcClient, RpcError  # noqa: E402
from takumi_chain.tx import Sender, Signer, Tx, eth_call  # noqa: E402

ZERO = "0x0000000000000000000000000000000000000000"
N_ACCOUNTS, N_MEMBERS, N_VERIFIERS = 60, 50, 5
N_SKILLS = 200
N_ENDORSEMENTS, N_REVOKED, N_RENEWED = 300, 40, 5
N_REMOVED_UNCLAIMED, N_REMOVED_VERIFIED = 12, 2
N_PROFILE_UPDATES = 10
N_RECLAIMS = 4
# Final claim states of the first round of claims (96) + N_RECLAIMS pending re-claims = 100.
CLAIM_PLAN = {"pending": 6, "assigned": 14, "approved": 28, "rejected": 12, "disputed": 10,
              "upheld": 13, "overturned": 13}
STATES = ["pending", "assigned", "approved", "rejected", "disputed", "upheld", "overturned"]
STATUS = {"pending": 1, "assigned": 2, "approved": 3, "rejected": 4, "disputed": 5, "upheld": 6, "overturned": 3}
FUND_WEI = 10**18

# Explicit gas limits (about 1.5 x the most measured with seeds 1 and 7; the
# strings come from fixed word lists, so their lengths are bounded);
# nothing is estimated per transaction.
GAS = {
    "fund": 21_000,
    "registerVerifier": 650_000,      # measured max 423k
    "createProfile": 600_000,         # 359k
    "updateProfile": 250_000,         # 119k
    "addSkill": 450_000,              # 288k
    "removeSkill": 150_000,           # 87k
    "createClaim": 500_000,           # 349k
    "assignVerifier": 130_000,        # 84k
    "approveClaim": 200_000,          # 129k
    "rejectClaim": 200_000,           # 128k
    "disputeRejection": 220_000,      # 141k
    "resolveDispute": 280_000,        # 184k
    "endorse": 500_000,               # 362k
    "revokeEndorsement": 130_000,     # 83k
    "updateVerifier": 250_000,        # 156k
    "suspendVerifier": 100_000,       # 50k
    "reactivateVerifier": 110_000,    # 69k
}


@dataclass
class Profile:
    owner: str
    name: str
    bio: str
    metadataURI: str
    skillCount: int = 0
    updated: bool = False
    createdBlock: int = 0
    domain: str = field(default="", repr=False)


@dataclass
class Skill:
    id: int
    owner: str
    name: str
    category: str
    verified: bool = False
    removed: bool = False
    verifiedByClaim: int = 0
    endorsements: int = 0  # active endorsements received
    createdBlock: int = 0


@dataclass
class Claim:
    id: int
    claimant: str
    skillId: int
    evidenceURI: str
    verifier: str = ZERO
    status: int = 1
    state: str = "pending"
    rejectionReason: str = ""
    disputeReason: str = ""
    resolutionNote: str = ""
    assignments: int = 0
    createdBlock: int = 0
    plan: str = field(default="", repr=False)


@dataclass
class Endorsement:
    id: int
    endorser: str
    endorsee: str
    skillId: int
    message: str
    active: bool = True
    createdBlock: int = 0


@dataclass
class Verifier:
    account: str
    name: str
    organisation: str
    specialisations: list
    active: bool = True
    suspensions: int = 0
    reactivations: int = 0
    updated: bool = False
    registeredBlock: int = 0


def block_of(tx: Tx) -> int:
    return int(tx.receipt["blockNumber"], 16)


class Seeder:
    def __init__(self, rpc: RpcClient, chain_id: int, doc: dict, funder: Signer, operator: Signer, seed: int):
        self.rpc, self.doc, self.seed = rpc, doc, seed
        self.funder, self.operator = funder, operator
        self.rng = random.Random(seed)
        self.abis = {name: Abi.load(name) for name in UPGRADEABLE}
        self.addr = {name: doc["contracts"][name]["proxy"] for name in UPGRADEABLE}
        self.sender = Sender(rpc, chain_id)
        self.signers = [keys.seed_signer(seed, i) for i in range(N_ACCOUNTS)]
        self.members = self.signers[:N_MEMBERS]
        self.verifier_signers = self.signers[N_MEMBERS : N_MEMBERS + N_VERIFIERS]
        self.endorsers = self.members + self.signers[N_MEMBERS + N_VERIFIERS :]
        self.by_address = {s.address: s for s in self.signers}
        self.profiles: dict[str, Profile] = {}
        self.skills: dict[int, Skill] = {}
        self.claims: dict[int, Claim] = {}
        self.endorsements: dict[int, Endorsement] = {}
        self.verifiers: dict[str, Verifier] = {}
        self.txs: list[Tx] = []
        self.phase_times: dict[str, float] = {}

    # -- plumbing -----------------------------------------------------------------

    def call(self, contract: str, signer: Signer, fn: str, *args, meta=None) -> Tx:
        return Tx(signer, self.addr[contract], self.abis[contract].encode(fn, *args), GAS[fn],
                  label=f"{contract}.{fn}", meta=meta)

    def run(self, phase: str, txs: list[Tx]) -> list[Tx]:
        started = time.monotonic()
        self.sender.send_many(txs)
        self.txs.extend(txs)
        self.phase_times[phase] = round(time.monotonic() - started, 2)
        return txs

    def event(self, tx: Tx, contract: str, name: str) -> dict:
        for event, args in self.abis[contract].events(tx.receipt["logs"], self.addr[contract]):
            if event == name:
                return args
        raise Failure(f"{tx.label} {tx.hash}: no {contract}.{name} event in the receipt")

    def uri(self, suffix: str = "") -> str:
        alphabet = "abcdefghijklmnopqrstuvwxyz234567"
        return "ipfs://bafybei" + "".join(self.rng.choice(alphabet) for _ in range(52)) + suffix

    # -- phases -------------------------------------------------------------------

    def check_fresh(self) -> None:
        sp = self.abis["SkillProfile"]
        first = self.members[0].address
        if sp.decode("hasProfile", eth_call(self.rpc, self.addr["SkillProfile"], sp.encode("hasProfile", first))):
            raise UsageError(f"seed {self.seed} was already applied to this deployment (account {first} has a "
                             "profile): use another --seed or a fresh deployment")
        vr = self.abis["VerifierRegistry"]
        role = vr.decode("OPERATOR_ROLE", eth_call(self.rpc, self.addr["VerifierRegistry"], vr.encode("OPERATOR_ROLE")))
        if not vr.decode("hasRole", eth_call(self.rpc, self.addr["VerifierRegistry"],
                                             vr.encode("hasRole", bytes.fromhex(role[2:]), self.operator.address))):
            raise UsageError(f"{self.operator.address} does not hold OPERATOR_ROLE on this deployment's "
                             "VerifierRegistry")

    def fund(self) -> None:
        balance = int(self.rpc.call("eth_getBalance", self.funder.address, "latest"), 16)
        needed = FUND_WEI * N_ACCOUNTS + self.sender.fees.cost(21_000) * N_ACCOUNTS
        if balance < needed:
            raise Failure(f"funder {self.funder.address} has {balance} wei, needs {needed}")
        self.run("fund", [Tx(self.funder, s.address, "0x", GAS["fund"], FUND_WEI, label=f"fund {s.label}")
                          for s in self.signers])

    def profiles_and_verifiers(self) -> None:
        rng, txs = self.rng, []
        for signer, (name, org, specs) in zip(self.verifier_signers, data.VERIFIERS):
            v = Verifier(signer.address, name, org, list(specs))
            self.verifiers[v.account] = v
            txs.append(self.call("VerifierRegistry", self.operator, "registerVerifier", v.account, name, org, specs,
                                 meta=v))
        names = rng.sample([f"{f} {l}" for f in data.FIRST_NAMES for l in data.LAST_NAMES], N_MEMBERS)
        for signer, name in zip(self.members, names):
            domain = rng.choice(sorted(data.DOMAINS))
            _, titles, _ = data.DOMAINS[domain]
            years = rng.randint(2, 25)
            bio = (f"{rng.choice(titles)} based in {rng.choice(data.CITIES)}. {years} years of experience. "
                   f"{rng.choice(data.BIO_EXTRAS)}").strip()
            p = Profile(signer.address, name, bio, self.uri("/profile.json"), domain=domain)
            self.profiles[p.owner] = p
            txs.append(self.call("SkillProfile", signer, "createProfile", name, bio, p.metadataURI, meta=p))
        for tx in self.run("profiles", txs):
            if isinstance(tx.meta, Verifier):
                tx.meta.registeredBlock = block_of(tx)
            else:
                tx.meta.createdBlock = block_of(tx)

    def add_skills(self) -> None:
        rng = self.rng
        counts = {m.address: 1 for m in self.members}
        while sum(counts.values()) < N_SKILLS:
            owner = rng.choice(self.members).address
            if counts[owner] < 10:
                counts[owner] += 1
        txs = []
        for member in self.members:
            p = self.profiles[member.address]
            category, _, pool = data.DOMAINS[p.domain]
            other = rng.choice(sorted(d for d in data.DOMAINS if d != p.domain))
            other_category, _, other_pool = data.DOMAINS[other]
            choices = [(s, category) for s in pool] + [(s, other_category) for s in other_pool]
            primary = rng.sample(choices[: len(pool)], min(counts[member.address], len(pool), 6))
            rest = rng.sample(choices[len(pool) :], counts[member.address] - len(primary))
            for name, cat in primary + rest:
                txs.append(self.call("SkillProfile", member, "addSkill", name, cat, meta=(name, cat)))
        for tx in self.run("skills", txs):
            ev = self.event(tx, "SkillProfile", "SkillAdded")
            name, cat = tx.meta
            skill = Skill(ev["skillId"], tx.signer.address, name, cat, createdBlock=block_of(tx))
            self.skills[skill.id] = skill
            self.profiles[skill.owner].skillCount += 1

    def create_claims(self) -> None:
        rng = self.rng
        plan = [state for state, n in CLAIM_PLAN.items() for _ in range(n)]
        rng.shuffle(plan)
        chosen = rng.sample(sorted(self.skills), len(plan))
        txs = []
        for skill_id, state in zip(chosen, plan):
            skill = self.skills[skill_id]
            evidence = self.uri(f"/{rng.choice(data.EVIDENCE_KINDS)}.pdf")
            txs.append(self.call("SkillClaim", self.by_address[skill.owner], "createClaim", skill_id, evidence,
                                 meta=(state, evidence)))
        self._record_claims(self.run("claims", txs))

    def _record_claims(self, txs: list[Tx]) -> None:
        for tx in txs:
            ev = self.event(tx, "SkillClaim", "ClaimCreated")
            state, evidence = tx.meta
            claim = Claim(ev["claimId"], tx.signer.address, ev["skillId"], evidence, plan=state,
                          createdBlock=block_of(tx))
            self.claims[claim.id] = claim

    def assign(self) -> None:
        rng, txs = self.rng, []
        accounts = [s.address for s in self.verifier_signers]
        to_assign = [c for c in self.claims.values() if c.plan != "pending"]

        def assign_tx(claim: Claim, verifier: str) -> Tx:
            claim.verifier, claim.status, claim.state = verifier, STATUS["assigned"], "assigned"
            claim.assignments += 1
            return self.call("SkillClaim", self.operator, "assignVerifier", claim.id, verifier)

        for claim in to_assign:
            txs.append(assign_tx(claim, rng.choice(accounts)))
        # Verifier 1 is suspended (its claims go to others), then reactivated.
        v1 = self.verifiers[accounts[1]]
        txs.append(self.call("VerifierRegistry", self.operator, "suspendVerifier", v1.account,
                             data.SUSPENSION_REASONS[0]))
        v1.suspensions += 1
        for claim in [c for c in to_assign if c.verifier == v1.account][:3]:
            txs.append(assign_tx(claim, rng.choice([a for a in accounts if a != v1.account])))
        txs.append(self.call("VerifierRegistry", self.operator, "reactivateVerifier", v1.account))
        v1.reactivations += 1
        self.run("assign", txs)

    def decide(self) -> None:
        rng, txs = self.rng, []
        for claim in self.claims.values():
            if claim.plan in ("pending", "assigned"):
                continue
            verifier = self.by_address[claim.verifier]
            if claim.plan == "approved":
                txs.append(self.call("SkillClaim", verifier, "approveClaim", claim.id))
                self._approve(claim, "approved")
            else:
                reason = rng.choice(data.REJECTION_REASONS)
                txs.append(self.call("SkillClaim", verifier, "rejectClaim", claim.id, reason))
                claim.rejectionReason, claim.status, claim.state = reason, STATUS["rejected"], "rejected"
        self.run("decide", txs)

    def _approve(self, claim: Claim, state: str) -> None:
        claim.status, claim.state = STATUS["approved"], state
        skill = self.skills[claim.skillId]
        skill.verified, skill.verifiedByClaim = True, claim.id

    def dispute_and_resolve(self) -> None:
        rng, txs = self.rng, []
        disputed = [c for c in self.claims.values() if c.plan in ("disputed", "upheld", "overturned")]
        for claim in disputed:
            reason = rng.choice(data.DISPUTE_REASONS)
            txs.append(self.call("SkillClaim", self.by_address[claim.claimant], "disputeRejection", claim.id, reason))
            claim.disputeReason, claim.status, claim.state = reason, STATUS["disputed"], "disputed"
        for claim in disputed:
            if claim.plan == "disputed":
                continue
            overturn = claim.plan == "overturned"
            note = rng.choice(data.OVERTURN_NOTES if overturn else data.UPHOLD_NOTES)
            txs.append(self.call("SkillClaim", self.operator, "resolveDispute", claim.id, overturn, note))
            claim.resolutionNote = note
            if overturn:
                self._approve(claim, "overturned")
            else:
                claim.status, claim.state = STATUS["upheld"], "upheld"
        self.run("disputes", txs)
        # A few claimants try again after a final rejection: new pending claims.
        upheld = [c for c in self.claims.values() if c.plan == "upheld"]
        reclaims = []
        for claim in rng.sample(upheld, N_RECLAIMS):
            evidence = self.uri("/additional-evidence.pdf")
            reclaims.append(self.call("SkillClaim", self.by_address[claim.claimant], "createClaim", claim.skillId,
                                      evidence, meta=("pending", evidence)))
        self._record_claims(self.run("reclaims", reclaims))

    def endorse(self) -> None:
        rng, txs = self.rng, []
        active_pairs: set[tuple[str, int]] = set()
        given = {s.address: 0 for s in self.endorsers}
        skill_ids = sorted(self.skills)
        weights = [3 if self.skills[i].verified else 1 for i in skill_ids]
        planned = []
        while len(planned) < N_ENDORSEMENTS - N_RENEWED:
            endorser = rng.choice(self.endorsers).address
            skill = self.skills[rng.choices(skill_ids, weights)[0]]
            if (skill.owner == endorser or (endorser, skill.id) in active_pairs or skill.endorsements >= 50
                    or given[endorser] >= 100):
                continue
            active_pairs.add((endorser, skill.id))
            given[endorser] += 1
            skill.endorsements += 1
            planned.append((endorser, skill, rng.choice(data.ENDORSEMENT_MESSAGES)))
        for endorser, skill, message in planned:
            txs.append(self.call("Endorsement", self.by_address[endorser], "endorse", skill.owner, skill.id, message,
                                 meta=message))
        self._record_endorsements(self.run("endorse", txs))

    def _record_endorsements(self, txs: list[Tx]) -> None:
        for tx in txs:
            ev = self.event(tx, "Endorsement", "Endorsed")
            e = Endorsement(ev["endorsementId"], tx.signer.address, ev["endorsee"], ev["skillId"], tx.meta,
                            createdBlock=block_of(tx))
            self.endorsements[e.id] = e

    def churn(self) -> None:
        """Revocations, renewed endorsements, skill removals, profile updates, verifier changes."""
        rng, txs = self.rng, []
        revoked = rng.sample(sorted(self.endorsements), N_REVOKED)
        for eid in revoked:
            e = self.endorsements[eid]
            txs.append(self.call("Endorsement", self.by_address[e.endorser], "revokeEndorsement", eid))
            e.active = False
            self.skills[e.skillId].endorsements -= 1
        renewals = []
        for eid in rng.sample(revoked, N_RENEWED):
            e = self.endorsements[eid]
            message = "Renewed: " + (rng.choice(data.ENDORSEMENT_MESSAGES) or "still recommended.")
            renewals.append(self.call("Endorsement", self.by_address[e.endorser], "endorse", e.endorsee, e.skillId,
                                      message, meta=message))
            self.skills[e.skillId].endorsements += 1
        txs += renewals
        claimed = {c.skillId for c in self.claims.values()}
        unclaimed = [i for i in sorted(self.skills) if i not in claimed]
        verified = [i for i in sorted(self.skills) if self.skills[i].verified]
        for sid in rng.sample(unclaimed, N_REMOVED_UNCLAIMED) + rng.sample(verified, N_REMOVED_VERIFIED):
            skill = self.skills[sid]
            txs.append(self.call("SkillProfile", self.by_address[skill.owner], "removeSkill", sid))
            skill.removed = True
            self.profiles[skill.owner].skillCount -= 1
        for owner in rng.sample(sorted(self.profiles), N_PROFILE_UPDATES):
            p = self.profiles[owner]
            if rng.random() < 0.3:
                first, last = p.name.split(" ", 1)
                p.name = f"{first} {rng.choice('ABCDEFGHJKLMNPRSTW')}. {last}"
            now = rng.choice(["freelancing", "at a startup", "teaching", "consulting"])
            p.bio = p.bio.split(" Now ")[0] + f" Now {now}."
            p.metadataURI = self.uri("/profile-v2.json")
            p.updated = True
            txs.append(self.call("SkillProfile", self.by_address[owner], "updateProfile", p.name, p.bio, p.metadataURI))
        accounts = [s.address for s in self.verifier_signers]
        v2 = self.verifiers[accounts[2]]
        v2.organisation, v2.specialisations, v2.updated = "Guilde Internationale des Traducteurs", \
            v2.specialisations + ["localization"], True
        txs.append(self.call("VerifierRegistry", self.operator, "updateVerifier", v2.account, v2.name,
                             v2.organisation, v2.specialisations))
        v0 = self.verifiers[accounts[0]]
        txs.append(self.call("VerifierRegistry", self.operator, "suspendVerifier", v0.account,
                             data.SUSPENSION_REASONS[1]))
        v0.active, v0.suspensions = False, v0.suspensions + 1
        self.run("churn", txs)
        self._record_endorsements(renewals)

    # -- ledger -------------------------------------------------------------------

    def event_counts(self) -> dict:
        counts: dict[str, dict[str, int]] = {name: {} for name in UPGRADEABLE}
        for tx in self.txs:
            for log in tx.receipt["logs"]:
                for name in UPGRADEABLE:
                    if log["address"].lower() == self.addr[name].lower():
                        decoded = self.abis[name].decode_log(log)
                        key = decoded[0] if decoded else log["topics"][0]
                        counts[name][key] = counts[name].get(key, 0) + 1
        return {name: dict(sorted(c.items())) for name, c in counts.items()}

    def max_gas_used(self) -> dict:
        used: dict[str, int] = {}
        for tx in self.txs:
            fn = tx.label.split(".")[-1] if "." in tx.label else "fund"
            used[fn] = max(used.get(fn, 0), int(tx.receipt["gasUsed"], 16))
        return dict(sorted(used.items()))

    def ledger(self, wall: float, manifest_file: Path) -> dict:
        claims = [self.claims[i] for i in sorted(self.claims)]
        skills = [self.skills[i] for i in sorted(self.skills)]
        endorsements = [self.endorsements[i] for i in sorted(self.endorsements)]
        verifiers = list(self.verifiers.values())
        kinds = (["member"] * N_MEMBERS + ["verifier"] * N_VERIFIERS
                 + ["endorser"] * (N_ACCOUNTS - N_MEMBERS - N_VERIFIERS))

        def clean(obj) -> dict:
            d = asdict(obj)
            d.pop("plan", None)
            d.pop("domain", None)
            d.pop("endorsements", None)
            return d

        blocks = [block_of(t) for t in self.txs]
        return {
            "network": self.doc["network"],
            "chainId": self.doc["chainId"],
            "seed": self.seed,
            "contracts": dict(self.addr),
            "fromBlock": min(blocks),
            "toBlock": max(blocks),
            "accounts": [{"index": i, "address": s.address, "kind": k}
                         for i, (s, k) in enumerate(zip(self.signers, kinds))],
            "profiles": [clean(self.profiles[s.address]) for s in self.members],
            "skills": [clean(s) for s in skills],
            "claims": [clean(c) for c in claims],
            "endorsements": [clean(e) for e in endorsements],
            "verifiers": [clean(v) for v in verifiers],
            "counts": {
                "accounts": N_ACCOUNTS,
                "transactions": len(self.txs),
                "profiles": len(self.profiles),
                "profilesUpdated": sum(p.updated for p in self.profiles.values()),
                "skills": len(skills),
                "skillsActive": sum(not s.removed for s in skills),
                "skillsRemoved": sum(s.removed for s in skills),
                "skillsVerified": sum(s.verified for s in skills),
                "claims": len(claims),
                "claimsByState": {state: sum(c.state == state for c in claims) for state in STATES},
                "endorsements": len(endorsements),
                "endorsementsActive": sum(e.active for e in endorsements),
                "endorsementsRevoked": sum(not e.active for e in endorsements),
                "verifiers": len(verifiers),
                "verifiersActive": sum(v.active for v in verifiers),
                "verifiersSuspended": sum(not v.active for v in verifiers),
            },
            "events": self.event_counts(),
            "run": {
                "manifest": str(manifest_file),
                "wallTimeSeconds": round(wall, 2),
                "phaseSeconds": self.phase_times,
                "maxGasUsed": self.max_gas_used(),
                "finishedAt": manifest.iso_utc(),
            },
        }

    def seed_all(self) -> None:
        self.check_fresh()
        self.fund()
        self.profiles_and_verifiers()
        self.add_skills()
        self.create_claims()
        self.assign()
        self.decide()
        self.dispute_and_resolve()
        self.endorse()
        self.churn()


class Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:
        self.exit(2, f"{self.prog}: error: {message}\n")


def main(argv: list[str] | None = None) -> int:
    p = Parser(prog="seed.py", description=__doc__.splitlines()[0])
    p.add_argument("--rpc", required=True, help="JSON-RPC URL")
    p.add_argument("--network", required=True, help="network label: reads <manifest-dir>/<network>.json")
    p.add_argument("--manifest-dir", help="folder of the manifest (default chain/deployments)")
    p.add_argument("--ledger", required=True, help="where to write the JSON ledger")
    p.add_argument("--seed", type=int, default=1, help="dataset seed (default 1)")
    p.add_argument("--funder-key-file", help="key file (0600) paying for the seed accounts; default "
                   "$SEED_FUNDER_KEY, or hardhat account 0 on chain id 31337")
    p.add_argument("--operator-key-file", help="key file (0600) of the OPERATOR_ROLE holder; default "
                   "$SEED_OPERATOR_KEY, or hardhat account 5 on chain id 31337")
    args = p.parse_args(argv)
    started = time.monotonic()
    try:
        if args.seed < 0:
            raise UsageError("--seed must be >= 0")
        path = manifest.manifest_path(args.network, args.manifest_dir)
        doc = manifest.load(path)
        ledger_path = Path(args.ledger).expanduser().absolute()
        if ledger_path.is_dir():
            raise UsageError(f"--ledger {ledger_path} is a folder; give a file name")
        rpc = RpcClient(args.rpc)
        chain_id = rpc.chain_id()
        if chain_id != doc["chainId"]:
            raise UsageError(f"{path} is for chain id {doc['chainId']}, but {args.rpc} is chain id {chain_id}")
        dev = chain_id == DEV_CHAIN_ID
        funder = keys.key_from(args.funder_key_file, "SEED_FUNDER_KEY", "funder") or (
            keys.dev_signer(0) if dev else None)
        operator = keys.key_from(args.operator_key_file, "SEED_OPERATOR_KEY", "operator") or (
            keys.dev_signer(keys.DEV_ROLES["operator"]) if dev else None)
        if funder is None or operator is None:
            raise UsageError(f"chain id {chain_id} is not the dev chain: --funder-key-file and "
                             "--operator-key-file required")
        if operator.address != doc["accounts"]["operator"]:
            raise UsageError(f"the operator key is {operator.address}, but {path} names {doc['accounts']['operator']}")
        seeder = Seeder(rpc, chain_id, doc, funder, operator, args.seed)
        seeder.seed_all()
        wall = time.monotonic() - started
        ledger = seeder.ledger(wall, path)
        manifest.write_atomic(ledger_path, ledger)
    except UsageError as exc:
        print(f"seed.py: error: {exc}", file=sys.stderr)
        return 2
    except (Failure, RpcError) as exc:
        print(f"seed.py: failed: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("seed.py: interrupted", file=sys.stderr)
        return 130
    c = ledger["counts"]
    print(f"seed.py: {c['transactions']} transactions in {wall:.1f}s: {c['profiles']} profiles, {c['skills']} skills, "
          f"{c['claims']} claims, {c['endorsements']} endorsements ({c['endorsementsRevoked']} revoked), "
          f"{c['verifiers']} verifiers; ledger {ledger_path}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
