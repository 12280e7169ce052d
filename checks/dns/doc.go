// Package dns checks name resolution: it resolves a host name and verifies
// that enough addresses come back, and optionally that the expected ones
// are among them. A service whose resolver is broken cannot reach any of
// its dependencies by name, so this check separates "DNS is down" from
// "the database is down".
//
// Observed is the lookup time in ms; Details hold the addresses found.
//
//	c, err := dns.New("db.internal", &dns.Options{MinResults: 2})
//	if err != nil { … }
//	m.Add("dns", c, vitals.Timeout(2*time.Second))
//
// A custom [net.Resolver] in [Options.Resolver] checks a particular DNS
// server, e.g. with PreferGo and a Dial function that connects to it.
package dns
