"""Takumi dev node: a JSON-RPC 2.0 Ethereum node for development and tests.

eth-tester + py-evm behind a small threaded HTTP server, with fixes for the
eth-tester behaviours listed in ``devnode/README.md``. Start it with
``python -m devnode`` from ``chain/``.
"""

__version__ = "0.1.0"
