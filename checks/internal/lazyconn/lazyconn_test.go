package lazyconn

import (
	"context"
	"errors"
	"strings"
	"sync/atomic"
	"testing"

	"go.uber.org/goleak"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

var errClosed = errors.New("test: closed")

type conn struct {
	n    int
	dead atomic.Bool
}

type fake struct {
	dials  atomic.Int32
	closes atomic.Int32
	fail   error
	hang   chan struct{} // when set, Dial waits for it or its context
}

func (f *fake) client() *Client[*conn] {
	return New(Config[*conn]{
		Name: "fake at 127.0.0.1:1",
		Dial: func(ctx context.Context) (*conn, error) {
			n := int(f.dials.Add(1))
			if f.hang != nil {
				select {
				case <-f.hang:
				case <-ctx.Done():
					return nil, ctx.Err()
				}
			}
			if f.fail != nil {
				return nil, f.fail
			}
			return &conn{n: n}, nil
		},
		Alive:  func(c *conn) bool { return !c.dead.Load() },
		Close:  func(*conn) error { f.closes.Add(1); return nil },
		Closed: errClosed,
	})
}

func TestGetDialsOnceAndAgainWhenDead(t *testing.T) {
	var f fake
	c := f.client()
	defer c.Close()
	a, err := c.Get(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	b, _ := c.Get(t.Context())
	if a != b || f.dials.Load() != 1 {
		t.Fatalf("two Gets dialled %d times", f.dials.Load())
	}
	a.dead.Store(true)
	b, _ = c.Get(t.Context())
	if b == a || f.dials.Load() != 2 {
		t.Fatalf("a dead connection was not replaced (dials %d)", f.dials.Load())
	}
	c.Discard(b)
	if f.closes.Load() != 1 {
		t.Fatalf("Discard closed %d connections, want 1", f.closes.Load())
	}
	c.Discard(b) // no longer the Client's: nothing to close
	if f.closes.Load() != 1 {
		t.Fatalf("a second Discard closed again")
	}
}

func TestGetNamesTheServerOnFailure(t *testing.T) {
	f := fake{fail: errors.New("connection refused")}
	c := f.client()
	defer c.Close()
	_, err := c.Get(t.Context())
	if err == nil || !strings.Contains(err.Error(), "connect to fake at 127.0.0.1:1: connection refused") {
		t.Fatalf("err = %v", err)
	}
}

func TestGetGivesUpAtItsContextAndCloseStopsTheDial(t *testing.T) {
	f := fake{hang: make(chan struct{})}
	c := f.client()
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	if _, err := c.Get(ctx); !errors.Is(err, context.Canceled) {
		t.Fatalf("err = %v, want context.Canceled", err)
	}
	if err := c.Close(); err != nil { // waits for the hung dial, which Close cancels
		t.Fatal(err)
	}
	if err := c.Close(); err != nil {
		t.Fatalf("second Close: %v", err)
	}
	if _, err := c.Get(t.Context()); !errors.Is(err, errClosed) {
		t.Fatalf("Get after Close: %v, want Closed", err)
	}
}

// TestGetAtItsDeadlineSaysWhyTheLastDialFailed: a check that gives up
// while a dial is in flight tells why the previous one failed, which says
// more than the deadline (a handshake's timeout, a refusal).
func TestGetAtItsDeadlineSaysWhyTheLastDialFailed(t *testing.T) {
	f := fake{fail: errors.New("handshake timeout")}
	c := f.client()
	defer c.Close()
	if _, err := c.Get(t.Context()); err == nil {
		t.Fatal("Get succeeded")
	}
	f.fail, f.hang = nil, make(chan struct{}) // the next dial hangs until Close
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	_, err := c.Get(ctx)
	if !errors.Is(err, context.Canceled) || !strings.Contains(err.Error(), "previous attempt: handshake timeout") {
		t.Fatalf("err = %v, want the cancellation and the previous attempt's error", err)
	}
}
