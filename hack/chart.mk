# meshcheck's Helm chart (deploy/chart/meshcheck), tested, linted and
# packaged with the Helm Go SDK from the module hack/charttest, which keeps
# Helm's dependencies out of meshcheck's go.mod. No helm binary is needed.
# Include from the top-level Makefile after hack/envtest.mk (chart-test
# installs the chart into envtest's kube-apiserver).

CHART_DIR     := $(CURDIR)/deploy/chart/meshcheck
CHART_TEST    := $(CURDIR)/hack/charttest
CHART_OUT     ?= $(CURDIR)/bin/chart

.PHONY: chart-test chart-lint chart-package

## chart-test: render the chart and compare it with deploy/ (parity), check its values and schema, lint it, and install it into a real kube-apiserver where the webhook answers
chart-test: envtest-bins
	cd $(CHART_TEST) && $(GO) test ./...

## chart-lint: Helm's linter on the chart, warnings included
chart-lint:
	cd $(CHART_TEST) && $(GO) run ./cmd/chart lint $(CHART_DIR)

## chart-package: bin/chart/meshcheck-<version>.tgz, version and appVersion stamped from VERSION
chart-package:
	cd $(CHART_TEST) && $(GO) run ./cmd/chart package -version $(VERSION) -out $(CHART_OUT) $(CHART_DIR)
