package model

import (
	"os"
	"testing"
)

// A rendered install (istioctl manifest generate, helm template) shows what
// the user set in the values ConfigMap's original-values; the chart's
// defaults it also renders (the injector ConfigMap's merged values, CLUSTER_ID
// "Kubernetes", trustDomain cluster.local) are defaults, not settings.
// Fixtures: make renders (testdata/rendered/README.md).
func TestRenderedChartDefaultsAreNotSettings(t *testing.T) {
	tests := []struct {
		file                     string
		clusterID                string
		idDefault, domainDefault bool
	}{
		// istioctl manifest generate --set profile=default: nothing set.
		{"../testdata/rendered/profiles/default/install.yaml", "Kubernetes", true, true},
		// The multi-primary doc's IOP sets clusterName cluster1.
		{"../testdata/rendered/corpus/multi-primary/iop/cluster1/control-plane.yaml", "cluster1", false, true},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			b, err := os.ReadFile(tt.file)
			if err != nil {
				t.Fatal(err)
			}
			f := build(t, map[string]string{"c": string(b)})
			cps := f.Clusters["c"].ControlPlanes
			if len(cps) != 1 {
				t.Fatalf("%d control planes, want 1", len(cps))
			}
			cp := cps[0]
			if cp.ClusterID == nil || cp.ClusterID.Value != tt.clusterID || cp.ClusterID.Default != tt.idDefault {
				t.Errorf("cluster ID %+v, want %s with default %v", cp.ClusterID, tt.clusterID, tt.idDefault)
			}
			if cp.TrustDomain == nil || cp.TrustDomain.Value != "cluster.local" || cp.TrustDomain.Default != tt.domainDefault {
				t.Errorf("trust domain %+v, want cluster.local with default %v", cp.TrustDomain, tt.domainDefault)
			}
			// global.externalIstiod and configCluster are false in the
			// injector's merged values only: nobody set them.
			if cp.ExternalIstiod != nil || cp.ConfigCluster != nil {
				t.Errorf("external istiod %+v, config cluster %+v: chart defaults read as settings", cp.ExternalIstiod, cp.ConfigCluster)
			}
		})
	}
}

// The ztunnel chart's DaemonSet is ambient's node proxy, rendered by helm
// template (chart ztunnel) and by istioctl's ambient profile.
func TestRenderedZTunnel(t *testing.T) {
	for file, want := range map[string]int{
		"../testdata/rendered/charts/ztunnel/default/ztunnel.yaml": 1,
		"../testdata/rendered/profiles/ambient/install.yaml":       1,
		"../testdata/rendered/profiles/default/install.yaml":       0,
		"../testdata/rendered/charts/cni/ambient/cni.yaml":         0,
	} {
		b, err := os.ReadFile(file)
		if err != nil {
			t.Fatal(err)
		}
		if got := len(build(t, map[string]string{"c": string(b)}).Clusters["c"].ZTunnels); got != want {
			t.Errorf("%s: %d ztunnels, want %d", file, got, want)
		}
	}
}
