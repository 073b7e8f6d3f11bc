# meshcheck: `make demo` lints the bundled example fleet, `make test` runs
# everything CI runs. Tools are Go modules pinned in go.mod (go tool ...) or
# built into bin/ by hack/*.mk; nothing is installed by hand.

GO      ?= go
BIN     := $(CURDIR)/bin
VERSION ?= $(shell git describe --tags --always --dirty 2>/dev/null || echo dev)
LDFLAGS := -X github.com/meshcheck/meshcheck/internal/buildinfo.version=$(VERSION)
# Every go command make runs builds as the release does: static and with
# paths trimmed. The image's linux/amd64 binaries and the release test then
# reuse the packages go vet and go test compiled (one link each) instead of
# compiling every dependency a second time.
export CGO_ENABLED := 0
export GOFLAGS += -trimpath
# Release and image binaries: symbols stripped as well (the same flags as
# hack/release), file times from the last commit.
STATIC_BUILD := $(GO) build -ldflags "-s -w $(LDFLAGS)"
SOURCE_DATE_EPOCH ?= $(shell git log -1 --format=%ct 2>/dev/null || echo 0)
export SOURCE_DATE_EPOCH

# The image deploy/base runs (its kustomization sets the tag), built by
# `make image` without a container engine into $(IMAGE_DIR).
IMAGE_REPO      ?= ghcr.io/meshcheck/meshcheck
IMAGE_PLATFORMS ?= linux/amd64 linux/arm64
IMAGE_DIR       := $(BIN)/image
CA_BUNDLE       ?= /etc/ssl/certs/ca-certificates.crt
# The OCI layout the image test in internal/repo reads.
export MESHCHECK_IMAGE := $(IMAGE_DIR)/oci

include hack/envtest.mk
include hack/testdeps.mk
include hack/chart.mk
include hack/referee.mk
include hack/rule.mk
include hack/render.mk

.PHONY: all build demo test check-format vet policy-check go-test docs fuzz bench clean help image release ca-certs

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
# The image test (internal/repo) reads the image make image writes.
# render-test renders Istio's installs again with istioctl and helm (built
# once into bin/) and compares them with testdata/rendered.
go-test: envtest-bins test-deps image chart-test referee-test render-test
	$(GO) test ./...

## image: the OCI image (both binaries, CA certificates, user 65532) for IMAGE_PLATFORMS, as an OCI layout in bin/image/oci and an archive beside it; no container engine, nothing pulled
image: $(BIN)/image-tool ca-certs
	@for p in $(IMAGE_PLATFORMS); do \
	  os=$${p%/*}; arch=$${p#*/}; \
	  GOOS=$$os GOARCH=$$arch $(STATIC_BUILD) -o $(IMAGE_DIR)/$${os}_$${arch}/ ./cmd/meshcheck ./cmd/meshcheck-webhook || exit 1; \
	done
	@rm -f $(IMAGE_DIR)/*_oci.tar
	@$(BIN)/image-tool -out $(IMAGE_DIR)/oci -archive $(IMAGE_DIR)/meshcheck_$(VERSION)_oci.tar \
	  -name $(IMAGE_REPO) -version $(VERSION) -revision "$$(git rev-parse HEAD 2>/dev/null)" -ca $(CA_BUNDLE) \
	  $(foreach p,$(IMAGE_PLATFORMS),-platform $(p)=$(IMAGE_DIR)/$(subst /,_,$(p)))

# The image writer (go-containerregistry), pinned by its own module so that
# meshcheck's go.mod does not take its dependencies.
$(BIN)/image-tool: hack/tools/image/go.mod hack/tools/image/go.sum hack/tools/image/main.go
	cd hack/tools/image && $(GO) build -o $@ .

# Debian's CA bundle goes into the image.
ca-certs:
	@[ -s $(CA_BUNDLE) ] || { echo "installing ca-certificates (apt-get)"; \
	  $(SUDO) apt-get update -qq && DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq --no-install-recommends ca-certificates; }

## release: archives for linux and darwin (amd64, arm64) and windows/amd64, SHA256SUMS and an SPDX SBOM in bin/release (offline)
release:
	rm -rf $(BIN)/release
	$(GO) run ./hack/release -version $(VERSION) -out $(BIN)/release

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
	$(GO) test ./model -run '^$$' -fuzz FuzzRedact -fuzztime $(FUZZTIME) -fuzzminimizetime 5s
	$(GO) test ./webhook -run '^$$' -fuzz FuzzServeHTTP -fuzztime $(FUZZTIME) -fuzzminimizetime 5s
	$(GO) test ./topology -run '^$$' -fuzz FuzzEscapes -fuzztime $(FUZZTIME) -fuzzminimizetime 5s
	$(GO) test ./gitops -run '^$$' -fuzz FuzzExpand -fuzztime $(FUZZTIME) -fuzzminimizetime 5s
	$(GO) test ./gitops -run '^$$' -fuzz FuzzSubstitute -fuzztime $(FUZZTIME) -fuzzminimizetime 5s
	$(GO) test ./gitops -run '^$$' -fuzz FuzzRepoPath -fuzztime $(FUZZTIME) -fuzzminimizetime 5s
	$(GO) test ./terraform -run '^$$' -fuzz FuzzRead -fuzztime $(FUZZTIME) -fuzzminimizetime 5s

## bench: reading, model building, evaluation, whole-fleet lint and webhook benchmarks; one-mesh fleets of BENCH_CLUSTERS clusters in each shape (BenchmarkOneMesh: build and evaluate apart; BenchmarkLintOneMesh: the whole run)
BENCH_CLUSTERS ?= 200,1000,5000
bench:
	MESHCHECK_BENCH_CLUSTERS=$(BENCH_CLUSTERS) $(GO) test ./source ./model ./checks ./cmd/meshcheck ./live ./webhook -run '^$$' -bench . -benchmem -timeout 0

clean:
	rm -rf $(BIN)/meshcheck $(BIN)/meshcheck-webhook $(BIN)/image $(BIN)/image-tool $(BIN)/release

help:
	@awk -F': ' '/^## /{sub(/^## /,""); print}' $(MAKEFILE_LIST)
