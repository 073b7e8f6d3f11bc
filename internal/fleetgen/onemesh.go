package fleetgen

import (
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
)

// Shape is how the clusters of one large mesh are arranged.
type Shape string

// The shapes of one mesh that large fleets have. Every cluster shares the
// mesh ID (mesh1); clusters are spread over Networks networks. The root of
// trust is not in the files (cacerts are rarely kept in Git).
const (
	// Mixed: one primary in every GroupSize clusters; the primaries are
	// multi-primary (a remote secret for every other primary), and each
	// serves the GroupSize-1 remotes of its group, on its network.
	Mixed Shape = "mixed"
	// PrimaryRemote: as Mixed, but the primaries hold no secrets for each
	// other: they are one mesh by their mesh ID.
	PrimaryRemote Shape = "primary-remote"
	// MultiPrimary: every cluster is a primary, with a remote secret for
	// every other cluster of its group of GroupSize (a full mesh of secrets
	// across all clusters would grow with the square of the fleet).
	MultiPrimary Shape = "multi-primary"
)

// Shapes lists the shapes in benchmark order.
var Shapes = []Shape{PrimaryRemote, MultiPrimary, Mixed}

// GroupSize is the clusters a primary serves, itself included (Mixed,
// PrimaryRemote), or the clusters linked by secrets (MultiPrimary).
const GroupSize = 20

// Networks is the number of networks a mesh spans.
const Networks = 4

// WriteMesh creates n cluster directories under dir: one mesh of the shape.
func WriteMesh(dir string, n int, shape Shape) error {
	groups := (n + GroupSize - 1) / GroupSize
	for i := range n {
		group, primary := i/GroupSize, i%GroupSize == 0 || shape == MultiPrimary
		network := group % Networks
		name := Cluster(i)
		files := map[string]string{
			"namespace.yaml":        namespace(network),
			"eastwest-gateway.yaml": eastWest(network),
		}
		var peers []int
		if primary {
			files["control-plane.yaml"] = primaryInstall(name, network)
			files["expose-services.yaml"] = exposeServices
			if shape != MultiPrimary {
				files["expose-istiod.yaml"] = exposeIstiod
			}
			for j := group * GroupSize; j < min((group+1)*GroupSize, n); j++ {
				peers = append(peers, j) // its group: remotes, or MultiPrimary peers
			}
			if shape == Mixed {
				for g := range groups {
					peers = append(peers, g*GroupSize) // the other primaries
				}
			}
		} else {
			files["control-plane.yaml"] = remoteInstall(name, network, group)
			files["namespace.yaml"] = remoteNamespace(network, Cluster(group*GroupSize))
		}
		for _, j := range peers {
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

func primaryInstall(name string, network int) string {
	return fmt.Sprintf(`apiVersion: install.istio.io/v1alpha1
kind: IstioOperator
metadata:
  name: control-plane
  namespace: istio-system
spec:
  values:
    global:
      meshID: mesh1
      externalIstiod: true
      multiCluster:
        clusterName: %s
      network: network%d
`, name, network)
}

// remoteInstall points the remote at its primary's east-west gateway, an
// address of the group's own.
func remoteInstall(name string, network, group int) string {
	return fmt.Sprintf(`apiVersion: install.istio.io/v1alpha1
kind: IstioOperator
metadata:
  name: control-plane
  namespace: istio-system
spec:
  profile: remote
  values:
    istiodRemote:
      injectionPath: /inject/cluster/%[1]s/net/network%[2]d
    global:
      remotePilotAddress: 10.%[2]d.%[3]d.%[4]d
      meshID: mesh1
      multiCluster:
        clusterName: %[1]s
      network: network%[2]d
`, name, network, group/250, group%250)
}

func remoteNamespace(network int, primary string) string {
	return fmt.Sprintf(`apiVersion: v1
kind: Namespace
metadata:
  name: istio-system
  labels:
    topology.istio.io/network: network%d
  annotations:
    topology.istio.io/controlPlaneClusters: %s
`, network, primary)
}

// exposeIstiod is samples/multicluster/expose-istiod.yaml, as the example
// fleet keeps it.
const exposeIstiod = `apiVersion: networking.istio.io/v1
kind: Gateway
metadata:
  name: istiod-gateway
  namespace: istio-system
spec:
  selector:
    istio: eastwestgateway
  servers:
    - port:
        name: tls-istiod
        number: 15012
        protocol: tls
      tls:
        mode: PASSTHROUGH
      hosts:
        - "*"
    - port:
        name: tls-istiodwebhook
        number: 15017
        protocol: tls
      tls:
        mode: PASSTHROUGH
      hosts:
        - "*"
---
apiVersion: networking.istio.io/v1
kind: VirtualService
metadata:
  name: istiod-vs
  namespace: istio-system
spec:
  hosts:
  - "*"
  gateways:
  - istiod-gateway
  tls:
  - match:
    - port: 15012
      sniHosts:
      - "*"
    route:
    - destination:
        host: istiod.istio-system.svc.cluster.local
        port:
          number: 15012
  - match:
    - port: 15017
      sniHosts:
      - "*"
    route:
    - destination:
        host: istiod.istio-system.svc.cluster.local
        port:
          number: 443
`

// BenchSizes are the one-mesh sizes the benchmarks run: 200 clusters, or
// the sizes MESHCHECK_BENCH_CLUSTERS lists ("200,1000,5000", as make bench
// sets it).
func BenchSizes() ([]int, error) {
	env := os.Getenv("MESHCHECK_BENCH_CLUSTERS")
	if env == "" {
		return []int{200}, nil
	}
	var sizes []int
	for _, f := range strings.Split(env, ",") {
		n, err := strconv.Atoi(strings.TrimSpace(f))
		if err != nil || n < 1 {
			return nil, fmt.Errorf("MESHCHECK_BENCH_CLUSTERS=%q: want sizes separated by commas", env)
		}
		sizes = append(sizes, n)
	}
	return sizes, nil
}
