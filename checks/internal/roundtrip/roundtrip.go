// Package roundtrip runs the write/read round trip of the key-value
// checkers (etcd, Consul, Redis): it writes a key of its own, reads it back
// and deletes it, which proves that the store commits writes, not only
// that it answers.
//
// The key is a checker's prefix followed by random hex and the value is
// random too (see package nonce), so that what comes back is known to be
// the check's own and concurrent checks do not meet. The key is deleted
// before the value read back is judged, so that a check that fails on it
// leaves nothing behind.
package roundtrip

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/vitalsgo/vitals/checks/internal/nonce"
)

// Store is a key-value store as a round trip uses it. Each operation must
// honour ctx.
type Store struct {
	// Put stores value under key.
	Put func(ctx context.Context, key, value string) error

	// Get returns the values stored under key: none when there is no such
	// key, one otherwise.
	Get func(ctx context.Context, key string) ([]string, error)

	// Delete removes key.
	Delete func(ctx context.Context, key string) error

	// PutVerb and DeleteVerb name Put and Delete in errors as the store's
	// own protocol does ("set", "del" for Redis). Default "put" and
	// "delete".
	PutVerb, DeleteVerb string
}

// Run makes one round trip through s with a key that starts with prefix.
// On success it sets details["round_trip_ms"] to the time it took; its
// error names the operation that failed ("get: …") or says how what was
// read back differs from what was written.
func Run(ctx context.Context, s Store, prefix string, details map[string]any) error {
	start := time.Now()
	key, value := prefix+nonce.Hex(12), nonce.Hex(12)
	if err := s.Put(ctx, key, value); err != nil {
		return fmt.Errorf("%s: %w", cmp.Or(s.PutVerb, "put"), err)
	}
	got, err := s.Get(ctx, key)
	if err != nil {
		return fmt.Errorf("get: %w", err)
	}
	if err := s.Delete(ctx, key); err != nil {
		return fmt.Errorf("%s: %w", cmp.Or(s.DeleteVerb, "delete"), err)
	}
	switch {
	case len(got) == 0:
		return errors.New("read back no key")
	case len(got) > 1:
		return fmt.Errorf("read back %d keys, want 1", len(got))
	case got[0] != value:
		return fmt.Errorf("read back %d bytes that differ from the %d written", len(got[0]), len(value))
	}
	details["round_trip_ms"] = float64(time.Since(start)) / float64(time.Millisecond)
	return nil
}
