package board

import (
	"context"
	"encoding/json"
	"slices"
	"strings"
	"sync"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/vitalsgo/vitals"
	"github.com/vitalsgo/vitals/client"
	"github.com/vitalsgo/vitals/monitor/store"
)

// Windows are the uptime windows the page, the API and the badges show.
var Windows = []time.Duration{24 * time.Hour, 7 * 24 * time.Hour, 30 * 24 * time.Hour, 90 * 24 * time.Hour}

// RecentPoints is how many recent results a State keeps for its sparkline.
const RecentPoints = 60

// Target is a configured target, as the page and the API describe it.
type Target struct {
	Name        string
	Type        string // check type: http, health, postgres, push, …
	Group       string // page group
	Description string
	Interval    time.Duration // 0 for a target checked on demand
	Timeout     time.Duration
}

// Point is one recent result on a sparkline.
type Point struct {
	At      time.Time
	Status  vitals.Status
	Latency time.Duration
}

// Child is one sub-check a health target's endpoint reported.
type Child struct {
	Name    string        `json:"name"`
	Status  vitals.Status `json:"status"`
	Message string        `json:"message,omitempty"`
}

// State is a target's live state. A State is immutable once a Board hands
// it out.
type State struct {
	Target
	// Status is the target's effective status (after its thresholds);
	// StatusUnknown until its first result: no data.
	Status   vitals.Status
	Since    time.Time    // when Status last changed; zero without data
	Last     store.Result // the last result; zero At without one
	Recent   []Point      // oldest first, at most RecentPoints
	Children []Child      // sub-checks of the last result, in its order
	// Uptime holds the cached uptime of each of Windows, in that order;
	// nil until the first RefreshUptime after the target appeared.
	Uptime []store.Uptime
	// Alert is the target's open incident, if any (see
	// [Board.RefreshAlerts]).
	Alert Alert
	// Version is the board's [Board.Version] when this State was made: a
	// reader that saw the board at version v has seen every State with a
	// Version up to v, so it can resume from there.
	Version uint64

	// recent is Recent with the room after it in its array, which the
	// next Record appends into (see appendRecent).
	recent []Point
}

// Board holds the targets and their states. It is safe for concurrent use.
type Board struct {
	st store.Store

	mu      sync.RWMutex // guards the fields below
	title   string
	banner  string
	order   []string          // target names in page order
	states  map[string]*State // by name
	version uint64            // bumped on every change
	watch   map[*watcher]struct{}
	// maint returns a target's maintenance periods in [from, to); nil
	// for none.
	maint func(target string, from, to time.Time) [][2]time.Time
}

// Alert is what the board shows of a target's open incident.
type Alert struct {
	Firing     bool
	Incident   string
	Since      time.Time
	Suppressed string // why it notifies nobody; "" when it notifies
}

// SetMaintenance tells the board where the maintenance windows of each
// target are: uptime counts that time apart.
func (b *Board) SetMaintenance(f func(target string, from, to time.Time) [][2]time.Time) {
	b.mu.Lock()
	b.maint = f
	b.mu.Unlock()
}

// RefreshAlerts reads every target's alert state from the store, and
// returns what it read.
func (b *Board) RefreshAlerts(ctx context.Context) ([]store.AlertState, error) {
	states, err := b.st.Alerts(ctx)
	if err != nil {
		return nil, err
	}
	now := map[string]Alert{}
	for _, a := range states {
		if a.Firing {
			now[a.Target] = Alert{Firing: true, Incident: a.Incident(), Since: a.OpenedAt, Suppressed: a.Suppressed}
		}
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	for name, cur := range b.states {
		if cur.Alert == now[name] {
			continue
		}
		cp := *cur
		cp.Alert = now[name]
		b.version++
		cp.Version = b.version
		b.states[name] = &cp
		b.notifyLocked(name)
	}
	return states, nil
}

// Firing counts the open incidents the board knows: notifying, and
// suppressed.
func (b *Board) Firing() (notifying, suppressed int) {
	b.mu.RLock()
	defer b.mu.RUnlock()
	for _, st := range b.states {
		switch {
		case !st.Alert.Firing:
		case st.Alert.Suppressed != "":
			suppressed++
		default:
			notifying++
		}
	}
	return notifying, suppressed
}

// New returns an empty Board over st, the store its uptimes come from.
func New(st store.Store) *Board {
	return &Board{st: st, states: map[string]*State{}, watch: map[*watcher]struct{}{}}
}

// Store returns the store the Board reads history from.
func (b *Board) Store() store.Store { return b.st }

// SetTitle sets the page title.
func (b *Board) SetTitle(title string) { b.setText(&b.title, title) }

// Title returns the page title.
func (b *Board) Title() string {
	b.mu.RLock()
	defer b.mu.RUnlock()
	return b.title
}

// SetBanner sets a warning every page shows, such as why the last reload
// of the configuration was refused; "" removes it.
func (b *Board) SetBanner(msg string) { b.setText(&b.banner, msg) }

// setText sets one of the board's texts (guarded by b.mu), a change of
// the whole board for its readers.
func (b *Board) setText(field *string, v string) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if *field == v {
		return
	}
	*field = v
	b.version++
	b.notifyLocked("")
}

// Banner returns the page banner, "" when there is none.
func (b *Board) Banner() string {
	b.mu.RLock()
	defer b.mu.RUnlock()
	return b.banner
}

// SetTargets replaces the configured targets, in page order. A target that
// stays keeps its state; a removed one disappears from the board (its
// history stays in the store).
func (b *Board) SetTargets(targets []Target) {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.version++
	next := make(map[string]*State, len(targets))
	order := make([]string, 0, len(targets))
	for _, t := range targets {
		st := &State{Target: t}
		if old, ok := b.states[t.Name]; ok {
			cp := *old
			cp.Target = t
			st = &cp
		}
		st.Version = b.version
		next[t.Name] = st
		order = append(order, t.Name)
	}
	b.states, b.order = next, order
	b.notifyLocked("")
}

// Record takes a check's new state from the core monitor, and returns its
// last result in the store's form, or false for a check that is not a
// target of the board. It is called from the monitor's Observe hook, so it
// only copies and never blocks.
func (b *Board) Record(cs *vitals.CheckState) (store.Result, bool) {
	b.mu.Lock()
	old, ok := b.states[cs.Name]
	if !ok {
		b.mu.Unlock()
		return store.Result{}, false
	}
	st := *old
	st.Status, st.Since = cs.Status, cs.Since
	st.Last = ResultOf(cs.Name, cs.Last, st.Interval+st.Timeout)
	st.Last.State, st.Last.Since = cs.Status, cs.Since
	st.Children = Children(cs.Last.Details)
	// A push target's message is its job's, news with every push; a
	// health target's sub-checks are news when one of them changed, even
	// while the target itself still passes.
	st.Last.Notable = st.Type == "push" || !sameStatuses(old.Children, st.Children)
	st.recent = appendRecent(old.recent, Point{At: st.Last.At, Status: st.Last.Status, Latency: st.Last.Latency})
	st.Recent = slices.Clip(st.recent) // a reader's append copies
	b.version++
	st.Version = b.version
	b.states[cs.Name] = &st
	b.notifyLocked(cs.Name)
	b.mu.Unlock()
	return st.Last, true
}

// Apply takes a result of a target this process does not run, as another
// replica told it (package store's notices): the page shows the target as
// its owner does. A result not newer than the target's last is ignored,
// and so is one of a target the board does not list.
func (b *Board) Apply(r store.Result) {
	b.mu.Lock()
	defer b.mu.Unlock()
	old, ok := b.states[r.Target]
	if !ok || !r.At.After(old.Last.At) {
		return
	}
	st := *old
	st.Status, st.Since = r.State, r.Since
	if st.Status == vitals.StatusUnknown {
		st.Status = r.Status
	}
	if st.Since.IsZero() && st.Status != old.Status {
		st.Since = r.At
	}
	st.Last = r
	if r.Message == "" && old.Last.Status == r.Status {
		// A repeated pass is told without its text: it says what the
		// last one said.
		st.Last.Message, st.Last.Details = old.Last.Message, old.Last.Details
	}
	st.recent = appendRecent(old.recent, Point{At: r.At, Status: r.Status, Latency: r.Latency})
	st.Recent = slices.Clip(st.recent)
	b.version++
	st.Version = b.version
	b.states[r.Target] = &st
	b.notifyLocked(r.Target)
}

// Seed shows the status the store holds for targets without a result in
// this process yet, from their open intervals (store.Current) that still
// stand at now: after a restart, or on a replica that does not run them,
// the page shows their last known status instead of no data until their
// next result.
func (b *Board) Seed(open []store.Interval, now time.Time) {
	b.mu.Lock()
	defer b.mu.Unlock()
	for _, iv := range open {
		old, ok := b.states[iv.Target]
		if !ok || !old.Last.At.IsZero() || !iv.Until.IsZero() || !iv.Through.After(now) {
			continue
		}
		st := *old
		st.Status, st.Since = iv.Status, iv.Since
		st.Last = store.Result{Target: iv.Target, At: iv.Last, Status: iv.Status}
		b.version++
		st.Version = b.version
		b.states[iv.Target] = &st
		b.notifyLocked(iv.Target)
	}
}

// appendRecent returns the window recent, of at most RecentPoints, with p
// after it. It appends in place when the array has room past the window:
// every State handed out holds a window that ends at or before the
// current one's end, so none sees the write (and Record, which alone
// appends, holds the lock and appends to the current State). A full array
// is copied into one twice as long while the window grows, and, once the
// window is full, into one with room for a quarter of a window more: a
// copy every RecentPoints/4 results, not one with every result, for a
// quarter more memory a target.
func appendRecent(recent []Point, p Point) []Point {
	if len(recent) >= RecentPoints {
		recent = recent[len(recent)-RecentPoints+1:]
	}
	if len(recent) == cap(recent) {
		next := make([]Point, len(recent), min(max(2*len(recent), 4), RecentPoints+RecentPoints/4))
		copy(next, recent)
		recent = next
	}
	return append(recent, p)
}

// ResultOf converts a core result into the store's form; expect is how
// long it stands for (the target's interval + timeout). The message is
// made printable (see [Printable]).
func ResultOf(name string, r vitals.Result, expect time.Duration) store.Result {
	out := store.Result{Target: name, At: r.Time, Status: r.Status, Latency: r.Duration, Message: Printable(r.Message), Expect: expect}
	if out.Status == vitals.StatusUnknown {
		out.Status = vitals.StatusPass
		if r.Err != nil {
			out.Status = vitals.StatusFail
		}
	}
	if code, ok := r.Details["status_code"].(int); ok {
		out.Code = code
	}
	if len(r.Details) > 0 {
		if js, err := json.Marshal(r.Details); err == nil {
			out.Details = string(js)
		}
	}
	return out
}

// sameStatuses reports whether two lists of sub-checks name the same
// checks with the same statuses, in the same order.
func sameStatuses(a, b []Child) bool {
	return slices.EqualFunc(a, b, func(x, y Child) bool { return x.Name == y.Name && x.Status == y.Status })
}

// Children returns the sub-checks a result's details list under "checks":
// a health target's endpoint's own checks (see remote.Options.SubChecks).
func Children(details map[string]any) []Child {
	subs, _ := details["checks"].([]client.Check)
	if len(subs) == 0 {
		return nil
	}
	out := make([]Child, len(subs))
	for i, c := range subs {
		out[i] = Child{Name: Printable(c.Name), Status: c.Status, Message: Printable(c.Message)}
	}
	return out
}

// Printable returns s as valid UTF-8 with every control character but tab
// and newline replaced by U+FFFD. Messages come from anywhere — a push's
// query, a remote endpoint's body — and PostgreSQL refuses a NUL byte or
// invalid UTF-8 in text: one such message would fail every later write
// of the store's queue, not just its own.
func Printable(s string) string {
	clean := true
	for _, r := range s {
		if r == utf8.RuneError || unicode.IsControl(r) && r != '\t' && r != '\n' {
			clean = false
			break
		}
	}
	if clean {
		return s
	}
	return strings.Map(func(r rune) rune {
		if unicode.IsControl(r) && r != '\t' && r != '\n' {
			return utf8.RuneError
		}
		return r
	}, strings.ToValidUTF8(s, string(utf8.RuneError)))
}

// States returns every target's state, in page order.
func (b *Board) States() []*State {
	b.mu.RLock()
	defer b.mu.RUnlock()
	out := make([]*State, 0, len(b.order))
	for _, name := range b.order {
		out = append(out, b.states[name])
	}
	return out
}

// State returns one target's state.
func (b *Board) State(name string) (*State, bool) {
	b.mu.RLock()
	defer b.mu.RUnlock()
	st, ok := b.states[name]
	return st, ok
}

// Version increases with every change of the board: a cache key.
func (b *Board) Version() uint64 {
	b.mu.RLock()
	defer b.mu.RUnlock()
	return b.version
}

// RefreshUptime recomputes every target's uptime over each of Windows at
// now, from the store, in one query.
func (b *Board) RefreshUptime(ctx context.Context, now time.Time) error {
	all, err := b.st.Uptimes(ctx, Windows, now)
	if err != nil {
		return err
	}
	b.mu.RLock()
	maint := b.maint
	b.mu.RUnlock()
	if maint != nil {
		for name, ups := range all {
			if err := b.apartMaintenance(ctx, name, ups, maint, now); err != nil {
				return err
			}
		}
	}
	b.mu.Lock()
	for name, cur := range b.states {
		ups, ok := all[name]
		if !ok {
			ups = make([]store.Uptime, len(Windows))
			for i, w := range Windows {
				ups[i] = store.Uptime{Window: w, NoData: w}
			}
		}
		if slices.Equal(cur.Uptime, ups) {
			continue
		}
		cp := *cur
		cp.Uptime = ups
		b.version++
		cp.Version = b.version
		b.states[name] = &cp
		b.notifyLocked(name)
	}
	b.mu.Unlock()
	return nil
}

// Uptime returns a target's availability over [now-window, now) from the
// store, with its maintenance windows counted apart.
func (b *Board) Uptime(ctx context.Context, name string, window time.Duration, now time.Time) (store.Uptime, error) {
	u, err := b.st.Uptime(ctx, name, window, now)
	if err != nil {
		return u, err
	}
	b.mu.RLock()
	maint := b.maint
	b.mu.RUnlock()
	if maint == nil {
		return u, nil
	}
	ups := []store.Uptime{u}
	err = b.apartMaintenance(ctx, name, ups, maint, now)
	return ups[0], err
}

// apartMaintenance moves the time of a target's maintenance windows out of
// its up, degraded and down time into Maintenance.
func (b *Board) apartMaintenance(ctx context.Context, name string, ups []store.Uptime, maint func(string, time.Time, time.Time) [][2]time.Time, now time.Time) error {
	longest := time.Duration(0)
	for _, u := range ups {
		longest = max(longest, u.Window)
	}
	periods := maint(name, now.Add(-longest), now)
	if len(periods) == 0 {
		return nil
	}
	ivs, err := b.st.Intervals(ctx, name, now.Add(-longest), now)
	if err != nil {
		return err
	}

	for i := range ups {
		u := &ups[i]
		from := now.Add(-u.Window)
		for _, p := range periods {
			a, e := maxT(p[0], from), p[1]
			if !a.Before(e) {
				continue
			}
			u.Maintenance += e.Sub(a)
			for _, iv := range ivs {
				// The open interval lasts while its last result stands
				// for it, as the store's uptime counts it: past that
				// is no data, which maintenance does not take from.
				until := minT(iv.Through, now)
				ov := minT(e, until).Sub(maxT(a, iv.Since))
				if ov <= 0 {
					continue
				}
				switch iv.Status {
				case vitals.StatusFail:
					u.Down -= min(ov, u.Down)
				case vitals.StatusWarn:
					u.Degraded -= min(ov, u.Degraded)
					u.Up -= min(ov, u.Up)
				default:
					u.Up -= min(ov, u.Up)
				}
			}
		}
		u.NoData = max(0, u.Window-u.Up-u.Down-u.Maintenance)
	}
	return nil
}

func maxT(a, b time.Time) time.Time {
	if a.After(b) {
		return a
	}
	return b
}

func minT(a, b time.Time) time.Time {
	if a.Before(b) {
		return a
	}
	return b
}
