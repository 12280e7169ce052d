// Package checkseries keeps what a metrics reporter (vitalsprom,
// vitalsotel) holds per check: made on the check's first result or read,
// forgotten once the check has left the monitor.
//
// A reporter learns of results through the monitor's Observe hook and of
// removals only by their absence from a snapshot. A read (a scrape, a
// collection) takes a snapshot and then sweeps away the checks it lacks;
// a check added after the snapshot was taken is not in it either, so each
// value records the read count it was made at, and a sweep spares values
// made since its read began.
package checkseries

import (
	"sync"
	"sync/atomic"

	"github.com/vitalsgo/vitals"
)

// Map holds a *S per check.
type Map[S any] struct {
	newVal func(*vitals.CheckInfo) *S

	reads atomic.Uint64 // counts Begin calls
	m     sync.Map      // *vitals.CheckInfo -> *entry[S]
}

type entry[S any] struct {
	val  *S
	born uint64 // reads begun when the value was made
}

// New returns an empty Map whose values newVal makes.
func New[S any](newVal func(*vitals.CheckInfo) *S) *Map[S] {
	return &Map[S]{newVal: newVal}
}

// Load returns the value of the check info describes, making it the first
// time. It is safe to call from the Observe hook: when the value exists it
// is a map load.
func (m *Map[S]) Load(info *vitals.CheckInfo) *S {
	if v, ok := m.m.Load(info); ok {
		return v.(*entry[S]).val
	}
	v, _ := m.m.LoadOrStore(info, &entry[S]{val: m.newVal(info), born: m.reads.Load()})
	return v.(*entry[S]).val
}

// Begin starts a read: call it before taking the snapshot, and pass what
// it returns to [Map.Sweep] with that snapshot.
func (m *Map[S]) Begin() (gen uint64) { return m.reads.Add(1) }

// Sweep forgets the checks that were removed: those not in snap (or
// replaced there by a check of the same name) although their value was
// made before the read gen began.
func (m *Map[S]) Sweep(snap *vitals.Snapshot, gen uint64) {
	m.m.Range(func(k, v any) bool {
		info := k.(*vitals.CheckInfo)
		if v.(*entry[S]).born >= gen {
			return true
		}
		if st, ok := snap.Check(info.Name); !ok || st.CheckInfo != info {
			m.m.Delete(k)
		}
		return true
	})
}

// Len returns the number of checks that have a value.
func (m *Map[S]) Len() int {
	n := 0
	m.m.Range(func(any, any) bool { n++; return true })
	return n
}
