"""JSON-RPC 2.0 over one persistent HTTP/1.1 connection (http or https).

Deliberately small: deploy and seed send hundreds of requests back to back,
and web3.py's middleware stack costs more per call than the dev node does.
"""

from __future__ import annotations

import http.client
import json
import socket
from typing import Any
from urllib.parse import urlparse

from . import Failure, UsageError


class RpcError(Exception):
    """The node answered with a JSON-RPC error object."""

    def __init__(self, method: str, error: dict) -> None:
        self.method = method
        self.code = error.get("code")
        self.message = str(error.get("message"))
        self.data = error.get("data")
        super().__init__(f"{method}: {self.message} (code {self.code})")


def check_url(url: str) -> str:
    parsed = urlparse(url)
    if parsed.scheme not in ("http", "https") or not parsed.hostname:
        raise UsageError(f"--rpc must be an http(s) URL, got {url!r}")
    return url


class RpcClient:
    def __init__(self, url: str, timeout: float = 60) -> None:
        check_url(url)
        parsed = urlparse(url)
        self.url = url
        self._https = parsed.scheme == "https"
        self._host = parsed.hostname
        self._port = parsed.port or (443 if self._https else 80)
        self._path = parsed.path or "/"
        if parsed.query:
            self._path += "?" + parsed.query
        self._timeout = timeout
        self._conn: http.client.HTTPConnection | None = None
        self._next_id = 0

    # -- transport -----------------------------------------------------------

    def _connection(self) -> http.client.HTTPConnection:
        if self._conn is None:
            cls = http.client.HTTPSConnection if self._https else http.client.HTTPConnection
            self._conn = cls(self._host, self._port, timeout=self._timeout)
        return self._conn

    def _post(self, payload: Any) -> Any:
        body = json.dumps(payload, separators=(",", ":")).encode()
        headers = {"Content-Type": "application/json", "Connection": "keep-alive"}
        for attempt in (0, 1):
            conn = self._connection()
            try:
                conn.request("POST", self._path, body=body, headers=headers)
                response = conn.getresponse()
                data = response.read()
                break
            except (http.client.RemoteDisconnected, http.client.CannotSendRequest, BrokenPipeError,
                    ConnectionResetError) as exc:
                # A keep-alive connection the server closed: reconnect once.
                self.close()
                if attempt:
                    raise Failure(f"RPC {self.url}: connection lost ({exc.__class__.__name__})") from None
            except (OSError, socket.timeout) as exc:
                self.close()
                raise Failure(f"cannot reach RPC {self.url}: {exc}") from None
        if response.getheader("Connection", "").lower() == "close":
            self.close()
        if response.status != 200:
            raise Failure(f"RPC {self.url}: HTTP {response.status}: {data[:200]!r}")
        try:
            return json.loads(data)
        except ValueError:
            raise Failure(f"RPC {self.url}: answer is not JSON: {data[:200]!r}") from None

    def close(self) -> None:
        if self._conn is not None:
            self._conn.close()
            self._conn = None

    # -- JSON-RPC ------------------------------------------------------------

    def call(self, method: str, *params: Any) -> Any:
        self._next_id += 1
        answer = self._post({"jsonrpc": "2.0", "id": self._next_id, "method": method, "params": list(params)})
        if not isinstance(answer, dict):
            raise Failure(f"RPC {self.url}: unexpected answer to {method}: {str(answer)[:200]}")
        if answer.get("error") is not None:
            raise RpcError(method, answer["error"])
        return answer.get("result")

    def batch(self, calls: list[tuple[str, list]], chunk: int = 500) -> list[Any]:
        """Results in order; an entry that failed is an RpcError instance (not raised)."""
        results: list[Any] = []
        for start in range(0, len(calls), chunk):
            part = calls[start : start + chunk]
            first = self._next_id + 1
            payload = [
                {"jsonrpc": "2.0", "id": first + i, "method": method, "params": list(params)}
                for i, (method, params) in enumerate(part)
            ]
            self._next_id += len(part)
            answer = self._post(payload)
            if not isinstance(answer, list):
                # Some nodes answer a batch with a single error object.
                raise Failure(f"RPC {self.url}: batch refused: {str(answer)[:200]}")
            by_id = {item.get("id"): item for item in answer if isinstance(item, dict)}
            for i, (method, _params) in enumerate(part):
                item = by_id.get(first + i)
                if item is None:
                    results.append(RpcError(method, {"code": None, "message": "no answer in batch"}))
                elif item.get("error") is not None:
                    results.append(RpcError(method, item["error"]))
                else:
                    results.append(item.get("result"))
        return results

    def chain_id(self) -> int:
        return int(self.call("eth_chainId"), 16)

    def __enter__(self) -> "RpcClient":
        return self

    def __exit__(self, *exc) -> None:
        self.close()
