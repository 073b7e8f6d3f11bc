package main

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"sync"
	"testing"

	"k8s.io/client-go/rest"

	"github.com/meshcheck/meshcheck/internal/testenv"
	"github.com/meshcheck/meshcheck/live/livetest"
	"github.com/meshcheck/meshcheck/source"
)

// The audit tests share one fleet of envtest API servers, started on first
// use and stopped by TestMain: the three clusters of examples/fleet.
var auditFleetNames = []string{"us-east", "us-west", "edge-1"}

type auditFleet struct {
	clusters []*livetest.Cluster
	// scenario is examples/fleet with remote secrets that reach the
	// servers: what lint reads and what the clusters were seeded with.
	scenario string
	// auditor, noSecrets: per cluster, a user bound to deploy/audit-rbac.yaml,
	// and one bound to the same role without secrets.
	auditor, noSecrets map[string]*rest.Config
	dir                string
}

var (
	fleetOnce sync.Once
	fleet     *auditFleet
	fleetErr  error
)

func TestMain(m *testing.M) {
	code := m.Run()
	if fleet != nil {
		livetest.StopAll(fleet.clusters)
		os.RemoveAll(fleet.dir)
	}
	os.Exit(code)
}

// plantedKubeconfigToken is set as the bearer token of a remote secret's
// kubeconfig (beside its client certificate, which authenticates): it must
// reach no output, snapshot or log.
const plantedKubeconfigToken = "PLANTED-LIVE-TOKEN-9c1e0b"

func sharedFleet(t *testing.T) *auditFleet {
	t.Helper()
	fleetOnce.Do(func() { fleet, fleetErr = startAuditFleet(context.Background()) })
	if fleetErr != nil {
		t.Fatalf("audit fleet: %v", fleetErr)
	}
	return fleet
}

func startAuditFleet(ctx context.Context) (*auditFleet, error) {
	root, err := testenv.Root()
	if err != nil {
		return nil, err
	}
	dir, err := os.MkdirTemp("", "meshcheck-audit-")
	if err != nil {
		return nil, err
	}
	f := &auditFleet{dir: dir, auditor: map[string]*rest.Config{}, noSecrets: map[string]*rest.Config{}}
	f.clusters, err = livetest.StartFleet(auditFleetNames...)
	if err != nil {
		return nil, err
	}
	_, rbac, errs := source.ReadPaths([]string{filepath.Join(root, "deploy", "audit-rbac.yaml")}, nil, source.DefaultLimits())
	if len(errs) > 0 {
		return f, errs[0]
	}
	noSecretsRBAC, _, err := withoutSecrets(rbac)
	if err != nil {
		return f, err
	}
	for _, c := range f.clusters {
		if err := livetest.Seed(ctx, c.Admin, append(rbac, noSecretsRBAC...)); err != nil {
			return f, fmt.Errorf("%s: rbac: %w", c.Name, err)
		}
		if f.auditor[c.Name], err = c.User("auditor", "meshcheck-auditors"); err != nil {
			return f, err
		}
		if f.noSecrets[c.Name], err = c.User("auditor-without-secrets", "meshcheck-auditors-without-secrets"); err != nil {
			return f, err
		}
	}
	peers := map[string]*rest.Config{}
	for name, cfg := range f.auditor {
		p := rest.CopyConfig(cfg)
		if name == "us-west" {
			p.BearerToken = plantedKubeconfigToken
		}
		peers[name] = p
	}
	f.scenario = filepath.Join(dir, "fleet")
	if err := livetest.CopyScenario(filepath.Join(root, "examples", "fleet"), f.scenario, peers); err != nil {
		return f, err
	}
	for _, c := range f.clusters {
		if err := livetest.SeedDir(ctx, c.Admin, filepath.Join(f.scenario, c.Name)); err != nil {
			return f, fmt.Errorf("seed %s: %w", c.Name, err)
		}
	}
	return f, nil
}

// withoutSecrets derives from the audit ClusterRole and binding a role and
// binding for a second group that lacks the secrets rule.
func withoutSecrets(rbac []*source.Object) ([]*source.Object, bool, error) {
	var out []*source.Object
	found := false
	for _, o := range rbac {
		c := &source.Object{Data: deepCopy(o.Data).(map[string]any)}
		md := c.Data["metadata"].(map[string]any)
		md["name"] = "meshcheck-audit-without-secrets"
		switch c.Kind() {
		case "ClusterRole":
			var rules []any
			for _, r := range c.Data["rules"].([]any) {
				if fmt.Sprint(r.(map[string]any)["resources"]) == "[secrets]" {
					found = true
					continue
				}
				rules = append(rules, r)
			}
			c.Data["rules"] = rules
		case "ClusterRoleBinding":
			c.Data["roleRef"].(map[string]any)["name"] = "meshcheck-audit-without-secrets"
			c.Data["subjects"].([]any)[0].(map[string]any)["name"] = "meshcheck-auditors-without-secrets"
		}
		out = append(out, c)
	}
	if !found {
		return nil, false, fmt.Errorf("deploy/audit-rbac.yaml has no secrets rule")
	}
	return out, true, nil
}

func deepCopy(v any) any {
	switch v := v.(type) {
	case map[string]any:
		m := make(map[string]any, len(v))
		for k, e := range v {
			m[k] = deepCopy(e)
		}
		return m
	case []any:
		l := make([]any, len(v))
		for i, e := range v {
			l[i] = deepCopy(e)
		}
		return l
	}
	return v
}

// kubeconfig writes a kubeconfig with a context per cluster, for user
// (auditor unless overridden per context) and returns its path.
func (f *auditFleet) kubeconfig(t *testing.T, override map[string]*rest.Config) string {
	t.Helper()
	cfgs := map[string]*rest.Config{}
	var names []string
	for _, n := range auditFleetNames {
		cfgs[n] = f.auditor[n]
		names = append(names, n)
	}
	for n, c := range override {
		if _, ok := cfgs[n]; !ok {
			names = append(names, n)
		}
		cfgs[n] = c
	}
	path := filepath.Join(t.TempDir(), "kubeconfig")
	if err := livetest.WriteKubeconfig(path, names, cfgs); err != nil {
		t.Fatal(err)
	}
	return path
}
