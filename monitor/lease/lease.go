package lease

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"sync"
	"time"
)

// Defaults of [Options].
const (
	DefaultTTL    = 15 * time.Second
	DefaultRenew  = 5 * time.Second
	DefaultMargin = time.Second
)

// Options configure a [Manager]. The zero value (or nil) means the
// defaults.
type Options struct {
	// NodeID names this replica in the tables. It must be unique among the
	// replicas running at once: two processes with one id would each take
	// the other's leases as their own. Empty means the host name and a
	// random suffix, new at every start.
	NodeID string
	// Shards is the number of virtual shards, the same on every replica
	// (New refuses a database set up with another number). 0 means
	// DefaultShards.
	Shards int
	// TTL is how long a lease lasts past its last renewal, by the
	// database's clock. 0 means DefaultTTL.
	TTL time.Duration
	// Renew is the period of the rounds that heartbeat, renew and acquire.
	// 0 means DefaultRenew. It must be shorter than TTL − Margin.
	Renew time.Duration
	// Margin is the part of the TTL the replica does not trust: it drops a
	// lease at its last successful renewal + TTL − Margin by its own
	// monotonic clock, before the database lets a peer take it. It covers
	// the time between a check of [Manager.Owns] and the work it allows,
	// and the difference in clock rates. 0 means DefaultMargin.
	Margin time.Duration
	// ConfigHash is recorded with the node's heartbeat, so that the page
	// can warn when replicas run different configurations ([Manager.Nodes]).
	ConfigHash string
	// Logger receives lease changes (Debug and Info) and database failures
	// (Warn). nil means none.
	Logger *slog.Logger
	// Release, when set, is called before the node gives shards back
	// (rebalancing, or Close), after Owns and Owned stopped returning them
	// and while their leases are still held and still fence writes: the
	// replica stops their targets and writes what it has of them, so that
	// the peer that takes them over finds their last results and
	// continues their cadence. ctx bounds it (at most the trust window).
	Release func(ctx context.Context, shards []int)
}

// ErrClosed is returned by Run after Close.
var ErrClosed = errors.New("lease: manager closed")

// Lease is one shard held by a replica: the shard and the epoch it was
// acquired with, the fencing token each write passes to [Manager.Fence].
type Lease struct {
	Shard int
	Epoch int64
}

// held is a lease as this replica knows it.
type held struct {
	epoch int64
	until time.Time // monotonic: the end of the trust window
	// releasing: the node is giving the shard back; it no longer probes
	// its targets (Owns is false) but still writes their last results.
	releasing bool
}

// trusted reports whether the lease may be acted on at now.
func (h held) trusted(now time.Time) bool { return now.Before(h.until) }

// A Manager holds one replica's shard leases in PostgreSQL. Create it with
// [New], run [Manager.Run] in a goroutine, and stop it with [Manager.Close],
// which gives the shards to the peers at once. Its methods are safe for
// concurrent use.
type Manager struct {
	db      *sql.DB
	opt     Options
	log     *slog.Logger
	changes chan struct{}

	mu     sync.RWMutex // protects leases, hash, closed, stop and done
	leases map[int]held
	hash   string // the config hash heartbeats record
	closed bool
	stop   context.CancelFunc // cancels the running Run, nil when none runs
	done   chan struct{}      // closed when the running Run returns
	loop   loopState          // used only by the goroutine in Run
}

// New sets up the lease tables in the PostgreSQL database db (opened with
// the pgx driver, github.com/jackc/pgx/v5/stdlib, which LISTEN needs) and
// registers the node with a first heartbeat, so that peers count it in
// their share at once. It acquires nothing: [Manager.Run] does. The caller
// keeps db and closes it after [Manager.Close]; Run holds one of its
// connections for LISTEN, so db must allow at least two.
func New(ctx context.Context, db *sql.DB, opt *Options) (*Manager, error) {
	o, err := resolve(opt)
	if err != nil {
		return nil, err
	}
	if err := checkDriver(ctx, db); err != nil {
		return nil, err
	}
	if err := setup(ctx, db, o.Shards); err != nil {
		return nil, err
	}
	m := &Manager{
		db:      db,
		opt:     o,
		log:     o.Logger,
		changes: make(chan struct{}, 1),
		leases:  make(map[int]held),
		hash:    o.ConfigHash,
	}
	if err := m.register(ctx); err != nil {
		return nil, err
	}
	return m, nil
}

// resolve returns opt with its defaults filled in, or why it is unusable.
func resolve(opt *Options) (Options, error) {
	var o Options
	if opt != nil {
		o = *opt
	}
	if o.Shards == 0 {
		o.Shards = DefaultShards
	}
	if o.TTL == 0 {
		o.TTL = DefaultTTL
	}
	if o.Renew == 0 {
		o.Renew = DefaultRenew
	}
	if o.Margin == 0 {
		o.Margin = DefaultMargin
	}
	if o.Logger == nil {
		o.Logger = slog.New(slog.DiscardHandler)
	}
	if o.NodeID == "" {
		host, _ := os.Hostname()
		b := make([]byte, 4)
		rand.Read(b)
		o.NodeID = host + "-" + hex.EncodeToString(b)
	}
	switch {
	case o.Shards < 0:
		return o, fmt.Errorf("lease: %d shards", o.Shards)
	case o.TTL < 0 || o.Renew < 0 || o.Margin < 0:
		return o, errors.New("lease: negative TTL, Renew or Margin")
	case o.Renew >= o.TTL-o.Margin:
		// Every lease would lapse, in the replica's eyes, before its
		// renewal.
		return o, fmt.Errorf("lease: Renew (%v) must be shorter than TTL − Margin (%v)", o.Renew, o.TTL-o.Margin)
	}
	return o, nil
}

// release marks shards as being given back, so that Owns and Owned leave
// them out, and calls the Release hook while their leases still fence
// writes.
func (m *Manager) release(ctx context.Context, shards []int64) {
	if len(shards) == 0 {
		return
	}
	m.mu.Lock()
	ints := make([]int, 0, len(shards))
	for _, s := range shards {
		if h, ok := m.leases[int(s)]; ok {
			h.releasing = true
			m.leases[int(s)] = h
			ints = append(ints, int(s))
		}
	}
	m.mu.Unlock()
	// Those who follow Changes hear of it once the hook has run: one that
	// stopped the shards' targets at once, before the hook waited for
	// their runs in flight, lost the results of probes the targets had
	// seen, and the peer taking them over probed them again at once
	// (monitor TestReplicasShareTargets, 1 run in 6).
	if m.opt.Release != nil && len(ints) > 0 {
		m.opt.Release(ctx, ints)
	}
	m.changed()
}

// NodeID returns the replica's id in the tables.
func (m *Manager) NodeID() string { return m.opt.NodeID }

// Shards returns the number of virtual shards.
func (m *Manager) Shards() int { return m.opt.Shards }

// Owns reports whether this replica holds the shard of target now, inside
// its trust window, and the lease to fence the target's writes with.
func (m *Manager) Owns(target string) (Lease, bool) {
	l, releasing, ok := m.lease(target)
	return l, ok && !releasing
}

// lease returns the lease of target's shard inside its trust window, and
// whether it is being given back.
func (m *Manager) lease(target string) (l Lease, releasing, ok bool) {
	s := Shard(target, m.opt.Shards)
	m.mu.RLock()
	h, ok := m.leases[s]
	m.mu.RUnlock()
	if !ok || !h.trusted(time.Now()) {
		return Lease{}, false, false
	}
	return Lease{Shard: s, Epoch: h.epoch}, h.releasing, true
}

// Holds reports whether this replica may still write results of target:
// it holds the shard inside its trust window, being given back included
// (the last results of a shard are written before its release), and the
// lease to stamp those results with. Owns says whether to probe it.
func (m *Manager) Holds(target string) (Lease, bool) {
	l, _, ok := m.lease(target)
	return l, ok
}

// Owned returns the shards this replica holds now, inside its trust
// window, with their epochs. Past the window it returns none of a lease,
// whether or not Run still runs or can reach the database.
func (m *Manager) Owned() map[int]int64 {
	now := time.Now()
	m.mu.RLock()
	defer m.mu.RUnlock()
	out := make(map[int]int64, len(m.leases))
	for s, h := range m.leases {
		if h.trusted(now) && !h.releasing {
			out[s] = h.epoch
		}
	}
	return out
}

// Changes returns a channel that receives a value after the set of owned
// shards changes: acquired, given back, lost to a peer, or past its trust
// window. It holds at most one value; a reader calls Owned (or Owns) after
// each receive, so changes that come together are read as one.
func (m *Manager) Changes() <-chan struct{} { return m.changes }

// changed wakes a reader of Changes.
func (m *Manager) changed() {
	select {
	case m.changes <- struct{}{}:
	default:
	}
}

// SetConfigHash changes the config hash the node's heartbeats record, after
// a reload; peers see it in [Manager.Nodes] from the next round.
func (m *Manager) SetConfigHash(hash string) {
	m.mu.Lock()
	m.hash = hash
	m.mu.Unlock()
}

func (m *Manager) configHash() string {
	m.mu.RLock()
	defer m.mu.RUnlock()
	return m.hash
}

// Node is a live replica as the node table shows it.
type Node struct {
	ID          string
	ConfigHash  string
	HeartbeatAt time.Time // by the database's clock
	StartedAt   time.Time
}

// Nodes returns the replicas whose last heartbeat is within a TTL, ordered
// by id: the page warns when their config hashes differ.
func (m *Manager) Nodes(ctx context.Context) ([]Node, error) {
	rows, err := m.db.QueryContext(ctx, `
		SELECT node_id, config_hash, heartbeat_at, started_at FROM vitals_nodes
		WHERE heartbeat_at > now() - $1 * interval '1 microsecond' ORDER BY node_id`, m.opt.TTL.Microseconds())
	if err != nil {
		return nil, fmt.Errorf("lease: nodes: %w", err)
	}
	defer rows.Close()
	var out []Node
	for rows.Next() {
		var n Node
		if err := rows.Scan(&n.ID, &n.ConfigHash, &n.HeartbeatAt, &n.StartedAt); err != nil {
			return nil, fmt.Errorf("lease: nodes: %w", err)
		}
		out = append(out, n)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("lease: nodes: %w", err)
	}
	return out, nil
}

// Close stops Run, if it runs, and gives every shard of the node back at
// once: it forgets them (Owned is empty when Close returns, and Changes
// fires), releases them and removes the node in one transaction, and
// NOTIFYs the peers, which take the shards over in one round. When the
// database cannot be reached, the leases expire on their own after a TTL.
// Close does not close the database.
func (m *Manager) Close(ctx context.Context) error {
	m.mu.Lock()
	if m.closed {
		m.mu.Unlock()
		return nil
	}
	m.closed = true
	stop, done := m.stop, m.done
	m.mu.Unlock()
	if stop != nil {
		stop()
		<-done
	}
	m.release(ctx, m.owned())
	m.mu.Lock()
	had := len(m.leases)
	clear(m.leases)
	m.mu.Unlock()
	if had > 0 {
		m.changed()
	}
	// One statement: the shards, the node and the notification commit
	// together, so a peer woken by it finds the shards free and the node
	// gone from its share.
	ctx, cancel := releaseContext(ctx)
	defer cancel()
	_, err := m.db.ExecContext(ctx, `
		WITH released AS (UPDATE vitals_shards SET owner = NULL, expires_at = '-infinity' WHERE owner = $1),
		gone AS (DELETE FROM vitals_nodes WHERE node_id = $1)
		SELECT pg_notify('`+channel+`', $1)`, m.opt.NodeID)
	if err != nil {
		return fmt.Errorf("lease: release shards: %w", err)
	}
	m.log.Info("lease: released every shard", "node", m.opt.NodeID, "shards", had)
	return nil
}
