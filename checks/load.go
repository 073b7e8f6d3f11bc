package checks

import (
	"fmt"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"sync"

	"github.com/open-policy-agent/opa/v1/ast"

	"github.com/meshcheck/meshcheck/policies"
)

// rulesPrefix is the package path under which rule packages live:
// meshcheck.rules.<group>.<name>, each defining a `violation` set.
const rulesPrefix = "data.meshcheck.rules"

// policyFile is one Rego source file.
type policyFile struct {
	name string
	src  []byte
	// builtin is set for the embedded policies, by their origin, not by
	// their name: a user's directory may well be called policies too.
	builtin bool
}

// builtinFiles returns the embedded policies; with tests, their _test.rego too.
func builtinFiles(tests bool) ([]policyFile, error) {
	var out []policyFile
	err := fs.WalkDir(policies.FS, ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || !wantRego(p, tests) {
			return err
		}
		b, err := policies.FS.ReadFile(p)
		out = append(out, policyFile{name: path.Join("policies", p), src: b, builtin: true})
		return err
	})
	return out, err
}

// dirFiles reads the Rego files under a user policy directory.
func dirFiles(dir string, tests bool) ([]policyFile, error) {
	var out []policyFile
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() || !wantRego(p, tests) {
			return nil
		}
		b, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		out = append(out, policyFile{name: p, src: b})
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("read policies: %w", err)
	}
	return out, nil
}

func wantRego(p string, tests bool) bool {
	if !strings.HasSuffix(p, ".rego") {
		return false
	}
	return tests || !strings.HasSuffix(p, "_test.rego")
}

// parseModules parses files with METADATA processing on, which
// rego.metadata.chain() and the catalog both need. Files are parsed in
// parallel: parsing is a fifth of start-up, paid by every lint run.
func parseModules(files []policyFile) (map[string]*ast.Module, error) {
	parsed := make([]*ast.Module, len(files))
	errs := make([]error, len(files))
	var wg sync.WaitGroup
	next := make(chan int)
	for range runtime.GOMAXPROCS(0) {
		wg.Go(func() {
			for i := range next {
				parsed[i], errs[i] = ast.ParseModuleWithOpts(files[i].name, string(files[i].src), ast.ParserOptions{ProcessAnnotation: true})
			}
		})
	}
	for i := range files {
		next <- i
	}
	close(next)
	wg.Wait()

	mods := make(map[string]*ast.Module, len(files))
	var astErrs ast.Errors
	for i, f := range files {
		if err := errs[i]; err != nil {
			if e, ok := err.(ast.Errors); ok {
				astErrs = append(astErrs, e...)
				continue
			}
			return nil, fmt.Errorf("parse %s: %w", f.name, err)
		}
		if _, dup := mods[f.name]; dup {
			return nil, fmt.Errorf("policy file %s given twice", f.name)
		}
		mods[f.name] = parsed[i]
	}
	if len(astErrs) > 0 {
		return nil, astErrs
	}
	return mods, nil
}

// loadFiles gathers the built-in policies and those of dirs, with their
// _test.rego files where builtinTests and dirTests say so.
func loadFiles(dirs []string, builtinTests, dirTests bool) ([]policyFile, error) {
	files, err := builtinFiles(builtinTests)
	if err != nil {
		return nil, err
	}
	for _, d := range dirs {
		more, err := dirFiles(d, dirTests)
		if err != nil {
			return nil, err
		}
		files = append(files, more...)
	}
	slices.SortStableFunc(files, func(a, b policyFile) int { return strings.Compare(a.name, b.name) })
	return files, nil
}

// checkOnlyStages are the compiler stages that only look for mistakes and
// change nothing evaluation uses. The built-in policies pass them in the
// tests (TestBuiltinPoliciesPassEveryCompilerCheck); repeating them in
// every run costs more: BenchmarkCompile on one CPU took 69–71 ms with
// them and 56–67 ms without.
var checkOnlyStages = []ast.StageID{
	ast.StageCheckUnusedImports,
	ast.StageCheckKeywordOverrides,
	ast.StageCheckDuplicateImports,
	ast.StageCheckVoidCalls,
	ast.StageCheckRuleConflicts,
	ast.StageCheckUndefinedFuncs,
	ast.StageCheckSafetyRuleHeads,
	ast.StageCheckRecursion,
	ast.StageCheckTypes,
	ast.StageCheckUnsafeBuiltins,
	ast.StageCheckDeprecatedBuiltins,
	ast.StageBuildRequiredCapabilities,
}

// compile compiles modules and returns the compiler. Trusted modules (the
// built-in policies alone) skip the check-only stages.
func compile(mods map[string]*ast.Module, trusted bool) (*ast.Compiler, error) {
	c := ast.NewCompiler().WithEnablePrintStatements(false)
	if trusted {
		c = c.WithSkipStages(checkOnlyStages...)
	}
	c.Compile(mods)
	if c.Failed() {
		return nil, c.Errors
	}
	return c, nil
}
