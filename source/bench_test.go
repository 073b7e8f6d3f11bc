package source

import (
	"bytes"
	"fmt"
	"testing"
)

// fleetFile is a multi-document file of n objects shaped like a mesh's
// manifests: Deployments, Services and Istio Gateways.
func fleetFile(n int) []byte {
	var b bytes.Buffer
	for i := range n {
		if i > 0 {
			b.WriteString("---\n")
		}
		switch i % 3 {
		case 0:
			fmt.Fprintf(&b, `apiVersion: apps/v1
kind: Deployment
metadata:
  name: app-%d
  namespace: team-%d
  labels:
    app.kubernetes.io/name: app-%d
    topology.istio.io/network: network1
  annotations:
    sidecar.istio.io/inject: "true"
spec:
  replicas: 3
  selector:
    matchLabels: {app: app-%d}
  template:
    metadata:
      labels: {app: app-%d, version: v1}
    spec:
      containers:
      - name: app
        image: registry.example.com/app:1.2.%d
        ports:
        - containerPort: 8080
        resources:
          limits: {cpu: 500m, memory: 256Mi}
        env:
        - name: CLUSTER_ID
          value: cluster1
`, i, i%7, i, i, i, i)
		case 1:
			fmt.Fprintf(&b, `apiVersion: v1
kind: Service
metadata:
  name: svc-%d
  namespace: team-%d
spec:
  selector: {app: app-%d}
  ports:
  - name: http
    port: 80
    targetPort: 8080
`, i, i%7, i)
		default:
			fmt.Fprintf(&b, `apiVersion: networking.istio.io/v1
kind: Gateway
metadata:
  name: gw-%d
  namespace: istio-system
spec:
  selector:
    istio: eastwestgateway
  servers:
  - port: {number: 15443, name: tls, protocol: TLS}
    tls:
      mode: AUTO_PASSTHROUGH
    hosts: ["*.local"]
`, i)
		}
	}
	return b.Bytes()
}

func BenchmarkRead(b *testing.B) {
	data := fleetFile(200)
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	for b.Loop() {
		objs, errs := Read(bytes.NewReader(data), "fleet.yaml", Limits{})
		if len(objs) != 200 || len(errs) != 0 {
			b.Fatalf("Read: %d objects, errors %v", len(objs), errs)
		}
	}
}
