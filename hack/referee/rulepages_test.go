package referee

import (
	"context"
	"os"
	"path/filepath"
	"slices"
	"testing"
	"time"
)

// ruleReferee is what `meshcheck rules -o json` says of a rule and the
// referee (custom.referee in its METADATA, the "Checked against istiod"
// section of its page).
type ruleReferee struct {
	Code    string `json:"code"`
	Builtin bool   `json:"builtin"`
	Referee *struct {
		Fleets []string `json:"fleets"`
		Note   string   `json:"note"`
	} `json:"referee"`
}

// TestRulePagesNameRefereedFleets keeps the rule pages' claims about the
// referee true: a fleet a rule names as refereed is one the agreement test
// referees, and meshcheck reports the rule there; and every discovery-class
// error and mesh finding meshcheck raises on a refereed fleet (what the
// agreement compares) is named by its rule's page,
// so that what the referee showed of the rule is written where its users
// read. It runs meshcheck only, not istiod: the agreement test judges the
// same fleets.
func TestRulePagesNameRefereedFleets(t *testing.T) {
	bin := os.Getenv(EnvMeshcheck)
	if bin == "" {
		t.Fatalf("%s is not set (make referee-test builds bin/meshcheck)", EnvMeshcheck)
	}
	ctx, cancel := context.WithTimeout(t.Context(), 2*time.Minute)
	defer cancel()
	root := repoRoot(t)
	var rules []ruleReferee
	if err := runJSON(ctx, root, &rules, bin, "rules", "-o", "json"); err != nil {
		t.Fatal(err)
	}
	refereed := map[string]bool{}
	for _, f := range agreementFleets {
		refereed[f.Dir] = true
	}
	named := map[string][]string{} // rule -> fleets its page names
	for _, r := range rules {
		if !r.Builtin {
			continue
		}
		if r.Referee == nil || r.Referee.Note == "" {
			t.Errorf("%s: no custom.referee.note: say how istiod confirms the rule, or why it cannot", r.Code)
			continue
		}
		named[r.Code] = r.Referee.Fleets
	}
	raised := map[string][]Finding{}
	for _, f := range agreementFleets {
		_, fs, err := Lint(ctx, bin, filepath.Join(root, f.Dir))
		if err != nil {
			t.Fatalf("%s: %v", f.Dir, err)
		}
		raised[f.Dir] = fs
	}
	for code, fleets := range named {
		for _, dir := range fleets {
			if !refereed[dir] {
				t.Errorf("%s's page names %s as refereed, but the agreement test does not referee it (agreementFleets)", code, dir)
				continue
			}
			if !slices.ContainsFunc(raised[dir], func(f Finding) bool { return f.Rule == code }) {
				t.Errorf("%s's page names %s as refereed, but meshcheck does not report %s there", code, dir, code)
			}
		}
	}
	for _, f := range agreementFleets {
		a := Agree(&Result{Findings: raised[f.Dir]})
		for _, rule := range slices.Concat(a.DiscoveryErrors, a.MeshFindings) {
			if !slices.Contains(named[rule], f.Dir) {
				t.Errorf("meshcheck reports %s on the refereed fleet %s, but %s's custom.referee.fleets does not name it", rule, f.Dir, rule)
			}
		}
	}
}
