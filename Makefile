# meshcheck: `make demo` lints the bundled example fleet, `make test` runs
# everything CI runs. Tools are Go modules pinned in go.mod (go tool ...) or
# built into bin/ by hack/*.mk; nothing is installed by hand.

GO      ?= go
BIN     := $(CURDIR)/bin
VERSION ?= $(shell git describe --tags --always --dirty 2>/dev/null || echo dev)
LDFLAGS := -X github.com/meshcheck/meshcheck/internal/buildinfo.version=$(VERSION)

include hack/envtest.mk
include hack/testdeps.mk

.PHONY: all build demo test check-format vet policy-check go-test docs fuzz bench clean help

all: build test

## build: build bin/meshcheck and bin/meshcheck-webhook (the server `meshcheck serve` runs)
build:
	$(GO) build -ldflags "$(LDFLAGS)" -o $(BIN)/meshcheck ./cmd/meshcheck
	$(GO) build -ldflags "$(LDFLAGS)" -o $(BIN)/meshcheck-webhook ./cmd/meshcheck-webhook

## demo: lint the bundled example fleet (findings are expected; exit 1 means "found some")
demo: build
	@echo '$$ meshcheck lint --fleet examples/fleet'
	@$(BIN)/meshcheck lint --fleet examples/fleet; rc=$$?; test $$rc -le 1

## test: formatting, vet, policy checks and every Go test (Rego tests, fixtures, corpus)
test: check-format vet policy-check go-test

check-format:
	@out=$$(gofmt -l $$(git ls-files '*.go' 2>/dev/null || find . -name '*.go' -not -path './bin/*')); \
	  if [ -n "$$out" ]; then echo "gofmt needed:"; echo "$$out"; exit 1; fi
	@$(GO) tool opa fmt --fail -l policies/ >/dev/null || { echo "opa fmt needed:"; $(GO) tool opa fmt -l policies/; exit 1; }

vet:
	$(GO) vet ./...

policy-check:
	$(GO) tool opa check --strict policies/

# envtest tests (webhook, audit) need a real kube-apiserver and etcd: built
# from Go modules into bin/k8s by hack/envtest.mk, once, then cached.
go-test: envtest-bins test-deps
	$(GO) test ./...

## docs: regenerate docs/rules/ from the rules' METADATA and fixtures
docs:
	$(GO) test ./ruledoc -run TestRuleDocs -update

## fuzz: run each fuzz target for FUZZTIME (default 30s)
FUZZTIME ?= 30s
fuzz:
	$(GO) test ./source -run '^$$' -fuzz FuzzRead -fuzztime $(FUZZTIME) -fuzzminimizetime 5s
	$(GO) test ./source -run '^$$' -fuzz FuzzMinNodes -fuzztime $(FUZZTIME) -fuzzminimizetime 5s
	$(GO) test ./source -run '^$$' -fuzz FuzzPathJoin -fuzztime $(FUZZTIME) -fuzzminimizetime 5s
	$(GO) test ./model -run '^$$' -fuzz FuzzBuild -fuzztime $(FUZZTIME) -fuzzminimizetime 5s
	$(GO) test ./model -run '^$$' -fuzz FuzzKubeconfigSkeleton -fuzztime $(FUZZTIME) -fuzzminimizetime 5s
	$(GO) test ./webhook -run '^$$' -fuzz FuzzServeHTTP -fuzztime $(FUZZTIME) -fuzzminimizetime 5s
	$(GO) test ./webhook -run '^$$' -fuzz FuzzReduce -fuzztime $(FUZZTIME) -fuzzminimizetime 5s
	$(GO) test ./topology -run '^$$' -fuzz FuzzEscapes -fuzztime $(FUZZTIME) -fuzzminimizetime 5s

## bench: model building, evaluation and whole-fleet lint benchmarks
bench:
	$(GO) test ./source ./model ./checks ./cmd/meshcheck ./live ./webhook -run '^$$' -bench . -benchmem

clean:
	rm -rf $(BIN)/meshcheck $(BIN)/meshcheck-webhook

help:
	@awk -F': ' '/^## /{sub(/^## /,""); print}' $(MAKEFILE_LIST)
