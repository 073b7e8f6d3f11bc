package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// The candidates come from the tables that parse the command line: the
// commands, each command's flags, the formats its -o takes, the rules.
func TestCompletionCandidates(t *testing.T) {
	for _, tc := range []struct {
		words []string
		want  []string // all of these, in order
		not   []string
	}{
		{[]string{"li"}, []string{"lint"}, []string{"audit"}},
		{[]string{""}, []string{"lint", "audit", "topology", "completion"}, []string{"__complete"}},
		{[]string{"lint", "--fl"}, []string{"--fleet"}, []string{"--fail-on"}},
		{[]string{"lint", "-"}, []string{"--fleet", "--no-config", "--output", "-o", "--fail-on"}, nil},
		{[]string{"lint", "-o", ""}, []string{"text", "json", "yaml", "sarif"}, []string{"policyreport"}},
		{[]string{"audit", "--output", "p"}, []string{"policyreport"}, nil},
		{[]string{"topology", "-o", ""}, []string{"mermaid", "dot"}, nil},
		{[]string{"lint", "--fail-on", "w"}, []string{"warning"}, nil},
		{[]string{"rules", "nw00"}, []string{"NW001", "NW002"}, []string{"CL001"}},
		{[]string{"completion", ""}, []string{"bash", "fish", "powershell", "zsh"}, nil},
		// A path argument, or a flag's free value, is a file: no candidates.
		{[]string{"lint", "--fleet", "exa"}, nil, []string{"lint"}},
		{[]string{"lint", "exa"}, nil, nil},
	} {
		code, out, errs := runCLI(t, "", "", append([]string{"__complete"}, tc.words...)...)
		if code != exitClean {
			t.Errorf("%q: exit %d: %s", tc.words, code, errs)
		}
		got := strings.Fields(out)
		if tc.want == nil && len(got) > 0 {
			t.Errorf("%q: got %q, want none (complete a file)", tc.words, got)
		}
		i := 0
		for _, g := range got {
			if i < len(tc.want) && g == tc.want[i] {
				i++
			}
		}
		if i < len(tc.want) {
			t.Errorf("%q: got %q, want %q among them in order", tc.words, got, tc.want)
		}
		for _, n := range tc.not {
			if slices.Contains(got, n) {
				t.Errorf("%q: got %q, which should not be offered", tc.words, n)
			}
		}
	}
}

// The bash script, sourced into a real bash with meshcheck on PATH,
// completes through __complete, and falls back to files.
func TestBashCompletionScript(t *testing.T) {
	bin := buildBinaries(t, "meshcheck")
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "fleet.yaml"), nil, 0o644); err != nil {
		t.Fatal(err)
	}
	for line, want := range map[string]string{
		"meshcheck li":            "lint",
		"meshcheck lint --fail-o": "--fail-on",
		"meshcheck lint -o sa":    "sarif",
		"meshcheck lint flee":     "fleet.yaml",
	} {
		script := `source <(meshcheck completion bash)
COMP_WORDS=(` + line + `)
COMP_CWORD=$((${#COMP_WORDS[@]} - 1))
_meshcheck
printf '%s\n' "${COMPREPLY[@]}"`
		cmd := exec.Command("bash", "-c", script)
		cmd.Dir = dir
		cmd.Env = []string{"PATH=" + bin + string(os.PathListSeparator) + os.Getenv("PATH"), "HOME=" + dir}
		out, err := cmd.CombinedOutput()
		if err != nil || strings.TrimSpace(string(out)) != want {
			t.Errorf("%q: completes %q (%v), want %q", line, strings.TrimSpace(string(out)), err, want)
		}
	}
	for _, shell := range shellNames() {
		code, out, _ := runCLI(t, "", "", "completion", shell)
		if code != exitClean || !strings.Contains(out, "meshcheck __complete") {
			t.Errorf("completion %s: exit %d, script does not call __complete:\n%s", shell, code, out)
		}
	}
	if code, _, errs := runCLI(t, "", "", "completion", "tcsh"); code != exitError || !strings.Contains(errs, "bash, fish, powershell, zsh") {
		t.Errorf("completion tcsh: exit %d: %s", code, errs)
	}
}

// Help asked for goes to stdout; a mistyped command or flag gets a
// suggestion on stderr.
func TestHelpAndSuggestions(t *testing.T) {
	code, out, errs := runCLI(t, "", "", "lint", "--help")
	if code != exitClean || !strings.Contains(out, "--fail-on") || errs != "" {
		t.Errorf("lint --help: exit %d, stdout %q, stderr %q", code, out, errs)
	}
	for args, want := range map[string]string{
		"lnt":                `unknown command "lnt"; did you mean "lint"?`,
		"topolgy":            `did you mean "topology"?`,
		"lint --flet x":      `unknown flag: --flet; did you mean "--fleet"?`,
		"audit --all-contxt": `did you mean "--all-contexts"?`,
	} {
		code, out, errs := runCLI(t, "", "", strings.Fields(args)...)
		if code != exitError || !strings.Contains(errs, want) || strings.Contains(out, want) {
			t.Errorf("%s: exit %d, stderr %q, want %q there", args, code, errs, want)
		}
	}
	if _, _, errs := runCLI(t, "", "", "zzzzzz"); strings.Contains(errs, "did you mean") {
		t.Errorf("a word close to no command got a suggestion: %s", errs)
	}
}

// --color and -q change only the text for people: severities colored when
// asked (or on a terminal without NO_COLOR), summary lines left out.
func TestColorAndQuiet(t *testing.T) {
	lint := func(extra ...string) string {
		t.Helper()
		code, out, errs := runCLI(t, repoRoot, "", append([]string{"lint", "--no-config", "--fleet", "examples/fleet"}, extra...)...)
		if code != exitFindings {
			t.Fatalf("%v: exit %d: %s", extra, code, errs)
		}
		return out
	}
	const red = "\x1b[1;31mERROR\x1b[0m MS006"
	if out := lint("--color", "always"); !strings.Contains(out, red) || !strings.Contains(out, "\x1b[33mWARNING\x1b[0m CP007") {
		t.Errorf("--color always: no colored severities:\n%q", out)
	}
	for _, args := range [][]string{{}, {"--color", "never"}, {"--color", "always", "-o", "json"}} {
		if out := lint(args...); strings.Contains(out, "\x1b[") {
			t.Errorf("%v: escape codes in output that is not a terminal's text", args)
		}
	}
	if out := lint("-q"); strings.Contains(out, "in 3 clusters") || strings.Contains(out, "understood:") || !strings.Contains(out, "ERROR MS006") {
		t.Errorf("-q: want findings without summary lines:\n%s", out)
	}
	if code, _, errs := runCLI(t, repoRoot, "", "lint", "--color", "blue", "examples/fleet"); code != exitError || !strings.Contains(errs, `--color "blue"`) {
		t.Errorf("--color blue: exit %d: %s", code, errs)
	}

	r, w, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	defer w.Close()
	if useColor("auto", w) {
		t.Error("auto colors a pipe")
	}
	t.Setenv("NO_COLOR", "1")
	if useColor("auto", os.Stdout) || !useColor("always", w) {
		t.Error("NO_COLOR must turn auto off and leave always on")
	}
}
