package tlscheck

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"math"
	"net"
	"strings"
	"time"

	"github.com/vitalsgo/vitals"
	"github.com/vitalsgo/vitals/checks/internal/endpoint"
	"github.com/vitalsgo/vitals/checks/internal/report"
)

// DefaultWarnDays is the warning window used when [Options.WarnDays] is 0.
const DefaultWarnDays = 14

// Options configure [New]. A nil *Options means all defaults.
type Options struct {
	// ServerName is the name sent in SNI and verified against the
	// certificate. Default the host part of the address.
	ServerName string
	// RootCAs are the trusted roots. Default TLSConfig.RootCAs if set,
	// else the system roots.
	RootCAs *x509.CertPool
	// TLSConfig is the base configuration, e.g. for client certificates
	// or a minimum version. It is cloned; the check always verifies the
	// server's certificate itself, whatever its InsecureSkipVerify says.
	// Default an empty config.
	TLSConfig *tls.Config
	// InsecureSkipVerify skips the chain and host name verification; the
	// validity dates are still checked. For self-signed endpoints whose
	// expiry is all that matters. Default false.
	InsecureSkipVerify bool
	// WarnDays reports StatusWarn when a certificate of the chain expires
	// in fewer days. Default [DefaultWarnDays].
	WarnDays int
	// Dialer makes the TCP connection. Default a zero net.Dialer. The
	// check's context bounds the dial and the handshake.
	Dialer *net.Dialer
}

// Checker checks the certificate of one TLS endpoint.
type Checker struct {
	addr       string
	serverName string
	roots      *x509.CertPool
	skipVerify bool
	warn       time.Duration
	dialer     *tls.Dialer
}

var _ vitals.Checker = (*Checker)(nil)

// New returns a Checker for addr, host:port. It returns an error when addr
// is not host:port or WarnDays is negative.
func New(addr string, opts *Options) (*Checker, error) {
	var o Options
	if opts != nil {
		o = *opts
	}
	host, err := endpoint.HostPort("tlscheck", addr)
	if err != nil {
		return nil, err
	}
	if o.WarnDays < 0 {
		return nil, fmt.Errorf("tlscheck: negative WarnDays %d", o.WarnDays)
	}
	if o.WarnDays == 0 {
		o.WarnDays = DefaultWarnDays
	}
	if o.ServerName == "" {
		o.ServerName = host
	}
	cfg := &tls.Config{}
	if o.TLSConfig != nil {
		cfg = o.TLSConfig.Clone()
	}
	if o.RootCAs == nil {
		o.RootCAs = cfg.RootCAs
	}
	// The handshake accepts any certificate; Check verifies it afterwards
	// so that a bad one is reported with its dates and the exact reason.
	cfg.InsecureSkipVerify = true
	cfg.VerifyPeerCertificate, cfg.VerifyConnection = nil, nil
	cfg.ServerName = o.ServerName
	if o.Dialer == nil {
		o.Dialer = &net.Dialer{}
	}
	return &Checker{
		addr: addr, serverName: o.ServerName, roots: o.RootCAs, skipVerify: o.InsecureSkipVerify,
		warn:   time.Duration(o.WarnDays) * 24 * time.Hour,
		dialer: &tls.Dialer{NetDialer: o.Dialer, Config: cfg},
	}, nil
}

// Check connects, completes the handshake and verifies the certificate.
func (c *Checker) Check(ctx context.Context) (out vitals.Result) {
	defer report.Took(&out, time.Now())
	start := time.Now()
	conn, err := c.dialer.DialContext(ctx, "tcp", c.addr)
	took := time.Since(start)
	d := map[string]any{"address": c.addr, "server_name": c.serverName, "handshake_ms": float64(took.Microseconds()) / 1000}
	if err != nil {
		return report.Fail(d, "TLS handshake with %s: %w", c.addr, err)
	}
	state := conn.(*tls.Conn).ConnectionState()
	conn.Close()
	d["tls_version"] = tls.VersionName(state.Version)
	d["cipher_suite"] = tls.CipherSuiteName(state.CipherSuite)
	if len(state.PeerCertificates) == 0 {
		return report.Fail(d, "TLS handshake with %s: no certificate presented", c.addr)
	}
	return c.verify(state.PeerCertificates, d)
}

// verify judges the presented chain at the current time.
func (c *Checker) verify(certs []*x509.Certificate, d map[string]any) vitals.Result {
	now := time.Now()
	leaf := certs[0]
	describe(leaf, d)
	chain := certs
	if now.After(leaf.NotAfter) {
		r := report.Fail(d, "certificate of %s expired %s ago (not after %s)", c.serverName, days(now.Sub(leaf.NotAfter)), leaf.NotAfter.UTC().Format(time.RFC3339))
		r.Observed, r.Unit = daysLeft(leaf.NotAfter, now), "days"
		d["days_left"] = r.Observed
		return r
	}
	if now.Before(leaf.NotBefore) {
		return report.Fail(d, "certificate of %s is not valid before %s", c.serverName, leaf.NotBefore.UTC().Format(time.RFC3339))
	}
	if !c.skipVerify {
		inter := x509.NewCertPool()
		for _, cert := range certs[1:] {
			inter.AddCert(cert)
		}
		chains, err := leaf.Verify(x509.VerifyOptions{DNSName: c.serverName, Roots: c.roots, Intermediates: inter, CurrentTime: now})
		if err != nil {
			return report.Fail(d, "certificate of %s: %s: %w", c.serverName, reason(err), err)
		}
		chain = chains[0]
	}
	first := chain[0]
	for _, cert := range chain[1:] {
		if cert.NotAfter.Before(first.NotAfter) {
			first = cert
		}
	}
	left := first.NotAfter.Sub(now)
	d["days_left"] = daysLeft(first.NotAfter, now)
	if first != leaf {
		d["expires_first"] = first.Subject.String()
	}
	r := vitals.Result{Status: vitals.StatusPass, Details: d, Observed: daysLeft(first.NotAfter, now), Unit: "days"}
	r.Message = fmt.Sprintf("certificate of %s valid for %s more (until %s)", c.serverName, days(left), first.NotAfter.UTC().Format(time.DateOnly))
	if left < c.warn {
		r.Status = vitals.StatusWarn
		r.Message = fmt.Sprintf("certificate %q of %s expires in %s (%s), within the %s warning window",
			first.Subject.CommonName, c.serverName, days(left), first.NotAfter.UTC().Format(time.RFC3339), days(c.warn))
	}
	return r
}

func describe(leaf *x509.Certificate, d map[string]any) {
	d["subject"] = leaf.Subject.String()
	d["issuer"] = leaf.Issuer.String()
	d["not_before"] = leaf.NotBefore.UTC().Format(time.RFC3339)
	d["not_after"] = leaf.NotAfter.UTC().Format(time.RFC3339)
	if len(leaf.DNSNames) > 0 {
		d["dns_names"] = leaf.DNSNames
	}
	if len(leaf.IPAddresses) > 0 {
		ips := make([]string, len(leaf.IPAddresses))
		for i, ip := range leaf.IPAddresses {
			ips[i] = ip.String()
		}
		d["ip_addresses"] = ips
	}
}

// reason names what is wrong with a chain in words people search for.
func reason(err error) string {
	var (
		host    x509.HostnameError
		unknown x509.UnknownAuthorityError
		invalid x509.CertificateInvalidError
	)
	switch {
	case errors.As(err, &host):
		return "not valid for this host name"
	case errors.As(err, &unknown):
		if unknown.Cert != nil && unknown.Cert.Subject.String() == unknown.Cert.Issuer.String() {
			return "self-signed and not trusted"
		}
		return "signed by an unknown authority"
	case errors.As(err, &invalid):
		if invalid.Reason == x509.Expired {
			return "a certificate in the chain has expired or is not yet valid"
		}
		return "invalid chain"
	}
	return "verification failed"
}

// daysLeft is whole days until t, rounded down, so it is negative once
// t has passed.
func daysLeft(t, now time.Time) int {
	return int(math.Floor(t.Sub(now).Hours() / 24))
}

// days shows a duration in days, or hours when under two days.
func days(d time.Duration) string {
	if d < 48*time.Hour {
		return strings.TrimSuffix(d.Round(time.Minute).String(), "0s")
	}
	return fmt.Sprintf("%d days", int(d.Hours()/24))
}
