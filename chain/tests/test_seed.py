"""chain/seed.py on a fresh dev node: the ledger it writes agrees with the
contracts' own view functions for every entity, its counts are in range,
every claim state is present, and its event counts match eth_getLogs."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import time

import pytest

from devnode_fixture import CHAIN_DIR, running_devnode

pytest_plugins = ["devnode_fixture"]

from takumi_chain import UPGRADEABLE  # noqa: E402
from takumi_chain.abi import Abi  # noqa: E402
from takumi_chain.keys import seed_signer  # noqa: E402
from takumi_chain.rpc import RpcClient, RpcError  # noqa: E402

SEED = 7
STATES = ["pending", "assigned", "approved", "rejected", "disputed", "upheld", "overturned"]
STATUS = {"pending": 1, "assigned": 2, "approved": 3, "rejected": 4, "disputed": 5, "upheld": 6, "overturned": 3}
ABIS = {name: Abi.load(name) for name in UPGRADEABLE}


def run(script: str, *args: str) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k not in ("DEPLOYER_KEY", "SEED_FUNDER_KEY", "SEED_OPERATOR_KEY")}
    return subprocess.run([sys.executable, str(CHAIN_DIR / script), *args], capture_output=True, text=True,
                          timeout=600, env=env)


@pytest.fixture(scope="module")
def seeded(tmp_path_factory):
    folder = tmp_path_factory.mktemp("seed")
    with running_devnode() as node:
        deployed = run("deploy.py", "system", "--rpc", node.url, "--network", "dev", "--manifest-dir", str(folder))
        assert deployed.returncode == 0, deployed.stderr
        ledger_path = folder / "ledger.json"
        started = time.monotonic()
        result = run("seed.py", "--rpc", node.url, "--network", "dev", "--manifest-dir", str(folder),
                     "--ledger", str(ledger_path), "--seed", str(SEED))
        wall = time.monotonic() - started
        assert result.returncode == 0, result.stderr
        print(f"\nseed.py wall time {wall:.1f}s: {result.stderr.strip()}")
        client = RpcClient(node.url)
        try:
            yield {"node": node, "rpc": client, "folder": folder, "ledger": json.loads(ledger_path.read_text()),
                   "manifest": json.loads((folder / "dev.json").read_text()), "stderr": result.stderr}
        finally:
            client.close()


class Views:
    """Batched eth_calls against the proxies."""

    def __init__(self, rpc: RpcClient, addresses: dict[str, str]) -> None:
        self.rpc, self.addresses = rpc, addresses

    def many(self, contract: str, fn: str, arg_lists: list[tuple]) -> list:
        abi, to = ABIS[contract], self.addresses[contract]
        results = self.rpc.batch([("eth_call", [{"to": to, "data": abi.encode(fn, *args)}, "latest"])
                                  for args in arg_lists])
        for result in results:
            assert not isinstance(result, RpcError), result
        return [abi.decode(fn, r) for r in results]

    def one(self, contract: str, fn: str, *args):
        return self.many(contract, fn, [args])[0]


@pytest.fixture(scope="module")
def views(seeded):
    return Views(seeded["rpc"], seeded["ledger"]["contracts"])


def test_ledger_names_the_deployment(seeded):
    ledger, doc = seeded["ledger"], seeded["manifest"]
    assert ledger["network"] == "dev" and ledger["chainId"] == 31337 and ledger["seed"] == SEED
    assert ledger["contracts"] == {n: doc["contracts"][n]["proxy"] for n in UPGRADEABLE}
    assert doc["startBlock"] < ledger["fromBlock"] <= ledger["toBlock"]
    assert int(seeded["rpc"].call("eth_blockNumber"), 16) == ledger["toBlock"]


def test_counts_in_requested_ranges(seeded):
    ledger = seeded["ledger"]
    c = ledger["counts"]
    assert 45 <= c["profiles"] == len(ledger["profiles"]) <= 55
    assert 180 <= c["skills"] == len(ledger["skills"]) <= 220
    assert 90 <= c["claims"] == len(ledger["claims"]) <= 110
    assert 270 <= c["endorsements"] == len(ledger["endorsements"]) <= 330
    assert 30 <= c["endorsementsRevoked"] <= 50
    assert c["endorsementsActive"] + c["endorsementsRevoked"] == c["endorsements"]
    assert c["verifiers"] == len(ledger["verifiers"]) == 5 and c["verifiersSuspended"] == 1
    assert c["skillsRemoved"] >= 5 and c["profilesUpdated"] >= 5 and c["skillsVerified"] >= 20
    assert set(c["claimsByState"]) == set(STATES) and all(n >= 3 for n in c["claimsByState"].values())
    assert sum(c["claimsByState"].values()) == c["claims"]
    assert c["accounts"] == len(ledger["accounts"]) == 60
    verifiers = ledger["verifiers"]
    assert sum(not v["active"] and v["suspensions"] == 1 for v in verifiers) == 1  # suspended at the end
    assert sum(v["active"] and v["suspensions"] == 1 and v["reactivations"] == 1 for v in verifiers) == 1
    assert {e["id"] for e in ledger["endorsements"]} == set(range(1, c["endorsements"] + 1))
    assert {cl["id"] for cl in ledger["claims"]} == set(range(1, c["claims"] + 1))


def test_profiles_and_skills_match_contract_views(seeded, views):
    ledger = seeded["ledger"]
    owners = [p["owner"] for p in ledger["profiles"]]
    for p, onchain, ids in zip(ledger["profiles"], views.many("SkillProfile", "getProfile", [(o,) for o in owners]),
                               views.many("SkillProfile", "skillIdsOf", [(o,) for o in owners])):
        assert {k: onchain[k] for k in ("owner", "name", "bio", "metadataURI", "skillCount")} == \
            {k: p[k] for k in ("owner", "name", "bio", "metadataURI", "skillCount")}
        if p["updated"]:
            assert onchain["updatedAt"] > onchain["createdAt"]
        active = {s["id"] for s in ledger["skills"] if s["owner"] == p["owner"] and not s["removed"]}
        assert set(ids) == active and len(ids) == p["skillCount"]
    skills = ledger["skills"]
    keys = ("id", "owner", "name", "category", "verified", "removed", "verifiedByClaim")
    for s, onchain in zip(skills, views.many("SkillProfile", "getSkill", [(s["id"],) for s in skills])):
        assert {k: onchain[k] for k in keys} == {k: s[k] for k in keys}
    assert views.one("SkillProfile", "profileCount") == len(ledger["profiles"])
    assert views.one("SkillProfile", "skillCount") == len(skills)
    # A verified skill points at an approved (or overturned) claim for it.
    claims = {c["id"]: c for c in ledger["claims"]}
    for s in skills:
        if s["verified"]:
            assert claims[s["verifiedByClaim"]]["skillId"] == s["id"]
            assert claims[s["verifiedByClaim"]]["state"] in ("approved", "overturned")


def test_claims_match_contract_views(seeded, views):
    claims = seeded["ledger"]["claims"]
    keys = ("id", "claimant", "skillId", "evidenceURI", "verifier", "status", "rejectionReason", "disputeReason",
            "resolutionNote")
    for c, onchain in zip(claims, views.many("SkillClaim", "getClaim", [(c["id"],) for c in claims])):
        assert {k: onchain[k] for k in keys} == {k: c[k] for k in keys}
        assert c["status"] == STATUS[c["state"]]
        if c["state"] == "overturned":
            assert c["disputeReason"] and c["resolutionNote"]
        if c["state"] == "approved":
            assert not c["disputeReason"]
    assert views.one("SkillClaim", "claimCount") == len(claims)
    latest = views.many("SkillClaim", "latestClaimOf", [(c["skillId"],) for c in claims])
    for c, newest in zip(claims, latest):
        assert newest >= c["id"]


def test_endorsements_match_contract_views(seeded, views):
    endorsements = seeded["ledger"]["endorsements"]
    keys = ("id", "endorser", "endorsee", "skillId", "message", "active")
    onchains = views.many("Endorsement", "getEndorsement", [(e["id"],) for e in endorsements])
    for e, onchain in zip(endorsements, onchains):
        assert {k: onchain[k] for k in keys} == {k: e[k] for k in keys}
        assert (onchain["revokedAt"] > 0) == (not e["active"])
    assert views.one("Endorsement", "endorsementCount") == len(endorsements)
    # Per-skill received counts agree with the active endorsements in the ledger.
    skill_ids = sorted({e["skillId"] for e in endorsements})
    for sid, received in zip(skill_ids, views.many("Endorsement", "receivedCount", [(s,) for s in skill_ids])):
        assert received == sum(e["active"] for e in endorsements if e["skillId"] == sid)


def test_verifiers_match_contract_views(seeded, views):
    verifiers = seeded["ledger"]["verifiers"]
    accounts = [(v["account"],) for v in verifiers]
    for v, onchain, active in zip(verifiers, views.many("VerifierRegistry", "getVerifier", accounts),
                                  views.many("VerifierRegistry", "isActiveVerifier", accounts)):
        assert {k: onchain[k] for k in ("account", "name", "organisation", "specialisations", "active")} == \
            {k: v[k] for k in ("account", "name", "organisation", "specialisations", "active")}
        assert active == v["active"]
    assert views.one("VerifierRegistry", "verifierCount") == 5
    assert views.one("VerifierRegistry", "activeVerifierCount") == sum(v["active"] for v in verifiers)


def test_event_counts_match_logs_and_blocks(seeded):
    ledger, rpc = seeded["ledger"], seeded["rpc"]
    for name in UPGRADEABLE:
        logs = rpc.call("eth_getLogs", {"address": ledger["contracts"][name], "fromBlock": hex(ledger["fromBlock"]),
                                        "toBlock": hex(ledger["toBlock"])})
        counts: dict[str, int] = {}
        for log in logs:
            event = ABIS[name].decode_log(log)[0]
            counts[event] = counts.get(event, 0) + 1
        assert counts == ledger["events"][name], name
    c = ledger["counts"]
    assert ledger["events"]["SkillProfile"]["ProfileCreated"] == c["profiles"]
    assert ledger["events"]["Endorsement"]["EndorsementRevoked"] == c["endorsementsRevoked"]
    # createdBlock: the block whose timestamp is the entity's createdAt.
    sample = seeded["ledger"]["claims"][:10]
    blocks = rpc.batch([("eth_getBlockByNumber", [hex(c["createdBlock"]), False]) for c in sample])
    views = Views(rpc, ledger["contracts"])
    for c, block, onchain in zip(sample, blocks, views.many("SkillClaim", "getClaim", [(c["id"],) for c in sample])):
        assert int(block["timestamp"], 16) == onchain["createdAt"]


def test_accounts_are_derived_from_the_seed_and_no_key_is_written(seeded):
    ledger = seeded["ledger"]
    assert [a["address"] for a in ledger["accounts"]] == [seed_signer(SEED, i).address for i in range(60)]
    text = json.dumps(ledger)
    assert not re.search(r"0x[0-9a-fA-F]{64}\b", text.replace('"', " "))  # no private key (nor hash) anywhere
    run_info = ledger["run"]
    assert run_info["wallTimeSeconds"] < 180  # generous: a loaded 2-core box; target is < 60 s


def test_same_seed_again_is_refused_before_sending_anything(seeded):
    rpc, node, folder = seeded["rpc"], seeded["node"], seeded["folder"]
    head = rpc.call("eth_blockNumber")
    result = run("seed.py", "--rpc", node.url, "--network", "dev", "--manifest-dir", str(folder),
                 "--ledger", str(folder / "again.json"), "--seed", str(SEED))
    assert result.returncode == 2 and "already applied" in result.stderr
    assert rpc.call("eth_blockNumber") == head and not (folder / "again.json").exists()


@pytest.mark.parametrize("args, message", [
    (["--network", "dev", "--ledger", "x.json"], "--rpc"),
    (["--rpc", "http://127.0.0.1:9", "--network", "nowhere", "--ledger", "x.json"], "no deployment manifest"),
    (["--rpc", "http://127.0.0.1:9", "--network", "dev", "--ledger", "x.json", "--seed", "-1"], "--seed"),
])
def test_bad_input_exits_2(tmp_path, args, message):
    result = run("seed.py", *args, "--manifest-dir", str(tmp_path))
    assert result.returncode == 2 and message in result.stderr
