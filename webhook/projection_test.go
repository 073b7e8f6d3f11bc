package webhook

import (
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	admissionv1 "k8s.io/api/admission/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"

	"github.com/meshcheck/meshcheck/checks"
	"github.com/meshcheck/meshcheck/checks/checkstest"
	"github.com/meshcheck/meshcheck/model"
	"github.com/meshcheck/meshcheck/source"
)

// userRule is a --policy rule reading namespaces: a label by a constant
// key that no Istio name contains, or every annotation (a computed key).
func userRule(code, cond string) string {
	return fmt.Sprintf(`# METADATA
# title: No forbidden namespaces
# description: A user's rule on namespaces.
# custom:
#   code: %s
#   severity: error
#   dimensions: [cluster]
#   scope: object
#   remediation: Remove it.
package meshcheck.rules.acme.%s

import data.meshcheck.lib.result

violation contains result.fail(rego.metadata.chain(), {"cluster": name, "message": sprintf("namespace %%s is forbidden", [ns.name]), "at": ns.source}) if {
	some name, c in input.clusters
	some ns in c.namespaces
	%s
}
`, code, strings.ToLower(code), cond)
}

func engineWith(t *testing.T, rules ...string) *checks.Engine {
	t.Helper()
	dir := t.TempDir()
	for i, r := range rules {
		if err := os.WriteFile(filepath.Join(dir, fmt.Sprintf("rule%d.rego", i)), []byte(r), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	e, err := checks.New(t.Context(), checks.Options{PolicyDirs: []string{dir}})
	if err != nil {
		t.Fatal(err)
	}
	return e
}

// randomNamespace draws labels and annotations from keys the built-in
// rules read (revision, injection, network, control plane clusters), keys
// only a user's rule reads (owner, note) and keys no rule reads (team).
func randomNamespace(r *rand.Rand, name string) *unstructured.Unstructured {
	pick := func(vs ...string) string { return vs[r.IntN(len(vs))] }
	labels := map[string]string{}
	annotations := map[string]string{}
	if r.IntN(3) == 0 {
		labels["istio-injection"] = pick("enabled", "disabled")
	}
	if r.IntN(3) == 0 {
		labels["istio.io/rev"] = pick("default", "1-99-0")
	}
	if r.IntN(5) == 0 {
		labels[netLabel] = pick("network1", "network2")
	}
	if r.IntN(2) == 0 {
		labels["team"] = pick("a", "b")
	}
	if r.IntN(3) == 0 {
		labels["owner"] = pick("ok", "forbidden")
	}
	if r.IntN(3) == 0 {
		annotations["note"] = pick("x", "forbidden")
	}
	if r.IntN(6) == 0 {
		annotations["topology.istio.io/controlPlaneClusters"] = pick("east", "west")
	}
	ns := namespace(name, labels)
	if len(annotations) > 0 {
		ns.SetAnnotations(annotations)
	}
	return ns
}

// fullDecision is the decision of a review of every object before and
// after the change, without projection: what the webhook must answer.
func fullDecision(t *testing.T, e *checks.Engine, before, after []*unstructured.Unstructured) []string {
	t.Helper()
	in := func(objs []*unstructured.Unstructured) []model.ClusterInput {
		src := make([]*source.Object, len(objs))
		for i, o := range objs {
			src[i] = &source.Object{Data: o.Object}
		}
		return []model.ClusterInput{{Name: "east", Objects: src, Complete: []string{"Secret"}}}
	}
	b, err := e.Review(t.Context(), in(before), checks.ReviewOptions{})
	if err != nil {
		t.Fatal(err)
	}
	a, err := e.Review(t.Context(), in(after), checks.ReviewOptions{})
	if err != nil {
		t.Fatal(err)
	}
	return decisionKeys(introduced(b.Findings, a.Findings), nil)
}

// decisionKeys are the findings as enforcement, rule and object.
func decisionKeys(fs []checks.Finding, set map[string]Enforcement) []string {
	var out []string
	for _, f := range fs {
		out = append(out, fmt.Sprintf("%s %s %s", enforcementOf(f, set), f.Rule, f.Object))
	}
	slices.Sort(out)
	return slices.Compact(out)
}

// TestProjectionDecidesAsAFullReview: random changes to namespaces, inside
// and outside the webhook's projection (labels, annotations, creation,
// deletion), are decided as a review of every object before and after
// would decide them, with the built-in rules alone and with users' rules
// that read a namespace label and every annotation.
func TestProjectionDecidesAsAFullReview(t *testing.T) {
	engines := []struct {
		name string
		e    *checks.Engine
		rv   *checks.Reviewer
	}{
		{"built-in rules", checkstest.Engine(t), checkstest.Reviewer(t)},
		{"a user's rule denying a label", engineWith(t, userRule("ACME020", `ns.labels.owner == "forbidden"`)), nil},
		{"a user's rule reading annotations", engineWith(t, userRule("ACME021", `some v in ns.annotations
	v == "forbidden"`)), nil},
	}
	for _, tc := range engines {
		if tc.rv == nil {
			rv, err := checks.NewReviewer(t.Context(), tc.e)
			if err != nil {
				t.Fatal(err)
			}
			tc.rv = rv
		}
		t.Run(tc.name, func(t *testing.T) {
			r := rand.New(rand.NewPCG(1, uint64(len(tc.name))))
			var changes, outside, found int
			for i := range 150 {
				before := fixture(t)
				n := 6 + r.IntN(12)
				for j := range n {
					before = append(before, randomNamespace(r, fmt.Sprintf("team-%02d", j)))
				}
				h := newHandler(t, tc.rv, before, DeciderOptions{})
				st := h.States.State()
				target := fmt.Sprintf("team-%02d", r.IntN(n+2)) // two of them do not exist yet
				k := slices.IndexFunc(before, func(u *unstructured.Unstructured) bool {
					return u.GetKind() == "Namespace" && u.GetName() == target
				})
				var req Request
				after := slices.Clone(before)
				var err error
				switch {
				case k < 0:
					obj := randomNamespace(r, target)
					after = append(after, obj)
					req, err = RequestFrom(review(admissionv1.Create, obj, nil).AdmissionRequest)
				case r.IntN(6) == 0:
					after = slices.Delete(after, k, k+1)
					req, err = RequestFrom(review(admissionv1.Delete, nil, before[k]).AdmissionRequest)
				default:
					obj := before[k].DeepCopy()
					if r.IntN(2) == 0 {
						obj = randomNamespace(r, target)
					} else {
						for _, kv := range [][2]string{{"owner", "forbidden"}, {"team", "c"}, {"istio.io/rev", "1-98-0"}} {
							if r.IntN(2) == 0 {
								obj = withLabel(obj, kv[0], kv[1])
							}
						}
						if r.IntN(2) == 0 {
							obj = withAnnotation(obj, "note", "forbidden")
						}
					}
					after[k] = obj
					req, err = RequestFrom(review(admissionv1.Update, obj, before[k]).AdmissionRequest)
				}
				if err != nil {
					t.Fatal(err)
				}
				key := objectKey("", "Namespace", "", target)
				if !st.inProj[key] {
					outside++
				}
				d, err := h.Decider.Decide(t.Context(), st, req)
				if err != nil {
					t.Fatal(err)
				}
				got := decisionKeys(slices.Concat(d.Denied, d.Warned, d.Recorded), nil)
				want := fullDecision(t, tc.e, before, after)
				if !slices.Equal(got, want) {
					t.Errorf("change %d, %s of namespace %s (in the projection: %v):\nwebhook:     %q\nfull review: %q", i, req.Operation, target, st.inProj[key], got, want)
				}
				if len(want) > 0 {
					found++
				}
				changes++
			}
			t.Logf("%d changes, %d to namespaces outside the projection, %d introducing findings", changes, outside, found)
			// With a user's rule every namespace stands for itself: none is
			// outside the projection.
			if (tc.name == "built-in rules" && outside < 30) || found < 10 {
				t.Errorf("only %d changes outside the projection, %d introducing findings: the test does not test it", outside, found)
			}
		})
	}
}
