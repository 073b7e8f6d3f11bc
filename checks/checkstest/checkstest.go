// Package checkstest shares one engine of the built-in rules, and one
// reviewer of it, among the tests of a process: compiling it costs tens of
// milliseconds, and many tests only need to evaluate.
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

var reviewer = sync.OnceValues(func() (*checks.Reviewer, error) {
	e, err := builtin()
	if err != nil {
		return nil, err
	}
	return checks.NewReviewer(context.Background(), e)
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

// Reviewer returns the shared reviewer of the built-in rules.
func Reviewer(t testing.TB) *checks.Reviewer {
	t.Helper()
	r, err := reviewer()
	if err != nil {
		t.Fatalf("reviewer: %v", err)
	}
	return r
}
