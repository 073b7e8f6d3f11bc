// Command release builds meshcheck's release archives offline (make release):
// static binaries for each platform, one archive per platform with LICENSE,
// README.md and CHANGELOG.md, SHA256SUMS over the archives, and an SPDX 2.3
// SBOM written from the binaries' own build information (the modules, their
// versions and go.sum hashes that the go command recorded), so it lists what
// was linked, not what go.mod allows, and the webhook's manifests (deploy/base
// and the cert-manager overlay) with the image pinned to the version. It
// reads nothing from the network.
//
//	go run ./hack/release -version v1.2.3 -out bin/release
//
// Archives are meshcheck_<version>_<os>_<arch>.tar.gz (.zip on Windows). The
// webhook server is built for the platforms it runs on (unix); Windows gets
// the CLI alone, whose serve command cannot hand over there.
package main

import (
	"archive/tar"
	"archive/zip"
	"bytes"
	"compress/gzip"
	"crypto/sha256"
	"debug/buildinfo"
	"encoding/hex"
	"errors"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"time"
)

// Platforms are the release's GOOS/GOARCH pairs.
var defaultPlatforms = "linux/amd64,linux/arm64,darwin/amd64,darwin/arm64,windows/amd64"

// docs are copied into every archive from the repository root.
var docs = []string{"LICENSE", "README.md", "CHANGELOG.md"}

const modulePath = "github.com/meshcheck/meshcheck"

// LDFlags are the link flags of a release binary; make image uses the same.
func ldflags(version string) string {
	return "-s -w -X " + modulePath + "/internal/buildinfo.version=" + version
}

func main() {
	var (
		version   = flag.String("version", "", "version to stamp and to name the archives (required)")
		out       = flag.String("out", "bin/release", "output directory (its previous archives are replaced)")
		platforms = flag.String("platforms", defaultPlatforms, "comma-separated GOOS/GOARCH list")
		root      = flag.String("root", ".", "repository root")
	)
	flag.Parse()
	if *version == "" {
		fmt.Fprintln(os.Stderr, "release: -version is required")
		os.Exit(2)
	}
	created, err := sourceDate()
	if err == nil {
		err = release(config{root: *root, out: *out, version: *version, platforms: strings.Split(*platforms, ","), created: created})
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "release:", err)
		os.Exit(1)
	}
}

type config struct {
	root, out, version string
	platforms          []string
	created            time.Time // file times in the archives and the SBOM's date
}

// sourceDate is SOURCE_DATE_EPOCH (reproducible-builds.org), else the Unix epoch.
func sourceDate() (time.Time, error) {
	s := os.Getenv("SOURCE_DATE_EPOCH")
	if s == "" {
		return time.Unix(0, 0).UTC(), nil
	}
	n, err := strconv.ParseInt(s, 10, 64)
	if err != nil {
		return time.Time{}, fmt.Errorf("SOURCE_DATE_EPOCH %q: %w", s, err)
	}
	return time.Unix(n, 0).UTC(), nil
}

// binariesFor are the commands released for goos.
func binariesFor(goos string) []string {
	if goos == "windows" {
		return []string{"meshcheck"}
	}
	return []string{"meshcheck", "meshcheck-webhook"}
}

func release(c config) error {
	root, err := filepath.Abs(c.root)
	if err != nil {
		return err
	}
	if err := os.MkdirAll(c.out, 0o755); err != nil {
		return err
	}
	buildDir, err := os.MkdirTemp("", "meshcheck-release-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(buildDir)

	var archives, binaries []string
	for _, p := range c.platforms {
		goos, goarch, ok := strings.Cut(strings.TrimSpace(p), "/")
		if !ok || goos == "" || goarch == "" {
			return fmt.Errorf("platform %q: want GOOS/GOARCH", p)
		}
		dir := filepath.Join(buildDir, goos+"_"+goarch)
		bins, err := build(root, dir, goos, goarch, c.version)
		if err != nil {
			return err
		}
		binaries = append(binaries, bins...)
		files := append([]string(nil), bins...)
		for _, d := range docs {
			files = append(files, filepath.Join(root, d))
		}
		name := fmt.Sprintf("meshcheck_%s_%s_%s", c.version, goos, goarch)
		if goos == "windows" {
			name += ".zip"
			err = writeZip(filepath.Join(c.out, name), files, c.created)
		} else {
			name += ".tar.gz"
			err = writeTarGz(filepath.Join(c.out, name), files, c.created)
		}
		if err != nil {
			return fmt.Errorf("write %s: %w", name, err)
		}
		archives = append(archives, name)
		fmt.Println(filepath.Join(c.out, name))
	}

	sbomName := fmt.Sprintf("meshcheck_%s.spdx.json", c.version)
	doc, err := sbom(c.version, binaries, c.created)
	if err != nil {
		return err
	}
	if err := os.WriteFile(filepath.Join(c.out, sbomName), doc, 0o644); err != nil {
		return err
	}
	fmt.Println(filepath.Join(c.out, sbomName))

	// The webhook's manifests with the image at this version.
	var deploys []string
	for _, overlay := range []string{"base", "overlays/cert-manager"} {
		y, err := manifests(root, overlay, c.version)
		if err != nil {
			return err
		}
		name := fmt.Sprintf("meshcheck_%s_webhook.yaml", c.version)
		if overlay != "base" {
			name = fmt.Sprintf("meshcheck_%s_webhook_%s.yaml", c.version, filepath.Base(overlay))
		}
		if err := os.WriteFile(filepath.Join(c.out, name), y, 0o644); err != nil {
			return err
		}
		deploys = append(deploys, name)
		fmt.Println(filepath.Join(c.out, name))
	}

	sums, err := checksums(c.out, append(append(archives, sbomName), deploys...))
	if err != nil {
		return err
	}
	fmt.Println(filepath.Join(c.out, "SHA256SUMS"))
	return os.WriteFile(filepath.Join(c.out, "SHA256SUMS"), sums, 0o644)
}

// build compiles the platform's binaries into dir: static (no cgo), with
// paths trimmed, so that they run on any Linux and depend only on the source.
func build(root, dir, goos, goarch, version string) ([]string, error) {
	var pkgs, bins []string
	for _, b := range binariesFor(goos) {
		pkgs = append(pkgs, "./cmd/"+b)
		exe := b
		if goos == "windows" {
			exe += ".exe"
		}
		bins = append(bins, filepath.Join(dir, exe))
	}
	args := append([]string{"build", "-trimpath", "-ldflags", ldflags(version), "-o", dir + string(filepath.Separator)}, pkgs...)
	cmd := exec.Command("go", args...)
	cmd.Dir = root
	cmd.Env = append(os.Environ(), "CGO_ENABLED=0", "GOOS="+goos, "GOARCH="+goarch, "GOFLAGS=-mod=readonly")
	if out, err := cmd.CombinedOutput(); err != nil {
		return nil, fmt.Errorf("go build for %s/%s: %w\n%s", goos, goarch, err, out)
	}
	return bins, nil
}

// writeTarGz writes files (flat, by base name) with fixed times and owners.
func writeTarGz(dst string, files []string, mtime time.Time) error {
	var buf bytes.Buffer
	zw, _ := gzip.NewWriterLevel(&buf, gzip.BestCompression)
	tw := tar.NewWriter(zw)
	for _, f := range files {
		data, mode, err := readFile(f)
		if err != nil {
			return err
		}
		h := &tar.Header{Name: filepath.Base(f), Mode: mode, Size: int64(len(data)), ModTime: mtime, Typeflag: tar.TypeReg, Format: tar.FormatPAX}
		if err := tw.WriteHeader(h); err != nil {
			return err
		}
		if _, err := tw.Write(data); err != nil {
			return err
		}
	}
	if err := errors.Join(tw.Close(), zw.Close()); err != nil {
		return err
	}
	return os.WriteFile(dst, buf.Bytes(), 0o644)
}

func writeZip(dst string, files []string, mtime time.Time) error {
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for _, f := range files {
		data, mode, err := readFile(f)
		if err != nil {
			return err
		}
		h := &zip.FileHeader{Name: filepath.Base(f), Method: zip.Deflate, Modified: mtime}
		h.SetMode(os.FileMode(mode))
		w, err := zw.CreateHeader(h)
		if err != nil {
			return err
		}
		if _, err := w.Write(data); err != nil {
			return err
		}
	}
	if err := zw.Close(); err != nil {
		return err
	}
	return os.WriteFile(dst, buf.Bytes(), 0o644)
}

// readFile returns a file's content and its archive mode: 0755 for the
// binaries, 0644 for documents.
func readFile(path string) ([]byte, int64, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, 0, err
	}
	fi, err := os.Stat(path)
	if err != nil {
		return nil, 0, err
	}
	if fi.Mode()&0o111 != 0 || strings.HasSuffix(path, ".exe") {
		return data, 0o755, nil
	}
	return data, 0o644, nil
}

// checksums is SHA256SUMS for the named files of dir, in the format
// `sha256sum -c` reads.
func checksums(dir string, names []string) ([]byte, error) {
	var b bytes.Buffer
	for _, n := range names {
		data, err := os.ReadFile(filepath.Join(dir, n))
		if err != nil {
			return nil, err
		}
		sum := sha256.Sum256(data)
		fmt.Fprintf(&b, "%s  %s\n", hex.EncodeToString(sum[:]), n)
	}
	return b.Bytes(), nil
}

// readBuildInfo reads the go command's record from each binary.
func readBuildInfo(binaries []string) ([]*buildinfo.BuildInfo, error) {
	var infos []*buildinfo.BuildInfo
	for _, b := range binaries {
		bi, err := buildinfo.ReadFile(b)
		if err != nil {
			return nil, fmt.Errorf("read build info of %s: %w", b, err)
		}
		infos = append(infos, bi)
	}
	return infos, nil
}
