package vitals

import "sync/atomic"

// observer is one registered Observe callback.
type observer struct{ fn func(*CheckState) }

// observers is the copy-on-write list of observers, read without a lock on
// every result.
type observers struct {
	list atomic.Pointer[[]*observer]
}

// Observe registers fn to be called with a check's new state after every
// result it records — every run, timeout and max-age expiry, not only
// transitions — for metrics that count runs and time them. Unlike
// [Monitor.Subscribe], fn is called synchronously, in the goroutine that
// recorded the result, with the check's lock held so that one check's
// observations arrive in order: it must be fast, must not block and must
// not call the Monitor. The returned function removes it.
func (m *Monitor) Observe(fn func(st *CheckState)) (remove func()) {
	o := &observer{fn: fn}
	m.obs.update(func(l []*observer) []*observer { return append(l, o) })
	return func() {
		m.obs.update(func(l []*observer) []*observer {
			out := make([]*observer, 0, len(l))
			for _, x := range l {
				if x != o {
					out = append(out, x)
				}
			}
			return out
		})
	}
}

func (o *observers) update(fn func([]*observer) []*observer) {
	for {
		old := o.list.Load()
		var cur []*observer
		if old != nil {
			cur = *old
		}
		next := fn(append([]*observer(nil), cur...))
		if o.list.CompareAndSwap(old, &next) {
			return
		}
	}
}

// notify calls every observer with st. The caller holds the check's lock.
func (o *observers) notify(st *CheckState) {
	l := o.list.Load()
	if l == nil {
		return
	}
	for _, x := range *l {
		x.fn(st)
	}
}
