package fileset

import (
	"os"
	"path/filepath"
	"slices"
)

// RepoRoots are the directories a path of the repository (an Argo CD value
// file, a Flux Kustomization's path) is looked up under, first match
// first: the directories linted, the fleet directory and the one holding
// it, the configuration file's directory, and the root of the Git
// repository holding the first of them. Relative roots stay relative, so
// that what is found there is named as the linted files are.
func (l Layout) RepoRoots() []string {
	var out []string
	add := func(p string) {
		if p == "" || p == "-" {
			return
		}
		if info, err := os.Stat(p); err != nil || !info.IsDir() {
			return
		}
		if c := filepath.Clean(p); !slices.Contains(out, c) {
			out = append(out, c)
		}
	}
	for _, p := range l.Paths {
		add(p)
	}
	for _, tier := range [][]Assignment{l.Flags, l.Config} {
		for _, a := range tier {
			add(a.Path)
		}
	}
	if l.Fleet != "" {
		add(l.Fleet)
		add(filepath.Dir(filepath.Clean(l.Fleet)))
	}
	add(l.Root)
	if len(out) > 0 {
		add(gitRoot(out[0]))
	}
	return out
}

// gitRoot returns the directory holding .git at or above dir, relative to
// the working directory when dir is, or "".
func gitRoot(dir string) string {
	abs, err := filepath.Abs(dir)
	if err != nil {
		return ""
	}
	for d := abs; ; d = filepath.Dir(d) {
		if _, err := os.Stat(filepath.Join(d, ".git")); err == nil {
			if filepath.IsAbs(dir) {
				return d
			}
			if wd, err := os.Getwd(); err == nil {
				if rel, err := filepath.Rel(wd, d); err == nil {
					return rel
				}
			}
			return d
		}
		if filepath.Dir(d) == d {
			return ""
		}
	}
}
