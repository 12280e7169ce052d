package alert_test

import (
	"context"
	"encoding/json"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/vitalsgo/vitals"
	"github.com/vitalsgo/vitals/internal/testservice"
	"github.com/vitalsgo/vitals/monitor/alert"
	"github.com/vitalsgo/vitals/monitor/notify"
	"github.com/vitalsgo/vitals/monitor/store"
	"github.com/vitalsgo/vitals/monitor/store/storetest"
)

// backends opens a fresh store of each kind.
var backends = map[string]func(t *testing.T) store.Store{
	"sqlite": func(t *testing.T) store.Store { return openStore(t, filepath.Join(t.TempDir(), "a.db")) },
	"postgres": func(t *testing.T) store.Store {
		testservice.Require(t, "PostgreSQL", testservice.PostgresAddr)
		return openStore(t, storetest.FreshPostgres(t))
	},
}

func openStore(t *testing.T, dsn string) store.Store {
	t.Helper()
	s, err := store.Open(context.Background(), dsn)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

func forEach(t *testing.T, f func(t *testing.T, s store.Store)) {
	for name, open := range backends {
		t.Run(name, func(t *testing.T) { f(t, open(t)) })
	}
}

var t0 = time.Date(2026, 12, 6, 10, 0, 0, 0, time.UTC)

// feed appends one result per status, 10 s apart from start, one batch each.
func feed(t *testing.T, s store.Store, target string, start time.Duration, statuses string) {
	t.Helper()
	for i, c := range statuses {
		st := vitals.StatusPass
		switch c {
		case 'F':
			st = vitals.StatusFail
		case 'W':
			st = vitals.StatusWarn
		}
		r := store.Result{Target: target, At: t0.Add(start + time.Duration(i)*10*time.Second), Status: st, Message: "run " + string(c), Expect: 15 * time.Second}
		if err := s.Append(context.Background(), []store.Result{r}); err != nil {
			t.Fatal(err)
		}
	}
}

// kinds lists the outbox rows of a target's incidents: "1:ops:firing", …
func kinds(t *testing.T, s store.Store, target string, incidents int) []string {
	t.Helper()
	var out []string
	for n := 1; n <= incidents; n++ {
		rows, err := s.Outbox(context.Background(), target+"/"+itoa(n))
		if err != nil {
			t.Fatal(err)
		}
		for _, r := range rows {
			out = append(out, strings.TrimPrefix(r.DedupKey, target+"/"))
		}
	}
	return out
}

func itoa(n int) string { return string(rune('0' + n)) }

func rule() *alert.Rule {
	return &alert.Rule{Notify: []string{"ops"}, AlertAfter: 3, ResolveAfter: 1, SendResolved: true, Severity: "critical"}
}

// A flapping target with alert_after 3 opens one incident per run of three
// failures, and each incident notifies once and resolves once.
func TestFlappingOneAlertPerIncident(t *testing.T) {
	forEach(t, func(t *testing.T, s store.Store) {
		e := alert.NewEngine(&alert.Config{Rules: map[string]*alert.Rule{"api": rule()}})
		s.SetAlerter(e)
		feed(t, s, "api", 0, "PFFPFFPFFFFFPPFFFFP")
		got := kinds(t, s, "api", 3)
		want := []string{"1:ops:firing", "1:ops:resolved", "2:ops:firing", "2:ops:resolved"}
		if !slices.Equal(got, want) {
			t.Fatalf("outbox = %v, want %v", got, want)
		}
		states, err := s.Alerts(context.Background())
		if err != nil || len(states) != 1 || states[0].Seq != 2 || states[0].Firing {
			t.Fatalf("alert states = %+v, %v", states, err)
		}
	})
}

// Results appended again (a retried batch) decide nothing twice, and a
// second engine over the same database (another process) loses the
// compare-and-set instead of opening the incident again.
func TestDecidedOnce(t *testing.T) {
	forEach(t, func(t *testing.T, s store.Store) {
		cfg := &alert.Config{Rules: map[string]*alert.Rule{"api": {Notify: []string{"ops", "pager"}, AlertAfter: 1, ResolveAfter: 1, SendResolved: true}}}
		s.SetAlerter(alert.NewEngine(cfg))
		feed(t, s, "api", 0, "F")
		feed(t, s, "api", 0, "F") // the same batch again
		if got := kinds(t, s, "api", 2); !slices.Equal(got, []string{"1:ops:firing", "1:pager:firing"}) {
			t.Fatalf("outbox = %v", got)
		}
		// Two engines deciding concurrently on the same failing results.
		other := alert.NewEngine(cfg)
		var wg sync.WaitGroup
		for i, e := range []*alert.Engine{alert.NewEngine(cfg), other} {
			wg.Add(1)
			go func() {
				defer wg.Done()
				_ = s.AlertTx(context.Background(), func(tx store.AlertTx) error {
					_, err := e.Decide(context.Background(), tx, []store.Result{
						{Target: "api", At: t0.Add(time.Minute + time.Duration(i)*time.Second), Status: vitals.StatusPass},
					}, time.Now())
					return err
				})
			}()
		}
		wg.Wait()
		if got := kinds(t, s, "api", 2); !slices.Equal(got, []string{"1:ops:firing", "1:pager:firing", "1:ops:resolved", "1:pager:resolved"}) {
			t.Fatalf("outbox after two resolvers = %v", got)
		}
	})
}

// While a dependency fails, a dependent's incident opens suppressed and
// notifies nobody, neither when it opens nor when it resolves.
func TestDependsOnSuppressesOpening(t *testing.T) {
	forEach(t, func(t *testing.T, s store.Store) {
		rules := map[string]*alert.Rule{"db": rule(), "api": rule()}
		rules["api"].AlertAfter = 1
		rules["api"].DependsOn = []string{"db"}
		s.SetAlerter(alert.NewEngine(&alert.Config{Rules: rules}))
		feed(t, s, "db", 0, "F")
		feed(t, s, "api", time.Second, "FP")
		if got := kinds(t, s, "api", 1); len(got) != 0 {
			t.Fatalf("a suppressed incident notified: %v", got)
		}
		states, _ := s.Alerts(context.Background())
		for _, st := range states {
			if st.Target == "api" && st.Suppressed != "depends_on db" {
				t.Fatalf("api's state %+v, want suppressed by db", st)
			}
		}
		// With db passing, the next incident notifies.
		feed(t, s, "db", time.Minute, "P")
		feed(t, s, "api", time.Minute+time.Second, "F")
		if got := kinds(t, s, "api", 2); !slices.Equal(got, []string{"2:ops:firing"}) {
			t.Fatalf("outbox = %v", got)
		}
	})
}

// A silence and a maintenance window keep an incident from notifying;
// outside them it notifies.
func TestSilenceAndMaintenance(t *testing.T) {
	sched, err := alert.ParseCron("0 10 * * *") // 10:00 daily, 30 minutes
	if err != nil {
		t.Fatal(err)
	}
	forEach(t, func(t *testing.T, s store.Store) {
		r := rule()
		r.AlertAfter = 1
		cfg := &alert.Config{
			Rules:       map[string]*alert.Rule{"api": r, "db": r, "web": r},
			GroupOf:     func(string) string { return "G" },
			Silences:    []alert.Silence{{ID: "s1", Matcher: alert.Matcher{Targets: []string{"we*"}}, Starts: t0, Ends: t0.Add(time.Hour), FromConfig: true}},
			Maintenance: []alert.Maintenance{{Name: "nightly", Matcher: alert.Matcher{Targets: []string{"db"}}, Schedule: sched, Duration: 30 * time.Minute}},
		}
		e := alert.NewEngine(cfg)
		s.SetAlerter(e)
		feed(t, s, "web", 0, "F")
		feed(t, s, "db", 0, "F")
		feed(t, s, "api", 0, "F")
		if got := kinds(t, s, "web", 1); len(got) != 0 {
			t.Errorf("silenced web notified: %v", got)
		}
		if got := kinds(t, s, "db", 1); len(got) != 0 {
			t.Errorf("db in maintenance notified: %v", got)
		}
		if got := kinds(t, s, "api", 1); len(got) != 1 {
			t.Errorf("api = %v, want one firing", got)
		}
		if e.Quieted("db", t0.Add(31*time.Minute)) != "" || e.Quieted("db", t0.Add(24*time.Hour+time.Minute)) != "maintenance nightly" {
			t.Error("the maintenance window is not 10:00–10:30 daily")
		}
		got := e.InMaintenance("db", t0.Add(-time.Hour), t0.Add(25*time.Hour))
		if len(got) != 2 || !got[0][0].Equal(t0) || !got[1][1].Equal(t0.Add(24*time.Hour+30*time.Minute)) {
			t.Errorf("maintenance periods = %v", got)
		}
	})
}

// Reminders go out at their interval while the incident is open, each
// once, numbered; none after it resolves.
func TestReminders(t *testing.T) {
	forEach(t, func(t *testing.T, s store.Store) {
		r := rule()
		r.AlertAfter, r.RemindEvery = 1, time.Minute
		e := alert.NewEngine(&alert.Config{Rules: map[string]*alert.Rule{"api": r}})
		s.SetAlerter(e)
		feed(t, s, "api", 0, "F")
		ctx := context.Background()
		for _, at := range []time.Duration{30 * time.Second, 61 * time.Second, 61 * time.Second, 125 * time.Second, 4 * time.Minute} {
			if err := e.Remind(ctx, s, t0.Add(at)); err != nil {
				t.Fatal(err)
			}
		}
		feed(t, s, "api", 5*time.Minute, "P")
		if err := e.Remind(ctx, s, t0.Add(10*time.Minute)); err != nil {
			t.Fatal(err)
		}
		want := []string{"1:ops:firing", "1:ops:reminder:1", "1:ops:reminder:2", "1:ops:reminder:3", "1:ops:resolved"}
		if got := kinds(t, s, "api", 1); !slices.Equal(got, want) {
			t.Fatalf("outbox = %v, want %v", got, want)
		}
	})
}

// recorder is a channel that keeps what it is sent, failing the first
// fails sends.
type recorder struct {
	name  string
	mu    sync.Mutex
	msgs  []notify.Message
	fails int
	perm  bool
}

func (r *recorder) Name() string { return r.name }
func (r *recorder) Type() string { return "webhook" }
func (r *recorder) Send(_ context.Context, m notify.Message) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.fails > 0 {
		r.fails--
		if r.perm {
			return notify.ErrPermanent
		}
		return context.DeadlineExceeded
	}
	r.msgs = append(r.msgs, m)
	return nil
}

func (r *recorder) got() []notify.Message {
	r.mu.Lock()
	defer r.mu.Unlock()
	return slices.Clone(r.msgs)
}

// Alerts of one channel that open within its group wait go out as one
// message; a failed delivery is retried with the same idempotency key; a
// refused one is dead-lettered.
func TestDispatchGroupsAndRetries(t *testing.T) {
	forEach(t, func(t *testing.T, s store.Store) {
		ctx := context.Background()
		ops := &recorder{name: "ops", fails: 1}
		rules := map[string]*alert.Rule{}
		for _, n := range []string{"a", "b", "c"} {
			rules[n] = &alert.Rule{Notify: []string{"ops"}, AlertAfter: 1, ResolveAfter: 1, SendResolved: true}
		}
		e := alert.NewEngine(&alert.Config{Rules: rules, Channels: map[string]notify.Channel{"ops": ops}, GroupWait: time.Hour})
		s.SetAlerter(e)
		d := alert.NewDispatcher(s, e, nil)
		for i, n := range []string{"a", "b", "c"} {
			feed(t, s, n, time.Duration(i)*time.Second, "F")
		}
		d.Dispatch(ctx, time.Now()) // within the group wait: nothing due
		d.Flush()
		if len(ops.got()) != 0 {
			t.Fatal("sent before the group wait ended")
		}
		d.Dispatch(ctx, time.Now().Add(time.Hour+time.Second)) // fails once
		d.Flush()
		d.Dispatch(ctx, time.Now().Add(2*time.Hour))
		d.Flush()
		msgs := ops.got()
		if len(msgs) != 1 || len(msgs[0].Alerts) != 3 || msgs[0].Key == "" {
			t.Fatalf("messages = %+v, want one of three alerts", msgs)
		}
		rows, _ := s.Outbox(ctx, "a/1")
		if len(rows) != 1 || rows[0].State != store.OutboxSent || rows[0].Attempts != 2 || len(msgs[0].Key) != 32 {
			t.Fatalf("row after a retry = %+v", rows)
		}
		if st := d.Stats()["ops"]; st.Sent != 1 || st.Failed != 1 {
			t.Fatalf("stats = %+v", st)
		}
		// A receiver that refuses for good: dead-lettered at once.
		ops.mu.Lock()
		ops.fails, ops.perm = 1, true
		ops.mu.Unlock()
		feed(t, s, "a", time.Minute, "P")
		d.Dispatch(ctx, time.Now().Add(3*time.Hour))
		d.Flush()
		st, err := s.OutboxStats(ctx)
		if err != nil || st.Dead != 1 || len(st.DeadRows) != 1 || st.DeadRows[0].DedupKey != "a/1:ops:resolved" {
			t.Fatalf("outbox stats = %+v, %v", st, err)
		}
		var a notify.Alert
		if err := json.Unmarshal([]byte(st.DeadRows[0].Payload), &a); err != nil || a.Kind != notify.Resolved {
			t.Fatalf("dead row payload %q: %v", st.DeadRows[0].Payload, err)
		}
		// Pruning drops what is done, and keeps what is pending.
		feed(t, s, "b", time.Minute, "P")
		n, err := s.PruneOutbox(ctx, time.Now().Add(time.Hour))
		if err != nil || n != 4 {
			t.Fatalf("pruned %d rows (%v), want the 3 sent and the dead one", n, err)
		}
		if st, _ := s.OutboxStats(ctx); st.Pending != 1 || st.Sent+st.Dead != 0 {
			t.Fatalf("after the prune: %+v", st)
		}
	})
}

// A dependent's alert waits while its dependency has no result since the
// dependent failed (the store is behind, or the dependency's run is
// late): suppressed if the dependency turns out failing, sent if it
// passes.
func TestDispatchWaitsForDependency(t *testing.T) {
	forEach(t, func(t *testing.T, s store.Store) {
		ctx := context.Background()
		ops := &recorder{name: "ops"}
		rules := map[string]*alert.Rule{
			"db":  {Notify: []string{"ops"}, AlertAfter: 5, ResolveAfter: 1},
			"api": {Notify: []string{"ops"}, AlertAfter: 1, ResolveAfter: 1, DependsOn: []string{"db"}},
			"web": {Notify: []string{"ops"}, AlertAfter: 1, ResolveAfter: 1, DependsOn: []string{"db"}},
		}
		e := alert.NewEngine(&alert.Config{Rules: rules, Channels: map[string]notify.Channel{"ops": ops}, GroupWait: -1})
		s.SetAlerter(e)
		d := alert.NewDispatcher(s, e, nil)
		now := time.Now()
		// db passed a while ago; api fails now: db's state is not known.
		if err := s.Append(ctx, []store.Result{{Target: "db", At: now.Add(-time.Minute), Status: vitals.StatusPass, Expect: time.Hour}}); err != nil {
			t.Fatal(err)
		}
		if err := s.Append(ctx, []store.Result{{Target: "api", At: now, Status: vitals.StatusFail, Expect: time.Hour}}); err != nil {
			t.Fatal(err)
		}
		d.Dispatch(ctx, time.Now())
		d.Flush()
		if got := ops.got(); len(got) != 0 {
			t.Fatalf("sent before db's state was known: %+v", got)
		}
		// db's next result fails: api's incident is suppressed, not sent.
		if err := s.Append(ctx, []store.Result{{Target: "db", At: now.Add(time.Second), Status: vitals.StatusFail, Expect: time.Hour}}); err != nil {
			t.Fatal(err)
		}
		d.Dispatch(ctx, time.Now().Add(2*time.Second))
		d.Flush()
		rows, _ := s.Outbox(ctx, "api/1")
		if len(ops.got()) != 0 || len(rows) != 1 || rows[0].State != store.OutboxCancelled {
			t.Fatalf("api's row %+v, sent %+v", rows, ops.got())
		}
		// web fails after db passed again: sent.
		if err := s.Append(ctx, []store.Result{{Target: "db", At: now.Add(2 * time.Second), Status: vitals.StatusPass, Expect: time.Hour}}); err != nil {
			t.Fatal(err)
		}
		if err := s.Append(ctx, []store.Result{{Target: "web", At: now.Add(2 * time.Second), Status: vitals.StatusFail, Expect: time.Hour}}); err != nil {
			t.Fatal(err)
		}
		d.Dispatch(ctx, time.Now().Add(4*time.Second))
		d.Flush()
		if got := ops.got(); len(got) != 1 || got[0].Alerts[0].Target != "web" {
			t.Fatalf("sent %+v, want web's alert", got)
		}
	})
}

// A batch appended again (its commit was reported failed, but happened)
// does not count its results twice toward alert_after.
func TestRetriedBatchCountsOnce(t *testing.T) {
	forEach(t, func(t *testing.T, s store.Store) {
		s.SetAlerter(alert.NewEngine(&alert.Config{Rules: map[string]*alert.Rule{"api": rule()}}))
		batch := []store.Result{
			{Target: "api", At: t0, Status: vitals.StatusFail, Expect: time.Minute},
			{Target: "api", At: t0.Add(10 * time.Second), Status: vitals.StatusFail, Expect: time.Minute},
		}
		for range 2 {
			if err := s.Append(context.Background(), batch); err != nil {
				t.Fatal(err)
			}
		}
		if got := kinds(t, s, "api", 1); len(got) != 0 {
			t.Fatalf("two failures appended twice opened an incident at alert_after 3: %v", got)
		}
		feed(t, s, "api", 20*time.Second, "F")
		if got := kinds(t, s, "api", 1); !slices.Equal(got, []string{"1:ops:firing"}) {
			t.Fatalf("outbox after the third failure = %v", got)
		}
	})
}

// Once one channel was told an incident fired, a dependency failing
// afterwards does not suppress it: every channel hears of the opening and
// of the close.
func TestNoSuppressionAfterDelivery(t *testing.T) {
	forEach(t, func(t *testing.T, s store.Store) {
		ctx := context.Background()
		ops, pager := &recorder{name: "ops"}, &recorder{name: "pager", fails: 1}
		rules := map[string]*alert.Rule{
			"db":  {Notify: []string{"ops"}, AlertAfter: 9, ResolveAfter: 1},
			"api": {Notify: []string{"ops", "pager"}, AlertAfter: 1, ResolveAfter: 1, SendResolved: true, DependsOn: []string{"db"}},
		}
		e := alert.NewEngine(&alert.Config{Rules: rules, Channels: map[string]notify.Channel{"ops": ops, "pager": pager}, GroupWait: -1})
		s.SetAlerter(e)
		d := alert.NewDispatcher(s, e, nil)
		now := time.Now()
		for _, r := range []store.Result{
			{Target: "db", At: now, Status: vitals.StatusPass, Expect: time.Hour},
			{Target: "api", At: now, Status: vitals.StatusFail, Expect: time.Hour},
		} {
			if err := s.Append(ctx, []store.Result{r}); err != nil {
				t.Fatal(err)
			}
		}
		d.Dispatch(ctx, time.Now()) // ops takes it, pager fails
		d.Flush()
		if err := s.Append(ctx, []store.Result{{Target: "db", At: now.Add(time.Second), Status: vitals.StatusFail, Expect: time.Hour}}); err != nil {
			t.Fatal(err)
		}
		d.Dispatch(ctx, time.Now().Add(time.Hour)) // pager's retry, db failing now
		d.Flush()
		if len(ops.got()) != 1 || len(pager.got()) != 1 {
			t.Fatalf("ops got %d, pager %d: want the firing at both", len(ops.got()), len(pager.got()))
		}
		if err := s.Append(ctx, []store.Result{{Target: "api", At: now.Add(2 * time.Second), Status: vitals.StatusPass, Expect: time.Hour}}); err != nil {
			t.Fatal(err)
		}
		d.Dispatch(ctx, time.Now().Add(2*time.Hour))
		d.Flush()
		if len(ops.got()) != 2 || len(pager.got()) != 2 {
			t.Fatalf("ops got %d, pager %d: want the resolve at both", len(ops.got()), len(pager.got()))
		}
	})
}

// A reload that stops a firing target from alerting closes its incident,
// and the channels told of the opening hear of the close.
func TestRuleRemovedClosesIncident(t *testing.T) {
	forEach(t, func(t *testing.T, s store.Store) {
		ctx := context.Background()
		ops := &recorder{name: "ops"}
		chans := map[string]notify.Channel{"ops": ops}
		r := rule()
		r.AlertAfter = 1
		e := alert.NewEngine(&alert.Config{Rules: map[string]*alert.Rule{"api": r}, Channels: chans, GroupWait: -1})
		s.SetAlerter(e)
		d := alert.NewDispatcher(s, e, nil)
		feed(t, s, "api", 0, "F")
		d.Dispatch(ctx, time.Now())
		d.Flush()
		e.SetConfig(&alert.Config{Rules: map[string]*alert.Rule{}, Channels: chans, GroupWait: -1})
		sent := func(incident string) map[string]bool {
			out := map[string]bool{}
			rows, _ := s.Outbox(ctx, incident)
			for _, r := range rows {
				if r.Kind == "firing" && r.State == store.OutboxSent {
					out[r.Channel] = true
				}
			}
			return out
		}
		if err := e.CloseOrphans(ctx, s, sent, time.Now()); err != nil {
			t.Fatal(err)
		}
		d.Dispatch(ctx, time.Now())
		d.Flush()
		msgs := ops.got()
		if len(msgs) != 2 || msgs[1].Alerts[0].Kind != notify.Resolved || msgs[1].Alerts[0].Incident != "api/1" {
			t.Fatalf("messages = %+v, want the firing and its resolve", msgs)
		}
		states, _ := s.Alerts(ctx)
		if len(states) != 1 || states[0].Firing {
			t.Fatalf("states = %+v", states)
		}
	})
}
