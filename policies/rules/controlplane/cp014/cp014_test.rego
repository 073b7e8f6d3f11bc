package meshcheck.rules.controlplane.cp014_test

import data.meshcheck.rules.controlplane.cp014

entry(key) := {
	"key": key, "current_context": key, "context_cluster": key,
	"server": "https://cluster2.example.com:6443", "server_host": "cluster2.example.com",
	"has_credentials": true, "source": {"path": sprintf("data.%s", [key])},
}

checked(e, rejected) := object.union(e, {"credential_rejected": {"value": rejected, "source": e.source}})

fleet_of(entries) := {"clusters": {"cluster1": {"remote_secrets": [{
	"name": "istio-remote-secret-cluster2", "namespace": "istio-system", "type": "remote",
	"entries": entries, "source": {"path": "metadata.name"},
}]}}}

test_rejected_credential_fires if {
	vs := cp014.violation with input as fleet_of([checked(entry("cluster2"), true)])
	count(vs) == 1
	some v in vs
	v.code == "CP014"
	v.cluster == "cluster1"
	v.at.path == "data.cluster2"
	contains(v.message, "istio-system/istio-remote-secret-cluster2")
	contains(v.message, `key "cluster2"`)
	contains(v.message, "cluster2.example.com")
	contains(v.message, "401 Unauthorized")
}

test_accepted_credential_is_silent if {
	count(cp014.violation) == 0 with input as fleet_of([checked(entry("cluster2"), false)])
}

test_untried_credential_is_silent if {
	count(cp014.violation) == 0 with input as fleet_of([entry("cluster2")])
}

test_only_the_rejected_key_fires if {
	vs := cp014.violation with input as fleet_of([checked(entry("cluster2"), false), checked(entry("cluster3"), true)])
	count(vs) == 1
	some v in vs
	v.at.path == "data.cluster3"
}

test_server_without_host_is_named_by_key if {
	e := checked(object.remove(entry("cluster2"), ["server", "server_host"]), true)
	vs := cp014.violation with input as fleet_of([e])
	some v in vs
	contains(v.message, `the API server of "cluster2" rejected`)
}
