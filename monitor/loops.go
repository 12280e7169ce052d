package monitor

import (
	"context"
	"fmt"
	"strings"
	"time"
)

// refreshUptimes recomputes the board's cached uptimes at once, a few
// times in the first seconds (so a page opened just after the start shows
// the first results' uptime, not "no data" for half a minute), then every
// UptimeEvery, until ctx ends.
func (s *Server) refreshUptimes(ctx context.Context) {
	refresh := func() {
		if err := s.board.RefreshUptime(ctx, time.Now()); err != nil && ctx.Err() == nil {
			s.log.Warn("refresh uptime", "err", err)
		}
	}
	for _, d := range []time.Duration{0, time.Second, 2 * time.Second, 4 * time.Second, 8 * time.Second} {
		if d >= s.o.UptimeEvery {
			break
		}
		select {
		case <-ctx.Done():
			return
		case <-time.After(d):
		}
		refresh()
	}
	every(ctx, s.o.UptimeEvery, refresh)
}

// prune deletes history past the retention at once and then hourly.
func (s *Server) prune(ctx context.Context) {
	every(ctx, time.Hour, func() {
		s.mu.Lock()
		keep := s.cfg.Retention
		s.mu.Unlock()
		n, err := s.st.Prune(ctx, time.Now(), keepOf(keep))
		if err == nil && keep.Raw > 0 {
			// Delivered, cancelled and dead notifications go with the raw
			// results of their time; pending ones stay until sent.
			var k int64
			k, err = s.st.PruneOutbox(ctx, time.Now().Add(-keep.Raw))
			n += k
		}
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

// refreshAlerts shows the store's alert states on the board every 2 s.
func (s *Server) refreshAlerts(ctx context.Context) {
	every(ctx, 2*time.Second, func() {
		states, err := s.board.RefreshAlerts(ctx)
		if err != nil && ctx.Err() == nil {
			s.log.Warn("refresh alerts", "err", err)
		}
		s.alerts.Reconcile(states)
		dead := ""
		if n := s.dispatch.Outbox().Dead; n > 0 {
			dead = fmt.Sprintf("%d notifications could not be delivered (dead-lettered): see /api/v1/alerts and the log", n)
		}
		s.setBanner(&s.deadBanner, dead)
	})
}

// setBanner sets one part of the page's banner.
func (s *Server) setBanner(part *string, text string) {
	s.bannerMu.Lock()
	defer s.bannerMu.Unlock()
	*part = text
	var parts []string
	for _, p := range []string{s.reloadBanner, s.deadBanner, s.clusterBanner} {
		if p != "" {
			parts = append(parts, p)
		}
	}
	s.board.SetBanner(strings.Join(parts, " · "))
}
