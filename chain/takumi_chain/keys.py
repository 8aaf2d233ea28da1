"""Keys: the dev node's well-known accounts, key files, seed accounts, addresses.

Nothing here prints or returns a private key in an error message.
"""

from __future__ import annotations

import functools
import os
import re
import stat
from pathlib import Path

from eth_utils import is_checksum_address, keccak, to_checksum_address

from . import UsageError
from .tx import Signer

DEV_MNEMONIC = "test test test test test test test test test test test junk"
SECP256K1_N = 0xFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFEBAAEDCE6AF48A03BBFD25E8CD0364141

# Roles of the hardhat accounts on the dev chain (chain id 31337);
# chain/deployments/README.md documents the same table.
DEV_ROLES = {"deployer": 0, "owners": [1, 2, 3], "guardian": 4, "operator": 5}


@functools.cache
def dev_signer(index: int) -> Signer:
    """Hardhat account `index` (m/44'/60'/0'/0/index of the test mnemonic)."""
    from eth_account import Account

    Account.enable_unaudited_hdwallet_features()
    account = Account.from_mnemonic(DEV_MNEMONIC, account_path=f"m/44'/60'/0'/0/{index}")
    return Signer(account.key, label=f"dev account {index}")


def parse_key(text: str, where: str) -> Signer:
    text = text.strip()
    if not re.fullmatch(r"(0x)?[0-9a-fA-F]{64}", text):
        raise UsageError(f"{where} does not hold a 32-byte hex private key")
    value = int(text[2:] if text.startswith("0x") else text, 16)
    if not 0 < value < SECP256K1_N:
        raise UsageError(f"{where} is not a valid secp256k1 private key")
    return Signer(value.to_bytes(32, "big"), label=where)


def read_key_file(path: str, what: str) -> Signer:
    p = Path(path)
    try:
        st = p.stat()
    except OSError as exc:
        raise UsageError(f"{what} key file {path}: {exc.strerror}") from None
    if not stat.S_ISREG(st.st_mode):
        raise UsageError(f"{what} key file {path} is not a regular file")
    if st.st_mode & 0o077:
        raise UsageError(f"{what} key file {path} must not be readable by group/others (chmod 600 {path})")
    return parse_key(p.read_text(), f"{what} key file {path}")


def key_from(file: str | None, env: str | None, what: str) -> Signer | None:
    """A key from `file` (0600) or environment variable `env`, or None."""
    if file:
        return read_key_file(file, what)
    if env and os.environ.get(env):
        return parse_key(os.environ[env], f"${env}")
    return None


def address(value: str, what: str) -> str:
    """EIP-55 form of `value`; a mixed-case input must carry a valid checksum."""
    value = value.strip()
    if not re.fullmatch(r"0x[0-9a-fA-F]{40}", value):
        raise UsageError(f"{what}: {value!r} is not an address (0x + 40 hex digits)")
    if value[2:] != value[2:].lower() and value[2:] != value[2:].upper() and not is_checksum_address(value):
        raise UsageError(f"{what}: {value} has a bad EIP-55 checksum")
    if int(value, 16) == 0:
        raise UsageError(f"{what}: the zero address is not allowed")
    return to_checksum_address(value)


def seed_signer(seed: int, index: int) -> Signer:
    """Seed account `index`: key = keccak256("takumi-seed:<seed>:<index>") mod (n-1) + 1."""
    digest = keccak(text=f"takumi-seed:{seed}:{index}")
    value = int.from_bytes(digest, "big") % (SECP256K1_N - 1) + 1
    return Signer(value.to_bytes(32, "big"), label=f"seed account {index}")
