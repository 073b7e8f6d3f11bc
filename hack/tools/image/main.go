// Command image writes meshcheck's OCI image without a container engine:
// one layer, from scratch, per platform, holding the two static binaries,
// the CA certificates, and /etc/passwd and /etc/group with the non-root user
// the Deployment runs as; an image index over the platforms, written as an
// OCI layout directory and, with -archive, as a tar of it (what
// `skopeo copy oci-archive:…` and `podman load` read). Nothing is pulled.
//
//	image -out bin/image/oci -version v1.2.3 -ca /etc/ssl/certs/ca-certificates.crt \
//	  -platform linux/amd64=bin/image/linux_amd64 -platform linux/arm64=bin/image/linux_arm64
//
// Each platform directory holds meshcheck and meshcheck-webhook. The output
// depends only on the inputs and SOURCE_DATE_EPOCH (file times and the
// created date), so a rebuild of the same commit gives the same digests.
package main

import (
	"archive/tar"
	"bytes"
	"compress/gzip"
	"errors"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"

	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/empty"
	"github.com/google/go-containerregistry/pkg/v1/layout"
	"github.com/google/go-containerregistry/pkg/v1/mutate"
	"github.com/google/go-containerregistry/pkg/v1/tarball"
	"github.com/google/go-containerregistry/pkg/v1/types"
)

// The image's fixed shape. The test in internal/repo checks it against
// deploy/base/deployment.yaml.
const (
	binDir     = "/usr/local/bin"
	entrypoint = binDir + "/meshcheck"
	uid        = 65532
	userName   = "nonroot"
	caPath     = "/etc/ssl/certs/ca-certificates.crt"
)

var binaries = []string{"meshcheck", "meshcheck-webhook"}

type platformFlag []string

func (p *platformFlag) String() string     { return strings.Join(*p, ",") }
func (p *platformFlag) Set(v string) error { *p = append(*p, v); return nil }

func main() {
	var (
		out       = flag.String("out", "", "OCI layout directory to write (replaced)")
		archive   = flag.String("archive", "", "also write the layout as this tar file")
		name      = flag.String("name", "ghcr.io/meshcheck/meshcheck", "repository the image is published as (the layout's io.containerd.image.name)")
		version   = flag.String("version", "dev", "version: the org.opencontainers.image.version label and the layout's tag")
		source    = flag.String("source", "https://github.com/meshcheck/meshcheck", "org.opencontainers.image.source label")
		revision  = flag.String("revision", "", "org.opencontainers.image.revision label (the commit)")
		ca        = flag.String("ca", caPath, "CA certificate bundle to copy to "+caPath)
		platforms platformFlag
	)
	flag.Var(&platforms, "platform", "OS/ARCH=DIR with DIR holding the binaries (repeatable)")
	flag.Parse()
	if *out == "" || len(platforms) == 0 {
		fmt.Fprintln(os.Stderr, "image: -out and at least one -platform are required")
		os.Exit(2)
	}
	created, err := sourceDate()
	if err == nil {
		err = run(options{name: *name, out: *out, archive: *archive, version: *version, source: *source, revision: *revision, ca: *ca, platforms: platforms, created: created})
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "image:", err)
		os.Exit(1)
	}
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

type options struct {
	name, out, archive, version, source, revision, ca string
	platforms                                         []string
	created                                           time.Time
}

func run(o options) error {
	caData, err := os.ReadFile(o.ca)
	if err != nil {
		return fmt.Errorf("CA certificates (install Debian's ca-certificates): %w", err)
	}
	labels := map[string]string{
		"org.opencontainers.image.title":       "meshcheck",
		"org.opencontainers.image.description": "Checks that the Istio settings of a fleet of clusters agree: CLI and admission webhook",
		"org.opencontainers.image.version":     o.version,
		"org.opencontainers.image.source":      o.source,
		"org.opencontainers.image.licenses":    "Apache-2.0",
		"org.opencontainers.image.created":     o.created.Format(time.RFC3339),
	}
	if o.revision != "" {
		labels["org.opencontainers.image.revision"] = o.revision
	}

	// Each platform's layer is compressed on its own core.
	adds := make([]mutate.IndexAddendum, len(o.platforms))
	errs := make([]error, len(o.platforms))
	var wg sync.WaitGroup
	for i, p := range o.platforms {
		plat, dir, ok := strings.Cut(p, "=")
		goos, arch, ok2 := strings.Cut(plat, "/")
		if !ok || !ok2 || dir == "" {
			return fmt.Errorf("-platform %q: want OS/ARCH=DIR", p)
		}
		wg.Go(func() {
			img, err := platformImage(dir, goos, arch, caData, labels, o.created)
			if err != nil {
				errs[i] = fmt.Errorf("%s: %w", plat, err)
			}
			adds[i] = mutate.IndexAddendum{
				Add:        img,
				Descriptor: v1.Descriptor{Platform: &v1.Platform{OS: goos, Architecture: arch}},
			}
		})
	}
	wg.Wait()
	if err := errors.Join(errs...); err != nil {
		return err
	}
	idx := mutate.AppendManifests(mutate.IndexMediaType(empty.Index, types.OCIImageIndex), adds...)
	idx = mutate.Annotations(idx, map[string]string{
		"org.opencontainers.image.version": o.version,
		"org.opencontainers.image.source":  o.source,
		"org.opencontainers.image.created": o.created.Format(time.RFC3339),
	}).(v1.ImageIndex)

	if err := os.RemoveAll(o.out); err != nil {
		return err
	}
	lp, err := layout.Write(o.out, empty.Index)
	if err != nil {
		return err
	}
	if err := lp.AppendIndex(idx, layout.WithAnnotations(map[string]string{
		"org.opencontainers.image.ref.name": o.version,
		"io.containerd.image.name":          o.name + ":" + o.version,
	})); err != nil {
		return fmt.Errorf("write %s: %w", o.out, err)
	}
	if o.archive != "" {
		if err := tarDir(o.out, o.archive, o.created); err != nil {
			return fmt.Errorf("write %s: %w", o.archive, err)
		}
	}
	d, err := idx.Digest()
	if err != nil {
		return err
	}
	fmt.Printf("%s %s (%s)\n", o.out, d, strings.Join(o.platforms, ", "))
	return nil
}

func platformImage(dir, goos, arch string, caData []byte, labels map[string]string, created time.Time) (v1.Image, error) {
	layerTar, err := rootfs(dir, caData, created)
	if err != nil {
		return nil, err
	}
	var gz bytes.Buffer
	zw := gzip.NewWriter(&gz) // no name or time in the header
	if _, err := zw.Write(layerTar); err != nil {
		return nil, err
	}
	if err := zw.Close(); err != nil {
		return nil, err
	}
	layer, err := tarball.LayerFromOpener(func() (io.ReadCloser, error) {
		return io.NopCloser(bytes.NewReader(gz.Bytes())), nil
	}, tarball.WithMediaType(types.OCILayer))
	if err != nil {
		return nil, err
	}
	img := mutate.MediaType(empty.Image, types.OCIManifestSchema1)
	img = mutate.ConfigMediaType(img, types.OCIConfigJSON)
	img, err = mutate.Append(img, mutate.Addendum{Layer: layer, History: v1.History{
		Created:   v1.Time{Time: created},
		CreatedBy: "hack/tools/image: " + strings.Join(binaries, ", ") + ", CA certificates, user " + userName,
	}})
	if err != nil {
		return nil, err
	}
	cf, err := img.ConfigFile()
	if err != nil {
		return nil, err
	}
	cf = cf.DeepCopy()
	cf.OS, cf.Architecture = goos, arch
	cf.Created = v1.Time{Time: created}
	cf.Config = v1.Config{
		User:       fmt.Sprintf("%d:%d", uid, uid),
		Entrypoint: []string{entrypoint},
		Env:        []string{"PATH=" + binDir + ":/usr/bin:/bin", "SSL_CERT_FILE=" + caPath},
		WorkingDir: "/home/" + userName,
		Labels:     labels,
	}
	return mutate.ConfigFile(img, cf)
}

// rootfs is the layer's tar: directories, the binaries of dir, the CA
// bundle, and the user and group files, owned by root except the home.
func rootfs(dir string, caData []byte, mtime time.Time) ([]byte, error) {
	type entry struct {
		name string
		mode int64
		uid  int
		data []byte
		dir  bool
	}
	passwd := "root:x:0:0:root:/root:/sbin/nologin\n" +
		fmt.Sprintf("%s:x:%d:%d:%s:/home/%s:/sbin/nologin\n", userName, uid, uid, userName, userName)
	group := "root:x:0:\n" + fmt.Sprintf("%s:x:%d:\n", userName, uid)
	entries := []entry{
		{name: "etc/", mode: 0o755, dir: true},
		{name: "etc/group", mode: 0o644, data: []byte(group)},
		{name: "etc/passwd", mode: 0o644, data: []byte(passwd)},
		{name: "etc/ssl/", mode: 0o755, dir: true},
		{name: "etc/ssl/certs/", mode: 0o755, dir: true},
		{name: strings.TrimPrefix(caPath, "/"), mode: 0o644, data: caData},
		{name: "home/", mode: 0o755, dir: true},
		{name: "home/" + userName + "/", mode: 0o700, uid: uid, dir: true},
		{name: "tmp/", mode: 0o1777, dir: true},
		{name: "usr/", mode: 0o755, dir: true},
		{name: "usr/local/", mode: 0o755, dir: true},
		{name: "usr/local/bin/", mode: 0o755, dir: true},
	}
	for _, b := range binaries {
		data, err := os.ReadFile(filepath.Join(dir, b))
		if err != nil {
			return nil, err
		}
		if !bytes.HasPrefix(data, []byte("\x7fELF")) {
			return nil, fmt.Errorf("%s is not a Linux (ELF) binary", filepath.Join(dir, b))
		}
		entries = append(entries, entry{name: strings.TrimPrefix(binDir, "/") + "/" + b, mode: 0o755, data: data})
	}
	sort.Slice(entries, func(i, j int) bool { return entries[i].name < entries[j].name })

	var buf bytes.Buffer
	tw := tar.NewWriter(&buf)
	for _, e := range entries {
		h := &tar.Header{Name: e.name, Mode: e.mode, Uid: e.uid, Gid: e.uid, ModTime: mtime, Format: tar.FormatPAX, Typeflag: tar.TypeReg, Size: int64(len(e.data))}
		if e.dir {
			h.Typeflag, h.Size = tar.TypeDir, 0
		}
		if err := tw.WriteHeader(h); err != nil {
			return nil, err
		}
		if _, err := tw.Write(e.data); err != nil {
			return nil, err
		}
	}
	if err := tw.Close(); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// tarDir writes the files under dir, sorted, with fixed times and owners.
func tarDir(dir, dst string, mtime time.Time) error {
	var names []string
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || p == dir {
			return err
		}
		rel, err := filepath.Rel(dir, p)
		if err != nil {
			return err
		}
		names = append(names, filepath.ToSlash(rel))
		return nil
	})
	if err != nil {
		return err
	}
	sort.Strings(names)
	f, err := os.Create(dst)
	if err != nil {
		return err
	}
	tw := tar.NewWriter(f)
	for _, n := range names {
		fi, err := os.Stat(filepath.Join(dir, n))
		if err != nil {
			return errors.Join(err, f.Close())
		}
		h := &tar.Header{Name: n, Mode: 0o644, ModTime: mtime, Format: tar.FormatPAX, Typeflag: tar.TypeReg, Size: fi.Size()}
		if fi.IsDir() {
			h.Name, h.Mode, h.Typeflag, h.Size = n+"/", 0o755, tar.TypeDir, 0
		}
		if err := tw.WriteHeader(h); err != nil {
			return errors.Join(err, f.Close())
		}
		if !fi.IsDir() {
			data, err := os.ReadFile(filepath.Join(dir, n))
			if err == nil {
				_, err = tw.Write(data)
			}
			if err != nil {
				return errors.Join(err, f.Close())
			}
		}
	}
	return errors.Join(tw.Close(), f.Close())
}
