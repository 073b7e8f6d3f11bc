# Test inputs are written by hand; the rules also read the groups the model
# derives from the links (model.groupsOf). with_groups adds them, computed
# the same way, so a rule's test states links and gets the groups they make.
package meshcheck.lib.groups_test

with_groups(inp) := object.union(inp, {"groups": {
	"strong": components(inp, strong_edges(inp.links)),
	"linked": components(inp, {[l.from, l.to] | some l in inp.links; l.kind != "mesh-id"}),
}})

# strong_edges: control-plane and declared links, remote secrets both ways.
strong_edges(links) := {[l.from, l.to] | some l in links; l.kind in {"control-plane", "declared"}} | {[l.from, l.to] |
	some l in links
	l.kind == "remote-secret"
	some m in links
	m.kind == "remote-secret"
	[m.from, m.to] == [l.to, l.from]
}

# components maps each cluster to the first name of its component.
components(inp, edges) := {a: min(graph.reachable(g, {a})) | some a, _ in inp.clusters} if {
	both := edges | {[b, a] | some [a, b] in edges}
	g := {a: {b | some [x, b] in both; x == a} | some a, _ in inp.clusters}
}

test_with_groups if {
	inp := {"clusters": {"a": {}, "b": {}, "c": {}, "d": {}}, "links": [
		{"from": "a", "to": "b", "kind": "remote-secret"},
		{"from": "b", "to": "a", "kind": "remote-secret"},
		{"from": "c", "to": "b", "kind": "remote-secret"},
		{"from": "d", "to": "a", "kind": "mesh-id"},
	]}
	with_groups(inp).groups == {
		"strong": {"a": "a", "b": "a", "c": "c", "d": "d"},
		"linked": {"a": "a", "b": "a", "c": "a", "d": "d"},
	}
}
