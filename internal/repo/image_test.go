package repo

import (
	"archive/tar"
	"bytes"
	"compress/gzip"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"maps"
	"os"
	"os/exec"
	"path"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"testing"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	"sigs.k8s.io/kustomize/api/krusty"
	"sigs.k8s.io/kustomize/kyaml/filesys"
	"sigs.k8s.io/yaml"
)

// The parts of the OCI image layout, index, manifest and config this test
// reads (https://github.com/opencontainers/image-spec). It reads them with
// encoding/json, not with go-containerregistry that wrote them.
type ociDescriptor struct {
	MediaType   string            `json:"mediaType"`
	Digest      string            `json:"digest"`
	Size        int64             `json:"size"`
	Annotations map[string]string `json:"annotations"`
	Platform    *struct {
		OS           string `json:"os"`
		Architecture string `json:"architecture"`
	} `json:"platform"`
}

type ociIndex struct {
	MediaType string          `json:"mediaType"`
	Manifests []ociDescriptor `json:"manifests"`
}

type ociManifest struct {
	MediaType string          `json:"mediaType"`
	Config    ociDescriptor   `json:"config"`
	Layers    []ociDescriptor `json:"layers"`
}

type ociConfig struct {
	OS           string `json:"os"`
	Architecture string `json:"architecture"`
	Config       struct {
		User       string            `json:"User"`
		Entrypoint []string          `json:"Entrypoint"`
		Cmd        []string          `json:"Cmd"`
		Labels     map[string]string `json:"Labels"`
	} `json:"config"`
	RootFS struct {
		DiffIDs []string `json:"diff_ids"`
	} `json:"rootfs"`
}

// TestImage checks the image make image wrote (MESHCHECK_IMAGE, exported by
// the Makefile; bin/image/oci by default): an index for linux/amd64 and
// linux/arm64, a non-root user, the entrypoint the Deployment relies on,
// the version label the binaries print, and a root filesystem whose binary
// runs, as the Deployment starts it, with CA certificates beside it.
func TestImage(t *testing.T) {
	root, _ := trackedFiles(t)
	dir := os.Getenv("MESHCHECK_IMAGE")
	if dir == "" {
		dir = filepath.Join(root, "bin", "image", "oci")
	}
	if _, err := os.Stat(filepath.Join(dir, "oci-layout")); err != nil {
		t.Fatalf("no OCI layout at %s: run `make image` (make test does): %v", dir, err)
	}
	blob := func(d ociDescriptor, into any) []byte {
		t.Helper()
		alg, hexsum, _ := strings.Cut(d.Digest, ":")
		data, err := os.ReadFile(filepath.Join(dir, "blobs", alg, hexsum))
		if err != nil {
			t.Fatalf("blob %s: %v", d.Digest, err)
		}
		if sum := sha256.Sum256(data); alg != "sha256" || hex.EncodeToString(sum[:]) != hexsum || int64(len(data)) != d.Size {
			t.Fatalf("blob %s: content does not match its digest or size %d", d.Digest, d.Size)
		}
		if into != nil {
			if err := json.Unmarshal(data, into); err != nil {
				t.Fatalf("blob %s (%s): %v", d.Digest, d.MediaType, err)
			}
		}
		return data
	}

	var top ociIndex
	data, err := os.ReadFile(filepath.Join(dir, "index.json"))
	if err == nil {
		err = json.Unmarshal(data, &top)
	}
	if err != nil || len(top.Manifests) != 1 || top.Manifests[0].MediaType != "application/vnd.oci.image.index.v1+json" {
		t.Fatalf("index.json: want one image index, got %+v (%v)", top, err)
	}
	name := top.Manifests[0].Annotations["io.containerd.image.name"]
	tag := top.Manifests[0].Annotations["org.opencontainers.image.ref.name"]
	repo, version, _ := strings.Cut(name, ":")
	if version == "" || version != tag {
		t.Errorf("index.json names the image %q and tags it %q: want REPOSITORY:VERSION and VERSION", name, tag)
	}

	var idx ociIndex
	blob(top.Manifests[0], &idx)
	configs := map[string]ociConfig{}
	layers := map[string][]ociDescriptor{}
	for _, m := range idx.Manifests {
		if m.Platform == nil {
			t.Fatalf("index entry %s has no platform", m.Digest)
		}
		plat := m.Platform.OS + "/" + m.Platform.Architecture
		var man ociManifest
		blob(m, &man)
		var cfg ociConfig
		blob(man.Config, &cfg)
		if cfg.OS+"/"+cfg.Architecture != plat || len(man.Layers) != len(cfg.RootFS.DiffIDs) {
			t.Errorf("%s: config says %s/%s with %d diff IDs for %d layers", plat, cfg.OS, cfg.Architecture, len(cfg.RootFS.DiffIDs), len(man.Layers))
		}
		configs[plat], layers[plat] = cfg, man.Layers
	}
	if got := slices.Sorted(maps.Keys(configs)); !slices.Equal(got, []string{"linux/amd64", "linux/arm64"}) {
		t.Errorf("the index holds %v, want linux/amd64 and linux/arm64", got)
	}

	deploy := deployedContainer(t, filepath.Join(root, "deploy", "base"))
	if img, _, _ := strings.Cut(deploy.Image, ":"); img != repo {
		t.Errorf("deploy/base runs image %q; make image builds %q", deploy.Image, repo)
	}
	for plat, cfg := range configs {
		c := cfg.Config
		if uid, _, _ := strings.Cut(c.User, ":"); c.User != "65532:65532" || uid == "0" || uid == "root" {
			t.Errorf("%s: user %q, want 65532:65532 (nonroot), as the Deployment's runAsUser", plat, c.User)
		}
		if len(c.Entrypoint) != 1 || len(c.Cmd) != 0 {
			t.Errorf("%s: entrypoint %q and cmd %q: want one entrypoint the Deployment's args follow", plat, c.Entrypoint, c.Cmd)
		}
		if len(deploy.Command) > 0 && !slices.Equal(deploy.Command, c.Entrypoint) {
			t.Errorf("%s: the Deployment runs %q, the image's entrypoint is %q", plat, deploy.Command, c.Entrypoint)
		}
		for k, want := range map[string]string{
			"org.opencontainers.image.version":  version,
			"org.opencontainers.image.licenses": "Apache-2.0",
			"org.opencontainers.image.source":   "https://github.com/meshcheck/meshcheck",
		} {
			if c.Labels[k] != want {
				t.Errorf("%s: label %s = %q, want %q", plat, k, c.Labels[k], want)
			}
		}
	}

	// Run this machine's platform from its unpacked root filesystem.
	plat := "linux/" + runtime.GOARCH
	cfg, ok := configs[plat]
	if runtime.GOOS != "linux" || !ok {
		t.Fatalf("the image has no %s/%s to run here", runtime.GOOS, runtime.GOARCH)
	}
	rootfs := t.TempDir()
	for _, l := range layers[plat] {
		unpack(t, blob(l, nil), rootfs)
	}
	passwd, _ := os.ReadFile(filepath.Join(rootfs, "etc", "passwd"))
	if !strings.Contains(string(passwd), "nonroot:x:65532:65532:") {
		t.Errorf("/etc/passwd has no nonroot user 65532:\n%s", passwd)
	}
	ca, _ := os.ReadFile(filepath.Join(rootfs, "etc", "ssl", "certs", "ca-certificates.crt"))
	if n := bytes.Count(ca, []byte("-----BEGIN CERTIFICATE-----")); n < 10 {
		t.Errorf("/etc/ssl/certs/ca-certificates.crt holds %d certificates", n)
	}
	exe := filepath.Join(rootfs, filepath.FromSlash(cfg.Config.Entrypoint[0]))
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"--version"}, "meshcheck " + version + " "},
		// The Deployment's first argument, handing over to the webhook
		// binary found beside the entrypoint.
		{[]string{deploy.Args[0], "--version"}, "meshcheck-webhook " + version + " "},
	} {
		out, err := exec.Command(exe, tc.args...).CombinedOutput()
		if err != nil || !strings.HasPrefix(string(out), tc.want) {
			t.Errorf("%s %s: %v, printed %q, want %q…", cfg.Config.Entrypoint[0], strings.Join(tc.args, " "), err, out, tc.want)
		}
	}
}

// deployedContainer renders the kustomization in dir and returns the
// webhook Deployment's container.
func deployedContainer(t *testing.T, dir string) corev1.Container {
	t.Helper()
	m, err := krusty.MakeKustomizer(krusty.MakeDefaultOptions()).Run(filesys.MakeFsOnDisk(), dir)
	if err != nil {
		t.Fatalf("kustomize build %s: %v", dir, err)
	}
	for _, r := range m.Resources() {
		if r.GetKind() != "Deployment" {
			continue
		}
		b, err := r.AsYAML()
		if err != nil {
			t.Fatal(err)
		}
		var d appsv1.Deployment
		if err := yaml.Unmarshal(b, &d); err != nil {
			t.Fatalf("Deployment %s: %v", r.GetName(), err)
		}
		if cs := d.Spec.Template.Spec.Containers; len(cs) == 1 && len(cs[0].Args) > 0 {
			return cs[0]
		}
		t.Fatalf("Deployment %s: want one container with args", r.GetName())
	}
	t.Fatalf("%s renders no Deployment", dir)
	return corev1.Container{}
}

// unpack extracts a gzipped layer into dir: directories, regular files and
// symbolic links, refusing paths that leave dir.
func unpack(t *testing.T, layer []byte, dir string) {
	t.Helper()
	zr, err := gzip.NewReader(bytes.NewReader(layer))
	if err != nil {
		t.Fatalf("layer: %v", err)
	}
	tr := tar.NewReader(zr)
	for {
		h, err := tr.Next()
		if err == io.EOF {
			return
		}
		if err != nil {
			t.Fatalf("layer: %v", err)
		}
		name := path.Clean("/" + h.Name)
		if strings.HasPrefix(path.Base(name), ".wh.") {
			t.Fatalf("layer entry %s: whiteouts are not expected in a one-layer image", h.Name)
		}
		dst := filepath.Join(dir, filepath.FromSlash(name))
		switch h.Typeflag {
		case tar.TypeDir:
			err = os.MkdirAll(dst, 0o755)
		case tar.TypeReg:
			var data []byte
			if data, err = io.ReadAll(tr); err == nil {
				err = os.WriteFile(dst, data, os.FileMode(h.Mode)&0o777|0o600)
			}
		case tar.TypeSymlink:
			err = os.Symlink(h.Linkname, dst)
		default:
			err = fmt.Errorf("type %c not handled", h.Typeflag)
		}
		if err != nil {
			t.Fatalf("layer entry %s: %v", h.Name, err)
		}
	}
}
