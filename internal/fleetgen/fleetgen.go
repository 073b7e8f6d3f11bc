// Package fleetgen writes synthetic fleets for benchmarks, each cluster with
// the manifests a platform team keeps in Git (install, namespace, east-west
// gateway, cross-network Gateway, remote secrets for its mesh peers): Write
// makes meshes of ten multi-primary clusters on their own networks, and
// WriteMesh one mesh of many clusters, in the shapes large fleets have
// (primaries serving groups of remotes). It is test support only; nothing
// in meshcheck's commands uses it.
package fleetgen

import (
	"encoding/base64"
	"fmt"
	"os"
	"path/filepath"
)

// MeshSize is the number of clusters per mesh, so that the number of remote
// secrets grows linearly with the fleet, as in real fleets.
const MeshSize = 10

// Write creates n cluster directories under dir.
func Write(dir string, n int) error {
	for i := range n {
		name := Cluster(i)
		mesh := i / MeshSize
		files := map[string]string{
			"control-plane.yaml":    install(name, mesh, i),
			"namespace.yaml":        namespace(i),
			"eastwest-gateway.yaml": eastWest(i),
			"expose-services.yaml":  exposeServices,
		}
		for j := mesh * MeshSize; j < min((mesh+1)*MeshSize, n); j++ {
			if j != i {
				files["remote-secret-"+Cluster(j)+".yaml"] = remoteSecret(Cluster(j))
			}
		}
		if err := writeCluster(filepath.Join(dir, name), files); err != nil {
			return err
		}
	}
	return nil
}

// writeCluster writes a cluster's files (name -> content) into dir.
func writeCluster(dir string, files map[string]string) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	for f, content := range files {
		if err := os.WriteFile(filepath.Join(dir, f), []byte(content), 0o644); err != nil {
			return err
		}
	}
	return nil
}

// Cluster names the i-th cluster.
func Cluster(i int) string { return fmt.Sprintf("cluster%03d", i) }

func install(name string, mesh, i int) string {
	return fmt.Sprintf(`apiVersion: install.istio.io/v1alpha1
kind: IstioOperator
metadata:
  name: control-plane
  namespace: istio-system
spec:
  values:
    global:
      meshID: mesh%d
      multiCluster:
        clusterName: %s
      network: network%d
`, mesh, name, i)
}

func namespace(i int) string {
	return fmt.Sprintf(`apiVersion: v1
kind: Namespace
metadata:
  name: istio-system
  labels:
    topology.istio.io/network: network%d
`, i)
}

func eastWest(i int) string {
	return fmt.Sprintf(`apiVersion: install.istio.io/v1alpha1
kind: IstioOperator
metadata:
  name: eastwest
spec:
  revision: ""
  profile: empty
  components:
    ingressGateways:
      - name: istio-eastwestgateway
        label:
          istio: eastwestgateway
          app: istio-eastwestgateway
          topology.istio.io/network: network%[1]d
        enabled: true
        k8s:
          env:
            - name: ISTIO_META_REQUESTED_NETWORK_VIEW
              value: network%[1]d
          service:
            ports:
              - name: status-port
                port: 15021
                targetPort: 15021
              - name: tls
                port: 15443
                targetPort: 15443
              - name: tls-istiod
                port: 15012
                targetPort: 15012
              - name: tls-webhook
                port: 15017
                targetPort: 15017
  values:
    gateways:
      istio-ingressgateway:
        injectionTemplate: gateway
    global:
      network: network%[1]d
`, i)
}

const exposeServices = `apiVersion: networking.istio.io/v1
kind: Gateway
metadata:
  name: cross-network-gateway
  namespace: istio-system
spec:
  selector:
    istio: eastwestgateway
  servers:
    - port:
        number: 15443
        name: tls
        protocol: TLS
      tls:
        mode: AUTO_PASSTHROUGH
      hosts:
        - "*.local"
`

func remoteSecret(target string) string {
	kubeconfig := fmt.Sprintf(`apiVersion: v1
kind: Config
clusters:
- cluster:
    certificate-authority-data: Q0EtREFUQQ==
    server: https://%[1]s.example.com:6443
  name: %[1]s
contexts:
- context:
    cluster: %[1]s
    user: %[1]s
  name: %[1]s
current-context: %[1]s
users:
- name: %[1]s
  user:
    token: test-token-%[1]s
`, target)
	return fmt.Sprintf(`apiVersion: v1
kind: Secret
metadata:
  name: istio-remote-secret-%[1]s
  namespace: istio-system
  labels:
    istio/multiCluster: "true"
  annotations:
    networking.istio.io/cluster: %[1]s
type: Opaque
data:
  %[1]s: %[2]s
`, target, base64.StdEncoding.EncodeToString([]byte(kubeconfig)))
}
