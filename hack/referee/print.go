package referee

import (
	"fmt"
	"io"
	"sort"
	"strings"
)

// Print writes what istiod saw next to meshcheck's findings.
func Print(w io.Writer, r *Result) {
	fmt.Fprintf(w, "fleet %s (%s)\n\n", r.Fleet, r.Duration.Round(100_000_000))
	fmt.Fprintln(w, "meshcheck:")
	if len(r.Findings) == 0 {
		fmt.Fprintln(w, "  no findings")
	}
	for _, f := range r.Findings {
		fmt.Fprintf(w, "  %s %-7s %s\n", f.Rule, f.Severity, firstLine(f.Message))
	}
	fmt.Fprintln(w, "\nset up:")
	for _, p := range r.Plans {
		fmt.Fprintf(w, "  %s: network %q, sample pod %s\n", p.Cluster, p.Network, p.PodIP)
		for _, g := range p.Gateways {
			fmt.Fprintf(w, "    network gateway %s/%s network %q address %s mTLS port %d\n", g.Namespace, g.Name, g.Network, g.Address, g.Port)
		}
		for _, s := range p.RemoteSecrets {
			target := s.Target
			if target == "" {
				target = "(no cluster of the fleet: unreachable)"
			}
			fmt.Fprintf(w, "    remote secret %s/%s key %s -> %s credential=%v", s.Namespace, s.Name, s.Key, target, s.Credential)
			if len(s.Refused) > 0 {
				fmt.Fprintf(w, " (kept, as istiod refuses them: %s)", strings.Join(s.Refused, ", "))
			}
			fmt.Fprintln(w)
		}
		for _, s := range p.Skipped {
			fmt.Fprintf(w, "    skipped: %s\n", s)
		}
	}
	fmt.Fprintln(w, "\nistiod saw:")
	for _, s := range r.Seen {
		fmt.Fprintf(w, "  istiod of %s (cluster ID %s, trust domain %s, aliases %v, mesh ID %q)\n", s.Cluster, s.ClusterID, s.TrustDomain, s.TrustDomainAliases, s.MeshID)
		for _, rc := range s.Remotes {
			fmt.Fprintf(w, "    remote cluster %s: %s (secret %s)\n", rc.ID, rc.SyncStatus, rc.SecretName)
		}
		ids := make([]string, 0, len(s.Endpoints))
		for id := range s.Endpoints {
			ids = append(ids, id)
		}
		sort.Strings(ids)
		for _, id := range ids {
			var eps []string
			for _, e := range s.Endpoints[id] {
				eps = append(eps, fmt.Sprintf("%s (network %q, tlsMode %q)", e.Address, e.Network, e.TLSMode))
			}
			fmt.Fprintf(w, "    %s endpoints from cluster %s: %s\n", SampleService, id, strings.Join(eps, ", "))
		}
		for _, g := range s.Gateways {
			fmt.Fprintf(w, "    network gateway for %s: %s:%d (cluster %s)\n", g.Network, g.Addr, g.Port, g.Cluster)
		}
		for _, pv := range s.Proxies {
			fmt.Fprintf(w, "    proxy of %s (cluster ID %s, network %q) receives for %s:", pv.Cluster, pv.ClusterID, pv.Network, SampleCluster)
			self := planOf(r.Plans, pv.Cluster)
			switch {
			case pv.Error != "":
				fmt.Fprintf(w, " nothing: %s\n", pv.Error)
				continue
			case len(pv.Endpoints) == 0:
				fmt.Fprint(w, " no endpoints")
			}
			fmt.Fprintln(w)
			for _, e := range pv.Endpoints {
				fmt.Fprintf(w, "      %s\n", classify(e, r.Plans).describe(self))
			}
		}
	}
	fmt.Fprintln(w)
	for _, n := range r.Verdict.Identity {
		fmt.Fprintf(w, "identity: %s\n", n)
	}
	if r.Verdict.Works {
		fmt.Fprintf(w, "verdict: cross-cluster discovery works (%d istiod/cluster pairs, %d proxy/cluster pairs)\n", r.Verdict.Checked, r.Verdict.Proxies)
	} else {
		fmt.Fprintln(w, "verdict: cross-cluster discovery broken")
	}
	for _, d := range Dimensions {
		dv := r.Verdict.Dimension(d)
		fmt.Fprintf(w, "  %-15s %s (%d judged)\n", d+":", dv.State(d), dv.Judged)
		for _, p := range dv.Problems {
			fmt.Fprintf(w, "    %s\n", p)
		}
	}
}

func planOf(plans []*Plan, cluster string) *Plan {
	for _, p := range plans {
		if p.Cluster == cluster {
			return p
		}
	}
	return &Plan{Cluster: cluster}
}

func firstLine(s string) string {
	if i := strings.IndexByte(s, '\n'); i >= 0 {
		return s[:i]
	}
	return s
}
