package probe_test

import (
	"net/url"
	"strings"
	"testing"

	"github.com/vitalsgo/vitals/client"
	"github.com/vitalsgo/vitals/probe"
)

// FuzzURL: whatever the address and path, URL either refuses it with an
// error that never quotes a password, or returns a URL the client takes,
// on the address's host and port, with the path asked for when the
// address brings none.
func FuzzURL(f *testing.F) {
	for _, s := range []struct {
		addr, path string
		https      bool
	}{
		{":8080", "", false}, {"8080", "/livez", false}, {"0.0.0.0:8080", "health", true}, {"[::]:8080", "", false},
		{"localhost:8080", "", false}, {"http://127.0.0.1:9090", "", false}, {"https://h:1/x?y#z", "", false},
		{"app:p4ssw0rd@db:5432", "", false}, {"http://u:p4ssw0rd@h:1", "", false}, {"a:b:c", "", false},
		{"[::1", "", false}, {":99999", "", false}, {"h:1", "/a b", false}, {"h:1", "?q", false},
	} {
		f.Add(s.addr, s.path, s.https)
	}
	f.Fuzz(func(t *testing.T, addr, path string, https bool) {
		opts := &probe.Options{Path: path, HTTPS: https}
		got, err := probe.URL(addr, opts)
		// The property holds for a password in user info, not for a host
		// that happens to be spelled like one.
		secret := strings.Contains(addr, ":p4ssw0rd@")
		if err != nil {
			if secret && strings.Contains(err.Error(), "p4ssw0rd") {
				t.Fatalf("URL(%q) error quotes the password: %v", addr, err)
			}
			return
		}
		if _, err := client.New(got, nil); err != nil {
			// A path the URL syntax refuses ("%zz") fails the probe with
			// the client's error, which must keep the password out too.
			if secret && strings.Contains(err.Error(), "p4ssw0rd") {
				t.Fatalf("client error quotes the password: %v", err)
			}
			return
		}
		if strings.HasPrefix(addr, "http://") || strings.HasPrefix(addr, "https://") {
			return // used as it stands
		}
		u, err := url.Parse(got)
		if err != nil {
			t.Fatalf("URL(%q, %q) = %q: %v", addr, path, got, err)
		}
		if u.Port() != lastPort(addr) || u.User != nil {
			t.Fatalf("URL(%q, %q) = %q: not the address's host and port", addr, path, got)
		}
		want := path
		if want == "" {
			want = probe.DefaultPath
		} else if !strings.HasPrefix(want, "/") {
			want = "/" + want
		}
		if got != u.Scheme+"://"+u.Host+want {
			t.Fatalf("URL(%q, %q) = %q: the path is not %q as given", addr, path, got, want)
		}
	})
}

// lastPort is what follows the last colon of addr, or addr for a bare port.
func lastPort(addr string) string {
	if i := strings.LastIndexByte(addr, ':'); i >= 0 {
		return addr[i+1:]
	}
	return addr
}
