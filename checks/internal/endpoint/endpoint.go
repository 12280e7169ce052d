// Package endpoint reads the addresses of the servers a checker reaches,
// as configuration gives them: a host:port, a comma-separated list, a
// broker URL. An error never shows a password the address holds.
package endpoint

import (
	"fmt"
	"net"
	"net/url"
	"slices"
	"strings"

	"github.com/vitalsgo/vitals/redact"
)

// List splits a comma-separated list such as "cache1:11211, cache2:11211"
// into its items, spaces trimmed and empty items dropped.
func List(s string) []string {
	var items []string
	for item := range strings.SplitSeq(s, ",") {
		if item = strings.TrimSpace(item); item != "" {
			items = append(items, item)
		}
	}
	return items
}

// HostPort splits addr, which must be host:port with both parts, and
// returns the host. An error starts with pkg, the package speaking
// ("tcp").
func HostPort(pkg, addr string) (host string, err error) {
	host, port, err := net.SplitHostPort(addr)
	if err != nil {
		return "", fmt.Errorf("%s: address %q: %w", pkg, redact.String(addr), err)
	}
	if host == "" || port == "" {
		return "", fmt.Errorf("%s: address %q: host and port are required", pkg, redact.String(addr))
	}
	return host, nil
}

// BrokerURL checks raw as the client library of a message broker reads
// it: without "://" it has scheme, which must then be one of schemes, and
// it needs a host unless its scheme is "unix". An error reads
// "<pkg>: <noun> …", e.g. "mqtt: broker URL … has no host".
func BrokerURL(pkg, noun, raw, scheme string, schemes ...string) error {
	if !strings.Contains(raw, "://") {
		raw = scheme + "://" + raw
	}
	u, err := url.Parse(raw)
	if err != nil {
		// url.Parse quotes the URL, password and all.
		return fmt.Errorf("%s: invalid %s: %w", pkg, noun, redact.Error(err))
	}
	switch {
	case !slices.Contains(schemes, u.Scheme):
		return fmt.Errorf("%s: %s %s: unsupported scheme %q", pkg, noun, redact.URL(raw), u.Scheme)
	case u.Scheme != "unix" && u.Hostname() == "":
		return fmt.Errorf("%s: %s %s has no host", pkg, noun, redact.URL(raw))
	}
	return nil
}
