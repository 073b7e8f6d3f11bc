package live

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/url"

	apierrors "k8s.io/apimachinery/pkg/api/errors"

	"github.com/meshcheck/meshcheck/inventory"
)

// Error is one thing a cluster did not let us read.
type Error struct {
	Cluster string
	// Kind is the kind and selection that failed; "" when the whole cluster did.
	Kind string
	Err  error
}

func (e *Error) Error() string {
	if e.Kind == "" {
		return e.Err.Error()
	}
	return fmt.Sprintf("list %s: %v", e.Kind, e.Err)
}

func (e *Error) Unwrap() error { return e.Err }

func describe(k inventory.Kind) string {
	s := k.Resource
	if k.GVK.Group != "" {
		s += "." + k.GVK.Group
	}
	sel := k.LabelSelector
	if k.FieldSelector != "" {
		sel = k.FieldSelector
	}
	if sel != "" {
		s += " (" + sel + ")"
	}
	return s
}

// unreachable tells a cluster that cannot be reached from a kind it refuses.
func unreachable(err error) bool {
	var ne net.Error
	var ue *url.Error
	return errors.As(err, &ne) || errors.As(err, &ue) || errors.Is(err, context.DeadlineExceeded)
}

// explain turns API errors into messages that say what to do.
func explain(err error, t Target, k inventory.Kind) error {
	switch {
	case apierrors.IsForbidden(err):
		return fmt.Errorf("forbidden: the identity used for %s may not list %s cluster-wide (see the RBAC in docs/audit.md)", t.Name, k.Resource)
	case apierrors.IsUnauthorized(err):
		return fmt.Errorf("unauthorized: the credentials for %s were refused", t.Name)
	case errors.Is(err, context.DeadlineExceeded):
		return fmt.Errorf("timed out reading the cluster (--timeout)")
	case unreachable(err):
		return fmt.Errorf("unreachable: %w", err)
	}
	return err
}
