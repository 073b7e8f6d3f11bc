package terraform

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/meshcheck/meshcheck/source"
)

// FuzzRead reads any text as a .tf file beside a values file and a
// template: no panic, every object and error is located in a file, and no
// value holds the stand-in for an unknown part (unknowns are left out).
func FuzzRead(f *testing.F) {
	files, _ := filepath.Glob("../testdata/terraform/*/*/*.tf")
	for _, p := range files {
		if b, err := os.ReadFile(p); err == nil {
			f.Add(string(b))
		}
	}
	f.Add(`resource "helm_release" "x" {
  chart  = "istiod"
  name   = "istiod"
  values = [yamlencode({ global = { network = var.n, meshID = "m", l = [1, var.x] } }), file("v.yaml"), templatefile("t.tpl", { a = var.a })]
  set = [{ name = "a\\.b.c", value = "{1,2}" }]
}
resource "kubernetes_manifest" "m" {
  for_each = { a = 1, b = 2 }
  manifest = yamldecode(file("v.yaml"))
}
resource "kubernetes_secret" "s" {
  count = 2
  metadata {
    name = "s${count.index}"
  }
  data = { (local.k) = file("v.yaml") }
}
locals {
  k = local.k
}
`)
	dir := f.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "v.yaml"), []byte("global:\n  network: n1\n"), 0o600); err != nil {
		f.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "t.tpl"), []byte("global:\n  network: ${a}\n  x: %{ if a }y%{ endif }\n"), 0o600); err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, text string) {
		file := filepath.Join(dir, "main.tf")
		objs, errs := Read(file, []byte(text), source.Limits{MaxFileBytes: 1 << 20, MaxNodes: 100_000, MaxDepth: 50})
		for _, o := range objs {
			if o.Data == nil || o.Origin.File == "" {
				t.Fatalf("object %+v", o.Origin)
			}
			o.Position("global.network")
			if !strings.Contains(text, holePrefix) {
				if s := holeIn(o.Data); s != "" {
					t.Fatalf("an unknown part kept as a value: %q", s)
				}
			}
		}
		for _, e := range errs {
			if e.File == "" || e.Err == nil {
				t.Fatalf("error %+v", e)
			}
		}
	})
}

// holeIn returns a string of d that holds a sentinel, or "".
func holeIn(d any) string {
	switch d := d.(type) {
	case string:
		if strings.Contains(d, holePrefix) {
			return d
		}
	case []any:
		for _, e := range d {
			if s := holeIn(e); s != "" {
				return s
			}
		}
	case map[string]any:
		for k, v := range d {
			if s := holeIn(k); s != "" {
				return s
			}
			if s := holeIn(v); s != "" {
				return s
			}
		}
	}
	return ""
}
