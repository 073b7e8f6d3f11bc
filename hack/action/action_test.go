// Package action tests the GitHub Action (action.yml at the repository root
// and its scripts here) as far as it runs outside GitHub: the wiring of
// inputs, steps and outputs, and the install and lint steps run by bash
// with the runner's environment, on a release built by hack/release.
package action

import (
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime"
	"strings"
	"testing"

	"go.yaml.in/yaml/v3"
)

const root = "../.."

type actionFile struct {
	Inputs map[string]struct {
		Required bool   `yaml:"required"`
		Default  string `yaml:"default"`
	} `yaml:"inputs"`
	Outputs map[string]struct {
		Value string `yaml:"value"`
	} `yaml:"outputs"`
	Runs struct {
		Using string `yaml:"using"`
		Steps []struct {
			ID   string            `yaml:"id"`
			Name string            `yaml:"name"`
			If   string            `yaml:"if"`
			Run  string            `yaml:"run"`
			Uses string            `yaml:"uses"`
			Env  map[string]string `yaml:"env"`
			With map[string]string `yaml:"with"`
		} `yaml:"steps"`
	} `yaml:"runs"`
}

func readAction(t *testing.T) (actionFile, string) {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(root, "action.yml"))
	if err != nil {
		t.Fatal(err)
	}
	var a actionFile
	if err := yaml.Unmarshal(b, &a); err != nil {
		t.Fatalf("action.yml: %v", err)
	}
	return a, string(b)
}

var (
	inputRef  = regexp.MustCompile(`inputs\.([a-z-]+)`)
	outputRef = regexp.MustCompile(`steps\.lint\.outputs\.([a-z-]+)`)
	scriptRef = regexp.MustCompile(`\$GITHUB_ACTION_PATH/(hack/action/[a-z]+\.sh)`)
)

// TestActionWiring: every input the steps use is declared, every script a
// step runs exists and is executable, and every output of the lint step the
// action reads is one lint.sh writes.
func TestActionWiring(t *testing.T) {
	a, text := readAction(t)
	if a.Runs.Using != "composite" {
		t.Fatalf("runs.using = %q, want composite", a.Runs.Using)
	}
	for _, m := range inputRef.FindAllStringSubmatch(text, -1) {
		if _, ok := a.Inputs[m[1]]; !ok {
			t.Errorf("action.yml uses inputs.%s, which it does not declare", m[1])
		}
	}
	if !a.Inputs["version"].Required {
		t.Error("the version input must be required: an action that installs whatever is newest is not reproducible")
	}
	lint, err := os.ReadFile("lint.sh")
	if err != nil {
		t.Fatal(err)
	}
	for _, m := range outputRef.FindAllStringSubmatch(text, -1) {
		if !strings.Contains(string(lint), m[1]+"=") {
			t.Errorf("action.yml reads steps.lint.outputs.%s, which lint.sh never writes", m[1])
		}
	}
	scripts := 0
	for _, s := range a.Runs.Steps {
		for _, m := range scriptRef.FindAllStringSubmatch(s.Run, -1) {
			scripts++
			fi, err := os.Stat(filepath.Join(root, m[1]))
			if err != nil || fi.Mode()&0o111 == 0 {
				t.Errorf("step %q runs %s, which is missing or not executable", s.Name, m[1])
			}
		}
	}
	if scripts != 2 {
		t.Errorf("the action runs %d scripts, want install.sh and lint.sh", scripts)
	}
}

// TestActionInstallsAndLints runs the action's install and lint steps as
// the runner would, against a release of this tree built by hack/release
// and served from a file:// URL, on the example fleet; then again with a
// tampered SHA256SUMS, which install must refuse.
func TestActionInstallsAndLints(t *testing.T) {
	if _, err := exec.LookPath("curl"); err != nil {
		t.Fatal("curl is missing (make test-deps installs it)")
	}
	const version = "v0.0.0-action"
	releases := t.TempDir()
	platform := runtime.GOOS + "/" + runtime.GOARCH
	build := exec.Command("go", "run", "./hack/release", "-version", version, "-platforms", platform, "-out", filepath.Join(releases, version))
	build.Dir = root
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("hack/release: %v\n%s", err, out)
	}

	runner := t.TempDir()
	env := map[string]string{
		"MESHCHECK_VERSION":     version,
		"MESHCHECK_RELEASE_URL": "file://" + releases,
		"RUNNER_TEMP":           runner,
		"GITHUB_PATH":           filepath.Join(runner, "path"),
		"GITHUB_OUTPUT":         filepath.Join(runner, "output"),
		"GITHUB_STEP_SUMMARY":   filepath.Join(runner, "summary.md"),
		"PATH":                  os.Getenv("PATH"),
		"HOME":                  runner,
	}
	out, err := step(t, "install.sh", env)
	if err != nil {
		t.Fatalf("install.sh: %v\n%s", err, out)
	}
	if !strings.Contains(out, "meshcheck "+version) {
		t.Errorf("install.sh did not run the installed meshcheck's version command:\n%s", out)
	}
	path := strings.TrimSpace(readFile(t, env["GITHUB_PATH"]))
	if fi, err := os.Stat(filepath.Join(path, "meshcheck")); err != nil || fi.Mode()&0o111 == 0 {
		t.Fatalf("GITHUB_PATH gets %q, which holds no meshcheck binary", path)
	}

	// The runner puts GITHUB_PATH in front of PATH for the next steps.
	env["PATH"] = path + string(os.PathListSeparator) + os.Getenv("PATH")
	env["MESHCHECK_ARGS"] = "--no-config --fleet examples/fleet"
	env["MESHCHECK_FAIL_ON"] = "error"
	env["MESHCHECK_SARIF"] = filepath.Join(runner, "meshcheck.sarif")
	env["MESHCHECK_SUMMARY"] = "true"
	out, err = step(t, "lint.sh", env)
	if err != nil {
		t.Fatalf("lint.sh must always succeed (the last step fails the job): %v\n%s", err, out)
	}
	if !strings.Contains(out, "ERROR MS006") {
		t.Errorf("the job log lacks the findings:\n%s", out)
	}
	outputs := readFile(t, env["GITHUB_OUTPUT"])
	for _, want := range []string{"exit-code=1\n", "sarif-file=" + env["MESHCHECK_SARIF"] + "\n"} {
		if !strings.Contains(outputs, want) {
			t.Errorf("GITHUB_OUTPUT lacks %q:\n%s", want, outputs)
		}
	}
	var sarif struct {
		Version string `json:"version"`
		Runs    []struct {
			Results []struct {
				RuleID string `json:"ruleId"`
			} `json:"results"`
		} `json:"runs"`
	}
	if err := json.Unmarshal([]byte(readFile(t, env["MESHCHECK_SARIF"])), &sarif); err != nil {
		t.Fatalf("SARIF: %v", err)
	}
	if sarif.Version != "2.1.0" || len(sarif.Runs) != 1 || len(sarif.Runs[0].Results) != 3 {
		t.Errorf("SARIF: version %q, runs %d, want 2.1.0 with the example fleet's 3 results", sarif.Version, len(sarif.Runs))
	}
	if s := readFile(t, env["GITHUB_STEP_SUMMARY"]); !strings.Contains(s, "## meshcheck lint: 1 error, 2 warnings") {
		t.Errorf("job summary:\n%s", s)
	}

	// A release whose checksum does not match is refused.
	sums := filepath.Join(releases, version, "SHA256SUMS")
	b := readFile(t, sums)
	if err := os.WriteFile(sums, []byte(strings.Repeat("0", 64)+b[64:]), 0o644); err != nil {
		t.Fatal(err)
	}
	env["RUNNER_TEMP"] = t.TempDir()
	out, err = step(t, "install.sh", env)
	if err == nil || !strings.Contains(out, "the release's SHA256SUMS says") {
		t.Errorf("install.sh accepted an archive that does not match SHA256SUMS (err %v):\n%s", err, out)
	}
}

// step runs one of the action's scripts from the repository root (the
// workspace of a checked-out repository) with only env set.
func step(t *testing.T, script string, env map[string]string) (string, error) {
	t.Helper()
	abs, err := filepath.Abs(script)
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command("bash", abs)
	cmd.Dir = root
	for k, v := range env {
		cmd.Env = append(cmd.Env, k+"="+v)
	}
	out, err := cmd.CombinedOutput()
	return string(out), err
}

func readFile(t *testing.T, path string) string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}
