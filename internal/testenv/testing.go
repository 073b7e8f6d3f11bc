package testenv

import (
	"net"
	"testing"
)

// MustAssets is Assets for a test: missing binaries fail it.
func MustAssets(t testing.TB) string {
	t.Helper()
	d, err := Assets()
	if err != nil {
		t.Fatal(err)
	}
	return d
}

// FreeAddr returns a loopback address with a port free at the time of the call.
func FreeAddr(t testing.TB) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().String()
}
