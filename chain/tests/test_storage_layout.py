"""Storage-layout safety (runbook: `forge inspect ... storage-layout` + diff).

Every upgradeable contract is compiled with its override
(layouts/<C>/override.json); its layout must keep every slot, size and type
of every released version (layouts/<C>/<version>.json), and every stored
struct must keep its members in order (<version>.structs.json): new
variables and new trailing struct members are fine, moves are not. After a
real upgrade, raw storage reads confirm the old slots still hold their
values."""

import json

import boa
import pytest
from eth_utils import keccak
from support import takumi_compile
from takumi_chain.layout import flatten, layout_breaks, struct_breaks
from vyper.compiler.output import build_layout_output

SLOT = 0x360894A13BA1A3210667C828492DB98DCA3E2076CC3735A920A3CA505D382BBC
LAYOUTS = takumi_compile.LAYOUTS_DIR


def releases(name: str) -> list[str]:
    versions = [p.name[: -len(".json")] for p in (LAYOUTS / name).glob("*.json")]
    versions = [v for v in versions if v != "override" and not v.endswith(".structs")]
    return sorted(versions, key=lambda v: tuple(int(x) for x in v.split(".")))


def current(deployers, name):
    data = deployers[name].compiler_data
    return build_layout_output(data)["storage_layout"], takumi_compile.storage_structs(data)


@pytest.mark.parametrize("name", takumi_compile.UPGRADEABLE)
def test_current_version_has_a_recorded_layout(deployers, name):
    version = takumi_compile.contract_version(deployers[name].compiler_data)
    assert version in releases(name), f"run: python compile.py --release-layouts (for {name} {version})"
    layout, structs = current(deployers, name)
    recorded = json.loads((LAYOUTS / name / f"{version}.json").read_text())["storage_layout"]
    recorded_structs = json.loads((LAYOUTS / name / f"{version}.structs.json").read_text())
    # A released version's layout is frozen: changing it needs a new version.
    assert (layout, structs) == (recorded, recorded_structs)


@pytest.mark.parametrize("name", takumi_compile.UPGRADEABLE)
def test_layout_keeps_every_released_slot(deployers, name):
    layout, structs = current(deployers, name)
    for version in releases(name):
        old = json.loads((LAYOUTS / name / f"{version}.json").read_text())["storage_layout"]
        old_structs = json.loads((LAYOUTS / name / f"{version}.structs.json").read_text())
        assert layout_breaks(old, layout) == [], version
        assert struct_breaks(old_structs, structs) == [], version


@pytest.mark.parametrize("name", takumi_compile.UPGRADEABLE + ["ERC1967Proxy"])
def test_implementation_pinned_to_erc1967_slot(deployers, name):
    layout = build_layout_output(deployers[name].compiler_data)["storage_layout"]
    var = layout["implementation"] if name == "ERC1967Proxy" else layout["governance"]["implementation"]
    assert var == {"type": "address", "n_slots": 1, "slot": SLOT}


@pytest.mark.parametrize("fixture", ["SkillClaimVulnerable", "SkillClaimFixed"])
def test_drill_fixtures_share_skill_claims_layout(deployers, fixture):
    assert current(deployers, fixture) == current(deployers, "SkillClaim")


def test_checker_catches_moves_retypes_removals_and_struct_reorders():
    def var(typ, slot):
        return {"type": typ, "n_slots": 1, "slot": slot}

    old = {"a": var("uint256", 0), "m": {"x": var("bool", 1)}}
    moved = {"a": var("uint256", 5), "m": {"x": var("bool", 1)}}
    retyped = {"a": var("int256", 0), "m": {"x": var("bool", 1)}}
    grown = {**old, "b": var("bool", 2)}
    assert layout_breaks(old, moved) and layout_breaks(old, retyped) and layout_breaks(old, {"a": old["a"]})
    assert layout_breaks(old, grown) == []
    s = {"S": [["x", "uint256"], ["y", "address"]]}
    assert struct_breaks(s, {"S": [["y", "address"], ["x", "uint256"]]})
    assert struct_breaks(s, {"S": [["x", "uint256"], ["y", "address"], ["z", "bool"]]}) == []


def test_release_layouts_refuses_to_rewrite_history(deployers, tmp_path, monkeypatch):
    for name in takumi_compile.UPGRADEABLE:
        (tmp_path / name).mkdir()
    monkeypatch.setattr(takumi_compile, "LAYOUTS_DIR", tmp_path)
    monkeypatch.setattr(takumi_compile, "CHAIN_DIR", tmp_path.parent)
    monkeypatch.setattr(takumi_compile, "compiler_data", lambda name: deployers[name].compiler_data)
    assert len(takumi_compile.release_layouts()) == 8  # first release: written
    assert takumi_compile.release_layouts() == []  # same layout: nothing to do
    (tmp_path / "SkillClaim" / "1.0.0.json").write_text("{}\n")
    with pytest.raises(SystemExit, match="bump SkillClaim's version"):
        takumi_compile.release_layouts()


# -- raw storage across a real upgrade ---------------------------------------


def mapping_slot(base: int, *keys) -> int:
    """Vyper: HashMap[k] lives at keccak256(slot ++ key), nested left to right."""
    slot = base
    for key in keys:
        if isinstance(key, bytes):
            key = int.from_bytes(key, "big")
        elif isinstance(key, str):  # an address
            key = int(key, 16)
        slot = int.from_bytes(keccak(slot.to_bytes(32, "big") + key.to_bytes(32, "big")), "big")
    return slot


def raw_slots(system, proxy, slots):
    return {slot: boa.env.get_storage(proxy.address, slot) for slot in slots}


# proxy attribute -> (contract whose override describes it, implementation to upgrade to)
UPGRADES = {
    "profile": ("SkillProfile", "SkillProfile"),
    "claims": ("SkillClaim", "SkillClaimFixed"),
    "endorsement": ("Endorsement", "Endorsement"),
    "registry": ("VerifierRegistry", "VerifierRegistry"),
}


def test_old_slots_hold_their_values_after_upgrade(system):
    s, a = system, system.acc
    skill_id, claim_id = s.assigned_claim(a.alice, a.verifier)
    s.claims.rejectClaim(claim_id, "r" * 100, sender=a.verifier)
    eid = s.endorsement.endorse(a.alice, skill_id, "hello", sender=a.bob)
    s.profile.pause(sender=a.guardian)
    layouts = {
        attr: flatten(json.loads((LAYOUTS / name / "override.json").read_text()))
        for attr, (name, _) in UPGRADES.items()
    }
    # Every top-level slot, the multisig's DEFAULT_ADMIN_ROLE entry, and the
    # words of one profile and one claim struct (strings included).
    watched = {}
    for attr, layout in layouts.items():
        admin = mapping_slot(layout["access_control.hasRole"]["slot"], b"\x00" * 32, s.multisig.address)
        watched[attr] = [v["slot"] for v in layout.values()] + [admin]
    profile_base = mapping_slot(layouts["profile"]["_profiles"]["slot"], a.alice)
    claim_base = mapping_slot(layouts["claims"]["skill_claims._claims"]["slot"], claim_id)
    watched["profile"] += range(profile_base, profile_base + 8)
    watched["claims"] += range(claim_base, claim_base + 40)
    before = {attr: raw_slots(s, getattr(s, attr), slots) for attr, slots in watched.items()}
    assert before["profile"][layouts["profile"]["pausable.paused"]["slot"]] == 1
    assert before["claims"][layouts["claims"]["skill_claims.claimCount"]["slot"]] == claim_id

    new = {attr: s.upgrade(getattr(s, attr), impl) for attr, (_, impl) in UPGRADES.items()}

    for attr, slots in watched.items():
        after = raw_slots(s, getattr(s, attr), slots)
        assert after.pop(SLOT) == int(new[attr].address, 16) != before[attr].pop(SLOT)
        assert after == before[attr], attr
        assert sum(1 for v in after.values() if v) >= 3, attr  # real values, not just zeros
    assert s.claims.getClaim(claim_id).rejectionReason == "r" * 100
    assert s.endorsement.getEndorsement(eid).message == "hello" and s.profile.paused()
