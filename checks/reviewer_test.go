package checks_test

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/meshcheck/meshcheck/checks"
	"github.com/meshcheck/meshcheck/checks/checkstest"
	"github.com/meshcheck/meshcheck/model"
	"github.com/meshcheck/meshcheck/source"
)

// everyFleet lists every fleet directory of the test data: rule fixtures,
// the official models, the documented mistakes and the example fleet.
func everyFleet(t *testing.T) []string {
	var dirs []string
	for _, pattern := range []string{rulesFixtures + "/*/*/*", "../testdata/corpus/*/*", "../testdata/mistakes/*", "../examples/fleet"} {
		found, _ := filepath.Glob(pattern)
		for _, d := range found {
			if fi, err := os.Stat(d); err == nil && fi.IsDir() {
				dirs = append(dirs, d)
			}
		}
	}
	if len(dirs) < 200 {
		t.Fatalf("only %d fleets found", len(dirs))
	}
	return dirs
}

// fleetName names a fleet's subtest: NW001/fail/<case> for a rule's
// fixtures (as TestRuleFixtures names them, so that one -run pattern picks
// a rule's cases in both), corpus/..., mistakes/... and examples/fleet.
func fleetName(dir string) string {
	dir = filepath.ToSlash(dir)
	for _, prefix := range []string{rulesFixtures + "/", "../testdata/", "../"} {
		if rest, ok := strings.CutPrefix(dir, prefix); ok {
			return rest
		}
	}
	return dir
}

// findingKeys are findings as comparable strings.
func findingKeys(fs []checks.Finding) []string {
	out := make([]string, len(fs))
	for i, f := range fs {
		out[i] = fmt.Sprintf("%s %s %s %s:%d %v %s", f.Rule, f.Severity, f.Cluster, f.File, f.Line, f.Object, f.Message)
	}
	return out
}

// TestViewsChangeNoFinding: every rule evaluated on its view of the model
// finds exactly what it finds on the whole model, on every fleet of the
// test data. A rule that read a field without naming it (a computed key, a
// whole object turned into a string) would see less through its view and
// fail here, and the webhook would then skip it wrongly.
func TestViewsChangeNoFinding(t *testing.T) {
	e, rv := checkstest.Engine(t), checkstest.Reviewer(t)
	seen := map[string]bool{}
	check := func(t *testing.T, in []model.ClusterInput, opt checks.ReviewOptions) {
		whole, err := e.Review(t.Context(), in, opt)
		if err != nil {
			t.Fatal(err)
		}
		viewed, err := rv.Review(t.Context(), nil, in, opt)
		if err != nil {
			t.Fatal(err)
		}
		if a, b := findingKeys(whole.Findings), findingKeys(viewed.Findings); !slices.Equal(a, b) {
			t.Errorf("whole model: %q\nviews:       %q", a, b)
		}
		for _, f := range whole.Findings {
			seen[f.Rule] = true
		}
	}
	fleets, ran := everyFleet(t), 0
	for _, dir := range fleets {
		t.Run(fleetName(dir), func(t *testing.T) {
			ran++
			in, opt := readFleet(t, dir)
			check(t, in, opt)
		})
	}
	// Live-only facts no file shows: the example fleet as an audit that
	// found every remote secret's credential rejected.
	t.Run("live/example-fleet-credentials-rejected", func(t *testing.T) {
		ran++
		in, opt := readFleet(t, "../examples/fleet")
		f, _ := model.Build(in, model.Options{})
		for i := range in {
			for _, rs := range f.Clusters[in[i].Name].RemoteSecrets {
				for _, e := range rs.Entries {
					ref := model.SecretKeyRef{Namespace: rs.Namespace, Name: rs.Name, Key: e.Key}
					in[i].Credentials = append(in[i].Credentials, model.CredentialCheck{Secret: ref, Rejected: true})
				}
			}
		}
		check(t, in, opt)
	})
	if ran < len(fleets)+1 {
		t.Logf("%d of %d fleets ran (-run): whether every rule fires somewhere is checked when all run", ran, len(fleets)+1)
		return
	}
	// Every rule fired somewhere, so that each view was compared on a
	// finding, not only on silence.
	for _, r := range e.Rules() {
		if !seen[r.Code] {
			t.Errorf("%s fires on no fleet: its view is never compared on a finding", r.Code)
		}
	}
}

// TestReviewerMatchesAFullReview: starting from a fleet's baseline, a
// change re-evaluates only some rules; its findings must be those of a full
// review of the changed fleet. The changes are every fleet of the test data
// with one object deleted, in turn, and the reverse (the object created).
//
// It is the longest test of the package: with -short it takes one fleet
// in eight; make test runs it whole.
func TestReviewerMatchesAFullReview(t *testing.T) {
	e, rv := checkstest.Engine(t), checkstest.Reviewer(t)
	stride := 1
	if testing.Short() {
		stride = 8
	}
	var changes, skipped, rules int
	fleets, ran := everyFleet(t), 0
	for i, dir := range fleets {
		if i%stride != 0 {
			continue
		}
		t.Run(fleetName(dir), func(t *testing.T) {
			ran++
			in, opt := readFleet(t, dir)
			in = withReads(in, in) // as the webhook reads its cluster once
			base, err := rv.Review(t.Context(), nil, in, opt)
			if err != nil {
				t.Fatal(err)
			}
			for c := range in {
				for o := range in[c].Objects {
					changed := slices.Clone(in)
					changed[c].Objects = slices.Delete(slices.Clone(in[c].Objects), o, o+1)
					// Created again, the object is not among the reads: it is
					// read on its own, as a request's object is.
					again := withReads(in, changed)
					without, err := e.Review(t.Context(), changed, opt)
					if err != nil {
						t.Fatal(err)
					}
					got, err := rv.Review(t.Context(), base, changed, opt)
					if err != nil {
						t.Fatal(err)
					}
					name := "without " + describeObject(in[c].Objects[o])
					if a, b := findingKeys(without.Findings), findingKeys(got.Findings); !slices.Equal(a, b) {
						t.Errorf("%s:\nfull review: %q\nchange:      %q", name, a, b)
					}
					back, err := rv.Review(t.Context(), got, again, opt)
					if err != nil {
						t.Fatal(err)
					}
					if a, b := findingKeys(base.Findings), findingKeys(back.Findings); !slices.Equal(a, b) {
						t.Errorf("%s, then created again:\nfull review: %q\nchange:      %q", name, a, b)
					}
					changes++
					rules += len(e.Rules())
					skipped += len(e.Rules()) - got.Evaluated()
				}
			}
		})
	}
	t.Logf("%d changes on %d of %d fleets; %d of %d rule evaluations skipped", changes, ran, len(fleets), skipped, rules)
	if ran < (len(fleets)+stride-1)/stride {
		if changes == 0 {
			t.Fatal("no change tried")
		}
		return // -run picked some fleets: the totals below are for all
	}
	if changes < 1000/stride {
		t.Fatalf("only %d changes tried", changes)
	}
	if skipped == 0 {
		t.Fatal("no rule evaluation was skipped")
	}
}

// TestReadsBuildTheSameModel: a fleet built from objects read beforehand
// (model.Reads, as the webhook builds) is the fleet built from the objects,
// on every fleet of the test data, errors included.
func TestReadsBuildTheSameModel(t *testing.T) {
	for _, dir := range everyFleet(t) {
		in, opt := readFleet(t, dir)
		want, wantErrs := model.Build(in, model.Options{Meshes: opt.Meshes})
		read := withReads(in, in)
		for range 2 { // a second build shares the first's records: both must hold
			got, errs := model.Build(read, model.Options{Meshes: opt.Meshes})
			if diff := cmp.Diff(want, got); diff != "" {
				t.Fatalf("%s: built from reads (-objects +reads):\n%s", dir, diff)
			}
			if fmt.Sprint(errs) != fmt.Sprint(wantErrs) {
				t.Fatalf("%s: errors %v, want %v", dir, errs, wantErrs)
			}
		}
	}
}

// TestBuildsDoNotChangeSharedRecords: a build from Reads shares its
// records with every later build from them; no later build, with a live
// audit's credential checks or linking a remote to its primary, may change
// them. The first build is encoded before and after the others.
func TestBuildsDoNotChangeSharedRecords(t *testing.T) {
	for _, dir := range everyFleet(t) {
		in, opt := readFleet(t, dir)
		read := withReads(in, in)
		first, _ := model.Build(read, model.Options{Meshes: opt.Meshes})
		before := mustJSON(t, first)
		checked := slices.Clone(read)
		for i, c := range first.Clusters {
			for _, rs := range c.RemoteSecrets {
				for _, e := range rs.Entries {
					ref := model.SecretKeyRef{Namespace: rs.Namespace, Name: rs.Name, Key: e.Key}
					for j := range checked {
						if checked[j].Name == i {
							checked[j].Credentials = append(checked[j].Credentials, model.CredentialCheck{Secret: ref, Rejected: true})
						}
					}
				}
			}
		}
		model.Build(checked, model.Options{Meshes: opt.Meshes})
		model.Build(read, model.Options{Meshes: opt.Meshes})
		if mustJSON(t, first) != before {
			t.Fatalf("%s: a later build changed the records the first shares", dir)
		}
		// What linking the fleet wrote would show in a cluster built alone.
		for i := range in {
			want, _ := model.Build(in[i:i+1], model.Options{})
			got, _ := model.Build(read[i:i+1], model.Options{})
			if a, b := mustJSON(t, want), mustJSON(t, got); a != b {
				t.Fatalf("%s: %s built alone from the reads differs from the objects: the fleet's builds changed a shared record", dir, in[i].Name)
			}
		}
	}
}

func mustJSON(t *testing.T, v any) string {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// withReads returns in with each cluster's Reads made from the objects of
// the same cluster in from.
func withReads(in, from []model.ClusterInput) []model.ClusterInput {
	out := slices.Clone(in)
	for i := range out {
		out[i].Reads = model.ReadObjects(from[i].Name, from[i].Objects)
	}
	return out
}

func describeObject(o *source.Object) string {
	return fmt.Sprintf("%v %s:%d", o.Data["kind"], o.Origin.File, o.Origin.Line)
}

// computedKeyRule reads the raw objects through a key it computes, which a
// view would hide: users' rules see the whole model and are re-evaluated on
// every change.
const computedKeyRule = `# METADATA
# title: No ConfigMap called forbidden
# description: A user's rule that names no model field.
# custom:
#   code: ACME002
#   severity: error
#   dimensions: [cluster]
#   scope: object
#   remediation: Delete it.
package meshcheck.rules.acme.acme002

import data.meshcheck.lib.result

violation contains result.fail(rego.metadata.chain(), {"cluster": name, "message": "forbidden ConfigMap", "at": o.source}) if {
	some name, c in input.clusters
	some o in c[concat("", ["obj", "ects"])]
	o.object.kind == "ConfigMap"
	o.object.metadata.name == "forbidden"
}
`

func TestUsersRulesSeeEveryChange(t *testing.T) {
	// The same rule in a package of its own, added to a built-in rule's
	// package, and in a directory called policies as the built-in files
	// are: in all, the rule is the user's and must see everything.
	inBuiltin := "package meshcheck.rules.network.nw001\n\n" + computedKeyRule[strings.Index(computedKeyRule, "import "):]
	fleet, err := filepath.Abs("../examples/fleet")
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct{ name, dir, rule, code string }{
		{"own package", "mine", computedKeyRule, "ACME002"},
		{"built-in rule's package", "mine", inBuiltin, "NW001"},
		{"directory called policies", "policies", computedKeyRule, "ACME002"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Chdir(t.TempDir())
			if err := os.MkdirAll(tc.dir, 0o755); err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(filepath.Join(tc.dir, "acme002.rego"), []byte(tc.rule), 0o644); err != nil {
				t.Fatal(err)
			}
			e, err := checks.New(t.Context(), checks.Options{PolicyDirs: []string{tc.dir}})
			if err != nil {
				t.Fatal(err)
			}
			if i := slices.IndexFunc(e.Rules(), func(r checks.Rule) bool { return r.Code == tc.code }); i < 0 || e.Rules()[i].Builtin {
				t.Errorf("%s is listed as built in, or missing", tc.code)
			}
			rv, err := checks.NewReviewer(t.Context(), e)
			if err != nil {
				t.Fatal(err)
			}
			in, opt := readFleet(t, fleet)
			base, err := rv.Review(t.Context(), nil, in, opt)
			if err != nil {
				t.Fatal(err)
			}
			changed := slices.Clone(in)
			changed[0].Objects = append(slices.Clone(in[0].Objects), &source.Object{Data: map[string]any{
				"apiVersion": "v1", "kind": "ConfigMap",
				"metadata": map[string]any{"name": "forbidden", "namespace": "default"},
			}})
			want, err := e.Review(t.Context(), changed, opt)
			if err != nil {
				t.Fatal(err)
			}
			got, err := rv.Review(t.Context(), base, changed, opt)
			if err != nil {
				t.Fatal(err)
			}
			if a, b := findingKeys(want.Findings), findingKeys(got.Findings); !slices.Equal(a, b) || !slices.ContainsFunc(b, func(k string) bool { return strings.Contains(k, "forbidden ConfigMap") }) {
				t.Fatalf("the user's rule did not see the new ConfigMap:\nfull review: %q\nchange:      %q", a, b)
			}
			if n := got.Evaluated(); n == 0 || n == len(e.Rules()) {
				t.Errorf("re-evaluated %d of %d rules; want the user's rule and those that read raw objects' effects, not all", n, len(e.Rules()))
			}
		})
	}
}

// TestReviewerIgnoresAnotherReviewersBaseline: a baseline of another
// reviewer (policies reloaded) may hold other rules' violations; taken as
// a base it must not lend them to the rules a change does not affect.
func TestReviewerIgnoresAnotherReviewersBaseline(t *testing.T) {
	e, rv := checkstest.Engine(t), checkstest.Reviewer(t)
	in, opt := readFleet(t, "../testdata/rules/NW001/fail/"+firstCase(t, "NW001"))
	other, err := checks.New(t.Context(), checks.Options{})
	if err != nil {
		t.Fatal(err)
	}
	otherRV, err := checks.NewReviewer(t.Context(), other)
	if err != nil {
		t.Fatal(err)
	}
	foreign, err := otherRV.Review(t.Context(), nil, in, opt)
	if err != nil {
		t.Fatal(err)
	}
	got, err := rv.Review(t.Context(), foreign, in, opt)
	if err != nil || len(got.Findings) == 0 || got.Evaluated() != len(e.Rules()) {
		t.Errorf("from another reviewer's baseline: %d findings, %d rules evaluated (%v); want NW001's findings from all %d rules", len(got.Findings), got.Evaluated(), err, len(e.Rules()))
	}
}

func firstCase(t *testing.T, code string) string {
	t.Helper()
	entries, err := os.ReadDir(filepath.Join(rulesFixtures, code, "fail"))
	if err != nil || len(entries) == 0 {
		t.Fatalf("no fail case for %s: %v", code, err)
	}
	return entries[0].Name()
}
