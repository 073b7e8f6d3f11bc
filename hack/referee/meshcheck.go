package referee

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
)

// The parts of meshcheck's fleet model (meshcheck.io/v1alpha1, docs/model.md)
// the referee reads. Only what is needed to set up the test clusters and
// istiod: the cluster's identity, the control planes to run and the network
// gateways an install would render. Everything else comes from the objects.

// Fact is a model fact's value (its provenance is not needed here).
type Fact struct {
	Value any `json:"value"`
}

// String is the fact's value as a string, "" when unknown.
func (f *Fact) String() string {
	if f == nil {
		return ""
	}
	s, _ := f.Value.(string)
	return s
}

// Bool is the fact's value as a bool, false when unknown.
func (f *Fact) Bool() bool {
	if f == nil {
		return false
	}
	b, _ := f.Value.(bool)
	return b
}

// Strings is the fact's value as a list of strings, nil when unknown.
func (f *Fact) Strings() []string {
	if f == nil {
		return nil
	}
	l, _ := f.Value.([]any)
	var out []string
	for _, v := range l {
		if s, ok := v.(string); ok {
			out = append(out, s)
		}
	}
	return out
}

// Source says where an object was read.
type Source struct {
	Cluster string `json:"cluster"`
	Object  struct {
		APIVersion string `json:"apiVersion"`
		Kind       string `json:"kind"`
		Namespace  string `json:"namespace"`
		Name       string `json:"name"`
	} `json:"object"`
	File string `json:"file"`
	Line int    `json:"line"`
}

// Model is meshcheck's fleet model.
type Model struct {
	// Dir is the fleet directory; the model's file names are relative to it.
	Dir      string              `json:"-"`
	Clusters map[string]*Cluster `json:"clusters"`
	Meshes   []struct {
		ID       string   `json:"id"`
		Clusters []string `json:"clusters"`
	} `json:"meshes"`
}

// Cluster is one cluster of the model.
type Cluster struct {
	Name            string         `json:"name"`
	ID              *Fact          `json:"id"`
	Role            string         `json:"role"`
	Network         *Fact          `json:"network"`
	SystemNamespace string         `json:"system_namespace"`
	ControlPlanes   []ControlPlane `json:"control_planes"`
	NetworkGateways []Gateway      `json:"network_gateways"`
	Objects         []ObjectRecord `json:"objects"`
}

// ControlPlane is one control plane of a cluster.
type ControlPlane struct {
	Namespace   string `json:"namespace"`
	Revision    string `json:"revision"`
	Role        string `json:"role"`
	Istiod      *Fact  `json:"istiod"`
	ClusterID   *Fact  `json:"cluster_id"`
	Network     *Fact  `json:"network"`
	MeshID      *Fact  `json:"mesh_id"`
	TrustDomain *Fact  `json:"trust_domain"`
	// TrustDomainAliases is a list fact.
	TrustDomainAliases *Fact            `json:"trust_domain_aliases"`
	Env                map[string]*Fact `json:"env"`
	MeshConfig         map[string]any   `json:"mesh_config"`
}

// Gateway is a network gateway of a cluster.
type Gateway struct {
	Name        string `json:"name"`
	Namespace   string `json:"namespace"`
	Network     *Fact  `json:"network"`
	GatewayPort int    `json:"gateway_port"`
	Ports       []struct {
		Name       string `json:"name"`
		Port       int    `json:"port"`
		TargetPort int    `json:"target_port"`
	} `json:"ports"`
	Type      string            `json:"type"`
	Selector  map[string]string `json:"selector"`
	Class     string            `json:"class"`
	Addresses []string          `json:"addresses"`
	Source    Source            `json:"source"`
}

// ObjectRecord is an input object as meshcheck read it (Secrets without data).
type ObjectRecord struct {
	Source Source         `json:"source"`
	Object map[string]any `json:"object"`
}

// Finding is one meshcheck finding (the JSON report's findings).
type Finding struct {
	Rule     string `json:"rule"`
	Severity string `json:"severity"`
	Message  string `json:"message"`
	Cluster  string `json:"cluster"`
}

// Lint runs meshcheck on a fleet directory and returns its model and its
// findings. A .meshcheck.yaml in the directory is the fleet's (its clusters
// and what inventory is complete); without one the subdirectories are the
// clusters, as with lint --fleet, and no configuration above is read.
func Lint(ctx context.Context, meshcheck, fleet string) (*Model, []Finding, error) {
	args := []string{"lint", "--no-config", "--fleet", "."}
	if _, err := os.Stat(filepath.Join(fleet, ".meshcheck.yaml")); err == nil {
		args = []string{"lint", "--config", ".meshcheck.yaml"}
	}
	m := Model{Dir: fleet}
	if err := runJSON(ctx, fleet, &m, meshcheck, append(args, "--show-model", "-o", "json")...); err != nil {
		return nil, nil, err
	}
	var rep struct {
		Findings []Finding `json:"findings"`
	}
	if err := runJSON(ctx, fleet, &rep, meshcheck, append(args, "-o", "json", "--fail-on", "none")...); err != nil {
		return nil, nil, err
	}
	sort.Slice(rep.Findings, func(i, j int) bool { return rep.Findings[i].Rule < rep.Findings[j].Rule })
	return &m, rep.Findings, nil
}

func runJSON(ctx context.Context, dir string, into any, bin string, args ...string) error {
	var out, errb bytes.Buffer
	cmd := exec.CommandContext(ctx, bin, args...)
	cmd.Dir = dir
	cmd.Stdout, cmd.Stderr = &out, &errb
	if err := cmd.Run(); err != nil {
		return fmt.Errorf("meshcheck %v: %w: %s", args, err, errb.String())
	}
	if err := json.Unmarshal(out.Bytes(), into); err != nil {
		return fmt.Errorf("meshcheck %v: decode: %w", args, err)
	}
	return nil
}

// Errors are the error-severity findings.
func Errors(fs []Finding) []Finding {
	var out []Finding
	for _, f := range fs {
		if f.Severity == "error" {
			out = append(out, f)
		}
	}
	return out
}

// SortedClusters are the model's cluster names in order.
func (m *Model) SortedClusters() []string {
	var out []string
	for n := range m.Clusters {
		out = append(out, n)
	}
	sort.Strings(out)
	return out
}

// MeshOf is the clusters of the mesh that holds cluster, itself included.
func (m *Model) MeshOf(cluster string) []string {
	for _, me := range m.Meshes {
		for _, c := range me.Clusters {
			if c == cluster {
				return me.Clusters
			}
		}
	}
	return []string{cluster}
}

// DiscoveryClass says whether a rule is about what the referee judges of
// discovery: cluster identity (CL), control-plane wiring (CP) and network
// (NW).
func DiscoveryClass(rule string) bool {
	return strings.HasPrefix(rule, "CL") || strings.HasPrefix(rule, "CP") || strings.HasPrefix(rule, "NW")
}

// MeshClass says whether a rule compares what the referee reads of the mesh
// dimension (/debug/mesh of the istiods of a mesh): the mesh ID within a
// mesh (MS001) and across meshes (MS007), and trust domains that accept
// each other (MS006). The other mesh rules are about roots of trust and
// certificates, which the referee's istiods, run without their CA, do not
// show.
func MeshClass(rule string) bool {
	return rule == "MS001" || rule == "MS006" || rule == "MS007"
}
