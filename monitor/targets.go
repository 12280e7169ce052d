package monitor

import (
	"context"
	"errors"
	"fmt"
	"io"
	"reflect"
	"slices"
	"time"

	"github.com/vitalsgo/vitals"
	"github.com/vitalsgo/vitals/monitor/access"
	"github.com/vitalsgo/vitals/monitor/board"
	"github.com/vitalsgo/vitals/monitor/config"
	"github.com/vitalsgo/vitals/monitor/store"
)

// target is a configured check as it runs.
type target struct {
	check  config.Check
	closer io.Closer // nil when the checker owns nothing
}

// apply makes cfg the running configuration: targets no longer in it are
// removed, new and changed ones (re)built, unchanged ones left alone. It
// builds everything new before it changes anything, so a checker that
// fails to build leaves the old configuration running.
func (s *Server) apply(cfg *config.Config) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.stopped {
		return errors.New("monitor: stopped")
	}
	built := map[string]*builtTarget{}
	var errs []error
	for i := range cfg.Checks {
		c := cfg.Checks[i]
		if old, ok := s.live[c.Name]; ok && old.check.Same(&c) {
			continue
		}
		chk, closer, err := s.build(&c)
		if err != nil {
			errs = append(errs, err)
			continue
		}
		built[c.Name] = &builtTarget{target: &target{check: c, closer: closer}, checker: chk}
	}
	if err := errors.Join(errs...); err != nil {
		for _, b := range built {
			closeQuietly(b.closer)
		}
		s.pushes.retain(s.cfg) // the new tokens built above
		return err
	}

	// The board learns the new targets first, so the first result of a new
	// one is recorded; it forgets removed ones at once, so a result of
	// theirs that lands before they stop is not stored.
	ac, err := alertConfig(cfg, s.log)
	if err != nil {
		for _, b := range built {
			closeQuietly(b.closer)
		}
		s.pushes.retain(s.cfg)
		return err
	}
	if s.alerts != nil {
		s.alerts.SetConfig(ac)
	}
	s.board.SetTargets(boardTargets(cfg))
	for name, t := range s.live {
		if _, kept := built[name]; kept || !inConfig(cfg, name) {
			s.removeLocked(name, t)
		}
	}
	var due map[string]time.Time
	for _, c := range cfg.Checks {
		b, ok := built[c.Name]
		if !ok {
			continue
		}
		if !s.owns(c.Name) {
			// Another replica runs it; reconcile starts it here if this
			// one takes its shard.
			closeQuietly(b.closer)
			continue
		}
		if due == nil {
			due = s.lastRuns(context.Background())
		}
		if err := s.targets.Add(c.Name, s.guard(c.Name, b.checker), s.optionsOf(&c, due)...); err != nil {
			// The file was validated against these very options; a
			// failure here is a bug, not bad input.
			closeQuietly(b.closer)
			errs = append(errs, fmt.Errorf("add target %q: %w", c.Name, err))
			continue
		}
		s.live[c.Name] = b.target
	}
	if s.cfg == nil || !reflect.DeepEqual(s.cfg.Auth, cfg.Auth) {
		s.serveWith(policyOf(cfg.Auth))
	}
	s.pushes.retain(cfg)
	s.board.SetTitle(titleOf(cfg))
	s.cfg = cfg
	return errors.Join(errs...)
}

type builtTarget struct {
	*target
	checker vitals.Checker
}

func (s *Server) build(c *config.Check) (vitals.Checker, io.Closer, error) {
	if c.Type == "push" {
		return s.pushes.checker(c), nil, nil
	}
	return s.o.Build(c)
}

func (s *Server) removeLocked(name string, t *target) {
	if err := s.targets.Remove(name); err != nil {
		s.log.Warn("remove target", "target", name, "err", err)
	}
	closeQuietly(t.closer)
	delete(s.live, name)
	s.runs.end(name) // a run in flight is dropped with the target
}

func inConfig(cfg *config.Config, name string) bool {
	for i := range cfg.Checks {
		if cfg.Checks[i].Name == name {
			return true
		}
	}
	return false
}

// closeTargets stops every target and releases what they opened.
func (s *Server) closeTargets() {
	s.targets.Close()
	s.runs.endAll()
	s.mu.Lock()
	defer s.mu.Unlock()
	s.stopped = true
	for name, t := range s.live {
		closeQuietly(t.closer)
		delete(s.live, name)
	}
}

func closeQuietly(c io.Closer) {
	if c != nil {
		_ = c.Close()
	}
}

func boardTargets(cfg *config.Config) []board.Target {
	ts := make([]board.Target, 0, len(cfg.Checks))
	for _, c := range cfg.Checks {
		ts = append(ts, board.Target{
			Name: c.Name, Type: c.Type, Group: cfg.Pages.GroupOf(c.Name), Description: c.Description,
			Interval: c.Interval, Timeout: c.Timeout,
		})
	}
	// Page order: groups in the order the pages block lists them, then
	// the file's order within a group.
	order := map[string]int{}
	for i, g := range cfg.Pages.Groups {
		order[g.Name] = i
	}
	rank := func(g string) int {
		if i, ok := order[g]; ok {
			return i
		}
		return len(order)
	}
	slices.SortStableFunc(ts, func(a, b board.Target) int { return rank(a.Group) - rank(b.Group) })
	return ts
}

func titleOf(cfg *config.Config) string {
	switch {
	case cfg.Pages.Title != "":
		return cfg.Pages.Title
	case cfg.Service.Name != "":
		return cfg.Service.Name
	}
	return "Status"
}

func policyOf(a config.Auth) *access.Policy {
	return &access.Policy{Private: a.Private, PublicDetails: a.PublicDetails, Token: a.Token, Users: a.Users}
}

func keepOf(r config.Retention) store.Retention {
	return store.Retention{Raw: r.Raw, Minute: r.Minute, Hour: r.Hour}
}
