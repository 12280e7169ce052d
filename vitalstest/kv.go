package vitalstest

import (
	"context"
	"errors"
	"sync"
)

// ErrNotFound is the error of [KV.Get] for a key that is not there.
var ErrNotFound = errors.New("vitalstest: key not found")

// KV is an in-memory key-value store for the tests of code checked with
// package kv (checks/kv), whose Store and Deleter interfaces it has: Put,
// Get and Delete. [KV.Fail] makes every call fail, as a store that is down;
// [KV.WithoutDelete] is the same store with only Put and Get, as CHORUS's
// DHT. It is safe for concurrent use; a call returns the context's error
// once the context has ended.
type KV struct {
	mu   sync.Mutex
	data map[string][]byte
	err  error
}

// NewKV returns an empty store.
func NewKV() *KV { return &KV{data: map[string][]byte{}} }

// Fail makes every later call return err, until Fail(nil).
func (s *KV) Fail(err error) {
	s.mu.Lock()
	s.err = err
	s.mu.Unlock()
}

func (s *KV) enter(ctx context.Context) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	return s.err
}

// Put stores a copy of value under key.
func (s *KV) Put(ctx context.Context, key string, value []byte) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if err := s.enter(ctx); err != nil {
		return err
	}
	s.data[key] = append([]byte(nil), value...)
	return nil
}

// Get returns a copy of the value under key, or [ErrNotFound].
func (s *KV) Get(ctx context.Context, key string) ([]byte, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if err := s.enter(ctx); err != nil {
		return nil, err
	}
	v, ok := s.data[key]
	if !ok {
		return nil, ErrNotFound
	}
	return append([]byte(nil), v...), nil
}

// Delete removes key; a missing key is not an error.
func (s *KV) Delete(ctx context.Context, key string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if err := s.enter(ctx); err != nil {
		return err
	}
	delete(s.data, key)
	return nil
}

// Keys returns the number of keys stored.
func (s *KV) Keys() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.data)
}

// WithoutDelete returns s with only Put and Get, for the path of a store
// that cannot delete.
func (s *KV) WithoutDelete() *PutGet { return &PutGet{kv: s} }

// PutGet is a [KV] without Delete.
type PutGet struct{ kv *KV }

// Put is [KV.Put].
func (p *PutGet) Put(ctx context.Context, key string, value []byte) error {
	return p.kv.Put(ctx, key, value)
}

// Get is [KV.Get].
func (p *PutGet) Get(ctx context.Context, key string) ([]byte, error) { return p.kv.Get(ctx, key) }
