// Package report renders the result of a lint or audit run (findings, the
// rule catalog that was evaluated, input errors and a summary) in the formats
// users pick with -o: text, json, yaml, sarif, junit, github, markdown and
// policyreport.
//
// It must not decide anything. No rule logic, no filtering by severity
// threshold, no exit codes, no sorting (findings arrive sorted), no deciding
// whether to color (Options.Color says), and no I/O beyond the io.Writer it
// is handed: the front-ends own all of that, so every format shows the same
// run the same way. Adding a format is
// one file here plus one line in the table in report.go.
//
// Suppressed findings are kept in the machine formats (json, sarif) whatever
// Options.ShowSuppressed says, shown in text and junit only when asked for,
// and never turned into GitHub annotations.
//
// # JSON contract
//
// The json format is a public, versioned contract (apiVersion
// meshcheck.io/v1alpha1, kind Report). Within v1alpha1 keys are only ever
// added; renaming or removing a key or changing its type needs a new
// apiVersion. Output is indented with two spaces. Shape:
//
//	{
//	  "apiVersion": "meshcheck.io/v1alpha1",
//	  "kind": "Report",
//	  "tool": "meshcheck",
//	  "version": "v0.3.0",
//	  "command": "lint",          // "lint" or "audit"
//	  "findings": [ ... ],        // always an array, [] when clean, never null
//	  "summary": {
//	    "total": 3,               // unsuppressed findings
//	    "errors": 2, "warnings": 1, "infos": 0,
//	    "suppressed": 1,          // counted apart, not part of total
//	    "clusters": 4,            // clusters read
//	    "files": 12               // files read (lint)
//	  },
//	  "errors": [ ... ],          // input errors, always an array, never null
//	  "not_evaluated": [ ... ],   // inputs recognised and not read, always an array
//	  "coverage": {               // what the model recognised (absent without a model)
//	    "clusters": [{"name": "east", "control_planes": 1, "network_gateways": 1,
//	                  "remote_secrets": 2, "ca_secrets": 1}],
//	    "not_evaluated": 0
//	  }
//	}
//
// Each element of "findings" is a checks.Finding with snake_case keys; keys
// marked ? are left out when empty or zero:
//
//	rule           stable rule code, e.g. "NW001"
//	severity       "error" | "warning" | "info"
//	title          the rule's title
//	message        what is wrong, with the values involved
//	remediation?   how to fix it
//	docs?          URL of the rule's documentation
//	cluster?       cluster name as meshcheck knows it; absent for fleet-wide findings
//	cluster_id?    the cluster's Istio CLUSTER_ID, when different from the name
//	object         {apiVersion?, kind?, namespace?, name?}; {} when not about one object
//	path?          field path inside the object, e.g. spec.values.global.network
//	file?          input file, as given on the command line
//	line?, column? 1-based position in file; absent when unknown
//	related?       other places involved: [{cluster?, object, path?, file?, line?, column?}]
//	suppressed?    true when an exemption matched; the finding is still listed
//	suppressed_by? which exemption matched, with its reason
//
// Each element of "errors" is an InputError: a problem reading an input
// (a file that is not valid YAML, a cluster that cannot be reached) after
// which the run went on:
//
//	file?, line?, column?   where, for file inputs
//	cluster?                which cluster, for live inputs
//	message                 what went wrong
//
// Each element of "not_evaluated" has the same shape: an input meshcheck
// recognised and deliberately did not read (a Helm chart's template, a
// document with template actions that is not YAML until rendered), and why.
// Such inputs do not change the exit code, but a clean run over them is no
// evidence that they are right.
package report
