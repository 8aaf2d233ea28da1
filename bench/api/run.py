"""The API benchmark (issue 6), run by `make bench` (scripts/bench).

100,000 profiles are loaded straight into PostgreSQL with COPY (going through
the chain would take too long), then `takumi serve --no-indexer` (release
build) is measured with wrk, 64 connections, on GET /api/v1/profiles/{address}
over random addresses, with the response cache off and on, and on GET /version
(a constant JSON answer of the same server: the framework's ceiling) in the
same run, in alternating rounds (each figure's median round counts). Prints
req/s, the ratios to the ceiling and the p99 latency; exits 1 when the
cache-off figures miss their targets (ratio >= 0.5, p99 < 20 ms).

    python bench/api/run.py --takumi .build-release/release/takumi \
        --database postgres://postgres@127.0.0.1:PORT/postgres --manifest .takumi/bench/bench.json
"""
import argparse
import json
import os
import random
import re
import socket
import subprocess
import sys
import tempfile
import time
import urllib.parse
import urllib.request

PROFILES = 100_000


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def psql(url, *args, stdin=None):
    result = subprocess.run(["psql", url, "-v", "ON_ERROR_STOP=1", "-q", *args], input=stdin, capture_output=True, text=True)
    if result.returncode != 0:
        sys.exit(f"api-bench: psql failed: {result.stderr.strip()}")
    return result.stdout


def database_url(admin_url, name):
    return urllib.parse.urlsplit(admin_url)._replace(path="/" + name).geturl()


def wait_ready(url, process, seconds=60):
    deadline = time.time() + seconds
    while time.time() < deadline:
        if process.poll() is not None:
            sys.exit(f"api-bench: takumi serve exited ({process.returncode})")
        try:
            with urllib.request.urlopen(url, timeout=1) as response:
                if response.status == 200:
                    return
        except Exception:
            time.sleep(0.1)
    sys.exit(f"api-bench: {url} did not answer within {seconds} s")


def wrk(url, seconds, script=None):
    command = ["wrk", "-t2", "-c64", f"-d{seconds}s", "--latency"]
    if script:
        command += ["-s", script]
    output = subprocess.run(command + [url], capture_output=True, text=True, check=True).stdout
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1))
    p99 = re.search(r"99%\s+([\d.]+)(us|ms|s)", output)
    scale = {"us": 0.001, "ms": 1.0, "s": 1000.0}[p99.group(2)]
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    return rps, float(p99.group(1)) * scale, int(errors.group(1)) if errors else 0


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--takumi", required=True)
    parser.add_argument("--database", required=True, help="an admin URL of a PostgreSQL server (a database is created)")
    parser.add_argument("--manifest", required=True)
    parser.add_argument("--rpc", default="http://127.0.0.1:9", help="RPC URL for the health probes (not needed to serve)")
    parser.add_argument("--seconds", type=int, default=5, help="length of one wrk run")
    parser.add_argument("--rounds", type=int, default=5, help="alternating /version and profile runs per mode; the median round counts")
    parser.add_argument("--ratio-target", type=float, default=0.5)
    parser.add_argument("--p99-target-ms", type=float, default=20.0)
    args = parser.parse_args()

    with open(args.manifest) as f:
        network = json.load(f)["network"]
    url = database_url(args.database, "takumi_api_bench")
    psql(args.database, "-c", "DROP DATABASE IF EXISTS takumi_api_bench", "-c", "CREATE DATABASE takumi_api_bench")
    env = dict(os.environ, DATABASE_URL=url, CHAIN=network, DEPLOYMENT_FILE=os.path.abspath(args.manifest),
               LOG_LEVEL="warning", LOG_FORMAT="json",
               # wrk is one client IP: a budget it cannot exhaust, so every answer is a 200
               # (the limiter still counts each request, as in production).
               RATE_LIMIT_PER_MINUTE="1000000000")
    env[f"RPC_URL_{network.upper()}"] = args.rpc
    subprocess.run([args.takumi, "db", "migrate"], env=env, check=True, capture_output=True)

    rng = random.Random(6)
    addresses = ["0x%040x" % rng.getrandbits(160) for _ in range(PROFILES)]
    rows = "".join(
        f'{network},{a},Profile {i},"Engineer #{i}, writes Vyper and Swift",ipfs://bafy{i:08d}/profile.json,{i % 7},{100 + i // 10},{100 + i // 10},{100 + i // 10}\n'
        for i, a in enumerate(addresses)
    )
    started = time.time()
    psql(url, "-c", "\\copy profiles (chain, owner, name, bio, metadata_uri, skill_count, created_block, updated_block, last_block) FROM STDIN WITH (FORMAT csv)", stdin=rows)
    count = psql(url, "-At", "-c", f"SELECT count(*) FROM profiles WHERE chain = '{network}'").strip()
    print(f"api-bench: {count} profiles loaded with COPY in {time.time() - started:.1f} s")

    folder = tempfile.mkdtemp(prefix="takumi-api-bench-")
    script = os.path.join(folder, "profiles.lua")
    with open(script, "w") as f:
        f.write("local addresses = {\n" + ",\n".join(f'"{a}"' for a in addresses) + "\n}\n")
        # The request text is concatenated, not built by wrk.format (a table
        # walk per request): wrk shares the two cores with the server, and
        # its CPU per request should not weigh on one side of the comparison.
        f.write('math.randomseed(7)\nlocal count = #addresses\nlocal suffix\n'
                'init = function(args)\n  suffix = " HTTP/1.1\\r\\nHost: " .. wrk.headers["Host"] .. "\\r\\n\\r\\n"\nend\n'
                'request = function()\n  return "GET /api/v1/profiles/" .. addresses[math.random(count)] .. suffix\nend\n')

    results = {}
    ratios = {}  # the median round's ratio (not the ratio of the medians)
    for mode, flags in (("cache off", []), ("cache on", ["--cache-ttl-ms", "1000"])):
        port = free_port()
        log = open(os.path.join(folder, f"serve-{port}.log"), "w")
        process = subprocess.Popen([args.takumi, "serve", "--no-indexer", "--port", str(port), *flags], env=env, stdout=log, stderr=log)
        try:
            base = f"http://127.0.0.1:{port}"
            wait_ready(base + "/version", process)
            with urllib.request.urlopen(f"{base}/api/v1/profiles/{addresses[0]}") as response:
                assert json.load(response)["name"] == "Profile 0", "the API serves the loaded rows"
            wrk(base + "/version", 2)  # warm-up
            wrk(base + "/", 2, script)
            # Alternating rounds: a burst of load from elsewhere on a shared
            # machine lands in one round, not on one side of the comparison.
            rounds = []
            for _ in range(args.rounds):
                ceiling, ceiling_p99, _ = wrk(base + "/version", args.seconds)
                rps, p99, errors = wrk(base + "/", args.seconds, script)
                rounds.append((rps / ceiling, rps, p99, ceiling, ceiling_p99, errors))
                print(f"api-bench: {mode} round {len(rounds)}: profiles {rps:.0f} req/s p99 {p99:.2f} ms, /version {ceiling:.0f} req/s, ratio {rps / ceiling:.3f}")
            # Each figure's median over the rounds.
            median = lambda index: sorted(r[index] for r in rounds)[len(rounds) // 2]
            rps, p99, ceiling, ceiling_p99 = median(1), median(2), median(3), median(4)
            results[mode] = (rps, p99, ceiling, ceiling_p99, sum(r[5] for r in rounds))
            ratios[mode] = median(0)
        finally:
            process.terminate()
            process.wait(timeout=30)
            log.close()

    print("api-bench: wrk -t2 -c64, %d s each, median of %d rounds, %d random addresses" % (args.seconds, args.rounds, PROFILES))
    for mode, (rps, p99, ceiling, ceiling_p99, errors) in results.items():
        print(f"  {mode:9}  profiles {rps:9.0f} req/s  p99 {p99:6.2f} ms   /version {ceiling:9.0f} req/s  p99 {ceiling_p99:6.2f} ms   ratio {ratios[mode]:.3f}"
              + (f"   NON-2xx: {errors}" if errors else ""))
    _, p99, _, _, errors = results["cache off"]
    ratio = ratios["cache off"]
    ok = ratio >= args.ratio_target and p99 < args.p99_target_ms and errors == 0
    print(f"api-bench: {'PASS' if ok else 'FAIL'}: cache off ratio {ratio:.3f} (target >= {args.ratio_target}), p99 {p99:.2f} ms (target < {args.p99_target_ms} ms)")
    psql(args.database, "-c", "DROP DATABASE IF EXISTS takumi_api_bench")
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
