package checks

import (
	"fmt"

	"github.com/open-policy-agent/opa/v1/ast"

	"github.com/meshcheck/meshcheck/model"
)

// ViewsAgree checks, for every rule of e, that converting f with only the
// fields the rule names gives the rule's view of the whole input.
func ViewsAgree(e *Engine, f *model.Fleet) error {
	whole, err := Input(f)
	if err != nil {
		return err
	}
	for pkg := range e.rules {
		names := e.named.view(pkg)
		if names == nil {
			continue
		}
		direct, err := inputOf(f, names)
		if err != nil {
			return err
		}
		if v := view(whole, fleetShape(), names); v.Compare(direct) != 0 {
			return fmt.Errorf("%s: converted with its fields:\n%v\nits view of the whole input:\n%v", pkg, direct, v)
		}
	}
	return nil
}

// Input converts a fleet to the Rego input value, every field of it.
func Input(f *model.Fleet) (ast.Value, error) { return inputOf(f, nil) }

// Apply applies rule settings and exemptions to findings.
var Apply = applySettings

// RulesPrefix is the package path under which rule packages live.
const RulesPrefix = rulesPrefix
