package main

import (
	"encoding/json"
	"fmt"
	"net"
	"os"
	"strings"

	admissionv1 "k8s.io/api/admission/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime"

	"github.com/meshcheck/meshcheck/internal/bigcluster"
	"github.com/meshcheck/meshcheck/webhook"
)

// cluster is the benchmark's cluster (internal/bigcluster), reduced as the
// cache reduces it.
func cluster(files string, n int) ([]*unstructured.Unstructured, error) {
	objs, err := bigcluster.Objects(".", strings.Split(files, ","), n)
	for _, o := range objs {
		webhook.Reduce(o)
	}
	return objs, err
}

// reviewBody is an UPDATE of the system namespace that goes past every
// shortcut to a review. With change "label" it adds a label no rule reads:
// the review re-evaluates no rule and allows it. With "network" it changes
// the network label: the rules that read networks are re-evaluated and the
// request is denied.
func reviewBody(objs []*unstructured.Unstructured, change string) ([]byte, error) {
	var ns *unstructured.Unstructured
	for _, o := range objs {
		if o.GetKind() == "Namespace" && o.GetName() == "istio-system" {
			ns = o
		}
	}
	if ns == nil {
		return nil, fmt.Errorf("fixture has no istio-system namespace")
	}
	old, _ := ns.MarshalJSON()
	upd := ns.DeepCopy()
	l := upd.GetLabels()
	switch change {
	case "label":
		l["team"] = "mesh"
	case "network":
		l["topology.istio.io/network"] = "network2"
	default:
		return nil, fmt.Errorf("unknown change %q: want label or network", change)
	}
	upd.SetLabels(l)
	obj, _ := upd.MarshalJSON()
	ar := admissionv1.AdmissionReview{
		TypeMeta: metav1.TypeMeta{APIVersion: "admission.k8s.io/v1", Kind: "AdmissionReview"},
		Request: &admissionv1.AdmissionRequest{
			UID: "load", Operation: admissionv1.Update, Name: "istio-system",
			Kind:      metav1.GroupVersionKind{Version: "v1", Kind: "Namespace"},
			Resource:  metav1.GroupVersionResource{Version: "v1", Resource: "namespaces"},
			Object:    runtime.RawExtension{Raw: obj},
			OldObject: runtime.RawExtension{Raw: old},
		},
	}
	return json.Marshal(ar)
}

func freePort() (int, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, err
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port, nil
}

// procRSS is the resident set size of process pid, from /proc.
func procRSS(pid int) int64 {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return 0
	}
	for _, line := range strings.Split(string(b), "\n") {
		if v, ok := strings.CutPrefix(line, "VmRSS:"); ok {
			var kb int64
			fmt.Sscanf(strings.TrimSpace(v), "%d", &kb)
			return kb << 10
		}
	}
	return 0
}
