// EthereumRPC: the JSON-RPC client and endpoint pool (issue #4).
// This file keeps the module in the build until its first type lands.
