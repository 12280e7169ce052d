// Package httpfault holds what the tests of the HTTP checkers (checks/http,
// checks/remote) share: a run against every hostile server shape, and a
// transport that counts the body bytes a check reads.
package httpfault

import (
	"context"
	"io"
	"net/http"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/vitalsgo/vitals"
	"github.com/vitalsgo/vitals/internal/hostile"
)

// EveryShape runs, as a parallel subtest for each of [hostile.Shapes], a
// check with a one-second deadline of the checker newChecker makes for the
// shape's server URL plus "/readyz", and fails it unless the check fails
// by its deadline, the body's read included, or, for a shape that
// upgrades the connection, at once with a message that contains upgrade.
func EveryShape(t *testing.T, newChecker func(url string) (vitals.Checker, error), upgrade string) {
	for _, s := range hostile.Shapes {
		t.Run(s.Name, func(t *testing.T) {
			t.Parallel()
			srv := hostile.Serve(t, s)
			c, err := newChecker(srv.URL + "/readyz")
			if err != nil {
				t.Fatal(err)
			}
			r := hostile.Within(t, hostile.Guard, func() vitals.Result {
				ctx, cancel := context.WithTimeout(context.Background(), time.Second)
				defer cancel()
				return c.Check(ctx)
			})
			want := "deadline exceeded"
			if s.Upgrade {
				want = upgrade
			}
			if r.Status != vitals.StatusFail || !strings.Contains(r.Message, want) {
				t.Errorf("result %v %q, want fail with %q", r.Status, r.Message, want)
			}
		})
	}
}

// CountingTransport is a transport without keep-alive that counts the body
// bytes a client reads.
type CountingTransport struct {
	rt   http.Transport
	read atomic.Int64
}

// NewCountingTransport returns a CountingTransport that has read nothing.
func NewCountingTransport() *CountingTransport {
	return &CountingTransport{rt: http.Transport{DisableKeepAlives: true}}
}

// Read returns the body bytes read so far.
func (c *CountingTransport) Read() int64 { return c.read.Load() }

// RoundTrip sends req and counts what is read of the response's body.
func (c *CountingTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	resp, err := c.rt.RoundTrip(req)
	if err == nil {
		resp.Body = &countingBody{ReadCloser: resp.Body, n: &c.read}
	}
	return resp, err
}

type countingBody struct {
	io.ReadCloser
	n *atomic.Int64
}

func (b *countingBody) Read(p []byte) (int, error) {
	n, err := b.ReadCloser.Read(p)
	b.n.Add(int64(n))
	return n, err
}
