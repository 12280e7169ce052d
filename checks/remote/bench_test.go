package remote_test

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/vitalsgo/vitals"
	"github.com/vitalsgo/vitals/checks/remote"
)

// BenchmarkCheck is one run against a loopback health endpoint, a new
// connection each time as the check's own client makes it; allocs/op is
// the number to watch when the check changes.
func BenchmarkCheck(b *testing.B) {
	s := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/health+json")
		io.WriteString(w, `{"status":"pass","checks":{"db:responseTime":[{"status":"pass"}]}}`)
	}))
	defer s.Close()
	c, err := remote.New(s.URL, nil)
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		if r := c.Check(context.Background()); r.Status != vitals.StatusPass {
			b.Fatal(r.Status, r.Message)
		}
	}
}
