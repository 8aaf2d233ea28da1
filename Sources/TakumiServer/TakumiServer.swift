// TakumiServer: the Hummingbird HTTP API (issue #6).
// This file keeps the module in the build until its first type lands.
