package api

import (
	"bufio"
	"encoding/json"
	"hash/fnv"
	"io"
	"sync"

	"github.com/vitalsgo/vitals/monitor/board"
)

// fragment is one target's object in the answer of GET /api/v1/targets,
// encoded once for one State and one visibility. It is immutable.
type fragment struct {
	st   *board.State // the State it describes
	json []byte       // "," and the target's object
	hash uint64       // FNV-1a of the object (json[1:])
}

// targetCache keeps each target's fragment, one per visibility (without
// details, with them), so that the list re-encodes only the targets whose
// State changed since it last served them. A Board's States are immutable
// and replaced on change, so a fragment is current as long as the Board
// still holds the State it was made from.
type targetCache struct {
	mu sync.RWMutex
	m  [2]map[string]*fragment // by target name; [0] without details
}

// fragments appends the fragment of each of states to out, in order,
// encoding those the cache lacks.
func (c *targetCache) fragments(states []*board.State, details bool, out []*fragment) ([]*fragment, error) {
	v := 0
	if details {
		v = 1
	}
	c.mu.RLock()
	m := c.m[v]
	missing := 0
	for _, st := range states {
		f := m[st.Name]
		if f != nil && f.st != st {
			f = nil
		}
		if f == nil {
			missing++
		}
		out = append(out, f)
	}
	// Every target served has an entry, so more entries than targets
	// means some are of targets that are gone.
	stale := len(m) > len(states)
	c.mu.RUnlock()
	if missing == 0 && !stale {
		return out, nil
	}

	made := out[len(out)-len(states):]
	for i, f := range made {
		if f != nil {
			continue
		}
		var err error
		if made[i], err = encodeFragment(states[i], details); err != nil {
			return out, err
		}
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	m = c.m[v]
	if m == nil {
		m = make(map[string]*fragment, len(states))
		c.m[v] = m
	}
	for _, f := range made {
		// A request that read the board later may have stored a newer
		// State's fragment already: keep it.
		if cur := m[f.st.Name]; cur == nil || cur.st.Version < f.st.Version {
			m[f.st.Name] = f
		}
	}
	if len(m) > len(states) {
		names := make(map[string]struct{}, len(states))
		for _, st := range states {
			names[st.Name] = struct{}{}
		}
		for name := range m {
			if _, ok := names[name]; !ok {
				delete(m, name)
			}
		}
	}
	return out, nil
}

// encodeFragment encodes a target as the list shows it.
func encodeFragment(st *board.State, details bool) (*fragment, error) {
	obj, err := json.Marshal(targetOf(st, details))
	if err != nil {
		return nil, err
	}
	js := make([]byte, 0, 1+len(obj))
	js = append(append(js, ','), obj...)
	h := fnv.New64a()
	h.Write(obj)
	return &fragment{st: st, json: js, hash: h.Sum64()}, nil
}

// The list's answer is listHead, the fragments joined by commas, and
// listTail: what json.Marshal writes for a struct with one field,
// Targets, and writeJSON's newline.
const (
	listHead = `{"targets":[`
	listTail = "]}\n"
)

// listSize returns the length of the answer made of frags.
func listSize(frags []*fragment) int {
	n := len(listHead) + len(listTail)
	for _, f := range frags {
		n += len(f.json)
	}
	if len(frags) > 0 {
		n-- // the first one's comma
	}
	return n
}

// listTag returns the ETag of the answer made of frags: a hash of their
// hashes, in order. It is a function of the answer's bytes (which
// determine the fragments), so the same answer has the same tag whoever
// asks; each step of the fold is a bijection of the running value, so an
// answer that differs from another in one target's object always has
// another tag, and one that differs in several has the same tag only by a
// 64-bit collision, as a hash of the whole body would.
func listTag(frags []*fragment) string {
	h := uint64(14695981039346656037) // FNV-1a's offset basis
	for _, f := range frags {
		h = mix64(h ^ f.hash)
	}
	return etagOf(mix64(h ^ uint64(len(frags))))
}

// mix64 is MurmurHash3's 64-bit finaliser: a bijection whose every output
// bit depends on every input bit.
func mix64(x uint64) uint64 {
	x ^= x >> 33
	x *= 0xff51afd7ed558ccd
	x ^= x >> 33
	x *= 0xc4ceb9fe1a85ec53
	x ^= x >> 33
	return x
}

// listBufSize is the buffer between the fragments and the
// ResponseWriter: net/http's own buffers are a few kB, and each of its
// Writes costs more than a copy.
const listBufSize = 32 << 10

var (
	listBufs  = sync.Pool{New: func() any { return bufio.NewWriterSize(io.Discard, listBufSize) }}
	fragSlice = sync.Pool{New: func() any { return new([]*fragment) }}
)

// writeList writes the answer made of frags to w.
func writeList(w io.Writer, frags []*fragment) {
	bw := listBufs.Get().(*bufio.Writer)
	bw.Reset(w)
	bw.WriteString(listHead)
	for i, f := range frags {
		js := f.json
		if i == 0 {
			js = js[1:]
		}
		bw.Write(js)
	}
	bw.WriteString(listTail)
	_ = bw.Flush() // a client that went away gets no more
	bw.Reset(io.Discard)
	listBufs.Put(bw)
}
