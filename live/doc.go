// Package live reads the objects the fleet model needs from live clusters:
// it resolves kubeconfig contexts, lists inventory.Kinds() with server-side
// selectors and pagination, reads clusters in parallel with a bound and a
// per-cluster timeout, discovers peers through Istio remote secrets, and
// writes redacted snapshots that lint reads back.
//
// It must not evaluate rules (the checks package does), and it must never
// write, log or print secret material: credentials found in remote secrets
// are used in memory for a connection only, and snapshots keep derived
// facts, not data.
package live
