// Package checkstest shares one engine of the built-in rules among the
// tests of a process: compiling it costs tens of milliseconds, and many
// tests only need to evaluate.
package checkstest

import (
	"context"
	"sync"
	"testing"

	"github.com/meshcheck/meshcheck/checks"
)

var builtin = sync.OnceValues(func() (*checks.Engine, error) {
	return checks.New(context.Background(), checks.Options{})
})

// Engine returns the shared engine of the built-in rules.
func Engine(t testing.TB) *checks.Engine {
	t.Helper()
	e, err := builtin()
	if err != nil {
		t.Fatalf("engine: %v", err)
	}
	return e
}
