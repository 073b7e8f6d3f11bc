package rulecode

// Planned are codes kept for rules the project's rule catalog plans and no
// built-in rule implements yet, with what each will check. A new rule
// that is one of these takes its code; any other takes the next free code
// of its group (Next). When a planned rule is written, its entry may stay:
// a code in use is listed as in use, whatever this says.
var Planned = map[string]string{
	"CL008": "cluster names containing / are written as --slash-- in injectionURL",
	"CL009": "DestinationRule subsets and VirtualService sourceLabels name known cluster IDs",
	"CP010": "an external control plane's webhook URL parses and names a host",
	"CP015": "a mesh has more than one primary (a single primary is a single point of failure)",
	"MS010": "Services of the same namespace and name agree on type, ports and headlessness across clusters",
	"MS012": "separate meshes in one cluster have distinct mesh IDs and trust roots",
	"NW011": "clusters declaring the same network are directly routable (evidence: overlapping pod or service CIDRs)",
	"NW015": "traffic to endpoints of another network is not plaintext (PeerAuthentication or DestinationRule TLS disabled)",
	"NW017": "the east-west gateway is not fronted by an L7 or TLS-terminating load balancer",
}
