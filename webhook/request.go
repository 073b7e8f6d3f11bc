package webhook

import (
	"encoding/json"
	"errors"
	"fmt"

	admissionv1 "k8s.io/api/admission/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime/schema"
)

// Request is the part of an admission request the decision reads.
type Request struct {
	Operation admissionv1.Operation
	Kind      schema.GroupVersionKind
	Namespace string
	Name      string
	// Object is the object after the change (nil for DELETE); OldObject the
	// object before it (nil for CREATE).
	Object    *unstructured.Unstructured
	OldObject *unstructured.Unstructured
	DryRun    bool
}

// maxObjectBytes bounds what the handler decodes; the API server's own
// limit is 3 MiB per object.
const maxObjectBytes = 4 << 20

// RequestFrom decodes an admission request. It fails on requests that do
// not carry the object their operation needs.
func RequestFrom(ar admissionv1.AdmissionRequest) (Request, error) {
	r := Request{
		Operation: ar.Operation,
		Kind:      schema.GroupVersionKind{Group: ar.Kind.Group, Version: ar.Kind.Version, Kind: ar.Kind.Kind},
		Namespace: ar.Namespace,
		Name:      ar.Name,
		DryRun:    ar.DryRun != nil && *ar.DryRun,
	}
	if r.Kind.Kind == "" {
		return r, errors.New("request has no kind")
	}
	var err error
	if r.Object, err = decode(ar.Object.Raw, "object"); err != nil {
		return r, err
	}
	if r.OldObject, err = decode(ar.OldObject.Raw, "oldObject"); err != nil {
		return r, err
	}
	switch r.Operation {
	case admissionv1.Create:
		if r.Object == nil {
			return r, errors.New("CREATE request without object")
		}
	case admissionv1.Update:
		if r.Object == nil || r.OldObject == nil {
			return r, errors.New("UPDATE request without object and oldObject")
		}
	case admissionv1.Delete:
		if r.OldObject == nil {
			// The API server sends oldObject on DELETE since 1.15; without it
			// the object is looked up by name in the cache.
			return r, nil
		}
	case admissionv1.Connect:
	default:
		return r, fmt.Errorf("unknown operation %q", r.Operation)
	}
	if r.Name == "" {
		if o := r.current(); o != nil {
			r.Name = o.GetName()
		}
	}
	return r, nil
}

// current is the object the request is about: the new one, or the old one
// on DELETE.
func (r Request) current() *unstructured.Unstructured {
	if r.Object != nil {
		return r.Object
	}
	return r.OldObject
}

func decode(raw []byte, what string) (*unstructured.Unstructured, error) {
	if len(raw) == 0 || string(raw) == "null" {
		return nil, nil
	}
	if len(raw) > maxObjectBytes {
		return nil, fmt.Errorf("%s larger than %d bytes", what, maxObjectBytes)
	}
	u := &unstructured.Unstructured{}
	if err := u.UnmarshalJSON(raw); err != nil {
		// The decoder's errors may quote the object, a Secret's data
		// included: say what is wrong, never what it holds.
		if !json.Valid(raw) {
			return nil, fmt.Errorf("decode %s: not valid JSON", what)
		}
		return nil, fmt.Errorf("decode %s: not a Kubernetes object (apiVersion and kind are required)", what)
	}
	return u, nil
}
