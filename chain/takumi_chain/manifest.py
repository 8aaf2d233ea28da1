"""Deployment manifests: chain/deployments/<network>.json (or <dir>/<network>.json).

File paths inside a manifest (abi, layout, source) are relative to the
manifest's own folder, so a manifest written to a temporary folder still
points at chain/abi etc. Writes are atomic (temporary file + rename).
"""

from __future__ import annotations

import json
import os
import re
import tempfile
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from . import DEPLOYMENTS_DIR, UsageError

NETWORK_RE = re.compile(r"[a-z0-9][a-z0-9_-]{0,63}")


def check_network(name: str) -> str:
    if not NETWORK_RE.fullmatch(name or ""):
        raise UsageError(f"--network must be lower-case letters, digits, '-' or '_' (e.g. dev, sepolia), got {name!r}")
    return name


def manifest_path(network: str, manifest_dir: str | None = None) -> Path:
    folder = Path(manifest_dir).expanduser() if manifest_dir else DEPLOYMENTS_DIR
    return (folder / f"{check_network(network)}.json").absolute()


def rel(target: Path, manifest: Path) -> str:
    """`target` relative to the manifest's folder, with forward slashes."""
    return Path(os.path.relpath(Path(target).resolve(), Path(manifest).parent.resolve())).as_posix()


def resolve(manifest: Path, relative: str) -> Path:
    return (Path(manifest).parent / relative).resolve()


def load(path: Path) -> dict:
    try:
        text = Path(path).read_text()
    except FileNotFoundError:
        hint = f"run: deploy.py system --network {Path(path).stem} ..."
        raise UsageError(f"no deployment manifest at {path} ({hint})") from None
    try:
        data = json.loads(text)
    except ValueError as exc:
        raise UsageError(f"{path} is not valid JSON: {exc}") from None
    if not isinstance(data, dict) or "contracts" not in data or "chainId" not in data:
        raise UsageError(f"{path} is not a Takumi deployment manifest")
    return data


def dumps(data: Any) -> str:
    return json.dumps(data, indent=2, ensure_ascii=False) + "\n"


def write_atomic(path: Path, data: Any) -> None:
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "w") as f:
            f.write(dumps(data))
            f.flush()
            os.fsync(f.fileno())
        os.chmod(tmp, 0o644)
        os.replace(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except FileNotFoundError:
            pass
        raise


def iso_utc(timestamp: int | float | None = None) -> str:
    moment = datetime.now(timezone.utc) if timestamp is None else datetime.fromtimestamp(timestamp, timezone.utc)
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")
