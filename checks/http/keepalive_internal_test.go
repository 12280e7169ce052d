package httpcheck

import (
	"context"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"sync/atomic"
	"testing"
	"time"

	"github.com/vitalsgo/vitals"
)

// connServer counts the connections its clients opened.
func connServer(t *testing.T) (*httptest.Server, *atomic.Int64) {
	t.Helper()
	var conns atomic.Int64
	s := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		io.WriteString(w, "ok")
	}))
	s.Config.ConnState = func(_ net.Conn, st http.ConnState) {
		if st == http.StateNew {
			conns.Add(1)
		}
	}
	s.Start()
	t.Cleanup(s.Close)
	return s, &conns
}

func runs(t *testing.T, c *Checker, n int) {
	t.Helper()
	for range n {
		if r := c.Check(context.Background()); r.Status != vitals.StatusPass {
			t.Fatalf("%v: %s", r.Status, r.Message)
		}
	}
}

func TestNewConnectionEveryRunByDefault(t *testing.T) {
	s, conns := connServer(t)
	c, err := New(s.URL, nil)
	if err != nil {
		t.Fatal(err)
	}
	runs(t, c, 3)
	if n := conns.Load(); n != 3 {
		t.Errorf("%d connections for 3 runs, want 3", n)
	}
}

func TestKeepAliveReusesAndRenews(t *testing.T) {
	s, conns := connServer(t)
	c, err := New(s.URL, &Options{KeepAlive: time.Hour})
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	runs(t, c, 3)
	if n := conns.Load(); n != 1 {
		t.Fatalf("%d connections for 3 runs with KeepAlive, want 1", n)
	}
	// A run that finds the connection KeepAlive old dials anew, and the
	// new one serves the runs after it.
	c.renew(time.Now().Add(time.Hour))
	runs(t, c, 2)
	if n := conns.Load(); n != 2 {
		t.Fatalf("%d connections after the first one aged, want 2", n)
	}
	// Close lets the idle connection go: the next run opens one.
	c.Close()
	runs(t, c, 1)
	if n := conns.Load(); n != 3 {
		t.Fatalf("%d connections after Close, want 3", n)
	}
}

func TestKeepAliveNotWithClient(t *testing.T) {
	if _, err := New("http://127.0.0.1:1/", &Options{KeepAlive: time.Minute, Client: http.DefaultClient}); err == nil {
		t.Error("KeepAlive with Client is not an error")
	}
	if _, err := New("http://127.0.0.1:1/", &Options{KeepAlive: -time.Second}); err == nil {
		t.Error("a negative KeepAlive is not an error")
	}
}
