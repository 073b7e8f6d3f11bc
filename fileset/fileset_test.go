package fileset

import (
	"os"
	"path/filepath"
	"slices"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/meshcheck/meshcheck/source"
)

func tree(t *testing.T, files map[string]string) string {
	t.Helper()
	dir := t.TempDir()
	for p, c := range files {
		full := filepath.Join(dir, p)
		if err := os.MkdirAll(filepath.Dir(full), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(full, []byte(c), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

func names(set *Set) map[string][]string {
	out := map[string][]string{}
	for _, c := range set.Clusters {
		out[c.Name] = []string{}
		for _, o := range c.Objects {
			out[c.Name] = append(out[c.Name], o.Name())
		}
		slices.Sort(out[c.Name])
	}
	return out
}

func TestAssignmentPrecedence(t *testing.T) {
	dir := tree(t, map[string]string{
		"fleet/east/a.yaml":  "apiVersion: v1\nkind: Namespace\nmetadata: {name: a}\n",
		"fleet/west/b.yaml":  "apiVersion: v1\nkind: Namespace\nmetadata: {name: b}\n",
		"fleet/west/c.yaml":  "apiVersion: v1\nkind: Namespace\nmetadata: {name: c, annotations: {meshcheck.io/cluster: north}}\n",
		"shared/d.yaml":      "apiVersion: v1\nkind: Namespace\nmetadata: {name: d}\n",
		"loose/e.yaml":       "apiVersion: v1\nkind: Namespace\nmetadata: {name: e}\n",
		"fleet/.git/x.yaml":  "apiVersion: v1\nkind: Namespace\nmetadata: {name: hidden}\n",
		"fleet/east/f.yaml":  "apiVersion: v1\nkind: Namespace\nmetadata: {name: f}\n",
		"fleet/.hidden/g.ya": "ignored",
	})
	t.Chdir(dir)
	set := Read(Layout{
		Fleet: "fleet",
		// --cluster beats --fleet for the file it names.
		Flags: []Assignment{{Cluster: "south", Path: "fleet/east/f.yaml"}},
		// A shared path listed for two clusters belongs to both.
		Config: []Assignment{{Cluster: "east", Path: "shared"}, {Cluster: "west", Path: "shared", Complete: []string{"Secret"}}},
		Paths:  []string{"loose"},
	}, nil, source.Limits{})
	if len(set.Errors) > 0 {
		t.Fatal(set.Errors)
	}
	want := map[string][]string{
		"south":        {"f"},
		"east":         {"a", "d"},
		"west":         {"b", "d"},
		"north":        {"c"},
		DefaultCluster: {"e"},
	}
	if diff := cmp.Diff(want, names(set)); diff != "" {
		t.Errorf("clusters (-want +got):\n%s", diff)
	}
	for _, c := range set.Clusters {
		if c.Name == "west" && !slices.Contains(c.Complete, "Secret") {
			t.Errorf("west should have a complete Secret inventory")
		}
	}
}

func TestMissingFleetDirectoryIsAnError(t *testing.T) {
	set := Read(Layout{Fleet: filepath.Join(t.TempDir(), "nope")}, nil, source.Limits{})
	if len(set.Errors) != 1 || set.Errors[0].File == "" {
		t.Fatalf("errors = %v", set.Errors)
	}
}

func TestDeclaredClusterWithoutFilesStillExists(t *testing.T) {
	set := Read(Layout{Config: []Assignment{{Cluster: "empty", Path: t.TempDir()}}}, nil, source.Limits{})
	if len(set.Clusters) != 1 || set.Clusters[0].Name != "empty" {
		t.Fatalf("clusters = %+v", set.Clusters)
	}
}
