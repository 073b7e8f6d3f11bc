package checks

import (
	"fmt"

	"github.com/meshcheck/meshcheck/model"
)

// ViewsAgree checks, for every rule of e, that converting f with only the
// fields the rule names gives the rule's view of the whole input.
func ViewsAgree(e *Engine, f *model.Fleet) error {
	qs, err := e.ruleQueries()
	if err != nil {
		return err
	}
	whole, err := Input(f)
	if err != nil {
		return err
	}
	for _, q := range qs {
		if q.names == nil {
			continue
		}
		direct, err := inputOf(f, q.names)
		if err != nil {
			return err
		}
		if v := view(whole, fleetShape(), q.names); v.Compare(direct) != 0 {
			return fmt.Errorf("%s: converted with its fields:\n%v\nits view of the whole input:\n%v", q.pkg, direct, v)
		}
	}
	return nil
}
