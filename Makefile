# Takumi — the two commands that matter: `make dev` and `make test`.
SHELL := /bin/bash
.DEFAULT_GOAL := help

.PHONY: help dev test bench chain-env deps build services-start services-stop clean

help:
	@echo "make dev        set up and run the whole stack locally (dev chain, contracts, API)"
	@echo "make test       install what is missing, start test services, run every test"
	@echo "make bench      run the benchmarks (figures as ratios to a peer measured in the same run)"
	@echo "make chain-env  create chain/.venv (Vyper, titanoboa, eth-tester, web3) once"
	@echo "make build      swift build"

deps:
	@scripts/install-deps

chain-env:
	@scripts/chain-env

build: deps
	swift build

dev: deps chain-env
	@scripts/dev

test:
	@scripts/run-tests

bench: deps chain-env
	@scripts/bench

services-start:
	@scripts/test-services start

services-stop:
	@scripts/test-services stop

clean:
	rm -rf .build .takumi chain/out
