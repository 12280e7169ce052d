package alert

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/vitalsgo/vitals/monitor/notify"
	"github.com/vitalsgo/vitals/monitor/store"
	"github.com/vitalsgo/vitals/redact"
)

// DispatcherOptions configure a [Dispatcher]; zero values are defaults.
type DispatcherOptions struct {
	// Every is how often the outbox is read when nothing wakes the
	// dispatcher. Default 1s.
	Every time.Duration
	// Lease is how long a claimed row is the dispatcher's before another
	// may claim it (it died mid-send). Default the longest channel
	// timeout + 15s.
	Lease time.Duration
	// Parallel bounds the messages in flight. Default 8.
	Parallel int
	// RefreshEvery is how often firing alerts are sent again to
	// Alertmanager channels, which resolve an alert not heard of for their
	// resolve_timeout. Default 1m.
	RefreshEvery time.Duration
	// SilencesEvery is how often the API's silences are read from the
	// store (other replicas make them too). Default 5s.
	SilencesEvery time.Duration
	// DependencyWait is how long a firing notification of a target with
	// depends_on waits for a dependency that has no result since the
	// target failed (the store is behind, or the dependency's run is
	// late) before it goes out anyway. Default 2m.
	DependencyWait time.Duration
	// BackoffBase and BackoffMax shape the wait between attempts: Base
	// after the first failure, doubling up to Max. Default 1s and 1m.
	BackoffBase, BackoffMax time.Duration
	Logger                  *slog.Logger
}

// ChannelStats count one channel's deliveries.
type ChannelStats struct {
	Sent, Failed, Dead uint64 // messages
}

// Dispatcher delivers the outbox: it claims due rows, sends each claimed
// batch as one message to its channel, marks it sent, or schedules a retry
// with exponential backoff and jitter, dead-lettering it after
// MaxAttempts or at once when the receiver refuses it for good. Delivery
// is at least once: a row is marked sent only after its channel accepted
// it, and a dispatcher that dies mid-send leaves the row to be claimed
// again when its lease ends, with the same idempotency key.
type Dispatcher struct {
	st  store.Store
	eng *Engine
	o   DispatcherOptions
	log *slog.Logger

	wake chan struct{}
	sem  chan struct{}
	wg   sync.WaitGroup

	mu    sync.Mutex // guards stats
	stats map[string]*ChannelStats

	outbox atomic.Pointer[store.OutboxStats]
	// recount asks the loop to count the outbox now: a row was
	// dead-lettered, which the page and /metrics show.
	recount atomic.Bool
}

// NewDispatcher returns a dispatcher of st's outbox for eng's channels; it
// also becomes what wakes it when eng enqueues. Start it with Run.
func NewDispatcher(st store.Store, eng *Engine, o *DispatcherOptions) *Dispatcher {
	d := &Dispatcher{st: st, eng: eng, wake: make(chan struct{}, 1), stats: map[string]*ChannelStats{}}
	if o != nil {
		d.o = *o
	}
	if d.o.Every <= 0 {
		d.o.Every = time.Second
	}
	if d.o.Parallel <= 0 {
		d.o.Parallel = 8
	}
	if d.o.RefreshEvery <= 0 {
		d.o.RefreshEvery = time.Minute
	}
	if d.o.SilencesEvery <= 0 {
		d.o.SilencesEvery = 5 * time.Second
	}
	if d.o.DependencyWait <= 0 {
		d.o.DependencyWait = 2 * time.Minute
	}
	if d.o.BackoffBase <= 0 {
		d.o.BackoffBase = time.Second
	}
	if d.o.BackoffMax <= 0 {
		d.o.BackoffMax = time.Minute
	}
	d.log = d.o.Logger
	if d.log == nil {
		d.log = slog.Default()
	}
	d.sem = make(chan struct{}, d.o.Parallel)
	eng.wake = d.Wake
	return d
}

// Wake makes the dispatcher read the outbox now.
func (d *Dispatcher) Wake() {
	select {
	case d.wake <- struct{}{}:
	default:
	}
}

// Stats returns the delivery counters of every channel that sent.
func (d *Dispatcher) Stats() map[string]ChannelStats {
	d.mu.Lock()
	defer d.mu.Unlock()
	out := make(map[string]ChannelStats, len(d.stats))
	for k, v := range d.stats {
		out[k] = *v
	}
	return out
}

// Outbox returns the outbox's counts as last read (every 10 s).
func (d *Dispatcher) Outbox() store.OutboxStats {
	if p := d.outbox.Load(); p != nil {
		return *p
	}
	return store.OutboxStats{}
}

func (d *Dispatcher) count(channel string, f func(*ChannelStats)) {
	d.mu.Lock()
	s := d.stats[channel]
	if s == nil {
		s = &ChannelStats{}
		d.stats[channel] = s
	}
	f(s)
	d.mu.Unlock()
}

// lease returns how long a claim lasts.
func (d *Dispatcher) lease() time.Duration {
	if d.o.Lease > 0 {
		return d.o.Lease
	}
	return notify.DefaultTimeout + 5*time.Second
}

// Run delivers until ctx ends, then waits for the messages in flight.
func (d *Dispatcher) Run(ctx context.Context) {
	defer d.wg.Wait()
	d.CheckChannels(ctx)
	tick := time.NewTicker(d.o.Every)
	defer tick.Stop()
	var lastSilences, lastRefresh, lastStats time.Time
	for {
		now := time.Now()
		if now.Sub(lastSilences) >= d.o.SilencesEvery {
			lastSilences = now
			if err := d.RefreshSilences(ctx); err != nil && ctx.Err() == nil {
				d.log.Warn("alerts: reading silences", "err", err)
			}
		}
		outbox, reminders, err := d.st.Due(ctx, now)
		if err != nil && ctx.Err() == nil {
			d.log.Warn("alerts: reading the outbox", "err", err)
		}
		if err := d.eng.CloseOrphans(ctx, d.st, func(incident string) map[string]bool { return d.firingSent(ctx, incident) }, now); err != nil && ctx.Err() == nil {
			d.log.Warn("alerts: closing the incidents of targets no longer watched", "err", err)
		}
		if reminders {
			if err := d.eng.Remind(ctx, d.st, now); err != nil && ctx.Err() == nil {
				d.log.Warn("alerts: reminders", "err", err)
			}
		}
		if outbox || reminders {
			d.Dispatch(ctx, time.Now())
		}
		if now.Sub(lastRefresh) >= d.o.RefreshEvery {
			lastRefresh = now
			d.refreshAlertmanager(ctx, now)
		}
		if now.Sub(lastStats) >= 10*time.Second || d.recount.Swap(false) {
			lastStats = now
			if st, err := d.st.OutboxStats(ctx); err == nil {
				d.outbox.Store(&st)
			}
		}
		select {
		case <-ctx.Done():
			return
		case <-tick.C:
		case <-d.wake:
		}
	}
}

// CheckChannels asks every channel that can tell whether its receiver is
// reachable, and logs those that are not: a clear line at startup, not a
// crash; the outbox keeps what they cannot take.
func (d *Dispatcher) CheckChannels(ctx context.Context) {
	for name, ch := range d.eng.Config().Channels {
		c, ok := ch.(notify.Checker)
		if !ok {
			continue
		}
		cctx, cancel := context.WithTimeout(ctx, notify.DefaultTimeout)
		err := c.Check(cctx)
		cancel()
		if err != nil && ctx.Err() == nil {
			d.log.Warn("alerts: channel unreachable; notifications wait in the outbox", "channel", name, "err", redact.String(err.Error()))
		}
	}
}

// SilenceMemory is how long after their end the silences made through the
// API are still read: the longest uptime window, and some.
const SilenceMemory = 100 * 24 * time.Hour

// RefreshSilences reads the API's silences from the store.
func (d *Dispatcher) RefreshSilences(ctx context.Context) error {
	// Ended ones too, for the uptime of the longest window: a
	// maintenance window made through the API is counted apart after it.
	stored, err := d.st.Silences(ctx, time.Now().Add(-SilenceMemory))
	if err != nil {
		return err
	}
	out := make([]Silence, len(stored))
	for i, s := range stored {
		out[i] = Silence{ID: s.ID, Matcher: Matcher{Targets: s.Targets, Groups: s.Groups}, Starts: s.Starts, Ends: s.Ends,
			Comment: s.Comment, CreatedBy: s.CreatedBy, Maintenance: s.Maintenance}
	}
	d.eng.setAPISilences(out)
	return nil
}

// Dispatch claims the rows due at now and starts sending them, one
// message per batch, at most Parallel at a time; it returns once every
// claimed batch has a sender (not when they are sent).
func (d *Dispatcher) Dispatch(ctx context.Context, now time.Time) {
	claimed := time.Now() // monotonic: the claim lasts d.lease() from before it was made
	rows, err := d.st.Claim(ctx, now, d.lease(), 1000)
	if err != nil {
		if ctx.Err() == nil {
			d.log.Warn("alerts: claiming the outbox", "err", err)
		}
		return
	}
	var order []string
	batches := map[string][]store.Outbound{}
	for _, r := range rows {
		if _, ok := batches[r.Batch]; !ok {
			order = append(order, r.Batch)
		}
		batches[r.Batch] = append(batches[r.Batch], r)
	}
	for _, b := range order {
		select {
		case d.sem <- struct{}{}:
		case <-ctx.Done():
			return
		}
		d.wg.Add(1)
		go func(rows []store.Outbound) {
			defer d.wg.Done()
			defer func() { <-d.sem }()
			d.send(ctx, rows, claimed)
		}(batches[b])
	}
}

// Flush waits for the messages in flight.
func (d *Dispatcher) Flush() { d.wg.Wait() }

// send delivers one batch: the rows one channel claimed together.
func (d *Dispatcher) send(ctx context.Context, rows []store.Outbound, claimed time.Time) {
	c := d.eng.Config()
	channel := rows[0].Channel
	ch := c.Channels[channel]
	now := time.Now()
	// A claim outlasts the send (its timeout is the lease − 5 s), unless
	// the process was paused, or waited for a sender, past it: another
	// dispatcher may have claimed the rows since, and sends them.
	deadline := claimed.Add(d.lease() - 5*time.Second)
	if !now.Before(deadline) {
		d.log.Warn("alerts: a claim lapsed before its send; the rows go with the next claim", "channel", channel, "rows", len(rows))
		return
	}
	if ch == nil {
		d.fail(ctx, rows, channel, fmt.Errorf("channel %q is not configured (any more): %w", channel, notify.ErrPermanent), c)
		return
	}
	var msg notify.Message
	var keep, later []store.Outbound
	defer func() {
		if err := d.st.Postpone(context.WithoutCancel(ctx), claimOf(later), ids(later), time.Now().Add(time.Second)); err != nil {
			d.log.Warn("alerts: postponing", "channel", channel, "err", err)
		}
	}()
	for _, r := range rows {
		var a notify.Alert
		if err := json.Unmarshal([]byte(r.Payload), &a); err != nil {
			d.fail(ctx, []store.Outbound{r}, channel, fmt.Errorf("outbox row %d: %v: %w", r.ID, err, notify.ErrPermanent), c)
			continue
		}
		if a.Kind == notify.Firing {
			why, unknown := d.dependencyFailing(ctx, c, a.Target, a.Since)
			if unknown {
				// A dependency has no result since the target failed:
				// whether it fails too is not known yet.
				later = append(later, r)
				continue
			}
			if why != "" {
				// Its dependency failed meanwhile (the results of both
				// arrive in the same round): the incident is suppressed
				// and its rows cancelled, once, whoever sees it first.
				ok, err := d.st.Suppress(ctx, a.Target, incidentSeq(a.Incident), why, r.Batch, now)
				if err != nil && ctx.Err() == nil {
					d.log.Warn("alerts: suppressing", "target", a.Target, "err", err)
				}
				if ok {
					continue
				}
				// Already resolved, or suppressed by another: the row
				// goes out as it is rather than wait forever.
			}
		}
		msg.Alerts = append(msg.Alerts, a)
		keep = append(keep, r)
	}
	if len(keep) == 0 {
		return
	}
	msg.Key = messageKey(keep)
	sctx, cancel := context.WithDeadline(ctx, deadline)
	err := ch.Send(sctx, msg)
	cancel()
	if err != nil {
		if !time.Now().Before(deadline) {
			// The claim lapsed during the send: the rows may be a peer's
			// now, and its send must not be undone. The store would
			// refuse the update anyway (the claim's token).
			d.log.Warn("alerts: a send outlasted its claim; the rows go with the next claim", "channel", channel, "rows", len(keep), "err", redact.Error(err))
			return
		}
		d.fail(ctx, keep, channel, err, c)
		return
	}
	if err := d.st.Delivered(context.WithoutCancel(ctx), claimOf(keep), ids(keep), time.Now()); err != nil {
		// Sent but not marked: it goes again when the lease ends, with
		// the same idempotency key.
		d.log.Warn("alerts: marking sent", "channel", channel, "err", err)
	}
	d.count(channel, func(s *ChannelStats) { s.Sent++ })
}

// dependencyFailing returns "depends_on X" when a dependency of target is
// failing now, per the store; unknown is true when none fails but one has
// no result since the target's incident opened, within DependencyWait of
// it.
func (d *Dispatcher) dependencyFailing(ctx context.Context, c *Config, target string, since time.Time) (why string, unknown bool) {
	rule := c.Rules[target]
	if rule == nil || len(rule.DependsOn) == 0 {
		return "", false
	}
	waiting := time.Since(since) < d.o.DependencyWait
	for _, dep := range rule.DependsOn {
		failing, last, err := d.st.Failing(ctx, dep)
		switch {
		case err != nil:
			// The store did not answer: ask again later, and notify
			// once the wait is over.
			return "", waiting
		case failing:
			return "depends_on " + dep, false
		case waiting && last.Before(since):
			unknown = true
		}
	}
	return "", unknown
}

// claimOf returns the token of the claim rows came from: the rows of one
// send come from one Claim.
func claimOf(rows []store.Outbound) string {
	if len(rows) == 0 {
		return ""
	}
	return rows[0].Claim
}

// fail records a failed delivery: a retry after backoff, or a dead letter.
func (d *Dispatcher) fail(ctx context.Context, rows []store.Outbound, channel string, err error, c *Config) {
	attempts := 0
	for _, r := range rows {
		attempts = max(attempts, r.Attempts)
	}
	attempts++
	dead := errors.Is(err, notify.ErrPermanent) || attempts >= c.MaxAttempts
	text := redact.String(err.Error())
	now := time.Now()
	if err := d.st.Retry(context.WithoutCancel(ctx), claimOf(rows), ids(rows), text, now.Add(Backoff(attempts, d.o.BackoffBase, d.o.BackoffMax)), dead, now); err != nil {
		d.log.Warn("alerts: recording a failed delivery", "channel", channel, "err", err)
	}
	if dead {
		d.recount.Store(true)
		d.Wake()
		d.count(channel, func(s *ChannelStats) { s.Dead++ })
		d.log.Error("alerts: notification dead-lettered", "channel", channel, "alerts", len(rows), "attempts", attempts, "err", text)
		return
	}
	d.count(channel, func(s *ChannelStats) { s.Failed++ })
	d.log.Warn("alerts: delivery failed; will retry", "channel", channel, "alerts", len(rows), "attempt", attempts, "err", text)
}

// messageKey is a message's idempotency key: a digest of the dedup keys
// of the rows it carries, so a retry of the same notifications has the
// same key and a message of any other set of them another.
func messageKey(rows []store.Outbound) string {
	keys := make([]string, len(rows))
	for i, r := range rows {
		keys[i] = r.DedupKey
	}
	slices.Sort(keys)
	sum := sha256.Sum256([]byte(strings.Join(keys, "\n")))
	return hex.EncodeToString(sum[:16])
}

// Backoff is the wait before attempt n+1 after n failed: base doubling
// to at most limit, with ±20 % jitter so that a receiver coming back is
// not hit by every retry at once.
func Backoff(n int, base, limit time.Duration) time.Duration {
	b := base << min(max(n-1, 0), 20)
	if b <= 0 || b > limit {
		b = limit
	}
	return time.Duration(float64(b) * (0.8 + 0.4*rand.Float64()))
}

func ids(rows []store.Outbound) []int64 {
	out := make([]int64, len(rows))
	for i, r := range rows {
		out[i] = r.ID
	}
	return out
}

// incidentSeq returns n of an incident key "<target>/<n>".
func incidentSeq(incident string) int64 {
	i := strings.LastIndexByte(incident, '/')
	n, _ := strconv.ParseInt(incident[i+1:], 10, 64)
	return n
}

// firingSent returns the channels an incident's firing notification was
// delivered to.
func (d *Dispatcher) firingSent(ctx context.Context, incident string) map[string]bool {
	rows, err := d.st.Outbox(ctx, incident)
	out := map[string]bool{}
	if err != nil {
		return out
	}
	for _, r := range rows {
		if r.Kind == string(notify.Firing) && r.State == store.OutboxSent {
			out[r.Channel] = true
		}
	}
	return out
}

// refreshAlertmanager sends every firing, notifying incident again to the
// Alertmanager channels of its rule: Alertmanager resolves an alert it
// has not heard of for its resolve_timeout (5 minutes by default).
// Best effort: the opening and the resolve go through the outbox.
func (d *Dispatcher) refreshAlertmanager(ctx context.Context, now time.Time) {
	c := d.eng.Config()
	var am []string
	for name, ch := range c.Channels {
		if ch.Type() == "alertmanager" {
			am = append(am, name)
		}
	}
	if len(am) == 0 {
		return
	}
	states, err := d.st.Alerts(ctx)
	if err != nil {
		return
	}
	per := map[string][]notify.Alert{}
	for _, s := range states {
		rule := c.Rules[s.Target]
		if !s.Firing || s.Suppressed != "" || rule == nil || !d.eng.Owns(s.Target) {
			continue // another replica refreshes what it owns
		}
		var sent map[string]bool // channels that were told of this incident
		for _, name := range rule.Notify {
			for _, a := range am {
				if a == name {
					if sent == nil {
						sent = d.firingSent(ctx, s.Incident())
					}
					if !sent[name] {
						continue // its opening is still in the outbox (group wait, dependencies)
					}
					per[name] = append(per[name], notify.Alert{Kind: notify.Firing, Incident: s.Incident(), Target: s.Target,
						Group: c.group(s.Target), Severity: rule.Severity, Message: s.Message, Since: s.OpenedAt, At: now,
						URL: targetURL(c.ExternalURL, s.Target)})
				}
			}
		}
	}
	for name, alerts := range per {
		sctx, cancel := context.WithTimeout(ctx, notify.DefaultTimeout)
		if err := c.Channels[name].Send(sctx, notify.Message{Alerts: alerts}); err != nil && ctx.Err() == nil {
			d.log.Warn("alerts: refreshing Alertmanager", "channel", name, "err", redact.String(err.Error()))
		}
		cancel()
	}
}
