# Tools the topology rendering, GitHub Action and JUnit schema tests need,
# installed once when missing: Debian's graphviz (dot), chromium, curl and
# libxml2-utils (xmllint, which validates JUnit against its XSD), and the mermaid
# npm package pinned by hack/mermaid/package-lock.json, installed into
# bin/mermaid/node_modules.
# Tests fail (never skip) without them and name this target.

TESTDEPS_MK_DIR := $(patsubst %/,%,$(dir $(abspath $(lastword $(MAKEFILE_LIST)))))
MERMAID_DIR ?= $(CURDIR)/bin/mermaid
MERMAID_JS  := $(MERMAID_DIR)/node_modules/mermaid/dist/mermaid.min.js
export MERMAID_JS

# apt-get needs root; use sudo when not root and it is there.
SUDO := $(shell if [ "$$(id -u)" != 0 ] && command -v sudo >/dev/null 2>&1; then echo sudo; fi)

## test-deps: install what the rendering, action and JUnit schema tests need (graphviz, chromium, curl, xmllint with apt-get, mermaid with npm ci)
.PHONY: test-deps
test-deps: $(MERMAID_JS)
	@missing=""; \
	  command -v dot >/dev/null 2>&1 || missing="$$missing graphviz"; \
	  [ -x /usr/bin/chromium ] || missing="$$missing chromium"; \
	  command -v curl >/dev/null 2>&1 || missing="$$missing curl"; \
	  command -v xmllint >/dev/null 2>&1 || missing="$$missing libxml2-utils"; \
	  if [ -n "$$missing" ]; then \
	    echo "installing$$missing (apt-get)"; \
	    $(SUDO) apt-get update -qq && \
	    DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq --no-install-recommends $$missing fonts-dejavu-core; \
	  fi

$(MERMAID_JS): $(TESTDEPS_MK_DIR)/mermaid/package.json $(TESTDEPS_MK_DIR)/mermaid/package-lock.json
	@command -v npm >/dev/null 2>&1 || { $(SUDO) apt-get update -qq && DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq npm; }
	mkdir -p $(MERMAID_DIR)
	cp $(TESTDEPS_MK_DIR)/mermaid/package.json $(TESTDEPS_MK_DIR)/mermaid/package-lock.json $(MERMAID_DIR)/
	cd $(MERMAID_DIR) && npm ci --ignore-scripts --no-audit --no-fund
	touch $@
