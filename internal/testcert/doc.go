// Package testcert makes the certificates tests need: a private
// certificate authority, leaves it signs (or self-signs) with chosen
// validity and names, and a self-signed certificate for 127.0.0.1 and
// localhost that a server and a client can both present.
//
// Every key is a fresh P-256 key; nothing is written to disk. The helpers
// fail the test on error.
//
//	ca := testcert.NewCA(t, "test CA")
//	cert := ca.Issue(t, testcert.Localhost(time.Now().Add(-time.Hour), time.Now().Add(24*time.Hour)))
//	srv := &tls.Config{Certificates: []tls.Certificate{cert}}
//	cli := &tls.Config{RootCAs: ca.Pool()}
package testcert
