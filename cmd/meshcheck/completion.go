package main

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/spf13/pflag"

	"github.com/meshcheck/meshcheck/checks"
	"github.com/meshcheck/meshcheck/report"
	"github.com/meshcheck/meshcheck/topology"
)

// Shell completion works as cobra's does: the script each shell sources is
// a few lines that call `meshcheck __complete WORDS...`, and the candidates
// are computed here, from the same command table, flags and formats that
// parse the command line, so they cannot drift apart.

// shells maps each supported shell to its completion script.
var shells = map[string]string{
	"bash": `# meshcheck completion for bash: source <(meshcheck completion bash)
_meshcheck() {
  local cur="${COMP_WORDS[COMP_CWORD]}" IFS=$'\n' out
  out=$(meshcheck __complete "${COMP_WORDS[@]:1:COMP_CWORD}" 2>/dev/null)
  if [ -n "$out" ]; then
    COMPREPLY=($(compgen -W "$out" -- "$cur"))
  else
    COMPREPLY=($(compgen -f -- "$cur"))
  fi
}
complete -o filenames -F _meshcheck meshcheck
`,
	"zsh": `#compdef meshcheck
# meshcheck completion for zsh: meshcheck completion zsh > "${fpath[1]}/_meshcheck"
_meshcheck() {
  local -a out
  out=("${(@f)$(meshcheck __complete "${(@)words[2,CURRENT]}" 2>/dev/null)}")
  if [[ -n "${out[1]}" ]]; then compadd -- "${out[@]}"; else _files; fi
}
compdef _meshcheck meshcheck
`,
	"fish": `# meshcheck completion for fish: meshcheck completion fish | source
function __meshcheck_complete
    meshcheck __complete (commandline -opc)[2..-1] (commandline -ct) 2>/dev/null
end
complete -c meshcheck -a '(__meshcheck_complete)'
`,
	"powershell": `# meshcheck completion for PowerShell: meshcheck completion powershell | Out-String | Invoke-Expression
Register-ArgumentCompleter -Native -CommandName meshcheck -ScriptBlock {
    param($wordToComplete, $commandAst, $cursorPosition)
    $words = @($commandAst.CommandElements | Select-Object -Skip 1 | ForEach-Object { $_.ToString() })
    if ($wordToComplete -eq '') { $words += '""' }
    meshcheck __complete @words 2>$null | ForEach-Object {
        [System.Management.Automation.CompletionResult]::new($_, $_, 'ParameterValue', $_)
    }
}
`,
}

func shellNames() []string {
	var names []string
	for n := range shells {
		names = append(names, n)
	}
	slices.Sort(names)
	return names
}

func completionCommand() command {
	return command{
		name:  "completion",
		usage: "completion bash|zsh|fish|powershell",
		short: "Print the shell completion script (for example: source <(meshcheck completion bash)).",
		flags: func(fs *pflag.FlagSet) func(context.Context, []string, streams) int {
			return func(_ context.Context, args []string, s streams) int {
				if len(args) != 1 || shells[args[0]] == "" {
					return failed(s, fmt.Errorf("completion needs one shell: %s", strings.Join(shellNames(), ", ")))
				}
				fmt.Fprint(s.out, shells[args[0]])
				return exitClean
			}
		},
	}
}

// completeCommand is the hidden command the scripts call: the candidates
// for the last word given, one per line; none means "complete a file".
func completeCommand() command {
	return command{
		name:   "__complete",
		hidden: true,
		raw: func(ctx context.Context, args []string, s streams) int {
			for _, c := range candidates(ctx, args) {
				fmt.Fprintln(s.out, c)
			}
			return exitClean
		},
	}
}

// candidates completes words[len(words)-1], the word under the cursor
// (empty when a new word starts), after the words before it.
func candidates(ctx context.Context, words []string) []string {
	if len(words) == 0 {
		words = []string{""}
	}
	cur := words[len(words)-1]
	if len(words) == 1 {
		return withPrefix(commandNames(), cur)
	}
	var cmd *command
	for _, c := range commands() {
		if c.name == words[0] && !c.hidden {
			cmd = &c
		}
	}
	if cmd == nil || cmd.flags == nil {
		return nil
	}
	fs, _ := flagSet(*cmd)
	prev := words[len(words)-2]
	if f := flagNamed(fs, prev); f != nil && f.NoOptDefVal == "" && !strings.Contains(prev, "=") {
		return withPrefix(flagValues(cmd.name, f.Name), cur)
	}
	if strings.HasPrefix(cur, "-") {
		var names []string
		fs.VisitAll(func(f *pflag.Flag) {
			names = append(names, "--"+f.Name)
			if f.Shorthand != "" {
				names = append(names, "-"+f.Shorthand)
			}
		})
		return withPrefix(names, cur)
	}
	switch cmd.name {
	case "completion":
		return withPrefix(shellNames(), cur)
	case "rules":
		return withPrefix(catalogCodes(ctx), strings.ToUpper(cur))
	}
	return nil
}

// flagNamed is the flag a word (--name, -x) names, if any.
func flagNamed(fs *pflag.FlagSet, word string) *pflag.Flag {
	switch {
	case strings.HasPrefix(word, "--"):
		return fs.Lookup(strings.TrimPrefix(word, "--"))
	case strings.HasPrefix(word, "-") && len(word) == 2:
		return fs.ShorthandLookup(word[1:])
	}
	return nil
}

// flagValues are the values a flag takes, where they are a fixed set.
func flagValues(cmd, flag string) []string {
	switch flag {
	case "output":
		switch cmd {
		case "lint":
			return report.Formats()
		case "audit":
			return report.AuditFormats()
		case "topology":
			return topology.Formats()
		case "rules":
			return rulesFormats
		case "version":
			return versionFormats
		}
	case "fail-on":
		return []string{"error", "warning", "info", "none"}
	case "color":
		return []string{"auto", "always", "never"}
	}
	return nil
}

func catalogCodes(ctx context.Context) []string {
	e, err := checks.New(ctx, checks.Options{})
	if err != nil {
		return nil
	}
	var codes []string
	for _, r := range e.Rules() {
		codes = append(codes, r.Code)
	}
	return codes
}

func withPrefix(names []string, prefix string) []string {
	var out []string
	for _, n := range names {
		if strings.HasPrefix(n, prefix) {
			out = append(out, n)
		}
	}
	return out
}
