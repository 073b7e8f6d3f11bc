package livetest

import (
	"errors"
	"fmt"
	"path/filepath"
	"slices"
	"sync"

	"k8s.io/client-go/rest"
	"sigs.k8s.io/controller-runtime/pkg/envtest"

	"github.com/meshcheck/meshcheck/internal/testenv"
)

// Cluster is one running API server.
type Cluster struct {
	Name  string
	Env   *envtest.Environment
	Admin *rest.Config
}

// Start starts one API server with the test CRDs (testdata/crds) installed.
func Start(name string) (*Cluster, error) {
	assets, err := testenv.Assets()
	if err != nil {
		return nil, err
	}
	root, err := testenv.Root()
	if err != nil {
		return nil, err
	}
	env := &envtest.Environment{
		BinaryAssetsDirectory: assets,
		CRDDirectoryPaths:     []string{filepath.Join(root, "testdata", "crds")},
		ErrorIfCRDPathMissing: true,
	}
	cfg, err := env.Start()
	if err != nil {
		// A failed CRD install leaves the servers running.
		_ = env.Stop()
		return nil, fmt.Errorf("start envtest %s: %w", name, err)
	}
	return &Cluster{Name: name, Env: env, Admin: cfg}, nil
}

// StartFleet starts one API server per name, in parallel; on error it
// stops those started.
func StartFleet(names ...string) ([]*Cluster, error) {
	out := make([]*Cluster, len(names))
	errs := make([]error, len(names))
	var wg sync.WaitGroup
	for i, n := range names {
		wg.Add(1)
		go func() {
			defer wg.Done()
			out[i], errs[i] = Start(n)
		}()
	}
	wg.Wait()
	if err := errors.Join(errs...); err != nil {
		StopAll(slices.DeleteFunc(out, func(c *Cluster) bool { return c == nil }))
		return nil, err
	}
	return out, nil
}

// Stop stops the API server and etcd.
func (c *Cluster) Stop() error { return c.Env.Stop() }

// StopAll stops every cluster, ignoring those already stopped.
func StopAll(cs []*Cluster) {
	for _, c := range cs {
		_ = c.Stop()
	}
}

// User adds a client-certificate user in groups and returns its config.
func (c *Cluster) User(name string, groups ...string) (*rest.Config, error) {
	u, err := c.Env.AddUser(envtest.User{Name: name, Groups: groups}, nil)
	if err != nil {
		return nil, fmt.Errorf("add user %s to %s: %w", name, c.Name, err)
	}
	return u.Config(), nil
}
