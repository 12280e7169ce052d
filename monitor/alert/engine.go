package alert

import (
	"cmp"
	"context"
	"encoding/json"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/vitalsgo/vitals"
	"github.com/vitalsgo/vitals/monitor/notify"
	"github.com/vitalsgo/vitals/monitor/store"
)

// DefaultGroupWait is how long a channel's first new alert waits for
// others when the configuration sets no group_wait.
const DefaultGroupWait = 10 * time.Second

// DefaultMaxAttempts is how many times a notification is tried before it
// is dead-lettered.
const DefaultMaxAttempts = 20

// Engine decides alerts: it is the store's [store.Alerter], so that every
// transition is decided in the transaction that appends the results that
// cause it, as a compare-and-set on the target's stored state, committed
// with the outbox rows it creates.
type Engine struct {
	cfg atomic.Pointer[Config]

	// api holds the silences made through the API, refreshed from the
	// store (see Dispatcher), so that every replica sees them.
	api atomic.Pointer[[]Silence]

	// known caches each target's state as of the last transaction of this
	// engine that committed it: a batch that would not change it (passes
	// of a target that is fine, failures of one already firing) is not
	// even read, and a change is written as a compare-and-set against the
	// cached version, read afresh only when that loses. It is what keeps
	// alerting free for targets whose state stands, nearly all of them.
	mu    sync.Mutex
	known map[string]store.AlertState

	conflicts atomic.Uint64 // compare-and-sets lost to another writer

	// orphans is set when the configuration changed: incidents of targets
	// that no longer alert are to be closed (see CloseOrphans).
	orphans atomic.Bool

	// owns tells the targets this process decides for (replicas share
	// them by shard); nil for all.
	owns atomic.Pointer[func(target string) bool]

	// wake, when set, is told that rows were enqueued, so the dispatcher
	// need not wait for its tick.
	wake func()
}

// NewEngine returns an engine working from cfg.
func NewEngine(cfg *Config) *Engine {
	e := &Engine{known: map[string]store.AlertState{}}
	e.SetConfig(cfg)
	return e
}

// SetConfig swaps the engine's configuration, as a reload does.
func (e *Engine) SetConfig(cfg *Config) {
	c := *cfg
	if c.GroupWait == 0 {
		c.GroupWait = DefaultGroupWait
	}
	c.GroupWait = max(0, c.GroupWait)
	c.MaxAttempts = cmp.Or(c.MaxAttempts, DefaultMaxAttempts)
	e.cfg.Store(&c)
	e.orphans.Store(true)
}

// Config returns the engine's configuration.
func (e *Engine) Config() *Config { return e.cfg.Load() }

// Conflicts counts decisions another writer made first (the compare-and-set
// found the state changed); each is left to that writer.
func (e *Engine) Conflicts() uint64 { return e.conflicts.Load() }

// setAPISilences replaces the silences made through the API.
func (e *Engine) setAPISilences(s []Silence) { e.api.Store(&s) }

// Silences returns the silences of the file and of the API that have not
// ended at now.
func (e *Engine) Silences(now time.Time) []Silence {
	var out []Silence
	for _, s := range e.cfg.Load().Silences {
		if now.Before(s.Ends) {
			out = append(out, s)
		}
	}
	if p := e.api.Load(); p != nil {
		for _, s := range *p {
			if now.Before(s.Ends) {
				out = append(out, s)
			}
		}
	}
	return out
}

// Quieted returns why a target's new incidents would not notify at t
// from a silence or a maintenance window, or "".
func (e *Engine) Quieted(target string, t time.Time) string {
	c := e.cfg.Load()
	group := c.group(target)
	for i := range c.Maintenance {
		m := &c.Maintenance[i]
		if m.Matches(target, group) && m.Active(t) {
			return "maintenance " + m.Name
		}
	}
	for _, s := range e.Silences(t) {
		if s.Matches(target, group) && s.Active(t) {
			if s.Maintenance {
				return "maintenance " + s.ID
			}
			return "silence " + s.ID
		}
	}
	return ""
}

// InMaintenance returns the maintenance periods of a target within
// [from, to), merged, in order.
func (e *Engine) InMaintenance(target string, from, to time.Time) [][2]time.Time {
	c := e.cfg.Load()
	group := c.group(target)
	var all [][2]time.Time
	for i := range c.Maintenance {
		m := &c.Maintenance[i]
		if m.Matches(target, group) {
			all = append(all, m.Periods(from, to)...)
		}
	}
	if p := e.api.Load(); p != nil {
		for _, s := range *p {
			if s.Maintenance && s.Matches(target, group) {
				one := Maintenance{Start: s.Starts, End: s.Ends}
				all = append(all, one.Periods(from, to)...)
			}
		}
	}
	return mergePeriods(all)
}

// Decide implements store.Alerter.
func (e *Engine) Decide(ctx context.Context, tx store.AlertTx, batch []store.Result, now time.Time) (func(), error) {
	c := e.cfg.Load()
	var order []string
	byTarget := map[string][]int{}
	for i, r := range batch {
		if c.Rules[r.Target] == nil {
			continue
		}
		if _, ok := byTarget[r.Target]; !ok {
			order = append(order, r.Target)
		}
		byTarget[r.Target] = append(byTarget[r.Target], i)
	}
	if len(order) == 0 {
		return nil, nil
	}
	known := make(map[string]store.AlertState, len(order))
	e.mu.Lock()
	for _, t := range order {
		if st, ok := e.known[t]; ok {
			known[t] = st
		}
	}
	e.mu.Unlock()
	d := &decision{e: e, tx: tx, c: c, failing: map[string]bool{}}
	learned := map[string]store.AlertState{}
	forget := map[string]bool{}
	var rows []store.Outbound
	for _, target := range order {
		rule := c.Rules[target]
		read, cached := known[target]
		if !cached {
			var err error
			if read, err = tx.Alert(ctx, target); err != nil {
				return nil, err
			}
		}
		for attempt := 0; ; attempt++ {
			next, out, err := d.step(ctx, rule, read, batch, byTarget[target], now)
			if err != nil {
				return nil, err
			}
			if next == read {
				learned[target] = read
				break
			}
			ok, err := tx.PutAlert(ctx, read, next)
			if err != nil {
				return nil, err
			}
			if ok {
				next.Version = read.Version + 1
				learned[target] = next
				rows = append(rows, out...)
				break
			}
			if !cached || attempt > 0 {
				// Another writer decided first: the decision is its.
				e.conflicts.Add(1)
				forget[target] = true
				break
			}
			// The cache was stale: decide again on the stored state.
			if read, err = tx.Alert(ctx, target); err != nil {
				return nil, err
			}
		}
	}
	if err := tx.Enqueue(ctx, rows); err != nil {
		return nil, err
	}
	return func() {
		e.mu.Lock()
		for t, st := range learned {
			e.known[t] = st
		}
		for t := range forget {
			delete(e.known, t)
		}
		e.mu.Unlock()
		if len(rows) > 0 && e.wake != nil {
			e.wake()
		}
	}, nil
}

// CloseOrphans closes the open incidents of targets that no longer alert
// (a reload removed them or their rule): each is resolved by
// compare-and-set, and the channels that were told of its opening are
// told of its close. The dispatcher runs it after every configuration
// change.
func (e *Engine) CloseOrphans(ctx context.Context, st store.Store, sent func(incident string) map[string]bool, now time.Time) error {
	if !e.orphans.Swap(false) {
		return nil
	}
	c := e.cfg.Load()
	states, err := st.Alerts(ctx)
	if err != nil {
		e.orphans.Store(true)
		return err
	}
	var orphans []store.AlertState
	for _, a := range states {
		if a.Firing && c.Rules[a.Target] == nil && e.Owns(a.Target) {
			orphans = append(orphans, a)
		}
	}
	if len(orphans) == 0 {
		return nil
	}
	told := map[string][]string{}
	for _, a := range orphans {
		if a.Suppressed == "" {
			for ch := range sent(a.Incident()) {
				told[a.Target] = append(told[a.Target], ch)
			}
			slices.Sort(told[a.Target])
		}
	}
	err = st.AlertTx(ctx, func(tx store.AlertTx) error {
		for _, read := range orphans {
			next := read
			next.Firing, next.ResolvedAt, next.RemindAt, next.Fails, next.Passes = false, now, time.Time{}, 0, 0
			ok, err := tx.PutAlert(ctx, read, next)
			if err != nil || !ok {
				if err != nil {
					return err
				}
				continue
			}
			rule := &Rule{Notify: told[read.Target]}
			r := store.Result{Target: read.Target, At: now, Message: "no longer watched: the configuration removed it or its alert rule"}
			if err := tx.Enqueue(ctx, e.outbound(c, rule, next, notify.Resolved, r, now)); err != nil {
				return err
			}
		}
		return nil
	})
	e.Forget()
	if err != nil {
		e.orphans.Store(true)
	}
	return err
}

// SetOwner tells the engine which targets this process owns, among
// replicas that share a store: it closes orphaned incidents and refreshes
// Alertmanager only for those, so that a replica with another
// configuration never closes its peers' incidents. nil means every target.
// Call OwnersChanged when the set changes.
func (e *Engine) SetOwner(owns func(target string) bool) {
	if owns == nil {
		e.owns.Store(nil)
		return
	}
	e.owns.Store(&owns)
}

// OwnersChanged tells the engine that the process took over or gave up
// targets: the incidents of those it took that no longer alert are
// closed at the dispatcher's next round.
func (e *Engine) OwnersChanged() { e.orphans.Store(true) }

// Owns reports whether this process decides for target (see SetOwner).
func (e *Engine) Owns(target string) bool {
	f := e.owns.Load()
	return f == nil || (*f)(target)
}

// Forget drops what the engine caches of targets' states (of every target
// when none is named), so that their next results are decided on what the
// store holds: for targets another process may have decided on meanwhile.
func (e *Engine) Forget(targets ...string) {
	e.mu.Lock()
	defer e.mu.Unlock()
	if len(targets) == 0 {
		clear(e.known)
		return
	}
	for _, t := range targets {
		delete(e.known, t)
	}
}

// Reconcile drops the cached state of every target whose stored state
// (read from the store, as the board does every 2 s) has another version:
// another process decided on it, or the dispatcher suppressed it, and the
// next results are decided on what the store holds.
func (e *Engine) Reconcile(states []store.AlertState) {
	e.mu.Lock()
	defer e.mu.Unlock()
	for _, st := range states {
		if k, ok := e.known[st.Target]; ok && k.Version != st.Version {
			delete(e.known, st.Target)
		}
	}
}

// decision is one Decide call: what it has learned of dependencies.
type decision struct {
	e       *Engine
	tx      store.AlertTx
	c       *Config
	failing map[string]bool // dependency → failing, read once per call
}

// step applies a target's results, in order, to its state: the streaks,
// and the incident they open or close, with the notifications that makes.
// Streaks stop counting where they stop mattering (failures of a firing
// target at alert_after, passes of a fine one at resolve_after), so that
// a state that stands is not rewritten by every result.
func (d *decision) step(ctx context.Context, rule *Rule, st store.AlertState, batch []store.Result, idx []int, now time.Time) (store.AlertState, []store.Outbound, error) {
	e, c := d.e, d.c
	var rows []store.Outbound
	for _, i := range idx {
		r := batch[i]
		if r.Status == vitals.StatusFail {
			st.Passes = 0
			if st.Firing {
				st.Fails = min(st.Fails+1, rule.AlertAfter)
				continue
			}
			st.Fails++
			if st.Fails < rule.AlertAfter {
				continue
			}
			why, err := d.suppressed(ctx, rule, r.Target, r.At)
			if err != nil {
				return st, nil, err
			}
			st.Firing, st.Seq, st.OpenedAt, st.Reminds, st.Message, st.Suppressed = true, st.Seq+1, r.At, 0, r.Message, why
			st.RemindAt = time.Time{}
			if why != "" {
				continue
			}
			if rule.RemindEvery > 0 {
				st.RemindAt = r.At.Add(rule.RemindEvery)
			}
			rows = append(rows, e.outbound(c, rule, st, notify.Firing, r, now.Add(c.GroupWait))...)
			continue
		}
		st.Fails = 0
		if !st.Firing {
			st.Passes = min(st.Passes+1, rule.ResolveAfter)
			continue
		}
		st.Passes++
		if st.Passes < rule.ResolveAfter {
			continue
		}
		st.Firing, st.ResolvedAt, st.RemindAt = false, r.At, time.Time{}
		if rule.SendResolved && st.Suppressed == "" {
			rows = append(rows, e.outbound(c, rule, st, notify.Resolved, r, now)...)
		}
	}
	return st, rows, nil
}

// suppressed returns why an incident of target opening at t would notify
// nobody: a dependency failing, a maintenance window or a silence; "" if
// it notifies.
func (d *decision) suppressed(ctx context.Context, rule *Rule, target string, t time.Time) (string, error) {
	for _, dep := range rule.DependsOn {
		failing, ok := d.failing[dep]
		if !ok {
			var err error
			if failing, _, err = d.tx.Failing(ctx, dep); err != nil {
				return "", err
			}
			d.failing[dep] = failing
		}
		if failing {
			return "depends_on " + dep, nil
		}
	}
	return d.e.Quieted(target, t), nil
}

// outbound returns the notifications of one alert, one per channel.
func (e *Engine) outbound(c *Config, rule *Rule, st store.AlertState, kind notify.Kind, r store.Result, due time.Time) []store.Outbound {
	a := notify.Alert{
		Kind: kind, Incident: st.Incident(), Target: st.Target, Group: c.group(st.Target),
		Severity: rule.Severity, Message: r.Message, Since: st.OpenedAt, At: r.At, URL: targetURL(c.ExternalURL, st.Target),
	}
	if kind == notify.Reminder {
		a.Reminder = st.Reminds
		a.Message = st.Message
	}
	rows := make([]store.Outbound, 0, len(rule.Notify))
	for _, ch := range rule.Notify {
		a.DedupKey = dedupKey(st, ch, kind)
		payload, _ := json.Marshal(a) // plain data: cannot fail
		rows = append(rows, store.Outbound{
			DedupKey: a.DedupKey, Channel: ch, Kind: string(kind), Incident: a.Incident, Target: st.Target,
			Payload: string(payload), Created: r.At, Due: due,
		})
	}
	return rows
}

// dedupKey is "<incident>:<channel>:<kind>[:<n>]": unique per incident,
// channel and kind, and per reminder.
func dedupKey(st store.AlertState, channel string, kind notify.Kind) string {
	k := st.Incident() + ":" + channel + ":" + string(kind)
	if kind == notify.Reminder {
		k += ":" + strconv.Itoa(st.Reminds)
	}
	return k
}

// targetURL links a target's page under the monitor's external URL.
func targetURL(base, target string) string {
	if base == "" {
		return ""
	}
	return strings.TrimSuffix(base, "/") + "/targets/" + url.PathEscape(target)
}

// Remind sends the reminders due at now: each a compare-and-set on the
// target's state that advances its next reminder, committed with the
// reminder's outbox rows, so every reminder is enqueued once whoever runs
// this. A target silenced or in maintenance at now skips the reminder.
func (e *Engine) Remind(ctx context.Context, st store.Store, now time.Time) error {
	c := e.cfg.Load()
	enqueued := false
	err := st.AlertTx(ctx, func(tx store.AlertTx) error {
		due, err := tx.DueReminders(ctx, now)
		if err != nil {
			return err
		}
		for _, read := range due {
			next := read
			rule := c.Rules[read.Target]
			if rule == nil || rule.RemindEvery <= 0 {
				next.RemindAt = time.Time{}
			} else {
				for !next.RemindAt.After(now) {
					next.RemindAt = next.RemindAt.Add(rule.RemindEvery)
				}
			}
			var rows []store.Outbound
			if rule != nil && rule.RemindEvery > 0 && e.Quieted(read.Target, now) == "" {
				next.Reminds++
				rows = e.outbound(c, rule, next, notify.Reminder, store.Result{Target: read.Target, At: now}, now)
			}
			ok, err := tx.PutAlert(ctx, read, next)
			if err != nil {
				return err
			}
			if !ok {
				e.conflicts.Add(1)
				continue
			}
			if err := tx.Enqueue(ctx, rows); err != nil {
				return err
			}
			enqueued = enqueued || len(rows) > 0
		}
		return nil
	})
	if err == nil && enqueued && e.wake != nil {
		e.wake()
	}
	return err
}

// mergePeriods sorts spans and merges those that overlap or touch.
func mergePeriods(ps [][2]time.Time) [][2]time.Time {
	if len(ps) < 2 {
		return ps
	}
	slices.SortFunc(ps, func(a, b [2]time.Time) int { return a[0].Compare(b[0]) })
	out := ps[:1]
	for _, p := range ps[1:] {
		last := &out[len(out)-1]
		if !p[0].After(last[1]) {
			last[1] = maxTime(last[1], p[1])
			continue
		}
		out = append(out, p)
	}
	return out
}
