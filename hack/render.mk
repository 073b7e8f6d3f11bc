# Rendered installs (issue 11, item 7): every istioctl profile and every
# official install model of testdata/corpus, rendered by the real istioctl and
# helm, committed under testdata/rendered and linted by cmd/meshcheck's tests.
# Include after hack/referee.mk (it pins the Istio version).
#
#   make render-bins    build bin/istio/<version>/istioctl and bin/helm/<version>/helm (cached)
#   make renders        regenerate testdata/rendered
#   make render-test    render again into a temporary directory and compare (part of make test)
#
# istioctl comes from the Istio module hack/referee/tools pins (the same one
# pilot-discovery is built from); helm from hack/tools/helm, the Helm release
# hack/charttest's SDK uses. Bumping either makes the next render-bins rebuild.

RENDER_MK_DIR := $(patsubst %/,%,$(dir $(abspath $(lastword $(MAKEFILE_LIST)))))
HELM_TOOLS    := $(RENDER_MK_DIR)/tools/helm
HELM_VERSION  := $(shell awk '/^[[:space:]]*\/\//{next} {for (i = 1; i < NF; i++) if ($$i == "helm.sh/helm/v4") {print $$(i+1); exit}}' $(HELM_TOOLS)/go.mod)
ISTIOCTL      := $(ISTIO_BIN)/istioctl
HELM          := $(CURDIR)/bin/helm/$(HELM_VERSION)/helm
RENDERED      := testdata/rendered

render_env = ISTIOCTL="$(ISTIOCTL)" HELM="$(HELM)" ISTIO_VERSION="$(ISTIO_VERSION)" HELM_VERSION="$(HELM_VERSION)" \
	ISTIO_DIR="$$(cd "$(REFEREE_TOOLS)" && GOWORK=off GOFLAGS=-mod=readonly $(GO) list -m -f '{{.Dir}}' istio.io/istio)"

.PHONY: render-bins renders render-test

## render-bins: build istioctl (pinned istio.io/istio) and helm (hack/tools/helm) into bin/ if missing or outdated
render-bins:
	@stamp="$(ISTIO_BIN)/.istioctl.version"; \
	if [ -x "$(ISTIOCTL)" ] && [ -f "$$stamp" ] && [ "$$(cat $$stamp)" = "$(ISTIO_VERSION)" ]; then :; else \
	  echo "render: building istioctl $(ISTIO_VERSION) (~1.5 min once pilot-discovery is built)" >&2; \
	  mkdir -p "$(ISTIO_BIN)" && \
	  (cd "$(REFEREE_TOOLS)" && GOWORK=off GOFLAGS="-mod=readonly -buildvcs=false" CGO_ENABLED=0 \
	    $(GO) build -trimpath -o "$(ISTIOCTL).tmp" istio.io/istio/istioctl/cmd/istioctl) && \
	  mv "$(ISTIOCTL).tmp" "$(ISTIOCTL)" && echo "$(ISTIO_VERSION)" > "$$stamp" || exit 1; \
	fi; \
	stamp="$(dir $(HELM)).helm.version"; \
	if [ -x "$(HELM)" ] && [ -f "$$stamp" ] && [ "$$(cat $$stamp)" = "$(HELM_VERSION)" ]; then :; else \
	  echo "render: building helm $(HELM_VERSION)" >&2; \
	  mkdir -p "$(dir $(HELM))" && \
	  (cd "$(HELM_TOOLS)" && GOWORK=off GOFLAGS="-mod=readonly -buildvcs=false" CGO_ENABLED=0 \
	    $(GO) build -trimpath -o "$(HELM).tmp" helm.sh/helm/v4/cmd/helm) && \
	  mv "$(HELM).tmp" "$(HELM)" && echo "$(HELM_VERSION)" > "$$stamp" || exit 1; \
	fi

## renders: regenerate testdata/rendered (istioctl profiles, corpus IstioOperators and Helm values, the charts alone)
renders: render-bins
	$(render_env) OUT="$(RENDERED)" bash $(RENDER_MK_DIR)/render.sh

## render-test: render again and require the committed testdata/rendered to be identical (part of make test)
render-test: render-bins
	$(render_env) MESHCHECK_RENDER=1 $(GO) test -count=1 ./cmd/meshcheck -run '^TestRendersAreFresh$$'
