package lease

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/stdlib"
)

// checkDriver returns an error unless db is opened with the pgx driver,
// whose connections can wait for notifications.
func checkDriver(ctx context.Context, db *sql.DB) error {
	conn, err := db.Conn(ctx)
	if err != nil {
		return fmt.Errorf("lease: connect: %w", err)
	}
	defer conn.Close()
	return conn.Raw(func(dc any) error {
		if _, ok := dc.(*stdlib.Conn); !ok {
			return fmt.Errorf("lease: the database must be opened with the pgx driver (github.com/jackc/pgx/v5/stdlib), not %T", dc)
		}
		return nil
	})
}

// listen waits for peers' NOTIFYs on one connection of the pool and wakes
// Run's loop (without blocking) for each. It closes ready once the first
// LISTEN is done or has failed, so that Run's first round misses no
// release. A lost connection, or one that does not answer a ping after a
// quiet Renew, is opened again after a Renew; meanwhile the periodic rounds
// still acquire, a little later.
func (m *Manager) listen(ctx context.Context, wake chan<- struct{}, ready chan<- struct{}) {
	m.listenOn(ctx, channel, sync.OnceFunc(func() { close(ready) }), func(payload string) {
		if payload == m.opt.NodeID {
			return
		}
		select {
		case wake <- struct{}{}:
		default:
		}
	})
}

// Listen calls fn with the payload of every notification on the
// PostgreSQL channel name, in order, on one connection of the manager's
// database, until ctx is done. A lost connection, or one that does not
// answer a ping after a quiet Renew (a server gone without a word), is
// opened again after a Renew; what was notified meanwhile is missed, so
// fn's reader must tolerate gaps (the page refreshes from the store). fn
// runs in Listen's goroutine and should not block.
func (m *Manager) Listen(ctx context.Context, name string, fn func(payload string)) {
	m.listenOn(ctx, name, func() {}, fn)
}

// listenOn is Listen, calling listening once the first LISTEN is done or
// has failed.
func (m *Manager) listenOn(ctx context.Context, name string, listening func(), fn func(string)) {
	for {
		err := m.listenOnce(ctx, name, listening, fn)
		listening() // or failed
		if ctx.Err() != nil {
			return
		}
		m.log.Warn("lease: LISTEN failed; retrying", "node", m.opt.NodeID, "channel", name, "err", err)
		select {
		case <-ctx.Done():
			return
		case <-time.After(m.opt.Renew):
		}
	}
}

// listenOnce listens on one connection until it fails or ctx is done.
// It calls listening once it listens.
func (m *Manager) listenOnce(ctx context.Context, name string, listening func(), fn func(string)) error {
	conn, err := m.db.Conn(ctx)
	if err != nil {
		return err
	}
	defer conn.Close()
	if _, err := conn.ExecContext(ctx, `LISTEN `+pgx.Identifier{name}.Sanitize()); err != nil {
		return err
	}
	listening()
	return conn.Raw(func(dc any) error {
		pc := dc.(*stdlib.Conn).Conn()
		for {
			// A server gone without a word (a crashed host, a failover
			// to another address, a middlebox that dropped the flow)
			// leaves a connection that never hears again: after a Renew
			// without a notification, the connection must answer a ping
			// within a Renew. A wait that times out leaves it usable, and
			// what arrives during the ping is kept for the next wait.
			wctx, cancel := context.WithTimeout(ctx, m.opt.Renew)
			n, err := pc.WaitForNotification(wctx)
			cancel()
			if err == nil {
				fn(n.Payload)
				continue
			}
			if ctx.Err() == nil && wctx.Err() != nil {
				pctx, cancel := context.WithTimeout(ctx, m.opt.Renew)
				err = pc.Ping(pctx)
				cancel()
				if err == nil {
					continue
				}
			}
			// The connection is listening, or broken: either way not
			// one to give back to the pool.
			return errors.Join(err, driver.ErrBadConn)
		}
	})
}
