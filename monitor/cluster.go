package monitor

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/stdlib"

	"github.com/vitalsgo/vitals"
	"github.com/vitalsgo/vitals/monitor/config"
	"github.com/vitalsgo/vitals/monitor/lease"
	"github.com/vitalsgo/vitals/monitor/store"
	"github.com/vitalsgo/vitals/redact"
)

// pushChannel is the PostgreSQL channel on which replicas tell each other
// the pushes they take: a job's POST reaches any replica, and its target
// runs on one.
const pushChannel = "vitals_pushes"

// cluster is how a server on PostgreSQL shares its targets with the other
// replicas of the database: shard leases (package lease), a fence on
// every write, and notifications of results and pushes. A server on SQLite
// has none and runs every target.
type cluster struct {
	m  *lease.Manager
	db *sql.DB // the lease manager's own pool: renewals never wait for the store's
	// fenced counts the targets of write batches left out because their
	// shard had moved on.
	fenced atomic.Uint64
	// closing is set by the first closeCluster.
	closing atomic.Bool
}

// isPostgres reports whether a storage setting names PostgreSQL.
func isPostgres(storage string) bool {
	return strings.HasPrefix(storage, "postgres://") || strings.HasPrefix(storage, "postgresql://")
}

// openCluster starts the lease manager of a PostgreSQL store; nil for
// SQLite. It registers the node, so that peers count it at once, and
// acquires nothing until Run.
//
// Replicas are opt-in, by the cluster block: a lone monitor on PostgreSQL
// keeps probing through a database outage (its results queue), which a
// replica cannot (it stops at the end of its leases' trust window, since a
// peer may have taken them).
func openCluster(ctx context.Context, cfg *config.Config, log *slog.Logger, release func(context.Context, []int)) (*cluster, error) {
	switch {
	case !isPostgres(cfg.Storage) && cfg.Cluster.Line > 0:
		log.Warn("the cluster block is for replicas on a PostgreSQL store; with SQLite this process runs every target", "line", cfg.Cluster.Line)
		return nil, nil
	case !isPostgres(cfg.Storage):
		return nil, nil
	case cfg.Cluster.Line == 0:
		warnIfReplicas(ctx, cfg.Storage, log)
		return nil, nil
	}
	pc, err := pgx.ParseConfig(cfg.Storage)
	if err != nil {
		return nil, redact.Error(err)
	}
	if pc.ConnectTimeout == 0 {
		pc.ConnectTimeout = store.DefaultConnectTimeout
	}
	db := stdlib.OpenDB(*pc)
	// One connection listens for releases, one for notices, and one runs
	// the rounds.
	db.SetMaxOpenConns(4)
	m, err := lease.New(ctx, db, &lease.Options{
		NodeID: cfg.Cluster.Node, Shards: cfg.Cluster.Shards, TTL: cfg.Cluster.LeaseTTL, Renew: cfg.Cluster.Renew,
		ConfigHash: configHash(cfg), Logger: log, Release: release,
	})
	if err != nil {
		db.Close()
		return nil, redact.Error(err)
	}
	// The last push of each push target, for the replica that runs it:
	// a notice it missed (its LISTEN connection being opened again), or
	// pushes from before it took the target over.
	if _, err := db.ExecContext(ctx, `CREATE TABLE IF NOT EXISTS vitals_pushes (
		target TEXT PRIMARY KEY, at BIGINT NOT NULL, status INTEGER NOT NULL, msg TEXT NOT NULL)`); err != nil {
		_ = m.Close(ctx)
		db.Close()
		return nil, redact.Error(fmt.Errorf("create vitals_pushes: %w", err))
	}
	log.Info("replica of a shared PostgreSQL store", "node", m.NodeID(), "shards", m.Shards())
	return &cluster{m: m, db: db}, nil
}

// configHash identifies what a configuration runs, for the page's warning
// when replicas disagree: the parsed file but for the node's own name, so
// that one file per replica, differing only in cluster.node, is one
// configuration. It is a SHA-256, which does not show the secrets the
// file expands to.
func configHash(cfg *config.Config) string {
	c := *cfg
	// Where the files are differs between replicas; what they hold is in
	// the checks.
	c.File, c.Includes, c.Cluster.Node, c.Cluster.Line = "", nil, "", 0
	b, err := json.Marshal(&c)
	if err != nil {
		return ""
	}
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:])
}

// warnIfReplicas warns when a monitor without a cluster block shares its
// PostgreSQL store with live replicas: it runs every target, which they
// share out, so those targets are probed twice.
func warnIfReplicas(ctx context.Context, dsn string, log *slog.Logger) {
	pc, err := pgx.ParseConfig(dsn)
	if err != nil {
		return
	}
	pc.ConnectTimeout = 5 * time.Second
	db := stdlib.OpenDB(*pc)
	defer db.Close()
	ctx, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	var n int
	// The table exists only where replicas ran; any error means none.
	if db.QueryRowContext(ctx, `SELECT count(*) FROM vitals_nodes WHERE heartbeat_at > now() - interval '1 minute'`).Scan(&n) == nil && n > 0 {
		log.Warn("replicas with a cluster block share this store, and this monitor has none: it runs every target, so theirs are probed twice; add the cluster block", "replicas", n)
	}
}

// Fence is the store's fence (store.Fencer): the targets whose leases the
// node holds.
func (c *cluster) Fence(ctx context.Context, tx *sql.Tx, targets []string) (map[string]int64, error) {
	got, err := c.m.FenceTargets(ctx, tx, targets)
	if err == nil {
		c.fenced.Add(uint64(len(targets) - len(got)))
	}
	return got, err
}

// owns reports whether this process runs a target: always without
// replicas, else while it holds the lease of the target's shard.
func (s *Server) owns(name string) bool {
	if s.cl == nil {
		return true
	}
	_, ok := s.cl.m.Owns(name)
	return ok
}

// reconcile makes the running targets those of the configuration this
// process owns: it stops those whose shard it no longer holds and starts
// those it took over, each at its next due time by the store (its last
// run + interval), so that a target that changes hands keeps its cadence
// instead of being probed twice.
func (s *Server) reconcile(ctx context.Context) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.stopped || s.cfg == nil {
		return
	}
	var lost []string
	for name, t := range s.live {
		if !s.owns(name) {
			s.removeLocked(name, t)
			lost = append(lost, name)
		}
	}
	var add []config.Check
	for _, c := range s.cfg.Checks {
		if _, ok := s.live[c.Name]; !ok && s.owns(c.Name) {
			add = append(add, c)
		}
	}
	if len(lost) > 0 {
		s.alerts.Forget(lost...)
	}
	// Shards gained, with targets or without: incidents of targets no
	// longer configured may be this replica's to close now.
	s.alerts.OwnersChanged()
	if len(add) == 0 {
		return
	}
	due := s.lastRuns(ctx)
	for i := range add {
		c := &add[i]
		chk, closer, err := s.build(c)
		if err != nil {
			s.log.Warn("start target", "target", c.Name, "err", err)
			continue
		}
		// Another replica may have decided on it meanwhile: forgotten
		// before its first result can be decided on.
		s.alerts.Forget(c.Name)
		if err := s.targets.Add(c.Name, s.guard(c.Name, chk), s.optionsOf(c, due)...); err != nil {
			closeQuietly(closer)
			s.log.Warn("start target", "target", c.Name, "err", err)
			continue
		}
		s.live[c.Name] = &target{check: *c, closer: closer}
	}
	s.log.Debug("targets taken over", "started", len(add), "stopped", len(lost), "running", len(s.live))
}

// lastRuns returns when each target last ran, by the store, or nil when
// the store cannot tell within a second or two (the targets then run at
// once).
func (s *Server) lastRuns(ctx context.Context) map[string]time.Time {
	ctx, cancel := context.WithTimeout(ctx, 2*time.Second)
	defer cancel()
	open, err := s.st.Current(ctx)
	if err != nil {
		s.log.Warn("reading when targets last ran; they run at once", "err", err)
		return nil
	}
	out := make(map[string]time.Time, len(open))
	for _, iv := range open {
		out[iv.Target] = iv.Last
	}
	return out
}

// optionsOf returns a target's options, postponing its first run to its
// next due time when the store says it ran less than an interval ago.
func (s *Server) optionsOf(c *config.Check, last map[string]time.Time) []vitals.CheckOption {
	opts := c.Options()
	at, ok := last[c.Name]
	if !ok || c.Interval <= 0 || c.InitialDelay > 0 {
		return opts
	}
	// At most an interval: the last run is by the previous owner's
	// clock, which may be ahead of this one's.
	if wait := min(time.Until(at.Add(c.Interval)), c.Interval); wait > 0 {
		opts = append(opts, vitals.InitialDelay(wait))
	}
	return opts
}

// guarded is a target's checker that probes only while this process owns
// the target: between the end of a lease's trust window (or a pause of the
// process) and the reconcile that removes the target, a run that falls due
// does nothing, and observe drops its result.
type guarded struct {
	s    *Server
	name string
	vitals.Checker
}

// errNotOwned is the result of a run of a target another replica owns.
var errNotOwned = errors.New("not run: another replica owns this target")

func (g guarded) Check(ctx context.Context) vitals.Result {
	// In flight from before the ownership check: a release that sees no
	// run in flight knows none will start (see releaseShards).
	g.s.runs.start(g.name)
	if !g.s.owns(g.name) {
		g.s.runs.end(g.name)
		return vitals.Result{Status: vitals.StatusFail, Err: errNotOwned}
	}
	return g.Checker.Check(ctx)
}

// inflight tracks the targets whose run has started and whose result has
// not been observed yet, so that a release can wait for them.
type inflight struct {
	mu   sync.Mutex
	runs map[string]chan struct{}
}

func (f *inflight) start(name string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.runs == nil {
		f.runs = map[string]chan struct{}{}
	}
	if _, ok := f.runs[name]; !ok {
		f.runs[name] = make(chan struct{})
	}
}

func (f *inflight) end(name string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if ch, ok := f.runs[name]; ok {
		close(ch)
		delete(f.runs, name)
	}
}

// endAll ends every run: the targets stopped, and what was in flight is
// dropped.
func (f *inflight) endAll() {
	f.mu.Lock()
	defer f.mu.Unlock()
	for name, ch := range f.runs {
		close(ch)
		delete(f.runs, name)
	}
}

// wait waits until no run of a target of shards (out of k) is in flight,
// or ctx ends.
func (f *inflight) wait(ctx context.Context, shards []int, k int) {
	in := make(map[int]bool, len(shards))
	for _, sh := range shards {
		in[sh] = true
	}
	f.mu.Lock()
	var chs []chan struct{}
	for name, ch := range f.runs {
		if in[lease.Shard(name, k)] {
			chs = append(chs, ch)
		}
	}
	f.mu.Unlock()
	for _, ch := range chs {
		select {
		case <-ch:
		case <-ctx.Done():
			return
		}
	}
}

// guard wraps the checker of a target when replicas share the targets.
func (s *Server) guard(name string, chk vitals.Checker) vitals.Checker {
	if s.cl == nil {
		return chk
	}
	return guarded{s: s, name: name, Checker: chk}
}

// releaseShards is the lease manager's Release hook: before shards are
// given back, their targets stop and what the writer holds of them is
// written, while the leases still fence it, so that the peer that takes
// them over reads their last runs.
//
// A run in flight is waited for (the lease manager no longer says the
// shards are owned, so none starts) and its result is written too: the
// target server saw that probe, and a peer that did not read it would
// probe again at once.
func (s *Server) releaseShards(ctx context.Context, shards []int) {
	// The hook runs in the lease manager's loop, which does not renew
	// meanwhile: a slow probe's result is given up after a while.
	wctx, cancel := context.WithTimeout(ctx, min(s.longestTimeout(), maxReleaseWait))
	s.runs.wait(wctx, shards, s.cl.m.Shards())
	cancel()
	s.reconcile(ctx)
	if err := s.writer.Flush(ctx); err != nil {
		s.log.Warn("writing the results of shards given back", "shards", len(shards), "err", err)
	}
}

// maxReleaseWait bounds how long a release waits for runs in flight.
const maxReleaseWait = 2 * time.Second

// longestTimeout is the longest timeout of the configured targets, what a
// release waits at most for their runs in flight (up to maxReleaseWait).
func (s *Server) longestTimeout() time.Duration {
	s.mu.Lock()
	defer s.mu.Unlock()
	d := time.Second
	if s.cfg != nil {
		for i := range s.cfg.Checks {
			d = max(d, s.cfg.Checks[i].Timeout)
		}
	}
	return d
}

// followCluster runs the lease manager and follows what it owns, the
// other replicas' results and pushes, and their configurations, until ctx
// ends.
func (s *Server) followCluster(ctx context.Context) {
	c := s.cl
	done := make(chan struct{}, 4)
	go func() { defer func() { done <- struct{}{} }(); _ = c.m.Run(ctx) }()
	go func() {
		defer func() { done <- struct{}{} }()
		c.m.Listen(ctx, store.NoticeChannel, s.heardResults)
	}()
	go func() { defer func() { done <- struct{}{} }(); c.m.Listen(ctx, pushChannel, s.pushes.heard) }()
	go func() {
		defer func() { done <- struct{}{} }()
		every(ctx, 5*time.Second, func() { s.checkNodes(ctx); s.syncPushes(ctx) })
	}()
	for {
		select {
		case <-ctx.Done():
			for range 4 {
				<-done
			}
			return
		case <-c.m.Changes():
			s.reconcile(ctx)
		}
	}
}

// heardResults shows on the board the results another replica stored, of
// the targets this one does not run.
func (s *Server) heardResults(payload string) {
	rs, err := store.DecodeNotice(payload)
	if err != nil {
		s.log.Debug("a results notice that does not decode", "err", err)
		return
	}
	for _, r := range rs {
		if !s.owns(r.Target) {
			s.board.Apply(r)
		}
	}
}

// tellPush tells the other replicas of a push this one took: it keeps it
// as the target's last push in the database and NOTIFYs it, in one
// statement. The owner hears the notice at once, or reads the row within
// a renewal period (syncPushes) when it missed the notice.
func (s *Server) tellPush(target string, at time.Time, status vitals.Status, msg string) error {
	b, err := json.Marshal(pushNotice{Target: target, At: at.UnixMilli(), Status: status, Msg: msg})
	if err != nil {
		return err
	}
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	_, err = s.cl.db.ExecContext(ctx, `
		WITH kept AS (
			INSERT INTO vitals_pushes (target, at, status, msg) VALUES ($1, $2, $3, $4)
			ON CONFLICT (target) DO UPDATE SET at = excluded.at, status = excluded.status, msg = excluded.msg
			WHERE vitals_pushes.at <= excluded.at)
		SELECT pg_notify($5, $6)`, target, at.UnixMilli(), int(status), msg, pushChannel, string(b))
	if err != nil {
		err = redact.Error(err)
		s.log.Warn("telling the other replicas of a push", "target", target, "err", err)
	}
	return err
}

// syncPushes reads the last pushes the replicas kept, for the push
// targets this one runs.
func (s *Server) syncPushes(ctx context.Context) {
	ctx, cancel := context.WithTimeout(ctx, 2*time.Second)
	defer cancel()
	rows, err := s.cl.db.QueryContext(ctx, `SELECT target, at, status, msg FROM vitals_pushes`)
	if err != nil {
		return
	}
	defer rows.Close()
	for rows.Next() {
		var n pushNotice
		if rows.Scan(&n.Target, &n.At, &n.Status, &n.Msg) == nil && s.owns(n.Target) {
			s.pushes.apply(n)
		}
	}
}

// checkNodes warns on the page when the live replicas run different
// configurations.
func (s *Server) checkNodes(ctx context.Context) {
	nodes, err := s.cl.m.Nodes(ctx)
	if err != nil {
		return
	}
	hashes := map[string][]string{}
	for _, n := range nodes {
		hashes[n.ConfigHash] = append(hashes[n.ConfigHash], n.ID)
	}
	msg := ""
	if len(hashes) > 1 {
		var parts []string
		for h, ids := range hashes {
			slices.Sort(ids)
			parts = append(parts, fmt.Sprintf("%s (config %.8s)", strings.Join(ids, ", "), h))
		}
		slices.Sort(parts)
		msg = "Replicas run different configurations: " + strings.Join(parts, "; ") + ". Each target runs with its owner's."
	}
	s.setBanner(&s.clusterBanner, msg)
}

// closeCluster gives the node's shards to the peers: the Release hook
// starts no run of their targets, waits for those in flight and writes
// what is queued of them first.
// It does so once; later calls return nil.
func (s *Server) closeCluster(ctx context.Context) error {
	if s.cl == nil || !s.cl.closing.CompareAndSwap(false, true) {
		return nil
	}
	ctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	return s.cl.m.Close(ctx)
}
