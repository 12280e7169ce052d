package httpcheck

import (
	"context"
	"errors"
	"net"
	"net/http"
	"testing"
)

// The one-shot path dials the address http.Transport dials: a host name
// beyond ASCII by its punycode, IPv6 literals with their brackets and
// zones, the default port.
func TestOneShotDialsWhatTransportDials(t *testing.T) {
	for _, u := range []string{"http://bücher.example/", "http://[::1]/", "http://[fe80::1%25lo]:8080/x", "http://EXAMPLE.com:81/", "http://127.0.0.1/"} {
		var got [2]string
		for i := range 2 {
			tr := newTransport(&Options{})
			tr.Proxy = nil
			tr.DialContext = func(_ context.Context, _, addr string) (net.Conn, error) {
				got[i] = addr
				return nil, errors.New("not dialled in this test")
			}
			var rt http.RoundTripper = tr
			if i == 1 {
				rt = &oneShot{tr}
			}
			req, err := http.NewRequest(http.MethodGet, u, nil)
			if err != nil {
				t.Fatal(err)
			}
			if _, err := rt.RoundTrip(req); err == nil {
				t.Fatalf("%s: a round trip without a connection succeeded", u)
			}
		}
		if got[0] != got[1] {
			t.Errorf("%s: http.Transport dials %q, oneShot %q", u, got[0], got[1])
		}
	}
}
