package main

import (
	"path/filepath"
	"strings"
	"testing"
)

// lint reads the .tf files of a fleet directory (and a .tf file named
// explicitly) with the terraform package: the helm_release of istiod gives
// each cluster its control plane, located in the .tf file.
func TestLintReadsTerraform(t *testing.T) {
	root, err := filepath.Abs("../..")
	if err != nil {
		t.Fatal(err)
	}
	const dir = "testdata/terraform/eks-multi-network/"
	clusters := gitopsClusters(t, root, dir)
	for _, cluster := range []string{"cluster1", "cluster2"} {
		cps := list(clusters[cluster], "control_planes")
		if len(cps) != 1 {
			t.Fatalf("%s: %d control planes, want the istiod helm_release's", cluster, len(cps))
		}
		name, network := fact(cps[0], "cluster_name"), fact(cps[0], "network")
		n := cluster[len(cluster)-1:]
		if !strings.HasPrefix(name, cluster+"@"+dir+cluster+"/main.tf:") || !strings.HasPrefix(network, "network"+n+"@"+dir+cluster+"/main.tf:") {
			t.Errorf("%s: cluster name %s, network %s", cluster, name, network)
		}
	}
	_, out, stderr := runCLI(t, root, "", "lint", "--no-config", "--show-model", "--cluster", "c1="+dir+"cluster1/main.tf", dir+"cluster1/main.tf")
	if !strings.Contains(out, `"value": "cluster1"`) || strings.Contains(out+stderr, "does not parse") {
		t.Errorf("a .tf file named explicitly is not read as Terraform:\n%s%s", out, stderr)
	}
}
