package main

import (
	"crypto/x509"

	"github.com/meshcheck/meshcheck/internal/testenv"
)

// writeCert writes a self-signed serving certificate for 127.0.0.1 as
// tls.crt and tls.key in dir and returns a pool that trusts it.
func writeCert(dir string) (*x509.CertPool, error) {
	der, err := testenv.WriteServingCert(dir, "127.0.0.1")
	if err != nil {
		return nil, err
	}
	cert, err := x509.ParseCertificate(der)
	if err != nil {
		return nil, err
	}
	pool := x509.NewCertPool()
	pool.AddCert(cert)
	return pool, nil
}
