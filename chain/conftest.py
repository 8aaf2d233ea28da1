"""pytest fixtures for the contract tests (chain/tests/test_*.py).

- `deployers`: every contract compiled once per session by compile.py (the
  same CompilerData, layout overrides included, that produces out/), cached
  on disk under out/.compile-cache keyed by compile.fingerprint(), so a
  re-run with unchanged sources skips the compiler.
- `system`: the whole Takumi deployment (2-of-3 multisig, four implementations
  behind ERC1967Proxy, CLAIMS_ROLE granted through the multisig), deployed
  once per session; each test runs inside `boa.env.anchor()`, so it starts
  from that state and its changes are rolled back afterwards.
Fixtures are only built when a test asks for them, so other test files
(e.g. the dev node's) pay nothing for them.
"""

import sys
from pathlib import Path

import boa
import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent / "tests"))
import support  # noqa: E402


@pytest.fixture(scope="session")
def deployers() -> support.Deployers:
    return support.Deployers()


@pytest.fixture(scope="session")
def _deployed_system(deployers) -> support.System:
    return support.deploy_system(deployers)


@pytest.fixture
def system(_deployed_system) -> support.System:
    with boa.env.anchor():
        yield _deployed_system
