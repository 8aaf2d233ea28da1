#!/usr/bin/env python3
"""Record a large, real Takumi event history from the dev node for the indexer benchmark.

    chain/.venv/bin/python bench/replay/record.py [--out DIR] [--events N] [--members K] [--force]

Starts a dev node on a free port, deploys the Takumi system (chain/deploy.py
`system`, network label `bench`), deploys the bench-only EventEmitter
(chain/contracts/bench/EventEmitter.vy) behind an ERC1967Proxy, and calls
`emitCohort(K)` until at least N logs exist. Then it writes, under DIR
(default .takumi/bench):

- `bench.json`: the deployment manifest deploy.py wrote, plus a
  `BenchEmitter` entry in `contracts` (proxy, implementation, ABI, layout)
  so that the benchmark indexes the emitter's proxy too;
- `recording.json`: every block header (number, hash, parentHash,
  timestamp, transactions, the rest as the node served it) and every log
  from genesis to the head, plus the block range the emitter filled (what
  the replay server repeats) and a key of the inputs.

The recording is reused while its key matches (the sources of the contracts,
the dev node, deploy.py, this script, the compiler version, N and K): the
dev node executes the EVM in Python, so a fresh recording takes minutes.

Exit codes: 0 done (or cached); 1 failed; 2 bad usage.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
CHAIN_DIR = ROOT / "chain"
sys.path.insert(0, str(CHAIN_DIR))

from takumi_chain import Failure, build, keys, manifest  # noqa: E402
from takumi_chain.abi import Abi  # noqa: E402
from takumi_chain.rpc import RpcClient  # noqa: E402
from takumi_chain.tx import Sender, Tx  # noqa: E402

EMITTER_SOURCE = CHAIN_DIR / "contracts" / "bench" / "EventEmitter.vy"
NETWORK = "bench"
EMITTER_NAME = "BenchEmitter"
# Transactions signed and sent per JSON-RPC batch (the dev node mines each on arrival).
TXS_PER_BATCH = 20


def log(message: str) -> None:
    print(f"record: {message}", file=sys.stderr, flush=True)


def inputs_key(events: int, members: int) -> str:
    """sha256 over everything that can change the recording."""
    import vyper

    h = hashlib.sha256()
    h.update(f"vyper {vyper.__version__} events {events} members {members}\n".encode())
    roots = [CHAIN_DIR / "contracts", CHAIN_DIR / "layouts", CHAIN_DIR / "devnode", CHAIN_DIR / "takumi_chain"]
    files = [p for root in roots for p in sorted(root.rglob("*")) if p.suffix in (".vy", ".vyi", ".json", ".py")]
    files += [CHAIN_DIR / "deploy.py", CHAIN_DIR / "compile.py", Path(__file__).resolve()]
    for path in files:
        h.update(str(path.relative_to(ROOT)).encode())
        h.update(path.read_bytes())
    return h.hexdigest()


class DevNode:
    """The dev node on a free port, stopped with SIGTERM on exit."""

    def __init__(self, workdir: Path) -> None:
        self.port_file = workdir / "devnode.port"
        self.log_file = workdir / "devnode.log"
        self.process: subprocess.Popen | None = None

    def __enter__(self) -> str:
        self.port_file.unlink(missing_ok=True)
        with open(self.log_file, "w") as out:
            self.process = subprocess.Popen(
                [sys.executable, "-m", "devnode", "--port", "0", "--port-file", str(self.port_file)],
                cwd=CHAIN_DIR, stdout=out, stderr=subprocess.STDOUT,
            )
        deadline = time.monotonic() + 120
        while not self.port_file.exists():
            if self.process.poll() is not None:
                raise Failure(f"the dev node exited with {self.process.returncode}; see {self.log_file}")
            if time.monotonic() > deadline:
                raise Failure(f"the dev node did not start within 120 s; see {self.log_file}")
            time.sleep(0.1)
        return f"http://127.0.0.1:{self.port_file.read_text().strip()}"

    def __exit__(self, *exc) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()


def compile_emitter() -> dict:
    """Bytecode, runtime and ABI of the emitter, with compile.py's pinned settings."""
    from vyper.compiler.output import build_abi_output, build_layout_output
    from vyper.compiler.phases import CompilerData
    from vyper.compiler.settings import Settings

    tc = build.takumi_compile
    bundle = tc._input_bundle()
    data = CompilerData(bundle.load_file(EMITTER_SOURCE.relative_to(CHAIN_DIR)), bundle, Settings(**tc.SETTINGS))
    return {
        "abi": build_abi_output(data),
        "bytecode": "0x" + data.bytecode.hex(),
        "runtime": data.bytecode_runtime,
        "layout": build_layout_output(data),
        "version": tc.contract_version(data),
    }


def deploy_system(url: str, out: Path) -> Path:
    result = subprocess.run(
        [sys.executable, str(CHAIN_DIR / "deploy.py"), "system", "--rpc", url, "--network", NETWORK,
         "--manifest-dir", str(out), "--force"],
        cwd=CHAIN_DIR, capture_output=True, text=True,
    )
    if result.returncode != 0:
        raise Failure(f"deploy.py system failed ({result.returncode}):\n{result.stderr[-2000:]}")
    return manifest.manifest_path(NETWORK, str(out))


def record(out: Path, events: int, members: int) -> dict:
    out.mkdir(parents=True, exist_ok=True)
    started = time.monotonic()
    with DevNode(out) as url:
        log(f"dev node at {url}; deploying the Takumi system")
        path = deploy_system(url, out)
        doc = manifest.load(path)
        rpc = RpcClient(url)
        chain_id = rpc.chain_id()
        deployer = keys.dev_signer(keys.DEV_ROLES["deployer"])
        sender = Sender(rpc, chain_id)

        log("compiling and deploying the EventEmitter behind an ERC1967Proxy")
        emitter = compile_emitter()
        abi = Abi(emitter["abi"], "EventEmitter")
        impl_receipt = sender.send(deployer, None, emitter["bytecode"], label="deploy EventEmitter")
        implementation = impl_receipt["contractAddress"]
        proxy_art = build.artifact("ERC1967Proxy")
        proxy_abi = Abi(proxy_art["abi"], "ERC1967Proxy")
        ctor = proxy_abi.encode_constructor(implementation, b"").hex()
        proxy_receipt = sender.send(deployer, None, proxy_art["bytecode"] + ctor, label="deploy EventEmitter proxy")
        proxy = proxy_receipt["contractAddress"]

        call = abi.encode("emitCohort", members)
        gas = sender.estimate(deployer, proxy, call, label="emitCohort")
        # Later cohorts emit the same events with longer numbers: leave room.
        gas = gas + gas // 4
        emitted = 0
        first_block = None
        while emitted < events:
            txs = [Tx(deployer, proxy, call, gas, label="emitCohort") for _ in range(TXS_PER_BATCH)]
            sender.send_many(txs)
            for tx in txs:
                emitted += len(tx.receipt["logs"])
                if first_block is None:
                    first_block = int(tx.receipt["blockNumber"], 16)
            log(f"{emitted} events emitted ({time.monotonic() - started:.0f} s)")

        head = int(rpc.call("eth_blockNumber"), 16)
        log(f"fetching {head + 1} block headers and every log")
        blocks = []
        for result in rpc.batch([("eth_getBlockByNumber", [hex(n), False]) for n in range(head + 1)]):
            if not isinstance(result, dict):
                raise Failure(f"eth_getBlockByNumber failed: {result}")
            blocks.append(result)
        logs = []
        step = 200
        for start in range(0, head + 1, step):
            logs += rpc.call("eth_getLogs", {"fromBlock": hex(start), "toBlock": hex(min(head, start + step - 1))})
        rpc.close()

    abi_file = out / "EventEmitter.abi.json"
    layout_file = out / "EventEmitter.layout.json"
    abi_file.write_text(json.dumps(emitter["abi"], indent=2) + "\n")
    layout_file.write_text(json.dumps(emitter["layout"], indent=2, sort_keys=True) + "\n")
    from eth_utils import keccak, to_checksum_address

    doc["contracts"][EMITTER_NAME] = {
        "proxy": to_checksum_address(proxy),
        "implementation": to_checksum_address(implementation),
        "version": emitter["version"],
        "abi": manifest.rel(abi_file, path),
        "codehash": "0x" + keccak(emitter["runtime"]).hex(),
        "layout": manifest.rel(layout_file, path),
        "block": int(proxy_receipt["blockNumber"], 16),
    }
    manifest.write_atomic(path, doc)
    return {
        "network": NETWORK,
        "chainId": chain_id,
        "manifest": path.name,
        "emitter": to_checksum_address(proxy),
        # The blocks the replay server repeats: the emitter's transactions.
        "repeatFrom": first_block,
        "repeatTo": head,
        "events": len(logs),
        "recordSeconds": round(time.monotonic() - started, 1),
        "blocks": blocks,
        "logs": logs,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", default=str(ROOT / ".takumi" / "bench"), help="output folder")
    parser.add_argument("--events", type=int, default=100_000, help="record at least this many logs")
    parser.add_argument("--members", type=int, default=16, help="members per emitCohort call (1..64)")
    parser.add_argument("--force", action="store_true", help="record even when the cached recording matches")
    args = parser.parse_args(argv)
    if args.events < 1 or not 1 <= args.members <= 64:
        print("record: --events must be positive and --members 1..64", file=sys.stderr)
        return 2
    out = Path(args.out).resolve()
    target = out / "recording.json"
    key = inputs_key(args.events, args.members)
    if target.exists() and not args.force:
        try:
            with open(target) as f:
                # The key is the first field written: no need to parse 100 MB to compare it.
                head = f.read(200)
            if f'"key":"{key}"' in head and (out / f"{NETWORK}.json").exists():
                log(f"cached recording matches its inputs: {target}")
                return 0
        except OSError:
            pass
    try:
        data = record(out, args.events, args.members)
    except Failure as exc:
        print(f"record: failed: {exc}", file=sys.stderr)
        return 1
    fd, tmp = tempfile.mkstemp(dir=out, prefix=".recording.", suffix=".tmp")
    with os.fdopen(fd, "w") as f:
        json.dump({"key": key, **data}, f, separators=(",", ":"))
    os.replace(tmp, target)
    log(f"wrote {target}: {data['events']} logs in {len(data['blocks'])} blocks "
        f"(repeat {data['repeatFrom']}..{data['repeatTo']}), {data['recordSeconds']} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
