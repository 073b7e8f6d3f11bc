package live

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/meshcheck/meshcheck/config"
	"github.com/meshcheck/meshcheck/fileset"
	"github.com/meshcheck/meshcheck/model"
	"github.com/meshcheck/meshcheck/source"
)

// A snapshot reads back as the same clusters, names, completeness and
// configuration, with no secret data.
func TestSnapshotReadsBack(t *testing.T) {
	eks := "arn:aws:eks:us-east-1:123456789012:cluster/prod"
	ns := &source.Object{Data: map[string]any{"apiVersion": "v1", "kind": "Namespace",
		"metadata": map[string]any{"name": "istio-system", "labels": map[string]any{"topology.istio.io/network": "n1"},
			"managedFields": []any{map[string]any{"manager": "kubectl"}}}}}
	results := []Result{
		{Input: model.ClusterInput{Name: eks, Objects: []*source.Object{ns, remoteSecret("west", kubeconfig)}, Complete: []string{"Secret"}}},
		{Input: model.ClusterInput{Name: "west", Objects: []*source.Object{ns}}},
	}
	base := &config.Config{
		Meshes:     [][]string{{eks, "west"}},
		Rules:      map[string]config.RuleSetting{"NW001": {Severity: "warning"}},
		Exemptions: []config.Exemption{{Rule: "CP004", Cluster: "west", Reason: "being migrated"}},
	}
	dir := t.TempDir()
	if err := WriteSnapshot(dir, results, base); err != nil {
		t.Fatal(err)
	}
	cfg, err := config.Load(filepath.Join(dir, config.FileName))
	if err != nil {
		t.Fatal(err)
	}
	if d := cmp.Diff(base.Meshes, cfg.Meshes); d != "" {
		t.Errorf("meshes: %s", d)
	}
	if d := cmp.Diff(base.Exemptions, cfg.Exemptions); d != "" {
		t.Errorf("exemptions: %s", d)
	}
	if cfg.Rules["NW001"].Severity != "warning" {
		t.Errorf("rules: %v", cfg.Rules)
	}
	set := fileset.Read(fileset.Layout{Config: fileset.ConfigAssignments(cfg)}, nil, source.DefaultLimits())
	if len(set.Errors) > 0 {
		t.Fatal(set.Errors[0])
	}
	got := map[string][]string{}
	for _, c := range set.Clusters {
		got[c.Name] = append([]string{strings.Join(c.Complete, ",")}, kinds(c.Objects)...)
	}
	want := map[string][]string{eks: {"Secret", "Namespace", "Secret"}, "west": {"", "Namespace"}}
	if d := cmp.Diff(want, got); d != "" {
		t.Errorf("clusters read back (-want +got):\n%s", d)
	}
	var all strings.Builder
	filepath.WalkDir(dir, func(p string, d os.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			b, _ := os.ReadFile(p)
			all.Write(b)
		}
		return nil
	})
	for _, leak := range []string{token, "managedFields", lastApplied} {
		if strings.Contains(all.String(), leak) {
			t.Errorf("snapshot holds %q", leak)
		}
	}
}

func kinds(objs []*source.Object) []string {
	var out []string
	for _, o := range objs {
		out = append(out, o.Kind())
	}
	return out
}

func TestDirName(t *testing.T) {
	used := map[string]bool{}
	for _, tt := range []struct{ in, want string }{
		{"us-east", "us-east"},
		{"arn:aws:eks:us-east-1:1:cluster/prod", "arn_aws_eks_us-east-1_1_cluster_prod"},
		{"arn:aws:eks:us-east-1:1:cluster:prod", "arn_aws_eks_us-east-1_1_cluster_prod-2"},
		{".hidden", "_.hidden"},
		{"", "_"},
	} {
		if got := dirName(tt.in, used); got != tt.want {
			t.Errorf("dirName(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}
