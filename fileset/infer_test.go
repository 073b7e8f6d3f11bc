package fileset

import (
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/meshcheck/meshcheck/model"
	"github.com/meshcheck/meshcheck/source"
)

// nameField reads a test object's cluster name from its "name" field,
// standing in for the model's reading of an install: "-" marks a file with
// nothing Istio reads, "install:K" one that installs control plane K.
func nameField(o *source.Object) model.Description {
	n, _ := o.Data["name"].(string)
	d := model.Description{Istio: n != "-"}
	if k, ok := strings.CutPrefix(n, "install:"); ok {
		d.Installs = []string{k}
	} else if n != "" && n != "-" {
		d.ClusterNames = []string{n}
	}
	return d
}

// undeclared is a default cluster holding one object per file; a file's
// value is the cluster name its install sets ("" for none).
func undeclared(files map[string]string) *Set {
	ci := model.ClusterInput{Name: DefaultCluster}
	for _, f := range slices.Sorted(func(yield func(string) bool) {
		for k := range files {
			if !yield(k) {
				return
			}
		}
	}) {
		ci.Objects = append(ci.Objects, &source.Object{Data: map[string]any{"name": files[f]}, Origin: source.Origin{File: filepath.FromSlash(f)}})
	}
	return &Set{Clusters: []model.ClusterInput{ci}}
}

func clusterFiles(set *Set) map[string][]string {
	out := map[string][]string{}
	for _, c := range set.Clusters {
		for _, o := range c.Objects {
			out[c.Name] = append(out[c.Name], filepath.ToSlash(o.Origin.File))
		}
	}
	return out
}

func TestInfer(t *testing.T) {
	for _, tc := range []struct {
		name  string
		files map[string]string
		want  map[string][]string // nil: left as one cluster
		err   string
	}{
		{
			name:  "one cluster name stays one cluster",
			files: map[string]string{"repo/istio/iop.yaml": "c1", "repo/istio/ns.yaml": "", "repo/gw/gw.yaml": "c1"},
		},
		{
			name:  "no cluster name stays one cluster",
			files: map[string]string{"a/values.yaml": "", "b/values.yaml": ""},
		},
		{
			name:  "one directory per cluster",
			files: map[string]string{"fleet/east/iop.yaml": "east", "fleet/east/ns.yaml": "", "fleet/west/iop.yaml": "west", "fleet/west/sub/gw.yaml": ""},
			want:  map[string][]string{"east": {"fleet/east/iop.yaml", "fleet/east/ns.yaml"}, "west": {"fleet/west/iop.yaml", "fleet/west/sub/gw.yaml"}},
		},
		{
			name:  "clusters found deeper, named by path when names repeat",
			files: map[string]string{"envs/prod/c1/iop.yaml": "p1", "envs/prod/c2/iop.yaml": "p2", "envs/dev/c1/iop.yaml": "d1"},
			want:  map[string][]string{"prod/c1": {"envs/prod/c1/iop.yaml"}, "prod/c2": {"envs/prod/c2/iop.yaml"}, "dev/c1": {"envs/dev/c1/iop.yaml"}},
		},
		{
			name:  "one control plane installed in two directories, without cluster names",
			files: map[string]string{"c1/iop.yaml": "install:istio-system", "c1/ns.yaml": "", "c2/iop.yaml": "install:istio-system"},
			want:  map[string][]string{"c1": {"c1/iop.yaml", "c1/ns.yaml"}, "c2": {"c2/iop.yaml"}},
		},
		{
			name:  "two revisions in one cluster",
			files: map[string]string{"istio/iop-1-26.yaml": "install:istio-system 1-26", "istio/iop-1-27.yaml": "install:istio-system 1-27"},
		},
		{
			name:  "one control plane installed twice in one directory",
			files: map[string]string{"istio/a.yaml": "install:istio-system", "istio/b.yaml": "install:istio-system"},
			err:   "istio/a.yaml and istio/b.yaml both install istio-system",
		},
		{
			name:  "two names in one directory",
			files: map[string]string{"istio/east.yaml": "east", "istio/west.yaml": "west"},
			err:   "cluster names east, west",
		},
		{
			name:  "a shared directory without a cluster name",
			files: map[string]string{"fleet/east/iop.yaml": "east", "fleet/west/iop.yaml": "west", "fleet/common/ns.yaml": ""},
			err:   "no directory layout separates them",
		},
		{
			name:  "a file above the cluster directories",
			files: map[string]string{"fleet/east/iop.yaml": "east", "fleet/west/iop.yaml": "west", "fleet/ns.yaml": ""},
			err:   "no directory layout separates them",
		},
		{
			name:  "a file above the cluster directories holding nothing Istio reads",
			files: map[string]string{"fleet/east/iop.yaml": "east", "fleet/west/iop.yaml": "west", "fleet/kustomization.yaml": "-", "fleet/west/kustomization.yaml": "-"},
			want:  map[string][]string{"east": {"fleet/east/iop.yaml"}, "west": {"fleet/west/iop.yaml", "fleet/west/kustomization.yaml"}},
		},
		{
			name:  "standard input",
			files: map[string]string{"-": "east", "x/a.yaml": "west"},
			err:   "standard input",
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			set := undeclared(tc.files)
			split, err := Infer(set, nameField)
			if tc.err != "" {
				if err == nil || !strings.Contains(err.Error(), tc.err) || !strings.Contains(err.Error(), "--fleet") {
					t.Fatalf("err = %v, want one saying %q and showing --fleet", err, tc.err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if tc.want == nil {
				if split != nil || len(set.Clusters) != 1 || set.Clusters[0].Name != DefaultCluster {
					t.Fatalf("split = %+v, clusters %v; want the inputs left as one cluster", split, clusterFiles(set))
				}
				return
			}
			got := clusterFiles(set)
			for _, files := range got {
				slices.Sort(files)
			}
			if split == nil || len(got) != len(tc.want) {
				t.Fatalf("clusters = %v, want %v", got, tc.want)
			}
			for name, files := range tc.want {
				if !slices.Equal(got[name], files) {
					t.Errorf("cluster %s = %v, want %v", name, got[name], files)
				}
			}
		})
	}
}

// Objects assigned by a layout or an annotation are never moved.
func TestInferLeavesAssignedClusters(t *testing.T) {
	set := undeclared(map[string]string{"fleet/east/iop.yaml": "east", "fleet/west/iop.yaml": "west"})
	set.Clusters = append(set.Clusters, model.ClusterInput{Name: "annotated", Objects: []*source.Object{{Data: map[string]any{"name": "x"}}}})
	if _, err := Infer(set, nameField); err != nil {
		t.Fatal(err)
	}
	got := clusterFiles(set)
	if len(got) != 3 || len(got["annotated"]) != 1 || len(got[DefaultCluster]) != 0 {
		t.Fatalf("clusters = %v", got)
	}
}

// A file outside every cluster's directory that holds nothing Istio reads
// is named as unassigned, not put in a cluster of its own.
func TestInferNamesUnassignedFiles(t *testing.T) {
	set := undeclared(map[string]string{"fleet/east/iop.yaml": "east", "fleet/west/iop.yaml": "west", "fleet/kustomization.yaml": "-"})
	split, err := Infer(set, nameField)
	if err != nil {
		t.Fatal(err)
	}
	if split == nil || !slices.Equal(split.Unassigned, []string{filepath.FromSlash("fleet/kustomization.yaml")}) {
		t.Fatalf("split = %+v, want fleet/kustomization.yaml unassigned", split)
	}
	if got := clusterFiles(set); len(got) != 2 {
		t.Fatalf("clusters = %v, want east and west only", got)
	}
}

// The same object in two inferred clusters is two objects; twice in one
// cluster it is an input error, as in a declared cluster.
func TestInferFindsDuplicatesPerCluster(t *testing.T) {
	ns := func(file string) *source.Object {
		return &source.Object{Data: map[string]any{"apiVersion": "v1", "kind": "Namespace", "metadata": map[string]any{"name": "istio-system"}}, Origin: source.Origin{File: file, Line: 1}}
	}
	// A second definition that differs (an identical one is dropped quietly).
	nsCopy := ns("f/west/ns-copy.yaml")
	nsCopy.Data["metadata"] = map[string]any{"name": "istio-system", "labels": map[string]any{"topology.istio.io/network": "network2"}}
	iop := func(file, name string) *source.Object {
		return &source.Object{Data: map[string]any{"name": name}, Origin: source.Origin{File: file}}
	}
	set := &Set{Clusters: []model.ClusterInput{{Name: DefaultCluster, Objects: []*source.Object{
		iop("f/east/iop.yaml", "east"), ns("f/east/ns.yaml"),
		iop("f/west/iop.yaml", "west"), ns("f/west/ns.yaml"), nsCopy,
	}}}}
	if _, err := Infer(set, func(o *source.Object) model.Description {
		if o.Kind() == "Namespace" {
			return model.Description{Istio: true}
		}
		return nameField(o)
	}); err != nil {
		t.Fatal(err)
	}
	if len(set.Errors) != 1 || set.Errors[0].File != "f/west/ns-copy.yaml" || !strings.Contains(set.Errors[0].Error(), "cluster west at f/west/ns.yaml:1") {
		t.Fatalf("errors = %v, want one: the copy in west", set.Errors)
	}
}
