// Package rulecode knows the codes of meshcheck's built-in rules: which
// group a code's prefix names, where the rule with that code lives
// (policies/rules/<group>/<code in lower case>, package
// meshcheck.rules.<group>.<code in lower case>), which codes are taken and
// which are kept for planned rules. The scaffolder (hack/rule), the test
// that checks each built-in rule's package against its METADATA code and
// docs/writing-rules.md all read it, so that a code is written down once.
//
// It reads policy files as text and evaluates nothing.
package rulecode

import (
	"bufio"
	"bytes"
	"fmt"
	"io/fs"
	"os"
	"path"
	"regexp"
	"slices"
	"strconv"
	"strings"
)

// Group is one family of built-in rules: the dimension of the mesh they
// judge, and the code prefix and directory that go with it.
type Group struct {
	// Prefix starts every code of the group (NW of NW001).
	Prefix string
	// Dir is the directory under policies/rules and the package segment
	// under meshcheck.rules; it is also the dimension new rules get.
	Dir string
	// About says what the group's rules judge.
	About string
}

// Groups are the built-in rule groups, in the order the docs list them.
var Groups = []Group{
	{"CL", "cluster", "cluster identity: cluster IDs, names and remote secrets"},
	{"NW", "network", "networks: network labels and values, east-west gateways"},
	{"CP", "controlplane", "control planes: primaries, remotes, external istiod, revisions"},
	{"MS", "mesh", "meshes and trust: mesh IDs, trust domains, root certificates"},
}

// Code is a built-in rule's code, parsed.
type Code struct {
	Group  Group
	Number int
}

// builtinCode is the form of built-in codes: a group prefix and three
// digits. Users' rules may use any ^[A-Z]{2,8}[0-9]{3,4}$ code (checks).
var builtinCode = regexp.MustCompile(`^([A-Z]{2})([0-9]{3})$`)

// Parse reads a built-in rule code such as NW017.
func Parse(s string) (Code, error) {
	m := builtinCode.FindStringSubmatch(s)
	if m == nil {
		return Code{}, fmt.Errorf("rule code %q: want a group prefix (%s) and three digits, like NW017", s, prefixes())
	}
	i := slices.IndexFunc(Groups, func(g Group) bool { return g.Prefix == m[1] })
	if i < 0 {
		return Code{}, fmt.Errorf("rule code %q: unknown group %s; the groups are %s", s, m[1], prefixes())
	}
	n, _ := strconv.Atoi(m[2])
	if n == 0 {
		return Code{}, fmt.Errorf("rule code %q: numbers start at 001", s)
	}
	return Code{Group: Groups[i], Number: n}, nil
}

func prefixes() string {
	var out []string
	for _, g := range Groups {
		out = append(out, g.Prefix+" "+g.Dir)
	}
	return strings.Join(out, ", ")
}

// String is the code as rules write it: NW017.
func (c Code) String() string { return fmt.Sprintf("%s%03d", c.Group.Prefix, c.Number) }

// Name is the code in lower case, the rule's directory and last package
// segment: nw017.
func (c Code) Name() string { return strings.ToLower(c.String()) }

// Package is the rule's Rego package: meshcheck.rules.network.nw017.
func (c Code) Package() string { return "meshcheck.rules." + c.Group.Dir + "." + c.Name() }

// Dir is the rule's directory relative to the repository, with slashes:
// policies/rules/network/nw017.
func (c Code) Dir() string { return path.Join(RulesDir, c.Group.Dir, c.Name()) }

// FixtureDir is where the rule's pass and fail fixtures live:
// testdata/rules/NW017.
func (c Code) FixtureDir() string { return path.Join(FixturesDir, c.String()) }

// DocPage is the rule's generated page: docs/rules/NW017.md.
func (c Code) DocPage() string { return path.Join("docs", "rules", c.String()+".md") }

// Where the built-in rules and their fixtures live, relative to the
// repository.
const (
	RulesDir    = "policies/rules"
	FixturesDir = "testdata/rules"
)

// metadataCode finds the code line of a METADATA block (`#   code: NW001`).
var metadataCode = regexp.MustCompile(`^#\s+code:\s*(\S+)\s*$`)

// InUse returns the codes the built-in rules under root (a repository
// checkout) declare in their METADATA, each with the file that declares it,
// together with codes that only have fixtures or a doc page left (a rule
// half removed still holds its code).
func InUse(root fs.FS) (map[string]string, error) {
	used := map[string]string{}
	err := fs.WalkDir(root, RulesDir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(p, ".rego") || strings.HasSuffix(p, "_test.rego") {
			return err
		}
		b, err := fs.ReadFile(root, p)
		if err != nil {
			return err
		}
		sc := bufio.NewScanner(bytes.NewReader(b))
		for sc.Scan() {
			if m := metadataCode.FindStringSubmatch(sc.Text()); m != nil {
				used[m[1]] = p
			}
		}
		return sc.Err()
	})
	if err != nil {
		return nil, fmt.Errorf("list rule codes: %w", err)
	}
	for _, dir := range []string{FixturesDir, "docs/rules"} {
		entries, err := fs.ReadDir(root, dir)
		if err != nil && !os.IsNotExist(err) {
			return nil, fmt.Errorf("list rule codes: %w", err)
		}
		for _, e := range entries {
			code := strings.TrimSuffix(e.Name(), ".md")
			if _, err := Parse(code); err == nil && used[code] == "" {
				used[code] = path.Join(dir, e.Name())
			}
		}
	}
	return used, nil
}

// Next is the code a new rule of group g takes: one past the highest
// number the group uses or keeps for a planned rule. Codes are never
// reused: a gap is a planned rule's (Planned) or a removed rule's.
func Next(g Group, used map[string]string) Code {
	highest := 0
	for _, codes := range []map[string]string{used, Planned} {
		for code := range codes {
			if c, err := Parse(code); err == nil && c.Group == g {
				highest = max(highest, c.Number)
			}
		}
	}
	return Code{Group: g, Number: highest + 1}
}
