package httpcheck_test

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/vitalsgo/vitals"
	httpcheck "github.com/vitalsgo/vitals/checks/http"
)

// BenchmarkCheck is one run against a loopback server, a new connection
// each time as the check's own client makes it by default, or one kept
// (keepalive); allocs/op is the number to watch when the check changes.
func BenchmarkCheck(b *testing.B) {
	s := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		io.WriteString(w, `{"status":"UP","details":{"db":{"status":"UP"}}}`)
	}))
	defer s.Close()
	for _, bb := range []struct {
		name string
		opts *httpcheck.Options
	}{
		{"status", nil},
		{"json", &httpcheck.Options{JSONPath: "status", JSONValue: "UP"}},
		{"expect", &httpcheck.Options{Expect: func(*httpcheck.Response) error { return nil }}},
		{"keepalive", &httpcheck.Options{KeepAlive: time.Minute}},
	} {
		b.Run(bb.name, func(b *testing.B) {
			c, err := httpcheck.New(s.URL, bb.opts)
			if err != nil {
				b.Fatal(err)
			}
			defer c.Close()
			b.ReportAllocs()
			for b.Loop() {
				if r := c.Check(context.Background()); r.Status != vitals.StatusPass {
					b.Fatal(r.Status, r.Message)
				}
			}
		})
	}
}
