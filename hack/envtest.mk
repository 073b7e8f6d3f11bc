# envtest control-plane binaries, built from Go modules (no setup-envtest
# downloads needed). Include from the top-level Makefile:
#
#   include hack/envtest.mk
#   test: envtest-bins
#   	go test ./...          # KUBEBUILDER_ASSETS is exported to recipes
#
# Outside make:  export "$$(make -s --no-print-directory envtest-bins)"
#
# Pinned versions live in hack/tools/envtest/go.mod (k8s.io/kubernetes) and
# hack/tools/envtest/etcd/go.mod (go.etcd.io/etcd/server/v3); bumping either
# makes the next `make envtest-bins` rebuild the affected binary.

ENVTEST_MK_DIR := $(patsubst %/,%,$(dir $(abspath $(lastword $(MAKEFILE_LIST)))))

# Cache root (gitignored /bin/). Binaries go to a per-version subdirectory,
# the same layout as setup-envtest: $(ENVTEST_BIN)/1.37.2-linux-amd64/{kube-apiserver,etcd}
ENVTEST_BIN ?= $(CURDIR)/bin/k8s

# Read the pinned versions from the tools go.mod files (skipping comment lines).
envtest_mod_version = $(shell awk -v m="$(2)" '/^[[:space:]]*\/\//{next} {for (i = 1; i < NF; i++) if ($$i == m) {print $$(i+1); exit}}' $(1))
ENVTEST_K8S_VERSION  := $(call envtest_mod_version,$(ENVTEST_MK_DIR)/tools/envtest/go.mod,k8s.io/kubernetes)
ENVTEST_ETCD_VERSION := $(call envtest_mod_version,$(ENVTEST_MK_DIR)/tools/envtest/etcd/go.mod,go.etcd.io/etcd/server/v3)
ENVTEST_GOOS   ?= $(shell go env GOOS)
ENVTEST_GOARCH ?= $(shell go env GOARCH)

ENVTEST_ASSETS ?= $(ENVTEST_BIN)/$(ENVTEST_K8S_VERSION:v%=%)-$(ENVTEST_GOOS)-$(ENVTEST_GOARCH)
export KUBEBUILDER_ASSETS := $(ENVTEST_ASSETS)

.PHONY: envtest-bins envtest-clean

## envtest-bins: build kube-apiserver + etcd for envtest into $(ENVTEST_ASSETS) if missing/outdated
envtest-bins:
	@ENVTEST_BIN="$(ENVTEST_BIN)" "$(ENVTEST_MK_DIR)/build-envtest.sh" "$(ENVTEST_ASSETS)"

## envtest-clean: delete all cached envtest binaries
envtest-clean:
	rm -rf "$(ENVTEST_BIN)"
