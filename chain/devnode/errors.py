"""JSON-RPC error types shared by the dispatcher and the chain layer."""

from __future__ import annotations

from typing import Any

PARSE_ERROR = -32700
INVALID_REQUEST = -32600
METHOD_NOT_FOUND = -32601
INVALID_PARAMS = -32602
INTERNAL_ERROR = -32603
# geth's code for "the call/transaction was rejected by the node or the EVM".
SERVER_ERROR = -32000
# geth's code for "execution reverted", always paired with the revert bytes.
EXECUTION_REVERTED = 3


class RpcError(Exception):
    """An error the dispatcher turns into a JSON-RPC error object."""

    def __init__(self, code: int, message: str, data: Any = None) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.data = data

    def to_json(self) -> dict:
        err: dict = {"code": self.code, "message": self.message}
        if self.data is not None:
            err["data"] = self.data
        return err


class InvalidParams(RpcError):
    def __init__(self, message: str) -> None:
        super().__init__(INVALID_PARAMS, message)


class ServerError(RpcError):
    """Request was well formed but the node refused it (geth uses -32000)."""

    def __init__(self, message: str, data: Any = None) -> None:
        super().__init__(SERVER_ERROR, message, data)
