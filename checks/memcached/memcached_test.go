package memcached_test

import (
	"errors"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/bradfitz/gomemcache/memcache"

	"github.com/vitalsgo/vitals"
	"github.com/vitalsgo/vitals/checks/checktest"
	"github.com/vitalsgo/vitals/checks/memcached"
	"github.com/vitalsgo/vitals/internal/testservice"
)

const timeout = 2 * time.Second

// spyClient passes every call to a real client and remembers what went
// through; tamper, when set, changes what Get returns.
type spyClient struct {
	*memcache.Client
	pings  atomic.Int32
	mu     sync.Mutex // protects keys
	keys   []string
	tamper func(*memcache.Item)
}

func (s *spyClient) Ping() error {
	s.pings.Add(1)
	return s.Client.Ping()
}

func (s *spyClient) Set(item *memcache.Item) error {
	s.mu.Lock()
	s.keys = append(s.keys, item.Key)
	s.mu.Unlock()
	return s.Client.Set(item)
}

func (s *spyClient) Get(key string) (*memcache.Item, error) {
	item, err := s.Client.Get(key)
	if err == nil && s.tamper != nil {
		s.tamper(item)
	}
	return item, err
}

func newSpy(t *testing.T, addr string) *spyClient {
	t.Helper()
	client := memcache.New(addr)
	t.Cleanup(func() { client.Close() })
	return &spyClient{Client: client}
}

func TestHealthy(t *testing.T) {
	checktest.Require(t, "memcached", testservice.MemcachedAddr)
	spy := newSpy(t, testservice.MemcachedAddr)
	c := checktest.MustNew(t, memcached.New, memcached.Client(spy), &memcached.Options{KeyPrefix: "vitals:test:"})

	r := checktest.Want(t, c, timeout, vitals.StatusPass)
	if !strings.HasPrefix(r.Message, "memcached round trip in ") {
		t.Errorf("message %q", r.Message)
	}
	if rtt, ok := r.Observed.(float64); !ok || rtt <= 0 || r.Unit != "ms" || r.Details["round_trip_ms"] != rtt {
		t.Errorf("observed %v %q, details %v: want the round trip in ms", r.Observed, r.Unit, r.Details)
	}
	if _, ok := r.Details["ping_ms"].(float64); !ok {
		t.Errorf("details %v lack ping_ms", r.Details)
	}

	r = checktest.Want(t, c, timeout, vitals.StatusPass)
	if len(spy.keys) != 2 || spy.keys[0] == spy.keys[1] || !strings.HasPrefix(spy.keys[0], "vitals:test:") {
		t.Fatalf("keys written %q: want two different keys under the prefix", spy.keys)
	}
	for _, key := range spy.keys {
		if _, err := spy.Client.Get(key); !errors.Is(err, memcache.ErrCacheMiss) {
			t.Errorf("key %q left behind (get: %v)", key, err)
		}
	}
}

func TestOpen(t *testing.T) {
	checktest.Require(t, "memcached", testservice.MemcachedAddr)
	c := checktest.MustNew(t, memcached.Open, " "+testservice.MemcachedAddr+" ,", nil)
	r := checktest.Want(t, c, timeout, vitals.StatusPass)
	if servers, _ := r.Details["servers"].([]string); len(servers) != 1 || servers[0] != testservice.MemcachedAddr {
		t.Errorf("servers %v, want [%s]", r.Details["servers"], testservice.MemcachedAddr)
	}

	if err := c.Close(); err != nil {
		t.Fatal(err)
	}
	r = checktest.Want(t, c, timeout, vitals.StatusFail)
	if r.Message != "memcached round trip: checker closed" {
		t.Errorf("after Close: message %q", r.Message)
	}
}

func TestReadsBackOtherValue(t *testing.T) {
	checktest.Require(t, "memcached", testservice.MemcachedAddr)
	spy := newSpy(t, testservice.MemcachedAddr)
	spy.tamper = func(it *memcache.Item) { it.Value = []byte("something else") }

	r := checktest.Want(t, checktest.MustNew(t, memcached.New, memcached.Client(spy), nil), timeout, vitals.StatusFail)
	if r.Message != "memcached round trip: read back 14 bytes that differ from the 24 written" {
		t.Errorf("message %q does not report the mismatch", r.Message)
	}
}

func TestInvalidOptions(t *testing.T) {
	for _, prefix := range []string{"has space", "ctl\x01", strings.Repeat("k", 227)} {
		if _, err := memcached.New(memcache.New("127.0.0.1:1"), &memcached.Options{KeyPrefix: prefix}); err == nil {
			t.Errorf("New accepted KeyPrefix %q", prefix)
		}
		if _, err := memcached.Open("127.0.0.1:1", &memcached.Options{KeyPrefix: prefix}); err == nil {
			t.Errorf("Open accepted KeyPrefix %q", prefix)
		}
	}
	checktest.WantRefusals(t, memcached.Open, "", []checktest.Refusal[memcached.Options]{
		{Name: "empty", Arg: "", Prefix: "memcached: "},
		{Name: "no server", Arg: " , ", Prefix: "memcached: "},
		{Name: "bad port", Arg: "127.0.0.1:notaport", Prefix: "memcached: "},
	})
}

// TestOneServerDown: with two servers, one down, part of the key space is
// lost, so the check fails.
func TestOneServerDown(t *testing.T) {
	checktest.Require(t, "memcached", testservice.MemcachedAddr)
	r := checktest.Want(t, checktest.MustNew(t, memcached.Open, testservice.MemcachedAddr+","+testservice.ClosedAddr(t), nil), timeout, vitals.StatusFail)
	if !strings.Contains(r.Message, "refused") {
		t.Errorf("message %q does not name the refused server", r.Message)
	}
}

// TestConformance runs the checker suite; memcached has no credentials.
func TestConformance(t *testing.T) {
	checktest.Run(t, checktest.Config{
		Name:    "memcached",
		Details: []string{"round_trip_ms", "servers"},
		// Below the client's own 500ms I/O timeout, so that the deadline
		// is what ends a check against a silent server.
		Timeout: 400 * time.Millisecond,
		Addr:    testservice.MemcachedAddr,
		Open: func(addr string) (checktest.Checker, error) {
			return memcached.Open(addr, nil)
		},
	})
}
