package lease

import (
	"context"
	"fmt"
	"slices"
	"sync"
	"time"
)

// loopState is what only the goroutine of Run touches.
type loopState struct {
	round   int64 // rounds run, for the logs
	failing bool  // the last round failed; logged once until one succeeds
	woken   bool  // the round was woken by a NOTIFY, not the ticker
}

// Run holds the node's leases until ctx is done or Close is called: every
// Renew it heartbeats, renews every owned shard in one statement, acquires
// free or expired shards up to its share, or gives back its excess when it
// holds more; and it runs an acquire round at once when a peer NOTIFYs
// that it released shards. Database failures are logged and retried next
// round; meanwhile the trust window runs out.
//
// Run returns ctx's error, or ErrClosed when Close stopped it. It does not
// release the leases (Close does): they stay trusted to the end of their
// window and expire in the database after a TTL, as a crashed replica's
// would. Only one Run runs at a time.
func (m *Manager) Run(ctx context.Context) error {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	m.mu.Lock()
	switch {
	case m.closed:
		m.mu.Unlock()
		return ErrClosed
	case m.stop != nil:
		m.mu.Unlock()
		return fmt.Errorf("lease: Run is already running")
	}
	m.stop, m.done = cancel, make(chan struct{})
	m.mu.Unlock()

	var wg sync.WaitGroup
	wake, ready := make(chan struct{}, 1), make(chan struct{})
	wg.Go(func() { m.listen(ctx, wake, ready) })
	defer func() {
		cancel()
		wg.Wait()
		m.mu.Lock()
		close(m.done)
		m.stop, m.done = nil, nil
		m.mu.Unlock()
	}()

	tick := time.NewTicker(m.opt.Renew)
	defer tick.Stop()
	expiry := time.NewTimer(0)
	defer expiry.Stop()
	// Listening first, the node misses no release made while it
	// acquires; but a database slow to give a connection must not hold
	// the first round longer than a period.
	select {
	case <-ready:
	case <-ctx.Done():
	case <-tick.C:
	}
	m.round(ctx, true)
	for {
		expiry.Reset(m.untilExpiry())
		select {
		case <-ctx.Done():
			m.mu.RLock()
			closed := m.closed
			m.mu.RUnlock()
			if closed {
				return ErrClosed
			}
			return ctx.Err()
		case <-tick.C:
			m.round(ctx, true)
		case <-wake:
			m.round(ctx, false)
		case <-expiry.C:
			m.expire()
		}
	}
}

// untilExpiry returns the time to the end of the earliest trust window,
// or a Renew when the node holds nothing.
func (m *Manager) untilExpiry() time.Duration {
	d := m.opt.Renew
	now := time.Now()
	m.mu.RLock()
	defer m.mu.RUnlock()
	for _, h := range m.leases {
		d = min(d, h.until.Sub(now))
	}
	return max(d, 0)
}

// expire forgets the leases past their trust window. The database still
// names this node their owner until they expire there; an acquire round
// may take them back with a new epoch.
func (m *Manager) expire() {
	now := time.Now()
	var lost []int
	m.mu.Lock()
	for s, h := range m.leases {
		if !now.Before(h.until) {
			delete(m.leases, s)
			lost = append(lost, s)
		}
	}
	m.mu.Unlock()
	if len(lost) > 0 {
		slices.Sort(lost)
		m.log.Warn("lease: trust window ended before a renewal", "node", m.opt.NodeID, "shards", lost)
		m.changed()
	}
}

// round runs one heartbeat, renewal and acquisition; full rounds (the
// periodic ones, not those a NOTIFY wakes) may also give a shard back.
// Its statements must finish before the earliest trust window ends, so
// that a hung database cannot keep Run from noticing the end.
func (m *Manager) round(ctx context.Context, full bool) {
	m.expire()
	ctx, cancel := context.WithTimeout(ctx, max(m.untilExpiry(), m.opt.Renew/10))
	defer cancel()
	m.loop.round++
	m.loop.woken = !full
	err := m.step(ctx, full)
	switch {
	case err != nil && ctx.Err() != nil && context.Cause(ctx) == context.Canceled:
		// Run is stopping.
	case err != nil:
		if !m.loop.failing {
			m.log.Warn("lease: round failed; retrying every Renew", "node", m.opt.NodeID, "err", err)
		}
		m.loop.failing = true
	case m.loop.failing:
		m.log.Info("lease: the database answers again", "node", m.opt.NodeID)
		m.loop.failing = false
	}
}

// step is one round's statements.
func (m *Manager) step(ctx context.Context, full bool) error {
	live, err := m.heartbeat(ctx)
	if err != nil {
		return err
	}
	if err := m.renew(ctx); err != nil {
		return err
	}
	share := (m.opt.Shards + live - 1) / live
	m.mu.RLock()
	n := len(m.leases)
	m.mu.RUnlock()
	switch {
	case n < share:
		return m.acquire(ctx, share-n)
	case n > share && full:
		// Only in the periodic rounds: a joining replica is counted
		// by every peer within a period, and each gives back its own
		// excess once.
		return m.giveBack(ctx, share)
	}
	return nil
}
