// Package config reads .meshcheck.yaml: the clusters of a fleet kept in Git
// and their paths, meshes declared as one, per-rule settings and
// exemptions. It only parses and validates; it does not read manifests or
// evaluate anything.
package config

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"go.yaml.in/yaml/v3"
)

// FileName is the configuration file looked up from the working directory upwards.
const FileName = ".meshcheck.yaml"

// maxBytes bounds the configuration file; it is small by nature.
const maxBytes = 1 << 20

// Config is the content of .meshcheck.yaml.
type Config struct {
	APIVersion string `yaml:"apiVersion"`
	Kind       string `yaml:"kind"`
	// Fleet is a directory whose immediate subdirectories are clusters,
	// like --fleet.
	Fleet    string    `yaml:"fleet,omitempty"`
	Clusters []Cluster `yaml:"clusters,omitempty"`
	// Meshes lists groups of clusters meant to form one mesh.
	Meshes [][]string `yaml:"meshes,omitempty"`
	// Rules holds per-rule settings keyed by rule code.
	Rules      map[string]RuleSetting `yaml:"rules,omitempty"`
	Exemptions []Exemption            `yaml:"exemptions,omitempty"`

	// Dir is the directory of the file; relative paths are relative to it.
	Dir string `yaml:"-"`
	// File is the path the configuration was read from.
	File string `yaml:"-"`
}

// Cluster assigns paths to a cluster.
type Cluster struct {
	Name  string   `yaml:"name"`
	Paths []string `yaml:"paths"`
	// Complete lists kinds whose inventory the paths hold in full (for
	// example Secret, when a team keeps all its secrets, sealed or not, in Git).
	Complete []string `yaml:"complete"`
}

// RuleSetting changes a rule: disable it, change its severity, or (for the
// admission webhook) its enforcement: deny, warn or dryrun.
type RuleSetting struct {
	Disabled    bool   `yaml:"disabled"`
	Severity    string `yaml:"severity"`
	Enforcement string `yaml:"enforcement"`
}

// Exemption silences a rule for matching findings. Empty fields match
// anything; a reason is required.
type Exemption struct {
	Rule      string `yaml:"rule"`
	Cluster   string `yaml:"cluster"`
	Kind      string `yaml:"kind"`
	Namespace string `yaml:"namespace"`
	Name      string `yaml:"name"`
	Reason    string `yaml:"reason"`
}

// Find looks for FileName in dir and its parents. It returns "" when none
// exists, and a path relative to the working directory when the file is
// below it, so that findings show short paths.
func Find(dir string) (string, error) {
	dir, err := filepath.Abs(dir)
	if err != nil {
		return "", err
	}
	for {
		p := filepath.Join(dir, FileName)
		if _, err := os.Stat(p); err == nil {
			return relative(p), nil
		} else if !errors.Is(err, os.ErrNotExist) {
			return "", err
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", nil
		}
		dir = parent
	}
}

// Resolve reads the configuration file given, or the one Find finds from
// the working directory upwards; nil when there is none or none is wanted.
func Resolve(file string, none bool) (*Config, error) {
	if none {
		return nil, nil
	}
	if file == "" {
		found, err := Find(".")
		if err != nil || found == "" {
			return nil, err
		}
		file = found
	}
	return Load(file)
}

// Load reads and validates a configuration file.
func Load(path string) (*Config, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	if len(b) > maxBytes {
		return nil, fmt.Errorf("%s: larger than %d bytes", path, maxBytes)
	}
	c, err := Parse(b)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	c.File = path
	c.Dir = filepath.Dir(path)
	return c, nil
}

// Parse decodes and validates configuration text. Unknown fields are
// errors, so that a typo does not silently disable a setting.
func Parse(b []byte) (*Config, error) {
	c := &Config{}
	dec := yaml.NewDecoder(bytes.NewReader(b))
	dec.KnownFields(true)
	if err := dec.Decode(c); err != nil && !errors.Is(err, io.EOF) {
		return nil, errors.New(strings.TrimPrefix(err.Error(), "yaml: "))
	}
	return c, c.validate()
}

func (c *Config) validate() error {
	var errs []error
	if c.APIVersion != "" && c.APIVersion != "meshcheck.io/v1alpha1" {
		errs = append(errs, fmt.Errorf("apiVersion %q is not meshcheck.io/v1alpha1", c.APIVersion))
	}
	seen := map[string]bool{}
	for i, cl := range c.Clusters {
		switch {
		case cl.Name == "":
			errs = append(errs, fmt.Errorf("clusters[%d]: name is required", i))
		case seen[cl.Name]:
			errs = append(errs, fmt.Errorf("clusters[%d]: cluster %q declared twice", i, cl.Name))
		}
		seen[cl.Name] = true
		if len(cl.Paths) == 0 {
			errs = append(errs, fmt.Errorf("clusters[%d] (%s): paths is required", i, cl.Name))
		}
	}
	for code, r := range c.Rules {
		if r.Severity != "" && !slices.Contains([]string{"error", "warning", "warn", "info"}, r.Severity) {
			errs = append(errs, fmt.Errorf("rules.%s.severity: %q is not error, warning or info", code, r.Severity))
		}
		if r.Enforcement != "" && !slices.Contains([]string{"deny", "warn", "dryrun"}, r.Enforcement) {
			errs = append(errs, fmt.Errorf("rules.%s.enforcement: %q is not deny, warn or dryrun", code, r.Enforcement))
		}
	}
	for i, e := range c.Exemptions {
		if e.Rule == "" {
			errs = append(errs, fmt.Errorf("exemptions[%d]: rule is required", i))
		}
		if strings.TrimSpace(e.Reason) == "" {
			errs = append(errs, fmt.Errorf("exemptions[%d] (%s): reason is required", i, e.Rule))
		}
	}
	return errors.Join(errs...)
}

// Abs resolves a path of the configuration against its directory.
func (c *Config) Abs(p string) string {
	if filepath.IsAbs(p) || c.Dir == "" {
		return p
	}
	return filepath.Join(c.Dir, p)
}

func relative(p string) string {
	wd, err := os.Getwd()
	if err != nil {
		return p
	}
	if rel, err := filepath.Rel(wd, p); err == nil && !strings.HasPrefix(rel, "..") {
		return rel
	}
	return p
}
