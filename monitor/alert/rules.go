package alert

import (
	"path"
	"slices"
	"time"

	"github.com/robfig/cron/v3"

	"github.com/vitalsgo/vitals/monitor/notify"
)

// Rule is how a target alerts.
type Rule struct {
	// Notify names the channels an incident of the target notifies.
	Notify []string
	// AlertAfter is how many failing results in a row open an incident;
	// ResolveAfter how many results that do not fail (pass or warn) close
	// it. At least 1.
	AlertAfter, ResolveAfter int
	// SendResolved notifies the channels when the incident closes.
	SendResolved bool
	// RemindEvery repeats the notification while the incident stays open
	// and notifies; 0 for never.
	RemindEvery time.Duration
	// Severity is "critical", "warning" or "info".
	Severity string
	// DependsOn names targets: while one of them fails, no incident of
	// this target notifies (it opens suppressed). Resolution is never
	// suppressed.
	DependsOn []string
}

// Matcher selects targets by name (exact or a path.Match pattern) or by
// page group. An empty Matcher selects every target.
type Matcher struct {
	Targets []string
	Groups  []string
}

// Matches reports whether a target of a page group is selected.
func (m Matcher) Matches(target, group string) bool {
	if len(m.Targets) == 0 && len(m.Groups) == 0 {
		return true
	}
	for _, p := range m.Targets {
		if p == target {
			return true
		}
		if ok, _ := path.Match(p, target); ok {
			return true
		}
	}
	return slices.Contains(m.Groups, group)
}

// Silence keeps the incidents of the targets it matches from notifying
// while it lasts: [Starts, Ends).
type Silence struct {
	ID string
	Matcher
	Starts, Ends time.Time
	Comment      string
	CreatedBy    string
	FromConfig   bool // set in the file, not through the API (which cannot delete it)
	// Maintenance makes it a one-off maintenance window (made through the
	// API): uptime counts its time apart.
	Maintenance bool
}

// Active reports whether the silence holds at t.
func (s *Silence) Active(t time.Time) bool { return !t.Before(s.Starts) && t.Before(s.Ends) }

// Maintenance is a maintenance window: a recurring one (a cron schedule,
// each run lasting Duration, in Location) or a one-off [Start, End).
// While it holds, incidents of the targets it matches do not notify, and
// the uptime shown counts the time apart.
type Maintenance struct {
	Name string
	Matcher
	// Cron is the schedule's text; Schedule its parsed form, nil for a
	// one-off window.
	Cron     string
	Schedule cron.Schedule
	Duration time.Duration
	Location *time.Location
	// Start and End bound a one-off window.
	Start, End time.Time
}

// ParseCron parses a standard five-field cron expression (or a
// descriptor such as @daily) for a maintenance window.
func ParseCron(expr string) (cron.Schedule, error) { return cron.ParseStandard(expr) }

// Active reports whether the window holds at t.
func (m *Maintenance) Active(t time.Time) bool {
	if m.Schedule == nil {
		return !t.Before(m.Start) && t.Before(m.End)
	}
	loc := m.Location
	if loc == nil {
		loc = time.UTC
	}
	// The first run after t-Duration started no later than t: it still
	// lasts at t.
	next := m.Schedule.Next(t.In(loc).Add(-m.Duration))
	return !next.IsZero() && !next.After(t)
}

// Periods returns the spans of the window that overlap [from, to), in
// order, clipped to it.
func (m *Maintenance) Periods(from, to time.Time) [][2]time.Time {
	clip := func(a, b time.Time) ([2]time.Time, bool) {
		if a.Before(from) {
			a = from
		}
		if b.After(to) {
			b = to
		}
		return [2]time.Time{a, b}, a.Before(b)
	}
	var out [][2]time.Time
	if m.Schedule == nil {
		if p, ok := clip(m.Start, m.End); ok {
			out = append(out, p)
		}
		return out
	}
	loc := m.Location
	if loc == nil {
		loc = time.UTC
	}
	for start := m.Schedule.Next(from.In(loc).Add(-m.Duration)); !start.IsZero() && start.Before(to); start = m.Schedule.Next(start) {
		if p, ok := clip(start, start.Add(m.Duration)); ok {
			// Runs closer than Duration overlap: merge them.
			if n := len(out); n > 0 && !p[0].After(out[n-1][1]) {
				out[n-1][1] = maxTime(out[n-1][1], p[1])
				continue
			}
			out = append(out, p)
		}
		if len(out) > 100_000 {
			break // a schedule of every minute over years: enough
		}
	}
	return out
}

func maxTime(a, b time.Time) time.Time {
	if a.After(b) {
		return a
	}
	return b
}

// Config is what the alert engine and its dispatcher work from; a reload
// swaps it whole.
type Config struct {
	// Rules are the alert rules of the targets that alert, by target.
	Rules map[string]*Rule
	// GroupOf returns a target's page group; nil for none.
	GroupOf func(target string) string
	// Channels are the configured channels, by name.
	Channels map[string]notify.Channel
	// GroupWait is how long a channel's first new alert waits for others
	// to go out with it. Default 10s; negative for none.
	GroupWait time.Duration
	// MaxAttempts is how many times a notification is tried before it is
	// dead-lettered. Default 20 (with backoff capped at a minute: about
	// 17 minutes of trying).
	MaxAttempts int
	// ExternalURL is where the monitor's page is reached from outside,
	// for links in notifications; "" for none.
	ExternalURL string
	// Silences and Maintenance are those of the file.
	Silences    []Silence
	Maintenance []Maintenance
}

func (c *Config) group(target string) string {
	if c.GroupOf == nil {
		return ""
	}
	return c.GroupOf(target)
}
