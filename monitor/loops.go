package monitor

import (
	"context"
	"time"
)

// refreshUptimes recomputes the board's cached uptimes at once and then
// every UptimeEvery, until ctx ends.
func (s *Server) refreshUptimes(ctx context.Context) {
	every(ctx, s.o.UptimeEvery, func() {
		if err := s.board.RefreshUptime(ctx, time.Now()); err != nil && ctx.Err() == nil {
			s.log.Warn("refresh uptime", "err", err)
		}
	})
}

// prune deletes history past the retention at once and then hourly.
func (s *Server) prune(ctx context.Context) {
	every(ctx, time.Hour, func() {
		s.mu.Lock()
		keep := s.cfg.Retention
		s.mu.Unlock()
		n, err := s.st.Prune(ctx, time.Now(), keepOf(keep))
		switch {
		case err != nil && ctx.Err() == nil:
			s.log.Warn("prune history", "err", err)
		case n > 0:
			s.log.Info("pruned history", "rows", n)
		}
	})
}

// every runs fn now and then every d until ctx ends.
func every(ctx context.Context, d time.Duration, fn func()) {
	t := time.NewTicker(d)
	defer t.Stop()
	for {
		fn()
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}
