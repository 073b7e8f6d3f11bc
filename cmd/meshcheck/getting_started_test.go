package main

import (
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"sync"
	"testing"

	"go.yaml.in/yaml/v3"
	"sigs.k8s.io/kustomize/api/krusty"
	"sigs.k8s.io/kustomize/api/resource"
	"sigs.k8s.io/kustomize/kyaml/filesys"
)

// The getting-started page: every command of its shell blocks is either
// run here or tied to the test that exercises what it does where only a
// network or a real cluster can; a command that is neither fails the test.

const gettingStartedPage = "docs/getting-started.md"

type pageBlock struct {
	lang string
	line int // of the opening fence
	text string
}

type pageCommand struct {
	line int
	text string
}

func pageBlocks(md string) []pageBlock {
	var out []pageBlock
	var cur *pageBlock
	var body []string
	for i, line := range strings.Split(md, "\n") {
		switch {
		case cur == nil && strings.HasPrefix(line, "```"):
			cur = &pageBlock{lang: strings.TrimPrefix(line, "```"), line: i + 1}
			body = nil
		case cur != nil && line == "```":
			cur.text = strings.Join(body, "\n") + "\n"
			out = append(out, *cur)
			cur = nil
		case cur != nil:
			body = append(body, line)
		}
	}
	return out
}

// shellCommands are the commands of the sh blocks: continued lines joined,
// comments and blank lines dropped.
func shellCommands(blocks []pageBlock) []pageCommand {
	var out []pageCommand
	for _, b := range blocks {
		if b.lang != "sh" {
			continue
		}
		lines := strings.Split(strings.TrimSuffix(b.text, "\n"), "\n")
		for i := 0; i < len(lines); i++ {
			start, cmd := b.line+1+i, lines[i]
			for strings.HasSuffix(cmd, `\`) && i+1 < len(lines) {
				i++
				cmd = strings.TrimSuffix(cmd, `\`) + " " + strings.TrimSpace(lines[i])
			}
			if c, _, ok := strings.Cut(cmd, " #"); ok {
				cmd = c
			}
			if cmd = strings.Join(strings.Fields(cmd), " "); cmd != "" && !strings.HasPrefix(cmd, "#") {
				out = append(out, pageCommand{start, cmd})
			}
		}
	}
	return out
}

// testRef names a test of the repository that exercises a command.
type testRef struct{ file, name string }

// mappedCommands need the network, root or a real cluster with nodes: each
// is tied to the tests that do the same thing here.
var mappedCommands = []struct {
	match *regexp.Regexp
	why   string
	tests []testRef
}{
	{regexp.MustCompile(`^go install github\.com/meshcheck/meshcheck/cmd/meshcheck@v\d+\.\d+\.\d+$`),
		"go install @vX (the module proxy) stamps the module's version, which meshcheck version prints",
		[]testRef{{"internal/buildinfo/buildinfo_test.go", "TestVersionOf"}, {"internal/buildinfo/buildinfo_test.go", "TestLdflags"}}},
	{regexp.MustCompile(`^(curl -fsSLO https://github\.com/meshcheck/meshcheck/releases/download/(v\d+\.\d+\.\d+)/(meshcheck_v\d+\.\d+\.\d+_linux_amd64\.tar\.gz|SHA256SUMS)|sha256sum --check --ignore-missing SHA256SUMS|tar -xzf meshcheck_v\d+\.\d+\.\d+_linux_amd64\.tar\.gz meshcheck|sudo install meshcheck /usr/local/bin/)$`),
		"the action's install step downloads a release built by hack/release (from a file:// URL), checks it against SHA256SUMS, unpacks and runs it",
		[]testRef{{"hack/action/action_test.go", "TestActionInstallsAndLints"}, {"hack/release/release_test.go", "TestRelease"}}},
	{regexp.MustCompile(`^make build$`), "builds both binaries with make's -ldflags and runs them",
		[]testRef{{"internal/buildinfo/buildinfo_test.go", "TestLdflags"}}},
	{regexp.MustCompile(`^make release$`), "hack/release's archives, SHA256SUMS and SBOM",
		[]testRef{{"hack/release/release_test.go", "TestRelease"}}},
	{regexp.MustCompile(`^make image$`), "unpacks the image make image writes and runs meshcheck from its root filesystem",
		[]testRef{{"internal/repo/image_test.go", "TestImage"}}},
	{regexp.MustCompile(`^kubectl apply -k deploy/overlays/cert-manager$`),
		"(rendered here as well) the overlay's objects checked, and deploy/base's webhook configuration installed into a real API server that calls meshcheck",
		[]testRef{{"webhook/deploy_test.go", "TestDeployCertManager"}, {"webhook/admission_test.go", "TestAdmissionThroughAPIServer"}}},
	{regexp.MustCompile(`^helm install meshcheck deploy/chart/meshcheck --namespace meshcheck-system --create-namespace --set clusterName=east$`),
		"the chart installed with the Helm SDK into a real API server, which then calls the webhook; rendered and compared with deploy/; clusterName checked",
		[]testRef{{"hack/charttest/install_test.go", "TestInstall"}, {"hack/charttest/parity_test.go", "TestParity"}, {"hack/charttest/values_test.go", "TestValues"}}},
	{regexp.MustCompile(`^kubectl label namespace istio-system topology\.istio\.io/network=network2 --overwrite --dry-run=server$`),
		"a server-side dry-run relabel of istio-system refused by the API server through the installed webhook (NW001)",
		[]testRef{{"hack/charttest/install_test.go", "TestInstall"}, {"webhook/admission_test.go", "TestAdmissionThroughAPIServer"}}},
}

// TestGettingStarted runs or maps every command of the page, checks its
// YAML blocks against the files they show, and fails on a command that is
// neither run nor mapped, or a mapping no command uses.
func TestGettingStarted(t *testing.T) {
	root, err := filepath.Abs("../..")
	if err != nil {
		t.Fatal(err)
	}
	md, err := os.ReadFile(filepath.Join(root, gettingStartedPage))
	if err != nil {
		t.Fatal(err)
	}
	blocks := pageBlocks(string(md))
	cmds := shellCommands(blocks)
	if len(cmds) < 10 {
		t.Fatalf("only %d commands found in %s: is the page's parser broken?", len(cmds), gettingStartedPage)
	}

	// The YAML blocks: .meshcheck.yaml (the pre-commit run below uses it)
	// and examples/ci/github's files, verbatim.
	examples := map[string]string{}
	paths, _ := filepath.Glob(filepath.Join(root, "examples", "ci", "github", "*.yaml"))
	for _, p := range paths {
		b, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		examples[string(b)] = p
	}
	var meshcheckYAML string
	for _, b := range blocks {
		switch {
		case b.lang != "yaml":
		case strings.HasPrefix(b.text, "# .meshcheck.yaml\n"):
			meshcheckYAML = b.text
		case examples[b.text] == "":
			t.Errorf("%s:%d: a YAML block that is neither .meshcheck.yaml nor one of examples/ci/github/*.yaml verbatim", gettingStartedPage, b.line)
		}
	}

	// Commands run where the example fleet and deploy/ are, as in a checkout;
	// audit reads the shared envtest fleet (started before any chdir).
	kubeconfig := sharedFleet(t).kubeconfig(t, nil)
	work := t.TempDir()
	for _, d := range []string{"examples", "deploy"} {
		if err := os.Symlink(filepath.Join(root, d), filepath.Join(work, d)); err != nil {
			t.Fatal(err)
		}
	}
	used := make([]bool, len(mappedCommands))
	var hook sync.Once
	for _, c := range cmds {
		where := fmt.Sprintf("%s:%d: %s", gettingStartedPage, c.line, c.text)
		ran := false
		switch {
		case strings.HasPrefix(c.text, "meshcheck "):
			runPageMeshcheck(t, where, work, kubeconfig, c.text)
			ran = true
		case c.text == "pre-commit install" || c.text == "pre-commit run meshcheck-lint --all-files":
			hook.Do(func() { runPreCommitHook(t, root, meshcheckYAML) })
			ran = true
		case strings.HasPrefix(c.text, "kubectl apply -k "):
			dir := strings.TrimPrefix(c.text, "kubectl apply -k ")
			m, err := krusty.MakeKustomizer(krusty.MakeDefaultOptions()).Run(filesys.MakeFsOnDisk(), filepath.Join(work, dir))
			if err != nil {
				t.Errorf("%s: kustomize build: %v", where, err)
			} else if m.Size() == 0 || !slices.ContainsFunc(m.Resources(), func(r *resource.Resource) bool { return r.GetKind() == "ValidatingWebhookConfiguration" }) {
				t.Errorf("%s: renders %d objects, no ValidatingWebhookConfiguration", where, m.Size())
			}
			ran = true
		}
		mapped := false
		for i, m := range mappedCommands {
			if !m.match.MatchString(c.text) {
				continue
			}
			used[i], mapped = true, true
			for _, ref := range m.tests {
				src, err := os.ReadFile(filepath.Join(root, ref.file))
				if err != nil || !strings.Contains(string(src), "\nfunc "+ref.name+"(t *testing.T) {") {
					t.Errorf("%s: mapped to %s in %s, which has no such test", where, ref.name, ref.file)
				}
			}
			break
		}
		if !ran && !mapped {
			t.Errorf("%s: neither run by this test nor mapped to a test that exercises it (mappedCommands)", where)
		}
	}
	for i, m := range mappedCommands {
		if !used[i] {
			t.Errorf("mapping %s matches no command of %s: remove it", m.match, gettingStartedPage)
		}
	}
}

// runPageMeshcheck runs a meshcheck command of the page in-process:
// lint may find something (the example fleet has findings), the rest
// must succeed; audit reads the shared envtest fleet through KUBECONFIG.
func runPageMeshcheck(t *testing.T, where, work, kubeconfig, cmd string) {
	t.Helper()
	if strings.ContainsAny(cmd, `"'$|;&<>*`) {
		t.Errorf("%s: quoting, variables, pipes and globs are not run by this test: keep the page's meshcheck commands plain", where)
		return
	}
	args := strings.Fields(cmd)[1:]
	if args[0] == "audit" {
		t.Setenv("KUBECONFIG", kubeconfig)
	}
	for _, p := range []string{"meshcheck.sarif", "policyreports.yaml"} {
		os.Remove(filepath.Join(work, p))
	}
	code, out, errs := runCLI(t, work, "", args...)
	want := []int{exitClean}
	if args[0] == "lint" {
		want = append(want, exitFindings)
	}
	if !slices.Contains(want, code) {
		t.Errorf("%s: exit %d, want %v\nstdout:\n%s\nstderr:\n%s", where, code, want, out, errs)
		return
	}
	if i := slices.Index(args, "--output-file"); i >= 0 {
		b, err := os.ReadFile(filepath.Join(work, args[i+1]))
		if err != nil || len(b) == 0 {
			t.Errorf("%s: wrote no %s (%v)", where, args[i+1], err)
		}
		if args[0] == "audit" && strings.Count(string(b), "kind: PolicyReport") != len(auditFleetNames) {
			t.Errorf("%s: want one PolicyReport per cluster:\n%s", where, b)
		}
	} else if out == "" {
		t.Errorf("%s: printed nothing", where)
	}
}

// preCommitHook is what this test reads of a hook of .pre-commit-hooks.yaml.
type preCommitHook struct {
	ID, Entry     string
	TypesOr       []string `yaml:"types_or"`
	PassFilenames bool     `yaml:"pass_filenames"`
}

// runPreCommitHook runs the hook of .pre-commit-hooks.yaml as pre-commit
// does, in a repository holding the example fleet under clusters/ and the
// page's .meshcheck.yaml: its entry with every YAML or JSON file (run
// --all-files), then with the one file of a commit whose findings are
// elsewhere. Both evaluate the whole fleet.
func runPreCommitHook(t *testing.T, root, meshcheckYAML string) {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(root, ".pre-commit-hooks.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	var hooks []preCommitHook
	if err := yaml.Unmarshal(b, &hooks); err != nil {
		t.Fatal(err)
	}
	i := slices.IndexFunc(hooks, func(h preCommitHook) bool {
		return h.ID == "meshcheck-lint"
	})
	if i < 0 {
		t.Fatal(".pre-commit-hooks.yaml has no meshcheck-lint hook, which the page runs")
	}
	h := hooks[i]
	entry := strings.Fields(h.Entry)
	if len(entry) < 2 || entry[0] != "meshcheck" || !h.PassFilenames || !slices.Equal(h.TypesOr, []string{"yaml", "json"}) {
		t.Fatalf("hook %+v: want meshcheck's entry, given the yaml and json files", h)
	}
	if meshcheckYAML == "" {
		t.Fatal("the page shows no .meshcheck.yaml")
	}
	repo := t.TempDir()
	if err := os.CopyFS(filepath.Join(repo, "clusters"), os.DirFS(filepath.Join(root, "examples", "fleet"))); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(repo, ".meshcheck.yaml"), []byte(meshcheckYAML), 0o644); err != nil {
		t.Fatal(err)
	}
	var all []string
	err = filepath.WalkDir(repo, func(p string, d os.DirEntry, err error) error {
		if err == nil && !d.IsDir() && (strings.HasSuffix(p, ".yaml") || strings.HasSuffix(p, ".json")) {
			rel, _ := filepath.Rel(repo, p)
			all = append(all, rel)
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	code, out, errs := runCLI(t, repo, "", append(entry[1:], all...)...)
	if code != exitFindings || !strings.Contains(out, "ERROR MS006") || !strings.Contains(out, " in 3 clusters") {
		t.Errorf("pre-commit run --all-files: exit %d, want %d with the example fleet's MS006 in 3 clusters\nstdout:\n%s\nstderr:\n%s", code, exitFindings, out, errs)
	}
	code, out, errs = runCLI(t, repo, "", append(entry[1:], filepath.Join("clusters", "edge-1", "eastwest-gateway.yaml"))...)
	if code != exitClean || !strings.Contains(out, " in 3 clusters") {
		t.Errorf("pre-commit run on a commit of one clean file: exit %d, want %d, the whole fleet evaluated\nstdout:\n%s\nstderr:\n%s", code, exitClean, out, errs)
	}
}
