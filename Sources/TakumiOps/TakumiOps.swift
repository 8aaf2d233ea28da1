// TakumiOps: the runbook's procedures as code (issue #7 and later).
// This file keeps the module in the build until its first type lands.
