package live

import (
	"errors"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/meshcheck/meshcheck/model"
)

func TestRecordCredentials(t *testing.T) {
	ref := func(key string) model.SecretKeyRef {
		return model.SecretKeyRef{Namespace: "istio-system", Name: "istio-remote-secret-" + key, Key: key}
	}
	peer := func(name string, rejected bool, errs ...*Error) Result {
		return Result{Target: Target{Name: name, Via: "east", Secret: ref(name)}, Rejected: rejected, Errors: errs}
	}
	whole := &Error{Cluster: "x", Err: errors.New("unreachable")}
	forbidden := &Error{Cluster: "x", Kind: "secrets", Err: errors.New("forbidden")}
	results := []Result{
		{Target: Target{Name: "east"}},
		{Target: Target{Name: "north"}},
		peer("west", true, &Error{Cluster: "west", Err: errors.New("unauthorized")}),
		peer("south", false),
		peer("edge", false, forbidden), // authenticated, not allowed: accepted
		peer("gone", false, whole),     // never answered: unknown
	}
	RecordCredentials(results)
	RecordCredentials(results) // idempotent
	want := []model.CredentialCheck{
		{Secret: ref("west"), Rejected: true},
		{Secret: ref("south")},
		{Secret: ref("edge")},
	}
	if d := cmp.Diff(want, results[0].Input.Credentials); d != "" {
		t.Errorf("east's checks (-want +got):\n%s", d)
	}
	for _, r := range results[1:] {
		if r.Input.Credentials != nil {
			t.Errorf("%s: checks %+v for secrets it does not hold", r.Target.Name, r.Input.Credentials)
		}
	}
}
