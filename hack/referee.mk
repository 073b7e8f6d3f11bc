# The referee (issue 12): Istio's own control plane, pilot-discovery, run out
# of cluster against one real kube-apiserver per cluster of a fleet, to check
# meshcheck's findings against what istiod discovers. See docs/referee.md.
#
#   make referee-bins            build bin/istio/<version>/pilot-discovery (cached)
#   make referee FLEET=dir       what istiod saw for one fleet, next to meshcheck's findings
#   make referee-test            the agreement test (part of make test)
#   make referee-test REFEREE_UPDATE=1   ... and rewrite its tables in docs/referee.md
#   make referee-sweep           every fleet of the test data, one row each (not in CI: ~10 s a fleet)
#
# The Istio version is pinned by hack/referee/tools/go.mod (istio.io/istio);
# bumping it makes the next referee-bins rebuild. The harness is its own module
# (hack/referee) so meshcheck's go.mod takes none of Istio's dependencies.

REFEREE_MK_DIR := $(patsubst %/,%,$(dir $(abspath $(lastword $(MAKEFILE_LIST)))))
REFEREE_TOOLS  := $(REFEREE_MK_DIR)/referee/tools
ISTIO_VERSION  := $(shell awk '/^[[:space:]]*\/\//{next} {for (i = 1; i < NF; i++) if ($$i == "istio.io/istio") {print $$(i+1); exit}}' $(REFEREE_TOOLS)/go.mod)
ISTIO_BIN      ?= $(CURDIR)/bin/istio/$(ISTIO_VERSION)
PILOT_DISCOVERY := $(ISTIO_BIN)/pilot-discovery

.PHONY: referee-bins referee referee-test referee-sweep

## referee-bins: build pilot-discovery from the pinned istio.io/istio into bin/istio/<version> if missing or outdated
referee-bins:
	@stamp="$(ISTIO_BIN)/.pilot-discovery.version"; \
	if [ -x "$(PILOT_DISCOVERY)" ] && [ -f "$$stamp" ] && [ "$$(cat $$stamp)" = "$(ISTIO_VERSION)" ]; then exit 0; fi; \
	echo "referee: building pilot-discovery $(ISTIO_VERSION) (first time: ~10-25 min on 2 cores)" >&2; \
	mkdir -p "$(ISTIO_BIN)" && \
	(cd "$(REFEREE_TOOLS)" && GOWORK=off GOFLAGS="-mod=readonly -buildvcs=false" CGO_ENABLED=0 \
	  $(GO) build -trimpath -o "$(PILOT_DISCOVERY).tmp" istio.io/istio/pilot/cmd/pilot-discovery) && \
	mv "$(PILOT_DISCOVERY).tmp" "$(PILOT_DISCOVERY)" && echo "$(ISTIO_VERSION)" > "$$stamp"

# Istio's CRDs, from the pinned module (downloaded by referee-bins).
referee_crds = $$(cd "$(REFEREE_TOOLS)" && GOWORK=off GOFLAGS=-mod=readonly $(GO) list -m -f '{{.Dir}}' istio.io/istio)/manifests/charts/base/files/crd-all.gen.yaml

referee_env = REFEREE_PILOT_DISCOVERY="$(PILOT_DISCOVERY)" REFEREE_ISTIO_CRDS="$(referee_crds)" \
	REFEREE_MESHCHECK="$(BIN)/meshcheck" GOWORK=off GOFLAGS="-mod=readonly -trimpath"

## referee: run the referee on one fleet (FLEET=dir): what istiod saw next to meshcheck's findings
referee: referee-bins envtest-bins build
	@[ -n "$(FLEET)" ] || { echo "usage: make referee FLEET=dir" >&2; exit 2; }
	@cd "$(REFEREE_MK_DIR)/referee" && $(referee_env) $(GO) run ./cmd/referee -fleet "$(abspath $(FLEET))"

## referee-test: the agreement test between meshcheck and istiod over the fleets of docs/referee.md (REFEREE_UPDATE=1 rewrites its tables)
referee-test: referee-bins envtest-bins build
	cd "$(REFEREE_MK_DIR)/referee" && $(referee_env) $(GO) test -count=1 -timeout 15m ./... $(if $(REFEREE_UPDATE),-args -update)

# The full sweep: every fleet of the test data, not only the CI subset of
# the agreement test. Paths are from the repository root.
# A fleet is a directory whose subdirectories are its clusters.
SWEEP_FLEETS ?= examples/fleet $(sort $(patsubst %/,%,$(dir $(patsubst %/,%,$(wildcard testdata/corpus/*/*/*/ testdata/mistakes/*/*/ testdata/real/*/*/ testdata/referee/*/*/)))))

## referee-sweep: referee every fleet of the test data (SWEEP_FLEETS) and print a table of where meshcheck and istiod agree
referee-sweep: referee-bins envtest-bins build
	cd "$(REFEREE_MK_DIR)/referee" && GOWORK=off GOFLAGS="-mod=readonly -trimpath" $(GO) build -o "$(BIN)/referee" ./cmd/referee
	$(referee_env) "$(BIN)/referee" -sweep $(SWEEP_FLEETS)
