package vitals

import (
	"context"
	"errors"
	"testing"
)

// A monitor nobody reads for a long while stops listing changes once the
// list is longer than the registry, and the next publish rebuilds from
// every check's state instead: the result must be the same.
func TestPublishAfterDirtyListOverflow(t *testing.T) {
	m := New(nil)
	defer m.Close()
	fail := false
	m.Add("a", CheckFunc(func(context.Context) error {
		if fail {
			return errors.New("down")
		}
		return nil
	}), OnDemand(1))
	m.Add("b", CheckFunc(func(context.Context) error { return nil }), OnDemand(1))
	m.RunOnce(context.Background())
	if s := m.Snapshot(); s.Status != StatusPass {
		t.Fatalf("status = %v, want pass", s.Status)
	}
	c := m.checks["b"] // fills the list, so the change of "a" finds it full
	for range 2 * m.dirtyLimit {
		st := c.view.Load()
		m.touch(c, dirtyLazy, st, st)
	}
	m.dirtyMu.Lock()
	overflow, n := m.dirtyOverflow, len(m.dirty)
	m.dirtyMu.Unlock()
	if !overflow || n > m.dirtyLimit {
		t.Fatalf("dirty list of %d (limit %d), overflow %v", n, m.dirtyLimit, overflow)
	}
	fail = true
	m.RunOnce(context.Background())
	s := m.Snapshot()
	g, _ := s.Group(Readiness)
	if s.Status != StatusFail || g.Count(StatusFail) != 1 || g.Count(StatusPass) != 1 || g.Total != 2 {
		t.Fatalf("after overflow: status %v, readiness %+v", s.Status, g)
	}
}
