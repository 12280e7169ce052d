package vitals

import (
	"context"
	"math/rand/v2"
	"strconv"
	"testing"
	"time"
)

// BenchmarkPublish100k is one lazy publish of 100,000 checks after 10,000
// of them (a second's worth at a 10s interval) recorded a result.
func BenchmarkPublish100k(b *testing.B) {
	const n, changed = 100_000, 10_000
	m := New(nil)
	defer m.Close()
	noop := CheckFunc(func(context.Context) error { return nil })
	checks := make([]*check, n)
	for i := range n {
		name := "check-" + strconv.Itoa(i)
		m.Add(name, noop, Interval(10*time.Second))
		checks[i] = m.checks[name]
	}
	m.publish()
	res := Result{Status: StatusPass}
	b.ResetTimer()
	for b.Loop() {
		b.StopTimer()
		for range changed {
			c := checks[rand.IntN(n)]
			c.mu.Lock()
			o := c.recordLocked(res, false)
			m.touch(c, dirtyLazy, o.edit.prev, o.edit.st)
			c.mu.Unlock()
		}
		b.StartTimer()
		m.publish()
	}
}
