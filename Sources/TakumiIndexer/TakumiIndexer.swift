// TakumiIndexer: the chain → database sync loop (issue #5).
// This file keeps the module in the build until its first type lands.
