package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"time"
	"unicode/utf8"

	"github.com/vitalsgo/vitals"
)

// A Fencer guards the writes of replicas that share one database: the
// lease manager of package monitor/lease implements it.
type Fencer interface {
	// Fence runs as the first statement of a write transaction tx for a
	// batch of results of targets. It returns the targets this replica
	// may write now, each with the epoch of its shard's lease, having
	// locked those leases in tx (FOR KEY SHARE) so that no peer can take them
	// before tx ends. The results of the others are not written: their
	// shards moved to a peer, whose results they are now.
	Fence(ctx context.Context, tx *sql.Tx, targets []string) (map[string]int64, error)
}

type fencerBox struct{ f Fencer }

func (s *sqlStore) SetFencer(f Fencer) {
	if f == nil {
		s.fencer.Store(nil)
		return
	}
	s.fencer.Store(&fencerBox{f: f})
}

func (s *sqlStore) SetNotify(on bool) { s.notify.Store(on && s.d.dollar) }

// fenceBatch returns the epoch of each target of batch that may be
// written, or nil when the store has no fencer (every target may be, at
// epoch 0).
func (s *sqlStore) fenceBatch(ctx context.Context, tx *sql.Tx, batch []Result) (map[string]int64, error) {
	b := s.fencer.Load()
	if b == nil {
		return nil, nil
	}
	seen := make(map[string]bool, len(batch))
	targets := make([]string, 0, len(batch))
	for _, r := range batch {
		if !seen[r.Target] {
			seen[r.Target] = true
			targets = append(targets, r.Target)
		}
	}
	epochs, err := b.f.Fence(ctx, tx, targets)
	if err != nil {
		return nil, err
	}
	if epochs == nil {
		epochs = map[string]int64{}
	}
	return epochs, nil
}

// NoticeChannel is the PostgreSQL channel on which Append tells the
// results it stores, when SetNotify is on.
const NoticeChannel = "vitals_results"

// maxNotice bounds one notification's payload, under PostgreSQL's 8,000
// bytes.
const maxNotice = 7800

// maxNoticeMessage bounds the message a notice carries.
const maxNoticeMessage = 200

// maxNoticeTarget bounds the target names notices carry: a longer one
// (no real target's) is left out, so that any result fits a notice.
const maxNoticeTarget = 512

// wire is a result as a notice carries it.
type wire struct {
	T string        `json:"t"`           // target
	A int64         `json:"a"`           // at, unix ms
	S vitals.Status `json:"s"`           // the result's status
	L int64         `json:"l"`           // latency, µs
	C int           `json:"c,omitempty"` // code
	E vitals.Status `json:"e,omitempty"` // effective status
	F int64         `json:"f,omitempty"` // since, unix ms
	X int64         `json:"x,omitempty"` // expect, ms
	M string        `json:"m,omitempty"` // message, cut
}

// Notices encodes results as the payloads of PostgreSQL notifications,
// each under 8,000 bytes: a JSON array of results with their effective
// state, and a message cut to 200 bytes (no details).
func Notices(results []Result) []string {
	var out []string
	buf := []byte{'['}
	for _, r := range results {
		if len(r.Target) > maxNoticeTarget {
			continue // its owner's page shows it
		}
		b, err := json.Marshal(wire{T: r.Target, A: ms(r.At), S: r.Status, L: r.Latency.Microseconds(), C: r.Code,
			E: r.State, F: ms(r.Since), X: r.Expect.Milliseconds(), M: cut(r.Message, maxNoticeMessage)})
		if err != nil {
			continue
		}
		if len(buf)+len(b)+1 > maxNotice {
			out = append(out, string(append(buf, ']')))
			buf = append(buf[:0], '[')
		}
		if len(buf) > 1 {
			buf = append(buf, ',')
		}
		buf = append(buf, b...)
	}
	if len(buf) > 1 {
		out = append(out, string(append(buf, ']')))
	}
	return out
}

// DecodeNotice reads a payload of [Notices]. It refuses what Notices does
// not write: a payload is told by any client of the database.
func DecodeNotice(payload string) ([]Result, error) {
	if len(payload) > 8000 {
		return nil, fmt.Errorf("store: notice of %d bytes", len(payload))
	}
	var ws []wire
	if err := json.Unmarshal([]byte(payload), &ws); err != nil {
		return nil, fmt.Errorf("store: notice: %w", err)
	}
	out := make([]Result, 0, len(ws))
	for _, w := range ws {
		r := Result{Target: w.T, At: fromMS(w.A), Status: w.S, Latency: time.Duration(w.L) * time.Microsecond, Code: w.C,
			State: w.E, Since: fromMS(w.F), Expect: time.Duration(w.X) * time.Millisecond, Message: cut(w.M, maxNoticeMessage)}
		if err := check(&r); err != nil {
			return nil, fmt.Errorf("store: notice: %w", err)
		}
		if len(r.Target) > maxNoticeTarget {
			return nil, fmt.Errorf("store: notice: a target name of %d bytes", len(r.Target))
		}
		if r.State < vitals.StatusUnknown || r.State > vitals.StatusFail || r.Expect < 0 {
			return nil, fmt.Errorf("store: notice: target %q: bad state", r.Target)
		}
		out = append(out, r)
	}
	return out, nil
}

// cut returns s cut to at most n bytes, at a character.
func cut(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n]
}

// publish tells the results of a transaction to the other replicas; the
// notifications are delivered when tx commits, and not at all when it
// rolls back.
func (s *sqlStore) publish(ctx context.Context, tx *sql.Tx, results []Result) error {
	if !s.notify.Load() {
		return nil
	}
	for _, p := range Notices(results) {
		if _, err := tx.ExecContext(ctx, `SELECT pg_notify($1, $2)`, NoticeChannel, p); err != nil {
			return err
		}
	}
	return nil
}
