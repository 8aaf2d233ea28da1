"""Shared helpers for chain/deploy.py and chain/seed.py.

- `rpc`: JSON-RPC over one keep-alive HTTP connection, with batches.
- `abi`: call/event encoding from the ABI files (eth_abi, no web3 middleware).
- `tx`: signing EIP-1559 transactions with local nonces, sending, receipts.
- `keys`: the dev node's well-known accounts, key files, seed accounts.
- `manifest`: chain/deployments/<network>.json read/write (atomic, relative paths).
- `layout`: storage-layout compatibility (every old slot kept, structs only grow).
"""

from pathlib import Path

CHAIN_DIR = Path(__file__).resolve().parents[1]
ABI_DIR = CHAIN_DIR / "abi"
LAYOUTS_DIR = CHAIN_DIR / "layouts"
DEPLOYMENTS_DIR = CHAIN_DIR / "deployments"
DEV_CHAIN_ID = 31337
# bytes32(uint256(keccak256("eip1967.proxy.implementation")) - 1)
IMPLEMENTATION_SLOT = "0x360894a13ba1a3210667c828492db98dca3e2076cc3735a920a3ca505d382bbc"
UPGRADEABLE = ["SkillProfile", "SkillClaim", "Endorsement", "VerifierRegistry"]


class UsageError(Exception):
    """Bad input or usage: the CLI prints it on one line and exits 2."""


class Failure(Exception):
    """The operation ran and failed: the CLI prints it and exits 1."""
