package checks

import (
	"context"
	"errors"
	"runtime"
	"testing"
	"time"

	"github.com/meshcheck/meshcheck/model"
)

// A caller that gave up (a webhook request past its deadline) is not held
// waiting for a worker while every worker is busy.
func TestEvaluateDoesNotWaitForAWorkerAfterItsCallerGaveUp(t *testing.T) {
	e, err := New(t.Context(), Options{})
	if err != nil {
		t.Fatal(err)
	}
	release := make(chan struct{})
	defer close(release)
	for range runtime.GOMAXPROCS(0) {
		workers() <- func() { <-release }
	}
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	done := make(chan error, 1)
	go func() {
		_, err := e.Evaluate(ctx, &model.Fleet{Clusters: map[string]*model.Cluster{}})
		done <- err
	}()
	select {
	case err := <-done:
		if !errors.Is(err, context.Canceled) {
			t.Errorf("Evaluate = %v, want context.Canceled", err)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("Evaluate waited for a busy worker after its context ended")
	}
}
