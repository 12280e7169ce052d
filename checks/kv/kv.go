package kv

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"time"

	"github.com/vitalsgo/vitals"
	"github.com/vitalsgo/vitals/checks/internal/report"
)

// Store is the part of a key-value store the check needs. Implementations
// must honor ctx; the check passes the context the monitor gives it, which
// carries the check's timeout.
type Store interface {
	// Put stores value under key, replacing any previous value.
	Put(ctx context.Context, key string, value []byte) error
	// Get returns the value stored under key. A missing key is an error
	// or a nil value; either fails the check.
	Get(ctx context.Context, key string) ([]byte, error)
}

// Deleter is a [Store] that can delete. With it, each check writes a fresh
// key and deletes it; without it (CHORUS's DHT has only Put and Get), each
// check writes a fresh value to one well-known key, [Options.Prefix] +
// "probe", so the store holds one key whatever the number of runs.
type Deleter interface {
	// Delete removes key.
	Delete(ctx context.Context, key string) error
}

// DefaultPrefix is the key prefix used when [Options.Prefix] is empty.
const DefaultPrefix = "vitals-health/"

// Options configure [New]. A nil *Options means all defaults.
type Options struct {
	// Prefix starts every key the check writes. Default [DefaultPrefix].
	Prefix string
	// ValueSize is the size of the random value written, in bytes.
	// Default 32.
	ValueSize int
}

// Checker runs a put/get(/delete) round trip against a [Store].
type Checker struct {
	store     Store
	prefix    string
	valueSize int
}

var _ vitals.Checker = (*Checker)(nil)

// New returns a Checker for store. It returns an error when store is nil or
// ValueSize is negative.
func New(store Store, opts *Options) (*Checker, error) {
	if store == nil {
		return nil, errors.New("kv: store is nil")
	}
	var o Options
	if opts != nil {
		o = *opts
	}
	if o.ValueSize < 0 {
		return nil, fmt.Errorf("kv: negative ValueSize %d", o.ValueSize)
	}
	if o.Prefix == "" {
		o.Prefix = DefaultPrefix
	}
	if o.ValueSize == 0 {
		o.ValueSize = 32
	}
	return &Checker{store: store, prefix: o.Prefix, valueSize: o.ValueSize}, nil
}

// Check writes, reads back and compares a fresh value, and deletes its key
// when the store is a [Deleter].
func (c *Checker) Check(ctx context.Context) (out vitals.Result) {
	defer report.Took(&out, time.Now())
	del, canDelete := c.store.(Deleter)
	key, steps := c.prefix+"probe", "put/get"
	if canDelete {
		key, steps = c.prefix+rand.Text(), "put/get/delete"
	}
	value := make([]byte, c.valueSize)
	rand.Read(value)
	d := map[string]any{"key": key}
	start := time.Now()
	step := func(name string, f func() error) error {
		t := time.Now()
		err := f()
		d[name+"_ms"] = ms(time.Since(t))
		return err
	}

	if err := step("put", func() error { return c.store.Put(ctx, key, value) }); err != nil {
		return report.Fail(d, "put %s: %w", key, err)
	}
	var got []byte
	getErr := step("get", func() (err error) { got, err = c.store.Get(ctx, key); return err })
	// Delete whatever happened to Get: the key was written.
	var delErr error
	if canDelete {
		delErr = step("delete", func() error { return del.Delete(ctx, key) })
	}
	rtt := time.Since(start)
	d["round_trip_ms"] = ms(rtt)

	var r vitals.Result
	switch {
	case getErr != nil:
		r = report.Fail(d, "get %s: %w", key, getErr)
	case got == nil:
		r = report.Fail(d, "get %s: key not found right after put", key)
	case !bytes.Equal(got, value):
		i := firstDiff(value, got)
		d["differs_at"], d["written"], d["read"] = i, excerpt(value[i:]), excerpt(got[i:])
		r = report.Fail(d, "integrity: value read back from %s differs from the value written at byte %d (%d bytes written, %d read)", key, i, len(value), len(got))
	case delErr != nil:
		r = vitals.Result{Status: vitals.StatusWarn, Message: fmt.Sprintf("round trip ok, but delete %s: %v", key, delErr), Err: fmt.Errorf("delete %s: %w", key, delErr), Details: d}
	default:
		r = vitals.Result{Status: vitals.StatusPass, Message: fmt.Sprintf("%s round trip in %v", steps, rtt.Round(time.Microsecond)), Details: d}
	}
	r.Observed, r.Unit = ms(rtt), "ms"
	return r
}

func ms(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }

// excerpt shows the start of a value in hex: enough to see corruption,
// short enough for a status page.
func excerpt(b []byte) string {
	const n = 16
	if len(b) > n {
		return hex.EncodeToString(b[:n]) + "…"
	}
	return hex.EncodeToString(b)
}

// firstDiff returns the index of the first byte where a and b differ,
// which is the shorter length when one is a prefix of the other.
func firstDiff(a, b []byte) int {
	n := min(len(a), len(b))
	for i := range n {
		if a[i] != b[i] {
			return i
		}
	}
	return n
}
