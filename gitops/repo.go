package gitops

import (
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"strings"

	"github.com/meshcheck/meshcheck/source"
)

// Repo is what the linted tree shows of the repository that Argo CD and
// Flux clone: the directories a repository path may be found under, and how
// to read a directory of manifests. A path found under none of them is not
// evaluated; nothing is fetched.
type Repo struct {
	// Roots are tried in order; the first that holds a path wins.
	Roots []string
	// ReadDir reads the manifests under a directory as the tools build it
	// (kustomize build when it holds a kustomization), and the files read.
	// with are kustomization fields to build it with (what a Flux
	// Kustomization adds: namespace, patches, namePrefix, ...), or nil;
	// from is the Flux Kustomization that writes them, where a value one of
	// its patches sets is located.
	ReadDir func(dir string, with map[string]any, from *source.Object) (objs []*source.Object, files []string, errs []*source.Error)
	Limits  source.Limits
}

// File returns the regular file rel names under a root, or false. rel is a
// repository path (slash-separated, "./" allowed); one that leaves the root
// (.., an absolute path, a symlink out) is never resolved.
func (r *Repo) File(rel string) (string, bool) {
	return r.find(rel, func(m fs.FileMode) bool { return m.IsRegular() })
}

// Dir returns the directory rel names under a root, or false.
func (r *Repo) Dir(rel string) (string, bool) {
	return r.find(rel, fs.FileMode.IsDir)
}

func (r *Repo) find(rel string, want func(fs.FileMode) bool) (string, bool) {
	if r == nil {
		return "", false
	}
	clean, ok := repoPath(rel)
	if !ok {
		return "", false
	}
	for _, root := range r.Roots {
		rt, err := os.OpenRoot(root)
		if err != nil {
			continue
		}
		info, err := rt.Stat(clean) // follows links only within the root
		rt.Close()
		if err == nil && want(info.Mode()) {
			return filepath.Join(root, filepath.FromSlash(clean)), true
		}
	}
	return "", false
}

// repoPath cleans a repository path, refusing one that leaves the root.
func repoPath(rel string) (string, bool) {
	if rel == "" || strings.ContainsRune(rel, 0) || strings.Contains(rel, "://") {
		return "", false
	}
	clean := path.Clean(rel)
	if strings.HasPrefix(rel, "/") || !filepath.IsLocal(filepath.FromSlash(clean)) {
		return "", false
	}
	return clean, true
}
