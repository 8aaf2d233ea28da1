#!/usr/bin/env python3
"""Validates every seeded entity's answers against the served OpenAPI document.

    walk_seeded.py API_URL OPENAPI_YAML SEED_LEDGER [--not-served] [--limited URL N]

schemathesis generates requests at random, so most of them ask for addresses
and ids that do not exist; this walk complements it deterministically: the
detail of every profile, skill, claim and verifier in chain/seed.py's
ledger, every page of every list (limit=100, following nextCursor), and each
profile's skills, claims and endorsements both ways. Every answer must be
200 and match the document's schema for that operation and status. Rows in
every state the seed creates (removed skills, claims in each status,
revoked endorsements, a suspended verifier) are checked this way. Also
checks that GET /openapi.yaml is YAML and the document under test (unless
--not-served: the document is a file being worked on), and, with
--limited URL N, the 429 of a server (URL) whose budget is N requests a
minute: RateLimit-* headers on every answer, then 429 problem+json with
Retry-After, as documented.

Prints one line `walk: N responses, M violations` and the violations; exits
1 if there is any.
"""

from __future__ import annotations

import json
import sys
import urllib.error
import urllib.parse
import urllib.request

import jsonschema
import yaml


class Walk:
    def __init__(self, api: str, document: dict) -> None:
        self.api = api.rstrip("/")
        self.document = document
        self.responses = 0
        self.violations: list[str] = []
        self.validators: dict[str, jsonschema.Draft202012Validator] = {}

    def validator(self, template: str, status: str) -> jsonschema.Draft202012Validator:
        key = f"{template} {status}"
        if key not in self.validators:
            pointer = "/".join(
                ["#", "paths", template.replace("~", "~0").replace("/", "~1"), "get", "responses", status]
            )
            response = self.document["paths"][template]["get"]["responses"][status]
            if "$ref" in response:
                pointer = response["$ref"]
            # The whole document is the root, so its "#/components/..." references resolve;
            # keywords that are not JSON Schema (openapi, info, paths) are ignored.
            root = dict(self.document)
            root["$ref"] = pointer + "/content/" + self.media_type(response).replace("/", "~1") + "/schema"
            self.validators[key] = jsonschema.Draft202012Validator(root, format_checker=jsonschema.FormatChecker())
        return self.validators[key]

    def media_type(self, response: dict) -> str:
        if "$ref" in response:
            name = response["$ref"].rsplit("/", 1)[-1]
            response = self.document["components"]["responses"][name]
        return next(iter(response["content"]))

    def get(self, template: str, path: str, query: dict | None = None) -> object:
        url = self.api + path + ("?" + urllib.parse.urlencode(query) if query else "")
        try:
            with urllib.request.urlopen(url, timeout=10) as response:
                status, body = response.status, response.read()
        except urllib.error.HTTPError as error:
            status, body = error.code, error.read()
        self.responses += 1
        if status != 200:
            self.violations.append(f"GET {url}: {status}, expected 200: {body[:300]!r}")
            return None
        payload = json.loads(body)
        for error in self.validator(template, "200").iter_errors(payload):
            where = "/".join(str(part) for part in error.absolute_path)
            self.violations.append(f"GET {url}: /{where}: {error.message[:300]}")
        return payload

    def pages(self, template: str, path: str, query: dict | None = None) -> list:
        items, cursor = [], None
        for _ in range(100):
            page = self.get(template, path, {**(query or {}), "limit": 100, **({"cursor": cursor} if cursor else {})})
            if not isinstance(page, dict):
                break
            items += page.get("items", [])
            cursor = page.get("nextCursor")
            if not cursor:
                break
        return items


def check_rate_limit(walk: Walk, limited_api: str, limit: int) -> None:
    """The 429 as documented, from a server whose budget is `limit` requests a minute."""
    operation = walk.document["paths"]["/api/v1/stats"]["get"]
    if "429" not in operation["responses"]:
        walk.violations.append("GET /api/v1/stats: 429 is not documented")
        return
    problem = jsonschema.Draft202012Validator({**walk.document, "$ref": "#/components/schemas/Problem"})
    integer_headers = ["RateLimit-Limit", "RateLimit-Remaining", "RateLimit-Reset"]
    url = limited_api.rstrip("/") + "/api/v1/stats"
    for attempt in range(1, limit + 3):
        try:
            with urllib.request.urlopen(url, timeout=10) as response:
                status, headers, body = response.status, response.headers, response.read()
        except urllib.error.HTTPError as error:
            status, headers, body = error.code, error.headers, error.read()
        walk.responses += 1
        names = integer_headers + (["Retry-After"] if status == 429 else [])
        for name in names:
            value = headers.get(name)
            if value is None or not value.isdigit():
                walk.violations.append(f"GET {url} (request {attempt}): {status} with {name}: {value!r}, expected a non-negative integer")
        if status == 200:
            continue
        if status != 429 or attempt <= limit:
            walk.violations.append(f"GET {url} (request {attempt} of a budget of {limit}): {status}, expected {'200' if attempt <= limit else '429'}")
            return
        if not headers.get("Content-Type", "").startswith("application/problem+json"):
            walk.violations.append(f"GET {url}: 429 with Content-Type {headers.get('Content-Type')!r}")
        payload = json.loads(body)
        for error in problem.iter_errors(payload):
            walk.violations.append(f"GET {url}: 429 body: {error.message[:300]}")
        if payload.get("status") != 429 or not str(payload.get("type", "")).endswith("/rate-limited"):
            walk.violations.append(f"GET {url}: 429 body {payload}")
        return
    walk.violations.append(f"GET {url}: no 429 after {limit + 2} requests with a budget of {limit} a minute")


def main() -> int:
    args = [arg for arg in sys.argv[1:] if arg != "--not-served"]
    limited: tuple[str, int] | None = None
    if "--limited" in args:
        index = args.index("--limited")
        limited = (args[index + 1], int(args[index + 2]))
        del args[index:index + 3]
    if len(args) != 3:
        print(__doc__.strip(), file=sys.stderr)
        return 2
    api, document_path, ledger_path = args
    with open(document_path, encoding="utf-8") as file:
        document = yaml.safe_load(file)
    with open(ledger_path, encoding="utf-8") as file:
        ledger = json.load(file)
    walk = Walk(api, document)

    # The document itself: served as YAML, the same one under test.
    with urllib.request.urlopen(walk.api + "/openapi.yaml", timeout=10) as response:
        walk.responses += 1
        content_type = response.headers.get("Content-Type", "")
        if not content_type.startswith("application/yaml"):
            walk.violations.append(f"GET /openapi.yaml: Content-Type {content_type!r}, expected application/yaml")
        if "--not-served" not in sys.argv and yaml.safe_load(response.read()) != document:
            walk.violations.append("GET /openapi.yaml: not the document under test")

    for template, path in [
        ("/health", "/health"), ("/ready", "/ready"), ("/metrics/indexer", "/metrics/indexer"), ("/version", "/version"),
        ("/api/v1/stats", "/api/v1/stats"), ("/api/v1/contracts", "/api/v1/contracts"),
    ]:
        walk.get(template, path)
    listed = {
        "profiles": walk.pages("/api/v1/profiles", "/api/v1/profiles"),
        "skills": walk.pages("/api/v1/skills", "/api/v1/skills"),
        "claims": walk.pages("/api/v1/claims", "/api/v1/claims"),
        "verifiers": walk.pages("/api/v1/verifiers", "/api/v1/verifiers"),
    }
    for status in ["pending", "assigned", "approved", "rejected", "disputed", "rejection_upheld"]:
        walk.pages("/api/v1/claims", "/api/v1/claims", {"status": status})
    for flag in ["true", "false"]:
        walk.pages("/api/v1/skills", "/api/v1/skills", {"verified": flag})
        walk.pages("/api/v1/verifiers", "/api/v1/verifiers", {"active": flag})
    for name, expected in [("profiles", "profiles"), ("claims", "claims"), ("verifiers", "verifiers")]:
        if len(listed[name]) != len(ledger[expected]):
            walk.violations.append(f"GET /api/v1/{name}: {len(listed[name])} items over all pages, the ledger has {len(ledger[expected])}")

    for profile in ledger["profiles"]:
        owner = profile["owner"]
        walk.get("/api/v1/profiles/{address}", f"/api/v1/profiles/{owner}")
        walk.pages("/api/v1/profiles/{address}/skills", f"/api/v1/profiles/{owner}/skills")
        walk.pages("/api/v1/profiles/{address}/claims", f"/api/v1/profiles/{owner}/claims")
        for direction in ["received", "given"]:
            walk.pages("/api/v1/profiles/{address}/endorsements", f"/api/v1/profiles/{owner}/endorsements", {"direction": direction})
    for skill in ledger["skills"]:
        walk.get("/api/v1/skills/{id}", f"/api/v1/skills/{skill['id']}")
        walk.pages("/api/v1/skills/{id}/endorsements", f"/api/v1/skills/{skill['id']}/endorsements")
    for claim in ledger["claims"]:
        walk.get("/api/v1/claims/{id}", f"/api/v1/claims/{claim['id']}")
    for verifier in ledger["verifiers"]:
        walk.get("/api/v1/verifiers/{address}", f"/api/v1/verifiers/{verifier['account']}")

    if limited:
        check_rate_limit(walk, *limited)

    print(f"walk: {walk.responses} responses, {len(walk.violations)} violations")
    for violation in walk.violations[:50]:
        print("  " + violation)
    return 1 if walk.violations else 0


if __name__ == "__main__":
    sys.exit(main())
