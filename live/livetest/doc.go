// Package livetest starts a fleet of envtest API servers (real
// kube-apiserver and etcd) for audit tests, seeds them from manifest
// directories and writes a kubeconfig with one context per cluster. It is
// for tests only: it must not be imported by non-test code.
package livetest
