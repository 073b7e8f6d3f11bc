package main

import (
	"archive/tar"
	"compress/gzip"
	"crypto/sha256"
	"debug/buildinfo"
	"encoding/hex"
	"encoding/json"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime/debug"
	"slices"
	"strings"
	"testing"
	"time"
)

func TestSBOMOf(t *testing.T) {
	const h1 = "h1:47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=" // SHA-256 of nothing
	bi := func(deps ...*debug.Module) *buildinfo.BuildInfo {
		return &buildinfo.BuildInfo{GoVersion: "go1.26.8", Main: debug.Module{Path: modulePath, Version: "(devel)"}, Deps: deps}
	}
	cli := bi(&debug.Module{Path: "github.com/open-policy-agent/opa", Version: "v1.22.3", Sum: h1})
	server := bi(&debug.Module{Path: "github.com/open-policy-agent/opa", Version: "v1.22.3", Sum: h1},
		&debug.Module{Path: "example.com/old", Version: "v1.0.0", Replace: &debug.Module{Path: "example.com/new", Version: "v2.0.0"}})
	out, err := sbomOf("v1.2.3", []*buildinfo.BuildInfo{cli, server}, time.Unix(0, 0))
	if err != nil {
		t.Fatal(err)
	}
	doc := parseSBOM(t, out)
	got := map[string]spdxPackage{}
	for _, p := range doc.Packages {
		got[p.Name] = p
	}
	if len(doc.Packages) != 4 {
		t.Errorf("%d packages, want meshcheck, stdlib, opa and the replacement: %+v", len(doc.Packages), doc.Packages)
	}
	if p := got[modulePath]; p.VersionInfo != "v1.2.3" || p.LicenseDeclared != "Apache-2.0" || p.ExternalRefs[0].ReferenceLocator != "pkg:golang/"+modulePath+"@v1.2.3" {
		t.Errorf("main package %+v", p)
	}
	if p := got["stdlib"]; p.VersionInfo != "go1.26.8" {
		t.Errorf("stdlib %+v", p)
	}
	opa := got["github.com/open-policy-agent/opa"]
	if opa.VersionInfo != "v1.22.3" || len(opa.Checksums) != 1 || opa.Checksums[0].ChecksumValue != "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855" {
		t.Errorf("opa %+v", opa)
	}
	if p, ok := got["example.com/new"]; !ok || p.VersionInfo != "v2.0.0" {
		t.Errorf("a replaced module is listed as its replacement: %+v", doc.Packages)
	}
	if len(doc.Relationships) != 4 || doc.Relationships[0].RelationshipType != "DESCRIBES" {
		t.Errorf("relationships %+v", doc.Relationships)
	}
	for _, p := range doc.Packages {
		if !regexp.MustCompile(`^SPDXRef-[A-Za-z0-9.-]+$`).MatchString(p.SPDXID) {
			t.Errorf("SPDXID %q", p.SPDXID)
		}
	}

	other := bi()
	other.GoVersion = "go1.25.0"
	if _, err := sbomOf("v1", []*buildinfo.BuildInfo{cli, other}, time.Unix(0, 0)); err == nil {
		t.Error("binaries of two Go versions gave one SBOM")
	}
}

// TestRelease builds the linux/amd64 archive as make release does and checks
// it, SHA256SUMS and the SBOM (make release builds every platform the same
// way; this keeps make test to one).
func TestRelease(t *testing.T) {
	const version = "v0.0.0-releasetest"
	out := t.TempDir()
	if err := release(config{root: "../..", out: out, version: version, platforms: []string{"linux/amd64"}, created: time.Unix(1700000000, 0)}); err != nil {
		t.Fatal(err)
	}
	archive := "meshcheck_" + version + "_linux_amd64.tar.gz"
	sbomName := "meshcheck_" + version + ".spdx.json"

	// SHA256SUMS names every artifact, with its digest.
	sums, err := os.ReadFile(filepath.Join(out, "SHA256SUMS"))
	if err != nil {
		t.Fatal(err)
	}
	var named []string
	for line := range strings.Lines(string(sums)) {
		sum, name, ok := strings.Cut(strings.TrimSpace(line), "  ")
		if !ok {
			t.Fatalf("SHA256SUMS line %q", line)
		}
		data, err := os.ReadFile(filepath.Join(out, name))
		if err != nil {
			t.Fatal(err)
		}
		if h := sha256.Sum256(data); hex.EncodeToString(h[:]) != sum {
			t.Errorf("SHA256SUMS: %s has %x, the file says %s", name, h, sum)
		}
		named = append(named, name)
	}
	webhook := "meshcheck_" + version + "_webhook.yaml"
	certManager := "meshcheck_" + version + "_webhook_cert-manager.yaml"
	if want := []string{archive, sbomName, webhook, certManager}; !slices.Equal(named, want) {
		t.Errorf("SHA256SUMS names %v, want %v", named, want)
	}

	// The manifests run the image at this version.
	for _, name := range []string{webhook, certManager} {
		y, err := os.ReadFile(filepath.Join(out, name))
		if err != nil {
			t.Fatal(err)
		}
		if want := "image: " + imageRepo + ":" + version + "\n"; strings.Count(string(y), want) != 1 || strings.Count(string(y), "image:") != 1 {
			t.Errorf("%s: want one %q, got\n%s", name, want, y)
		}
	}

	// The archive holds both binaries and the documents; the binary runs and
	// says its version.
	dir := t.TempDir()
	names := untar(t, filepath.Join(out, archive), dir)
	if want := []string{"meshcheck", "meshcheck-webhook", "LICENSE", "README.md", "CHANGELOG.md"}; !slices.Equal(names, want) {
		t.Errorf("archive holds %v, want %v", names, want)
	}
	for _, args := range [][]string{{"meshcheck", "version"}, {"meshcheck-webhook", "--version"}} {
		got, err := exec.Command(filepath.Join(dir, args[0]), args[1:]...).CombinedOutput()
		if err != nil || !strings.Contains(string(got), version) {
			t.Errorf("%s from the archive: %v, printed %q, want %s", strings.Join(args, " "), err, got, version)
		}
	}

	// The SBOM lists meshcheck at the release's version and OPA at the
	// version go.mod requires.
	data, err := os.ReadFile(filepath.Join(out, sbomName))
	if err != nil {
		t.Fatal(err)
	}
	doc := parseSBOM(t, data)
	gomod, err := os.ReadFile("../../go.mod")
	if err != nil {
		t.Fatal(err)
	}
	m := regexp.MustCompile(`(?m)^\s*github.com/open-policy-agent/opa (v\S+)`).FindSubmatch(gomod)
	if m == nil {
		t.Fatal("go.mod does not require github.com/open-policy-agent/opa")
	}
	want := map[string]string{modulePath: version, "github.com/open-policy-agent/opa": string(m[1]), "sigs.k8s.io/controller-runtime": ""}
	for _, p := range doc.Packages {
		if v, ok := want[p.Name]; ok && (v == "" || v == p.VersionInfo) {
			delete(want, p.Name)
		}
	}
	if len(want) > 0 {
		t.Errorf("the SBOM lacks %v (has %d packages)", want, len(doc.Packages))
	}
}

func parseSBOM(t *testing.T, data []byte) spdxDocument {
	t.Helper()
	var doc spdxDocument
	if err := json.Unmarshal(data, &doc); err != nil {
		t.Fatalf("SBOM is not JSON: %v", err)
	}
	if doc.SPDXVersion != "SPDX-2.3" || doc.DataLicense != "CC0-1.0" || !strings.HasPrefix(doc.DocumentNamespace, "https://") {
		t.Errorf("SBOM header %+v", doc)
	}
	return doc
}

// untar extracts a flat .tar.gz into dir and returns its names in order.
func untar(t *testing.T, path, dir string) []string {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	zr, err := gzip.NewReader(f)
	if err != nil {
		t.Fatal(err)
	}
	tr := tar.NewReader(zr)
	var names []string
	for {
		h, err := tr.Next()
		if err == io.EOF {
			return names
		}
		if err != nil {
			t.Fatal(err)
		}
		if strings.Contains(h.Name, "/") || h.Typeflag != tar.TypeReg {
			t.Fatalf("archive entry %q (type %c): want flat regular files", h.Name, h.Typeflag)
		}
		names = append(names, h.Name)
		data, err := io.ReadAll(tr)
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, h.Name), data, os.FileMode(h.Mode)); err != nil {
			t.Fatal(err)
		}
	}
}
