package testcert

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"math/big"
	"net"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"
)

// CA is a test certificate authority.
type CA struct {
	Cert *x509.Certificate
	Key  *ecdsa.PrivateKey
}

// NewCA returns a CA named name, valid from an hour ago for ten years.
func NewCA(t testing.TB, name string) *CA {
	t.Helper()
	key := newKey(t)
	tmpl := &x509.Certificate{
		SerialNumber:          serial(t),
		Subject:               pkix.Name{CommonName: name},
		NotBefore:             time.Now().Add(-time.Hour),
		NotAfter:              time.Now().Add(10 * 365 * 24 * time.Hour),
		KeyUsage:              x509.KeyUsageCertSign | x509.KeyUsageDigitalSignature,
		BasicConstraintsValid: true,
		IsCA:                  true,
	}
	return &CA{Cert: create(t, tmpl, tmpl, key, key), Key: key}
}

// Pool returns a pool that trusts the CA.
func (a *CA) Pool() *x509.CertPool {
	p := x509.NewCertPool()
	p.AddCert(a.Cert)
	return p
}

// Leaf describes a certificate to issue.
type Leaf struct {
	CommonName          string // default "vitals test server"
	NotBefore, NotAfter time.Time
	DNSNames            []string
	IPs                 []net.IP
	// Client makes a certificate for client authentication too, not only
	// for a server.
	Client bool
}

// Localhost is a server leaf for localhost and 127.0.0.1 valid from
// notBefore to notAfter.
func Localhost(notBefore, notAfter time.Time) Leaf {
	return Leaf{NotBefore: notBefore, NotAfter: notAfter, DNSNames: []string{"localhost"}, IPs: []net.IP{net.IPv4(127, 0, 0, 1)}}
}

// Issue signs a certificate for l with the CA. A nil CA self-signs it.
func (a *CA) Issue(t testing.TB, l Leaf) tls.Certificate {
	t.Helper()
	key := newKey(t)
	tmpl := l.template(t)
	parent, signer := tmpl, key
	if a != nil {
		parent, signer = a.Cert, a.Key
	}
	leaf := create(t, tmpl, parent, key, signer)
	return tls.Certificate{Certificate: [][]byte{leaf.Raw}, PrivateKey: key, Leaf: leaf}
}

// Server starts an HTTPS server on loopback that answers every request
// with 200 OK and presents a localhost leaf of the CA's that expires at
// notAfter. It is closed when the test ends.
func (a *CA) Server(t testing.TB, notAfter time.Time) *httptest.Server {
	t.Helper()
	s := httptest.NewUnstartedServer(http.HandlerFunc(func(http.ResponseWriter, *http.Request) {}))
	s.TLS = &tls.Config{Certificates: []tls.Certificate{a.Issue(t, Localhost(time.Now().Add(-time.Hour), notAfter))}}
	s.StartTLS()
	t.Cleanup(s.Close)
	return s
}

// SelfSigned returns a certificate named cn for localhost and 127.0.0.1,
// valid for an hour either side of now, usable by a server and by a client,
// and a pool that trusts it.
func SelfSigned(t testing.TB, cn string) (tls.Certificate, *x509.CertPool) {
	t.Helper()
	l := Localhost(time.Now().Add(-time.Hour), time.Now().Add(time.Hour))
	l.CommonName, l.Client = cn, true
	key := newKey(t)
	tmpl := l.template(t)
	// A self-signed certificate a pool trusts is its own CA.
	tmpl.IsCA, tmpl.BasicConstraintsValid = true, true
	tmpl.KeyUsage |= x509.KeyUsageCertSign
	leaf := create(t, tmpl, tmpl, key, key)
	pool := x509.NewCertPool()
	pool.AddCert(leaf)
	return tls.Certificate{Certificate: [][]byte{leaf.Raw}, PrivateKey: key, Leaf: leaf}, pool
}

func (l Leaf) template(t testing.TB) *x509.Certificate {
	cn := l.CommonName
	if cn == "" {
		cn = "vitals test server"
	}
	usage := []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth}
	if l.Client {
		usage = append(usage, x509.ExtKeyUsageClientAuth)
	}
	return &x509.Certificate{
		SerialNumber: serial(t),
		Subject:      pkix.Name{CommonName: cn},
		NotBefore:    l.NotBefore,
		NotAfter:     l.NotAfter,
		KeyUsage:     x509.KeyUsageDigitalSignature,
		ExtKeyUsage:  usage,
		DNSNames:     l.DNSNames,
		IPAddresses:  l.IPs,
	}
}

func create(t testing.TB, tmpl, parent *x509.Certificate, key, signer *ecdsa.PrivateKey) *x509.Certificate {
	t.Helper()
	der, err := x509.CreateCertificate(rand.Reader, tmpl, parent, &key.PublicKey, signer)
	if err != nil {
		t.Fatalf("testcert: create certificate: %v", err)
	}
	cert, err := x509.ParseCertificate(der)
	if err != nil {
		t.Fatalf("testcert: parse certificate: %v", err)
	}
	return cert
}

func newKey(t testing.TB) *ecdsa.PrivateKey {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatalf("testcert: generate key: %v", err)
	}
	return key
}

func serial(t testing.TB) *big.Int {
	t.Helper()
	n, err := rand.Int(rand.Reader, big.NewInt(1<<62))
	if err != nil {
		t.Fatalf("testcert: serial number: %v", err)
	}
	return n
}
