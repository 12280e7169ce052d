package kv_test

import (
	"context"
	"errors"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/vitalsgo/vitals"
	"github.com/vitalsgo/vitals/checks/kv"
	"github.com/vitalsgo/vitals/vitalstest"
)

// The kv checker has no server of its own: it drives whatever Store the
// application hands it. These stores are small but real implementations of
// the contract; the driver modules test the checker against real servers.

// memStore is vitalstest's in-memory store, recording every key written.
type memStore struct {
	*vitalstest.KV
	mu   sync.Mutex
	keys []string // every key ever written, in order
}

func newMemStore() *memStore { return &memStore{KV: vitalstest.NewKV()} }

func (s *memStore) Put(ctx context.Context, key string, v []byte) error {
	s.mu.Lock()
	s.keys = append(s.keys, key)
	s.mu.Unlock()
	return s.KV.Put(ctx, key, v)
}

func (s *memStore) len() int { return s.Keys() }

// corruptStore flips a bit of every value it returns.
type corruptStore struct{ *memStore }

func (s corruptStore) Get(ctx context.Context, key string) ([]byte, error) {
	v, err := s.memStore.KV.Get(ctx, key)
	if err == nil && len(v) > 0 {
		v[len(v)/2] ^= 0x01
	}
	return v, err
}

// failStore fails one operation.
type failStore struct {
	*memStore
	op string
}

var errStore = errors.New("store unavailable")

func (s failStore) Put(ctx context.Context, key string, v []byte) error {
	if s.op == "put" {
		return errStore
	}
	return s.memStore.Put(ctx, key, v)
}

func (s failStore) Get(ctx context.Context, key string) ([]byte, error) {
	switch s.op {
	case "get":
		return nil, errStore
	case "lose":
		return nil, nil
	}
	return s.memStore.KV.Get(ctx, key)
}

func (s failStore) Delete(ctx context.Context, key string) error {
	if s.op == "delete" {
		return errStore
	}
	return s.memStore.KV.Delete(ctx, key)
}

// hangStore blocks every call until ctx ends, like a partitioned node.
type hangStore struct{}

func (hangStore) Put(ctx context.Context, _ string, _ []byte) error { <-ctx.Done(); return ctx.Err() }
func (hangStore) Get(ctx context.Context, _ string) ([]byte, error) {
	<-ctx.Done()
	return nil, ctx.Err()
}
func (hangStore) Delete(ctx context.Context, _ string) error { <-ctx.Done(); return ctx.Err() }

func check(t *testing.T, s kv.Store, opts *kv.Options) vitals.Result {
	t.Helper()
	c, err := kv.New(s, opts)
	if err != nil {
		t.Fatal(err)
	}
	return c.Check(context.Background())
}

func TestRoundTrip(t *testing.T) {
	s := newMemStore()
	c, err := kv.New(s, &kv.Options{Prefix: "svc/health/", ValueSize: 64})
	if err != nil {
		t.Fatal(err)
	}
	r1 := c.Check(context.Background())
	r2 := c.Check(context.Background())
	for _, r := range []vitals.Result{r1, r2} {
		if r.Status != vitals.StatusPass || r.Unit != "ms" {
			t.Fatalf("status = %v (%s), want pass", r.Status, r.Message)
		}
		for _, k := range []string{"key", "put_ms", "get_ms", "delete_ms", "round_trip_ms"} {
			if _, ok := r.Details[k]; !ok {
				t.Errorf("details lack %s: %v", k, r.Details)
			}
		}
	}
	if len(s.keys) != 2 || s.keys[0] == s.keys[1] || !strings.HasPrefix(s.keys[0], "svc/health/") {
		t.Fatalf("keys written = %q, want two distinct keys under the prefix", s.keys)
	}
	if s.len() != 0 {
		t.Fatalf("%d keys left behind", s.len())
	}
}

func TestCorruptionFails(t *testing.T) {
	s := newMemStore()
	r := check(t, corruptStore{s}, nil)
	if r.Status != vitals.StatusFail || !strings.Contains(r.Message, "integrity") {
		t.Fatalf("result = %v %q, want an integrity failure", r.Status, r.Message)
	}
	if r.Details["written"] == r.Details["read"] {
		t.Fatalf("details show no difference: %v", r.Details)
	}
	if s.len() != 0 {
		t.Fatal("the key was not deleted after a failed comparison")
	}
}

func TestStoreFailures(t *testing.T) {
	tests := []struct {
		op     string
		status vitals.Status
		msg    string
	}{
		{"put", vitals.StatusFail, "put vitals-health/"},
		{"get", vitals.StatusFail, "get vitals-health/"},
		{"lose", vitals.StatusFail, "key not found"},
		{"delete", vitals.StatusWarn, "delete vitals-health/"},
	}
	for _, tt := range tests {
		t.Run(tt.op, func(t *testing.T) {
			s := newMemStore()
			r := check(t, failStore{s, tt.op}, nil)
			if r.Status != tt.status || !strings.Contains(r.Message, tt.msg) {
				t.Fatalf("result = %v %q, want %v containing %q", r.Status, r.Message, tt.status, tt.msg)
			}
			if tt.op != "lose" && !errors.Is(r.Err, errStore) {
				t.Fatalf("Err = %v, want the store's error", r.Err)
			}
			if tt.op == "get" && s.len() != 0 {
				t.Fatal("the key was not deleted after a failed get")
			}
		})
	}
}

func TestHungStoreFailsAtTimeout(t *testing.T) {
	c, err := kv.New(hangStore{}, nil)
	if err != nil {
		t.Fatal(err)
	}
	const timeout = 200 * time.Millisecond
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	start := time.Now()
	r := c.Check(ctx)
	if r.Status != vitals.StatusFail || !errors.Is(r.Err, context.DeadlineExceeded) {
		t.Fatalf("result = %v %v, want a deadline failure", r.Status, r.Err)
	}
	if el := time.Since(start); el > timeout+time.Second {
		t.Fatalf("returned after %v, past the %v timeout", el, timeout)
	}
}

func TestInvalidOptions(t *testing.T) {
	if _, err := kv.New(nil, nil); err == nil {
		t.Error("nil store: no error")
	}
	if _, err := kv.New(newMemStore(), &kv.Options{ValueSize: -1}); err == nil {
		t.Error("negative size: no error")
	}
}

// A store without Delete, as CHORUS's DHT, is checked on one well-known key,
// overwritten with a fresh value each run: it never grows.
func TestStoreWithoutDelete(t *testing.T) {
	s := vitalstest.NewKV()
	c, err := kv.New(s.WithoutDelete(), &kv.Options{Prefix: "dht/"})
	if err != nil {
		t.Fatal(err)
	}
	var values []string
	for range 3 {
		r := c.Check(context.Background())
		if r.Status != vitals.StatusPass || r.Details["key"] != "dht/probe" || r.Details["delete_ms"] != nil {
			t.Fatalf("%v %q %v", r.Status, r.Message, r.Details)
		}
		v, _ := s.Get(context.Background(), "dht/probe")
		values = append(values, string(v))
	}
	if s.Keys() != 1 || values[0] == values[1] || values[1] == values[2] {
		t.Errorf("%d keys, values %q: want one key with a fresh value each run", s.Keys(), values)
	}
}
