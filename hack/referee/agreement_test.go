package referee

import (
	"context"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"testing"
	"time"
)

var (
	update = flag.Bool("update", false, "rewrite the generated tables of docs/referee.md")
	only   = flag.String("only", "", "referee only the fleets whose directory contains this string (the docs tables are then not checked)")
)

// fleet is one fleet of the agreement test.
type fleet struct {
	// Dir is relative to the repository root.
	Dir string
	// Disagree, when set, says why meshcheck and istiod are expected to
	// disagree on this fleet; the test fails if they agree (the entry is
	// stale) or disagree on a fleet without one.
	Disagree string
}

// agreementFleets are the fleets CI referees: the official install models
// meshcheck must pass, mistakes that break (or are said to break)
// cross-cluster discovery, and meshes whose istiods serve different mesh IDs
// or trust domains (and one whose aliases make them agree). Each takes 10-25 s on 2 cores.
var agreementFleets = []fleet{
	{Dir: "testdata/corpus/multi-primary/iop"},
	{Dir: "testdata/corpus/multi-primary-multi-network/iop"},
	{Dir: "testdata/corpus/primary-remote/iop"},
	{Dir: "testdata/corpus/primary-remote-multi-network/iop"},
	{Dir: "examples/fleet", Disagree: "us-west holds no remote secret for edge-1, so its istiod never discovers edge-1's " +
		"endpoints. CP004 reports exactly this, but only where the holder's Secret inventory is complete (a live audit, or " +
		"`complete: [Secret]` in .meshcheck.yaml): in Git a missing Secret cannot be told apart from one created out of band " +
		"by `istioctl create-remote-secret`, so lint leaves it unknown. NW001 is a warning here: in sidecar mode the injector gives " +
		"each pod the installed network."},
	{Dir: "testdata/mistakes/03-eastwest-gateway-missing"},
	{Dir: "testdata/mistakes/03-namespace-network-label-missing"},
	{Dir: "testdata/mistakes/03-namespace-network-label-mismatch"},
	{Dir: "testdata/mistakes/04-cluster-name-unset"},
	{Dir: "testdata/mistakes/05-remote-secret-kube-system-uid", Disagree: "in a multi-primary mesh each cluster's proxies " +
		"are served by their own istiod, so cluster1's istiod registering cluster2 under the UID key still discovers its " +
		"endpoints; what differs is the cluster ID (shown under identity): cluster-scoped settings (`serviceSettings.clusterLocal`, " +
		"`topology.istio.io/cluster` in DestinationRules) do not match. It breaks discovery when the key names a remote " +
		"served by this istiod (as CL007 shows)."},
	{Dir: "testdata/mistakes/05-remote-secret-name-differs-from-injection-path"},
	{Dir: "testdata/mistakes/08-remote-runs-own-istiod", Disagree: "discovery agrees (CP002: cluster2's own istiod " +
		"never reads cluster1). The mesh dimension differs where meshcheck reports no mesh rule: the istiod the remote " +
		"should not run serves no mesh ID (its proxies would report the trust domain instead of mesh1). MS001 does not " +
		"compare remote-profile clusters, which take their istiod's ID, and CP002 already names the cause."},
	{Dir: "testdata/mistakes/12-remote-secret-without-token"},
	{Dir: "testdata/rules/CL004/fail/remote-secret-exec-credential"},
	{Dir: "testdata/rules/CL004/pass/exec-allowed-by-istiod-env"},
	{Dir: "testdata/rules/CP004/fail/multi-primary-secret-one-way"},
	{Dir: "testdata/rules/MS001/fail/multi-primary-different-mesh-ids"},
	{Dir: "testdata/rules/MS006/fail/alias-on-one-side-only"},
	{Dir: "testdata/rules/MS006/pass/mutual-aliases"},
	{Dir: "testdata/rules/MS007/fail/two-meshes-one-mesh-id", Disagree: "the mesh dimension agrees (the two istiods " +
		"serve trust domains that do not alias each other). Discovery does not: meshcheck's model groups clusters by mesh " +
		"ID, so the referee takes the two clusters as one mesh and finds neither istiod reads the other cluster; meshcheck " +
		"reports no discovery error because in Git a missing remote secret is unknown (and MS007 says the clusters look " +
		"like separate meshes, which need none)."},
	{Dir: "testdata/referee/duplicate-cluster-id"},
	{Dir: "testdata/referee/gateway-labelled-with-other-network"},
	{Dir: "testdata/referee/gateway-without-cross-network-port"},
}

// outcome is one fleet's two verdicts.
type outcome struct {
	dir string
	Agreement
	others   []string // other findings (discovery warnings and infos, other MS rules)
	works    bool     // istiod's verdict on discovery
	identity bool     // istiod registers some cluster under another ID
	states   []string // the verdict along each of Dimensions
	broken   []string // the problems of every dimension
	took     time.Duration
}

func repoRoot(t *testing.T) string {
	t.Helper()
	// go test runs in the package's directory, hack/referee (with -trimpath
	// runtime.Caller gives module paths, not files).
	root, err := filepath.Abs(filepath.Join("..", ".."))
	if err != nil {
		t.Fatal(err)
	}
	return root
}

// TestAgreement referees every fleet of agreementFleets with real
// kube-apiservers and istiods: meshcheck passing at error level must mean
// istiod discovers across clusters, and a discovery-class error must show
// as a breakage in istiod, except for the disagreements listed (with their
// reasons) in docs/referee.md, which the test keeps current.
func TestAgreement(t *testing.T) {
	tools, err := ToolsFromEnv()
	if err != nil {
		t.Fatalf("the referee needs its tools (run it with make referee-test): %v", err)
	}
	root := repoRoot(t)
	ctx, cancel := context.WithTimeout(context.Background(), 12*time.Minute)
	defer cancel()
	pool := NewPool(tools)
	defer pool.Close()
	work := t.TempDir()

	var outs []outcome
	var xds time.Duration
	for _, f := range agreementFleets {
		if *only != "" && !strings.Contains(f.Dir, *only) {
			continue
		}
		res, err := Run(ctx, tools, pool, filepath.Join(root, f.Dir), work)
		if err != nil {
			t.Fatalf("%s: %v", f.Dir, err)
		}
		o := outcome{dir: f.Dir, Agreement: Agree(res), works: res.Verdict.Works, identity: len(res.Verdict.Identity) > 0, took: res.Duration}
		for _, d := range Dimensions {
			dv := res.Verdict.Dimension(d)
			o.states = append(o.states, dv.State(d))
			o.broken = append(o.broken, dv.Problems...)
		}
		for _, fd := range res.Findings {
			if !slices.Contains(o.DiscoveryErrors, fd.Rule) && !slices.Contains(o.MeshFindings, fd.Rule) {
				o.others = appendUnique(o.others, fd.Rule+" "+fd.Severity)
			}
		}
		outs = append(outs, o)
		t.Logf("%s: meshcheck errors %v %v, istiod %v (%s, xDS %s, %d proxy/cluster pairs)", f.Dir, o.DiscoveryErrors, o.MeshFindings, o.states,
			o.took.Round(time.Second), res.XDS.Round(time.Millisecond), res.Verdict.Proxies)
		xds += res.XDS
		switch {
		case o.OK() && f.Disagree != "":
			t.Errorf("%s: meshcheck and istiod now agree (errors %v %v, istiod %v): remove its disagreement entry", f.Dir, o.DiscoveryErrors, o.MeshFindings, o.states)
		case !o.OK() && f.Disagree == "":
			t.Errorf("%s: meshcheck and istiod disagree: meshcheck errors %v %v, istiod %v: %v; fix the rule or list the disagreement with its reason",
				f.Dir, o.DiscoveryErrors, o.MeshFindings, o.states, o.broken)
		}
	}
	t.Logf("%d fleets, %d API servers, %s on xDS", len(outs), pool.Size(), xds.Round(time.Millisecond))
	if *only != "" {
		t.Logf("-only %q: docs/referee.md not checked", *only)
		return
	}
	checkDoc(t, filepath.Join(root, "docs", "referee.md"), fleetTable(outs), disagreementTable(outs))
}

func appendUnique(s []string, v string) []string {
	for _, x := range s {
		if x == v {
			return s
		}
	}
	s = append(s, v)
	sort.Strings(s)
	return s
}

func orNone(s []string) string {
	if len(s) == 0 {
		return "none"
	}
	return strings.Join(s, ", ")
}

func fleetTable(outs []outcome) string {
	var b strings.Builder
	b.WriteString("| Fleet | meshcheck discovery errors, mesh findings | Other findings |")
	for _, d := range Dimensions {
		fmt.Fprintf(&b, " %s |", d)
	}
	b.WriteString(" Agree |\n|---|---|---|" + strings.Repeat("---|", len(Dimensions)) + "---|\n")
	for _, o := range outs {
		fmt.Fprintf(&b, "| `%s` | %s | %s |", o.dir, orNone(slices.Concat(o.DiscoveryErrors, o.MeshFindings)), orNone(o.others))
		for k, d := range Dimensions {
			state := o.states[k]
			if d == DimCluster && o.identity {
				state += " (a cluster registered under another ID)"
			}
			fmt.Fprintf(&b, " %s |", state)
		}
		agree := "yes"
		if !o.OK() {
			agree = "**no**"
		}
		fmt.Fprintf(&b, " %s |\n", agree)
	}
	return b.String()
}

func disagreementTable(outs []outcome) string {
	var b strings.Builder
	b.WriteString("| Fleet | meshcheck | istiod | Reason |\n|---|---|---|---|\n")
	n := 0
	for _, o := range outs {
		if o.OK() {
			continue
		}
		reason := ""
		for _, f := range agreementFleets {
			if f.Dir == o.dir {
				reason = f.Disagree
			}
		}
		ist := "discovers across clusters, mesh consistent"
		if len(o.broken) > 0 {
			ist = strings.Join(o.broken, "; ")
		}
		fmt.Fprintf(&b, "| `%s` | %s | %s | %s |\n", o.dir, orNone(slices.Concat(o.DiscoveryErrors, o.MeshFindings)), ist, reason)
		n++
	}
	if n == 0 {
		b.WriteString("| (none) | | | |\n")
	}
	return b.String()
}

// checkDoc compares the generated tables with docs/referee.md, or rewrites
// them with -update.
func checkDoc(t *testing.T, path, fleets, disagreements string) {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("read %s: %v", path, err)
	}
	doc, stale, err := syncTables(string(b), map[string]string{"fleets": fleets, "disagreements": disagreements})
	if err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	if *update {
		if err := os.WriteFile(path, []byte(doc), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	for _, name := range stale {
		t.Errorf("%s: the %s table is stale (make referee-test REFEREE_UPDATE=1, or go test -run TestAgreement -update, rewrites it)", path, name)
	}
}

// syncTables puts each table between its <!-- referee:NAME --> and
// <!-- /referee:NAME --> markers and says which ones changed.
func syncTables(doc string, tables map[string]string) (string, []string, error) {
	names := make([]string, 0, len(tables))
	for n := range tables {
		names = append(names, n)
	}
	sort.Strings(names)
	var stale []string
	for _, name := range names {
		begin, end := "<!-- referee:"+name+" -->\n", "<!-- /referee:"+name+" -->"
		i, j := strings.Index(doc, begin), strings.Index(doc, end)
		if i < 0 || j < i {
			return "", nil, fmt.Errorf("markers %q and %q not found", strings.TrimSpace(begin), end)
		}
		if doc[i+len(begin):j] != tables[name] {
			stale = append(stale, name)
			doc = doc[:i+len(begin)] + tables[name] + doc[j:]
		}
	}
	return doc, stale, nil
}
