package webhook

import (
	"bytes"
	"context"
	"crypto/tls"
	"net"
	"strconv"
	"strings"
	"testing"

	"github.com/meshcheck/meshcheck/internal/testenv"
)

// writeServingCert replaces tls.crt and tls.key in dir with a new
// self-signed certificate for host and returns its DER.
func writeServingCert(t *testing.T, dir, host string) []byte {
	t.Helper()
	der, err := testenv.WriteServingCert(dir, host)
	if err != nil {
		t.Fatal(err)
	}
	return der
}

// servedCert returns the certificate the server at host:port presents, and
// the TLS version negotiated when the client offers at most maxVersion.
func servedCert(host string, port int, maxVersion uint16) ([]byte, uint16, error) {
	conn, err := tls.Dial("tcp", net.JoinHostPort(host, strconv.Itoa(port)), &tls.Config{
		InsecureSkipVerify: true, //nolint:gosec // the test compares the certificate itself
		// The client offers old versions, so that refusing them is the server's doing.
		MinVersion: tls.VersionTLS10, //nolint:gosec // see above
		MaxVersion: maxVersion,
	})
	if err != nil {
		return nil, 0, err
	}
	defer conn.Close()
	st := conn.ConnectionState()
	return st.PeerCertificates[0].Raw, st.Version, nil
}

func checkTLS(t *testing.T, host string, port int) {
	t.Helper()
	if _, _, err := servedCert(host, port, tls.VersionTLS11); err == nil || !strings.Contains(err.Error(), "remote error") {
		t.Errorf("TLS 1.1: %v, want the server to refuse it", err)
	}
	if _, v, err := servedCert(host, port, tls.VersionTLS12); err != nil || v != tls.VersionTLS12 {
		t.Errorf("TLS 1.2: version %x, %v", v, err)
	}
}

func checkCertReload(t *testing.T, dir, host string, port int) {
	t.Helper()
	before, _, err := servedCert(host, port, 0)
	if err != nil {
		t.Fatal(err)
	}
	want := writeServingCert(t, dir, host)
	if bytes.Equal(before, want) {
		t.Fatal("new certificate equals the old one")
	}
	eventually(t, "the new certificate to be served", func(ctxDone context.Context) bool {
		got, _, err := servedCert(host, port, 0)
		return err == nil && bytes.Equal(got, want)
	})
}
