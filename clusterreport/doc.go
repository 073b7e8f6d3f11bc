// Package clusterreport keeps a live report of meshcheck's findings in the
// cluster, as Kyverno's background scan and Gatekeeper's audit do: one
// replica, elected through a Lease, writes the cluster's current findings
// (and the fleet findings that involve it) as wgpolicyk8s.io/v1alpha2
// PolicyReports, one per namespace with results, and one
// ClusterPolicyReport for cluster-scoped objects, fleet findings, pass
// results and input errors; it rewrites them when the reviewed state
// changes and at a resync interval, and sets the current-findings gauges.
//
// It reviews nothing itself: a Source (the webhook's cache and engine)
// gives the review, so the report holds what admission sees. It must not
// write while another replica leads, must not touch reports it did not
// write (the CLI's `-o policyreport` output included), and must never
// block or slow admission beyond the one evaluation slot its Source takes.
package clusterreport
