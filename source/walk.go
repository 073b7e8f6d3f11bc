package source

import (
	"bytes"
	"errors"
	"fmt"
	"hash/maphash"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
)

// ReadPaths reads files, directories and "-" (stdin). Directories are walked
// recursively in lexical order for *.yaml, *.yml and *.json files, skipping
// hidden directories and files (.git, .github, .pre-commit-config.yaml: not
// manifests) and not following symlinked directories (no loops). A path
// named explicitly is read whatever its name or type, so `<(kubectl ...)`
// works. A file named twice is read once. It returns the files read, in
// order, with their objects and errors; one bad file never stops the others.
// The templates of a Helm chart (under templates/ beside a Chart.yaml) are
// not read: each gets an error wrapping ErrNotEvaluated, as does a document
// that holds template actions and does not parse.
func ReadPaths(paths []string, stdin io.Reader, lim Limits) (files []string, objs []*Object, errs []*Error) {
	seen := make(map[string]bool)
	charts := chartDirs{}
	lim = lim.withDefaults()
	budget := lim.MaxTotalBytes
	var used int64
	var unread []string // over the budget
	same := sameText{}
	read := func(name string, open func() (io.ReadCloser, error)) {
		key := name
		if name != "-" {
			key = filepath.Clean(name)
		}
		if seen[key] {
			return
		}
		seen[key] = true
		if name != "-" && charts.template(name) {
			errs = append(errs, &Error{File: name, Err: errChartTemplate})
			return
		}
		// Counted as read, so no file is looked at twice: the file that
		// crosses the budget is still read (at most MaxFileBytes over it).
		// One over the per-file limit is refused on its own (Read says so)
		// and costs the budget nothing.
		if used >= budget {
			unread = append(unread, name)
			return
		}
		files = append(files, name)
		r, err := open()
		if err != nil {
			errs = append(errs, &Error{File: name, Err: pathless("open", err)})
			return
		}
		defer r.Close()
		counted := &countingReader{r: r}
		data, e := readAll(counted, name, lim)
		if counted.n <= lim.MaxFileBytes {
			used += counted.n
		}
		var o []*Object
		if e == nil {
			o, e = same.parse(data, name, lim)
		}
		objs, errs = append(objs, o...), append(errs, e...)
	}
	for _, p := range paths {
		if p == "-" {
			read("-", func() (io.ReadCloser, error) {
				if stdin == nil {
					return nil, errors.New("no standard input")
				}
				return io.NopCloser(stdin), nil
			})
			continue
		}
		info, err := os.Stat(p)
		if err != nil {
			errs = append(errs, &Error{File: p, Err: pathless("stat", err)})
			continue
		}
		names := []string{p}
		if info.IsDir() {
			var walkErrs []*Error
			names, walkErrs = manifestFiles(p)
			errs = append(errs, walkErrs...)
		}
		for _, name := range names {
			read(name, func() (io.ReadCloser, error) { return os.Open(name) })
		}
	}
	if len(unread) > 0 {
		errs = append(errs, &Error{File: unread[0], Err: fmt.Errorf(
			"%w: all inputs together may hold %s, and %s were read; this file and %d after it were not read (raise the budget with --max-input)",
			ErrOverBudget, mebibytes(budget), mebibytes(used), len(unread)-1)})
	}
	return files, objs, errs
}

// mebibytes formats a size for a message.
func mebibytes(n int64) string {
	if n < 1<<20 {
		return fmt.Sprintf("%d bytes", n)
	}
	return fmt.Sprintf("%.1f MiB", float64(n)/(1<<20))
}

// countingReader counts the bytes read through it.
type countingReader struct {
	r io.Reader
	n int64
}

func (c *countingReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.n += int64(n)
	return n, err
}

// manifestFiles lists the manifest files under root in lexical walk order.
func manifestFiles(root string) ([]string, []*Error) {
	var files []string
	var errs []*Error
	walk := func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			// An unreadable directory costs its own files only.
			errs = append(errs, &Error{File: path, Err: pathless("read directory", err)})
			return nil
		}
		if path != root && strings.HasPrefix(d.Name(), ".") {
			if d.IsDir() {
				return filepath.SkipDir
			}
			return nil
		}
		if d.IsDir() || !hasManifestExt(d.Name()) {
			return nil
		}
		if d.Type()&fs.ModeSymlink != 0 {
			info, err := os.Stat(path)
			if err != nil {
				errs = append(errs, &Error{File: path, Err: pathless("stat", err)})
				return nil
			}
			if !info.Mode().IsRegular() {
				return nil // not following links to directories avoids loops
			}
		} else if !d.Type().IsRegular() {
			return nil
		}
		files = append(files, path)
		return nil
	}
	if info, err := os.Lstat(root); err == nil && info.Mode()&fs.ModeSymlink != 0 {
		// WalkDir does not follow a symlinked root; a trailing separator
		// makes it, and keeps the path as the user wrote it.
		root += string(filepath.Separator)
	}
	if err := filepath.WalkDir(root, walk); err != nil {
		errs = append(errs, &Error{File: root, Err: pathless("walk", err)})
	}
	return files, errs
}

func hasManifestExt(name string) bool {
	switch strings.ToLower(filepath.Ext(name)) {
	case ".yaml", ".yml", ".json":
		return true
	}
	return false
}

// sameText parses each distinct file content once. A fleet kept in Git
// holds many copies of one file: the remote secret for a cluster is the same
// in the directory of every peer that reads it (at 1,000 multi-primary
// clusters, 19 copies of each of 1,000 secrets, nearly all of the input). A
// copy gets the objects and errors of the first, located in its own file.
type sameText map[uint64][]parsed

type parsed struct {
	data []byte
	objs []*Object
	errs []*Error
}

var textSeed = maphash.MakeSeed()

func (s sameText) parse(data []byte, file string, lim Limits) ([]*Object, []*Error) {
	h := maphash.Bytes(textSeed, data)
	for _, p := range s[h] {
		if bytes.Equal(p.data, data) {
			return inFile(p.objs, p.errs, file)
		}
	}
	objs, errs := parse(data, file, lim)
	s[h] = append(s[h], parsed{data: data, objs: objs, errs: errs})
	return objs, errs
}

// inFile returns copies of objs and errs read from another file with the
// same content, located in file. An Object's data and document are never
// changed once read, so the copies share them.
func inFile(objs []*Object, errs []*Error, file string) ([]*Object, []*Error) {
	outObjs := make([]*Object, len(objs))
	for i, o := range objs {
		c := *o
		c.Origin.File = file
		outObjs[i] = &c
	}
	var outErrs []*Error
	for _, e := range errs {
		c := *e
		c.File = file
		outErrs = append(outErrs, &c)
	}
	return outObjs, outErrs
}
