// Package tlscheck checks a TLS endpoint's certificate: it connects,
// completes the handshake and verifies the certificate chain, the host
// name and the validity dates, so an expiring certificate is noticed
// weeks before clients start failing.
//
// # Results
//
//   - StatusPass: the chain verifies for the server name and the
//     certificate expiring first is valid for at least [Options.WarnDays]
//     more days.
//   - StatusWarn: it expires within WarnDays (default 14).
//   - StatusFail: the connection or handshake failed, the certificate has
//     expired or is not yet valid, the chain does not lead to a trusted
//     root, or the certificate is not valid for the host name.
//
// Observed is the number of whole days left before the first certificate
// of the verified chain expires (negative once expired), Unit "days".
// Details hold the subject, issuer, validity dates, DNS names, TLS version
// and cipher suite.
//
//	c, err := tlscheck.New("api.example.com:443", &tlscheck.Options{WarnDays: 21})
//	if err != nil { … }
//	m.Add("api-cert", c, vitals.Interval(time.Hour), vitals.Timeout(5*time.Second))
//
// The check verifies the certificate itself instead of letting the
// handshake do it, so that an expired or untrusted certificate still
// yields its dates and a precise reason.
package tlscheck
