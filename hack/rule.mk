# Writing a built-in rule (docs/writing-rules.md):
#
#   make rule CODE=NW018 TITLE="..." [SEVERITY=warning] [SCOPE=cluster]
#       the rule, its Rego tests and fixtures on a placeholder, then make docs
#   make rule                           lists the next free code of each group
#   make test-rule CODE=NW001           that rule's Rego tests, fixtures, views and docs
#
# make docs also rewrites the list of codes in docs/writing-rules.md.

.PHONY: rule test-rule rule-codes

# Set on the command line; the title reaches the scaffolder through the
# environment, unexpanded, so that no quote or $ in it is the shell's or
# make's business.
rule: export RULE_TITLE = $(value TITLE)

## rule: scaffold a rule: make rule CODE=NW018 TITLE="..." [SEVERITY=warning|error|info] [SCOPE=cluster|object|fleet]; without CODE, list the free codes
rule:
	@if [ -z "$(CODE)" ]; then \
	  echo 'usage: make rule CODE=<code> TITLE="..." [SEVERITY=warning] [SCOPE=cluster]; the next free codes:' >&2; \
	  $(GO) run ./hack/rule -next >&2; exit 2; \
	fi
	$(GO) run ./hack/rule -code '$(CODE)' -title "$$RULE_TITLE" -severity '$(or $(SEVERITY),warning)' -scope '$(or $(SCOPE),cluster)'
	@$(MAKE) --no-print-directory docs

# The rule's directory, found from its code (policies/rules/*/nw001), and
# its package, from the directory.
RULE_NAME = $(shell printf '%s' '$(CODE)' | tr 'A-Z' 'a-z')
RULE_DIR  = $(firstword $(wildcard policies/rules/*/$(RULE_NAME)))
RULE_PKG  = meshcheck.rules.$(subst /,.,$(patsubst policies/rules/%,%,$(RULE_DIR)))

# One rule's tests: format and strict compile of its directory, its Rego
# tests, its fixtures through the real engine (TestRuleFixtures), its view
# and incremental review on them (TestViewsChangeNoFinding,
# TestReviewChangeMatchesAFullReview), the guards that it has tests and
# fixtures and lives where its code says, and whether the docs are current.
# The fleet tests name their subtests <CODE>/pass|fail/<case>.
RULE_TESTS = TestRuleFixtures|TestViewsChangeNoFinding|TestReviewChangeMatchesAFullReview|TestEveryRuleHasTestsAndFixtures|TestBuiltinRulesLiveWhereTheirCodeSays|TestRuleDocs

## test-rule: one rule's Rego tests, fixtures, view test and docs check: make test-rule CODE=NW001
test-rule:
	@[ -n "$(CODE)" ] || { echo "usage: make test-rule CODE=NW001" >&2; exit 2; }
	@[ -n "$(RULE_DIR)" ] || { echo "test-rule: no rule $(CODE): policies/rules/*/$(RULE_NAME) does not exist" >&2; exit 2; }
	@$(GO) tool opa fmt --fail -l $(RULE_DIR) >/dev/null || { echo "opa fmt needed:"; $(GO) tool opa fmt -l $(RULE_DIR); exit 1; }
	$(GO) tool opa check --strict policies/lib $(RULE_DIR)
	@out=$$($(GO) tool opa test policies/ --run '^data\.$(subst .,\.,$(RULE_PKG))_test\.'); rc=$$?; echo "$$out"; \
	  [ $$rc -eq 0 ] || exit $$rc; \
	  case "$$out" in *PASS:*) ;; *) echo "test-rule: no Rego test in package $(RULE_PKG)_test" >&2; exit 1;; esac
	$(GO) test ./checks ./ruledoc -run '^($(RULE_TESTS))$$/^$(CODE)$$'

# make docs also rewrites the codes docs/writing-rules.md lists.
docs: rule-codes
rule-codes:
	$(GO) test ./internal/rulecode -run '^TestWritingRulesListsTheCodes$$' -update
