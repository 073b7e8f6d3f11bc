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

func namespaceObj(name string) *source.Object {
	return &source.Object{Data: map[string]any{"apiVersion": "v1", "kind": "Namespace", "metadata": map[string]any{"name": name}}}
}

func snapshotOf(t *testing.T, dir string, base *config.Config, names ...string) {
	t.Helper()
	var results []Result
	for _, n := range names {
		results = append(results, Result{Input: model.ClusterInput{Name: n, Objects: []*source.Object{namespaceObj("ns-of-" + n)}, Complete: []string{"Secret"}}})
	}
	if err := WriteSnapshot(dir, results, base); err != nil {
		t.Fatal(err)
	}
}

// readJoined reads a joined directory as lint does: per cluster, its
// completeness and the namespaces it holds.
func readJoined(t *testing.T, dir string) map[string][]string {
	t.Helper()
	cfg, err := config.Load(filepath.Join(dir, config.FileName))
	if err != nil {
		t.Fatal(err)
	}
	set := fileset.Read(fileset.Layout{Config: fileset.ConfigAssignments(cfg)}, nil, source.DefaultLimits())
	if len(set.Errors) > 0 {
		t.Fatal(set.Errors[0])
	}
	got := map[string][]string{}
	for _, c := range set.Clusters {
		got[c.Name] = []string{strings.Join(c.Complete, ",")}
		for _, o := range c.Objects {
			got[c.Name] = append(got[c.Name], o.Name())
		}
	}
	return got
}

// Snapshots of separate audits, written in one parent (or nested deeper,
// as downloaded CI artifacts are), join into one fleet: every cluster once,
// with its objects, completeness and exact name (an EKS ARN that shares its
// sanitised directory name with another snapshot's cluster).
func TestJoinSnapshots(t *testing.T) {
	root := t.TempDir()
	eks1, eks2 := "arn:aws:eks:us-east-1:1:cluster/prod", "arn:aws:eks:us-east-1:1:cluster:prod"
	base := &config.Config{Meshes: [][]string{{"a", "b"}}, Rules: map[string]config.RuleSetting{"NW001": {Severity: "warning"}}}
	snapshotOf(t, filepath.Join(root, "shard-0"), base, "a", eks1)
	snapshotOf(t, filepath.Join(root, "shard-1"), base, "b", eks2)
	snapshotOf(t, filepath.Join(root, "artifacts", "snapshot-c"), base, "c")
	// Neither hidden directories nor plain directories count.
	snapshotOf(t, filepath.Join(root, ".old"), base, "a")
	if err := os.MkdirAll(filepath.Join(root, "logs"), 0o755); err != nil {
		t.Fatal(err)
	}
	// Nor a volume's lost+found (which only root may read: not read at
	// all, whatever it holds).
	snapshotOf(t, filepath.Join(root, "lost+found", "recovered"), base, "a")

	j, err := JoinSnapshots(root)
	if err != nil {
		t.Fatal(err)
	}
	if d := cmp.Diff([]string{"artifacts/snapshot-c", "shard-0", "shard-1"}, j.Snapshots); d != "" {
		t.Errorf("snapshots (-want +got):\n%s", d)
	}
	want := map[string][]string{
		"a": {"Secret", "ns-of-a"}, eks1: {"Secret", "ns-of-" + eks1},
		"b": {"Secret", "ns-of-b"}, eks2: {"Secret", "ns-of-" + eks2},
		"c": {"Secret", "ns-of-c"},
	}
	if d := cmp.Diff(want, readJoined(t, root)); d != "" {
		t.Errorf("joined fleet (-want +got):\n%s", d)
	}
	cfg, err := config.Load(filepath.Join(root, config.FileName))
	if err != nil {
		t.Fatal(err)
	}
	if !cmp.Equal(base.Meshes, cfg.Meshes) || cfg.Rules["NW001"].Severity != "warning" {
		t.Errorf("the join lost the snapshots' settings: %+v", cfg)
	}

	// Joining again replaces the join; a join nested in a larger one is a
	// snapshot like the others.
	if _, err := JoinSnapshots(root); err != nil {
		t.Errorf("second join: %v", err)
	}
	top := t.TempDir()
	if err := os.Rename(root, filepath.Join(top, "region-1")); err != nil {
		t.Fatal(err)
	}
	snapshotOf(t, filepath.Join(top, "region-2"), base, "d")
	if _, err := JoinSnapshots(top); err != nil {
		t.Fatal(err)
	}
	want["d"] = []string{"Secret", "ns-of-d"}
	if d := cmp.Diff(want, readJoined(t, top)); d != "" {
		t.Errorf("join of joins (-want +got):\n%s", d)
	}
}

func TestJoinSnapshotsRefuses(t *testing.T) {
	base := &config.Config{Meshes: [][]string{{"a", "b"}}}
	for _, tt := range []struct {
		name  string
		setup func(t *testing.T, root string)
		want  string
	}{
		{"a cluster in two snapshots", func(t *testing.T, root string) {
			snapshotOf(t, filepath.Join(root, "x"), base, "a", "b")
			snapshotOf(t, filepath.Join(root, "y"), base, "b")
		}, `cluster "b" is in two snapshots, x and y`},
		{"different meshes", func(t *testing.T, root string) {
			snapshotOf(t, filepath.Join(root, "x"), base, "a")
			snapshotOf(t, filepath.Join(root, "y"), nil, "b")
		}, "snapshots x and y were made with different meshes"},
		{"different exemptions", func(t *testing.T, root string) {
			snapshotOf(t, filepath.Join(root, "x"), base, "a")
			snapshotOf(t, filepath.Join(root, "y"), &config.Config{Meshes: base.Meshes, Exemptions: []config.Exemption{{Rule: "CP004", Reason: "r"}}}, "b")
		}, "different exemptions"},
		{"no snapshot", func(t *testing.T, root string) {
			os.MkdirAll(filepath.Join(root, "empty"), 0o755)
		}, "no snapshot below"},
		{"a snapshot itself", func(t *testing.T, root string) {
			snapshotOf(t, root, base, "a")
		}, "is a snapshot itself"},
		{"someone's configuration", func(t *testing.T, root string) {
			snapshotOf(t, filepath.Join(root, "x"), base, "a")
			os.WriteFile(filepath.Join(root, config.FileName), []byte("fleet: clusters\n"), 0o644)
		}, "meshcheck did not write it"},
		{"a snapshot that does not parse", func(t *testing.T, root string) {
			snapshotOf(t, filepath.Join(root, "x"), base, "a")
			f := filepath.Join(root, "x", config.FileName)
			b, _ := os.ReadFile(f)
			os.WriteFile(f, append(b, "bogus: 1\n"...), 0o644)
		}, filepath.Join("x", config.FileName)},
	} {
		t.Run(tt.name, func(t *testing.T) {
			root := t.TempDir()
			tt.setup(t, root)
			before, _ := os.ReadFile(filepath.Join(root, config.FileName))
			_, err := JoinSnapshots(root)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("err = %v, want %q", err, tt.want)
			}
			if after, _ := os.ReadFile(filepath.Join(root, config.FileName)); string(after) != string(before) {
				t.Errorf("a refused join changed %s", config.FileName)
			}
		})
	}
}

// A snapshot never overwrites a configuration it did not write: the
// user's .meshcheck.yaml, or the join of a fan-out.
func TestSnapshotKeepsOthersConfiguration(t *testing.T) {
	dir := t.TempDir()
	user := []byte("meshes: [[a, b]]\n")
	os.WriteFile(filepath.Join(dir, config.FileName), user, 0o644)
	err := WriteSnapshot(dir, []Result{{Input: model.ClusterInput{Name: "a"}}}, nil)
	if err == nil || !strings.Contains(err.Error(), "not a snapshot's") {
		t.Fatalf("err = %v", err)
	}
	if b, _ := os.ReadFile(filepath.Join(dir, config.FileName)); string(b) != string(user) {
		t.Errorf("the user's configuration was overwritten")
	}
	// A snapshot is rewritten in place, as before.
	snap := t.TempDir()
	snapshotOf(t, snap, nil, "a")
	snapshotOf(t, snap, nil, "b")
	if d := cmp.Diff(map[string][]string{"b": {"Secret", "ns-of-b"}}, readJoined(t, snap)); d != "" {
		t.Errorf("rewritten snapshot (-want +got):\n%s", d)
	}
}
