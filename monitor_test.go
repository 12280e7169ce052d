package vitals_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/vitalsgo/vitals"
)

func TestAddRejectsBadInput(t *testing.T) {
	ok := vitals.CheckFunc(func(context.Context) error { return nil })
	tests := []struct {
		name    string
		check   string
		checker vitals.Checker
		opts    []vitals.CheckOption
		want    string
	}{
		{"empty name", "", ok, nil, "name must not be empty"},
		{"slash in name", "a/b", ok, nil, "must not contain '/'"},
		{"space in name", "a b", ok, nil, "spaces"},
		{"nil checker", "x", nil, nil, "checker is nil"},
		{"nil CheckFunc", "x", vitals.CheckFunc(nil), nil, "checker is nil"},
		{"negative interval", "x", ok, []vitals.CheckOption{vitals.Interval(-time.Second)}, "Interval(-1s): an interval must be positive"},
		{"tiny interval", "x", ok, []vitals.CheckOption{vitals.Interval(time.Microsecond)}, "at least 1ms"},
		{"zero timeout", "x", ok, []vitals.CheckOption{vitals.Timeout(0)}, "timeout must be positive"},
		{"negative delay", "x", ok, []vitals.CheckOption{vitals.InitialDelay(-1)}, "InitialDelay(-1ns): the delay must not be negative"},
		{"jitter over interval", "x", ok, []vitals.CheckOption{vitals.Interval(time.Second), vitals.Jitter(time.Second)}, "jitter 1s must be shorter than the interval 1s"},
		{"max age under interval", "x", ok, []vitals.CheckOption{vitals.Interval(time.Minute), vitals.MaxAge(time.Second)}, "max age 1s must be longer than interval + jitter + timeout (1m5s)"},
		{"zero failure threshold", "x", ok, []vitals.CheckOption{vitals.FailureThreshold(0)}, "failure threshold must be at least 1"},
		{"zero success threshold", "x", ok, []vitals.CheckOption{vitals.SuccessThreshold(0)}, "success threshold must be at least 1"},
		{"zero ttl", "x", ok, []vitals.CheckOption{vitals.OnDemand(0)}, "ttl"},
		{"empty group", "x", ok, []vitals.CheckOption{vitals.Groups("")}, "group name must not be empty"},
		{"zero history", "x", ok, []vitals.CheckOption{vitals.HistorySize(0)}, "history size"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m := vitals.New(nil)
			defer m.Close()
			err := m.Add(tt.check, tt.checker, tt.opts...)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("Add() error = %v, want one containing %q", err, tt.want)
			}
			if n := m.Snapshot().Len(); n != 0 {
				t.Fatalf("a rejected check was registered: %d checks", n)
			}
		})
	}
}

func TestAddDuplicateAndUnknown(t *testing.T) {
	m := vitals.New(nil)
	defer m.Close()
	ok := vitals.CheckFunc(func(context.Context) error { return nil })
	if err := m.Add("db", ok); err != nil {
		t.Fatal(err)
	}
	if err := m.Add("db", ok); !errors.Is(err, vitals.ErrDuplicate) {
		t.Fatalf("duplicate Add error = %v, want ErrDuplicate", err)
	}
	for name, fn := range map[string]func(string) error{"Remove": m.Remove, "Enable": m.Enable, "Disable": m.Disable} {
		if err := fn("nope"); !errors.Is(err, vitals.ErrUnknownCheck) {
			t.Errorf("%s(unknown) error = %v, want ErrUnknownCheck", name, err)
		}
	}
	if _, err := m.History("nope"); !errors.Is(err, vitals.ErrUnknownCheck) {
		t.Errorf("History(unknown) error = %v", err)
	}
}

func TestAggregation(t *testing.T) {
	type chk struct {
		res      vitals.Result
		critical bool
	}
	p := vitals.Result{Status: vitals.StatusPass}
	w := vitals.Result{Status: vitals.StatusWarn}
	f := vitals.Result{Status: vitals.StatusFail}
	tests := []struct {
		name   string
		checks []chk
		want   vitals.Status
	}{
		{"no checks", nil, vitals.StatusPass},
		{"all pass", []chk{{p, true}, {p, false}}, vitals.StatusPass},
		{"warn degrades", []chk{{p, true}, {w, true}}, vitals.StatusWarn},
		{"non-critical fail degrades", []chk{{p, true}, {f, false}}, vitals.StatusWarn},
		{"critical fail fails", []chk{{w, true}, {f, true}, {f, false}}, vitals.StatusFail},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m := vitals.New(nil)
			defer m.Close()
			for i, c := range tt.checks {
				s := &script{def: c.res}
				if err := m.Add(string(rune('a'+i)), s, vitals.Critical(c.critical)); err != nil {
					t.Fatal(err)
				}
			}
			s := runOnce(t, m)
			if s.Status != tt.want {
				t.Errorf("overall = %v, want %v", s.Status, tt.want)
			}
			if g, _ := s.Group(vitals.Readiness); g.Status != tt.want {
				t.Errorf("readiness = %v, want %v", g.Status, tt.want)
			}
		})
	}
}

func TestNotYetRunIsStartingExceptForLiveness(t *testing.T) {
	m := vitals.New(nil)
	defer m.Close()
	m.Add("ready", &script{def: pass()})
	m.Add("live", &script{def: pass()}, vitals.Groups(vitals.Liveness))
	s := m.Snapshot()
	if g, _ := s.Group(vitals.Readiness); g.Status != vitals.StatusStarting {
		t.Errorf("readiness before any run = %v, want starting", g.Status)
	}
	if g, _ := s.Group(vitals.Liveness); g.Status != vitals.StatusPass {
		t.Errorf("liveness before any run = %v, want pass: an unchecked process must not be restarted", g.Status)
	}
	s = runOnce(t, m)
	if g, _ := s.Group(vitals.Readiness); g.Status != vitals.StatusPass {
		t.Errorf("readiness after run = %v, want pass", g.Status)
	}
}

func TestStartupLatches(t *testing.T) {
	m := vitals.New(nil)
	defer m.Close()
	boot := &script{def: fail()}
	m.Add("migrations", boot, vitals.Groups(vitals.Startup), vitals.Critical(false))
	m.Add("db", &script{def: pass()})
	s := runOnce(t, m)
	for _, g := range []string{vitals.Startup, vitals.Readiness, ""} {
		if gs, _ := s.Group(g); gs.Status != vitals.StatusStarting {
			t.Errorf("group %q before startup passed = %v, want starting", g, gs.Status)
		}
	}
	boot.set(pass())
	s = runOnce(t, m)
	if gs, _ := s.Group(vitals.Startup); gs.Status != vitals.StatusPass {
		t.Fatalf("startup after pass = %v", gs.Status)
	}
	boot.set(fail())
	s = runOnce(t, m)
	if gs, _ := s.Group(vitals.Startup); gs.Status != vitals.StatusPass {
		t.Errorf("startup must stay passed once it passed, got %v", gs.Status)
	}
	if gs, _ := s.Group(vitals.Readiness); gs.Status != vitals.StatusPass {
		t.Errorf("readiness = %v; the startup check is not in readiness", gs.Status)
	}
}

func TestThresholds(t *testing.T) {
	m := vitals.New(nil)
	defer m.Close()
	s := &script{}
	m.Add("flaky", s, vitals.FailureThreshold(3), vitals.SuccessThreshold(2))
	steps := []struct {
		got  vitals.Result
		want vitals.Status
	}{
		{pass(), vitals.StatusPass},
		{fail(), vitals.StatusPass},
		{fail(), vitals.StatusPass},
		{pass(), vitals.StatusPass}, // resets the failure count
		{fail(), vitals.StatusPass},
		{fail(), vitals.StatusPass},
		{fail(), vitals.StatusFail}, // third in a row
		{pass(), vitals.StatusFail}, // one success is not enough
		{fail(), vitals.StatusFail},
		{pass(), vitals.StatusFail},
		{pass(), vitals.StatusPass},
		{vitals.Result{Status: vitals.StatusWarn}, vitals.StatusWarn}, // warn moves at once
	}
	for i, st := range steps {
		s.set(st.got)
		runOnce(t, m)
		if got := state(t, m, "flaky").Status; got != st.want {
			t.Fatalf("step %d (%v): status = %v, want %v", i, st.got.Status, got, st.want)
		}
	}
	cs := state(t, m, "flaky")
	if cs.Stats.Runs() != uint64(len(steps)) || cs.Stats.Failures != 6 || cs.Stats.Passes != 5 || cs.Stats.Warnings != 1 {
		t.Errorf("stats = %+v", cs.Stats)
	}
}

func TestHistoryAndScore(t *testing.T) {
	m := vitals.New(nil)
	defer m.Close()
	s := &script{}
	m.Add("x", s, vitals.HistorySize(4))
	for _, r := range []vitals.Result{fail(), fail(), pass(), pass(), pass(), fail()} {
		s.set(r)
		runOnce(t, m)
	}
	h, err := m.History("x")
	if err != nil {
		t.Fatal(err)
	}
	var got []vitals.Status
	for _, e := range h {
		got = append(got, e.Status)
	}
	want := []vitals.Status{vitals.StatusPass, vitals.StatusPass, vitals.StatusPass, vitals.StatusFail}
	if len(got) != len(want) {
		t.Fatalf("history = %v, want %v", got, want)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Fatalf("history = %v, want %v (oldest first, last 4)", got, want)
		}
	}
	st := state(t, m, "x").Stats
	if st.SuccessRate != 0.75 {
		t.Errorf("success rate = %v, want 0.75", st.SuccessRate)
	}
	// weights 1..4, passes at 1,2,3: (1+2+3)/10
	if st.Score != 0.6 {
		t.Errorf("score = %v, want 0.6", st.Score)
	}
	if st.ConsecutiveFailures() != 1 || st.LastFailure().IsZero() || st.LastSuccess().IsZero() {
		t.Errorf("stats = %+v", st)
	}
}

func TestCheckFuncAndWarn(t *testing.T) {
	m := vitals.New(nil)
	defer m.Close()
	m.Add("nil", vitals.CheckFunc(func(context.Context) error { return nil }))
	m.Add("warn", vitals.CheckFunc(func(context.Context) error { return vitals.Warn(errors.New("slow")) }))
	m.Add("err", vitals.CheckFunc(func(context.Context) error { return errors.New("refused") }))
	s := runOnce(t, m)
	for name, want := range map[string]vitals.Status{"nil": vitals.StatusPass, "warn": vitals.StatusWarn, "err": vitals.StatusFail} {
		st, _ := s.Check(name)
		if st.Status != want {
			t.Errorf("%s: %v, want %v", name, st.Status, want)
		}
	}
	if st, _ := s.Check("err"); st.Last.Message != "refused" {
		t.Errorf("message = %q", st.Last.Message)
	}
}

func TestPanicIsRecovered(t *testing.T) {
	m := vitals.New(nil)
	defer m.Close()
	m.Add("boom", vitals.CheckFunc(func(context.Context) error { panic("kaboom") }))
	st, _ := runOnce(t, m).Check("boom")
	var pe *vitals.PanicError
	if st.Status != vitals.StatusFail || !errors.As(st.Last.Err, &pe) || !strings.Contains(st.Last.Message, "kaboom") {
		t.Fatalf("state = %+v", st)
	}
	if st.Stats.Panics != 1 {
		t.Errorf("panics = %d", st.Stats.Panics)
	}
}

func TestSecretsRedactedFromResults(t *testing.T) {
	m := vitals.New(nil)
	defer m.Close()
	inner := errors.New("dial postgres://app:hunter2@db:5432/x: connection refused")
	m.Add("db", vitals.CheckFunc(func(context.Context) error { return inner }))
	st, _ := runOnce(t, m).Check("db")
	if strings.Contains(st.Last.Message, "hunter2") || strings.Contains(st.Last.Err.Error(), "hunter2") {
		t.Fatalf("password leaked: %q / %q", st.Last.Message, st.Last.Err)
	}
	if !errors.Is(st.Last.Err, inner) {
		t.Errorf("redaction must keep the error chain")
	}
}

func TestStatusText(t *testing.T) {
	b, _ := vitals.StatusWarn.MarshalText()
	var s vitals.Status
	if err := s.UnmarshalText(b); err != nil || s != vitals.StatusWarn {
		t.Errorf("text round trip: %v %v", s, err)
	}
	// Other formats' words are read by package client, not by Status.
	if err := s.UnmarshalText([]byte("healthy")); err == nil {
		t.Errorf("UnmarshalText read a CHORUS word as %v", s)
	}
	if err := s.UnmarshalText([]byte("FAIL")); err != nil || s != vitals.StatusFail {
		t.Errorf("UnmarshalText(FAIL) = %v, %v; want fail in any ASCII case", s, err)
	}
}

// Details and observed values are redacted before listeners, observers and
// snapshots see them.
func TestDetailsRedactedForEveryConsumer(t *testing.T) {
	m := vitals.New(nil)
	defer m.Close()
	m.Add("db", vitals.ResultFunc(func(context.Context) vitals.Result {
		return vitals.Result{Status: vitals.StatusFail, Observed: "redis://:pw123@cache:6379",
			Details: map[string]any{"password": "hunter2", "cfg": struct{ DSN string }{"postgres://u:s3cret@h/db"}}}
	}))
	seen := make(chan vitals.Event, 1)
	m.Subscribe(func(e vitals.Event) { seen <- e })
	var observed string
	m.Observe(func(st *vitals.CheckState) { observed = fmt.Sprint(st.Last.Details, st.Last.Observed) })
	snap := runOnce(t, m)
	st, _ := snap.Check("db")
	e := <-seen
	for _, out := range []string{fmt.Sprint(st.Last.Details, st.Last.Observed), fmt.Sprint(e.Result.Details, e.Result.Observed), observed} {
		for _, secret := range []string{"hunter2", "s3cret", "pw123"} {
			if strings.Contains(out, secret) {
				t.Errorf("secret %q reached a consumer: %s", secret, out)
			}
		}
	}
}

// CheckInfo.Groups hands out a copy: a caller that writes to it, or
// appends to it, changes no check's groups, whether they are the default
// or come from one Groups option shared by several checks.
func TestCheckGroupsAreNotShared(t *testing.T) {
	ok := vitals.CheckFunc(func(context.Context) error { return nil })
	m := vitals.New(nil)
	defer m.Close()
	shared := vitals.Groups("jobs")
	for _, name := range []string{"a", "b"} {
		if err := m.Add(name, ok); err != nil {
			t.Fatal(err)
		}
		if err := m.Add(name+"-jobs", ok, shared); err != nil {
			t.Fatal(err)
		}
	}
	for _, name := range []string{"a", "a-jobs"} {
		st, _ := m.State(name)
		g := st.Groups()
		_ = append(g, "appended")
		g[0] = "overwritten"
	}
	for name, want := range map[string]string{"a": vitals.Readiness, "b": vitals.Readiness, "a-jobs": "jobs", "b-jobs": "jobs"} {
		st, _ := m.State(name)
		if g := st.Groups(); len(g) != 1 || g[0] != want || !st.InGroup(want) {
			t.Errorf("%s's groups = %q after a caller wrote to a copy, want [%s]", name, g, want)
		}
	}
}

func TestRemovedCheckResultIsDropped(t *testing.T) {
	m := vitals.New(nil)
	gate := make(chan struct{})
	m.Add("x", vitals.CheckFunc(func(context.Context) error { <-gate; return errors.New("late") }), vitals.OnDemand(time.Second))
	var mu sync.Mutex
	var events []vitals.Event
	m.Subscribe(func(e vitals.Event) { mu.Lock(); events = append(events, e); mu.Unlock() })
	go m.Current(context.Background())
	eventually(t, "run in flight", func() bool { st, _ := m.State("x"); return st != nil && m.Remove("x") == nil })
	close(gate)
	m.Close()
	mu.Lock()
	defer mu.Unlock()
	if len(events) != 0 {
		t.Fatalf("events after Remove: %+v", events)
	}
}

// More of what Add must refuse, beyond TestAddRejectsBadInput: every
// negative duration, and a refused Add leaves the name free.
func TestAddRejectsNegativeDurations(t *testing.T) {
	addRefuses(t, []refusedOptions{
		{"negative timeout", []vitals.CheckOption{vitals.Timeout(-time.Second)}, "timeout must be positive, got -1s"},
		{"negative jitter", []vitals.CheckOption{vitals.Jitter(-time.Second)}, "Jitter(-1s): the jitter must not be negative"},
		{"negative initial delay", []vitals.CheckOption{vitals.InitialDelay(-time.Second)}, "InitialDelay(-1s): the delay must not be negative"},
		{"negative interval", []vitals.CheckOption{vitals.Interval(-time.Second)}, "Interval(-1s): an interval must be positive"},
		{"negative max age", []vitals.CheckOption{vitals.MaxAge(-time.Second)}, "max age must not be negative, got -1s"},
		{"negative on-demand ttl", []vitals.CheckOption{vitals.OnDemand(-time.Second)}, "OnDemand(-1s): the ttl must be positive"},
		{"on-demand ttl of zero", []vitals.CheckOption{vitals.OnDemand(0)}, "OnDemand(0s): the ttl must be positive"},
		{"on-demand max age within the ttl", []vitals.CheckOption{vitals.OnDemand(time.Minute), vitals.Timeout(time.Second), vitals.MaxAge(10 * time.Second)}, "max age 10s of an on-demand check must be longer than its ttl + timeout (1m1s)"},
		{"negative failure threshold", []vitals.CheckOption{vitals.FailureThreshold(-3)}, "failure threshold must be at least 1, got -3"},
		{"negative success threshold", []vitals.CheckOption{vitals.SuccessThreshold(-3)}, "success threshold must be at least 1, got -3"},
		{"threshold too large", []vitals.CheckOption{vitals.FailureThreshold(1 << 20)}, "thresholds and history size must be at most"},
	})
}

// refusedOptions are options Add must refuse, and what its error says.
type refusedOptions struct {
	name string
	opts []vitals.CheckOption
	want string
}

// addRefuses adds a check with each case's options and requires an error
// that names the check and says want, with the name left free.
func addRefuses(t *testing.T, tests []refusedOptions) {
	t.Helper()
	ok := vitals.CheckFunc(func(context.Context) error { return nil })
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m := vitals.New(nil)
			defer m.Close()
			err := m.Add("db", ok, tt.opts...)
			if err == nil || !strings.Contains(err.Error(), tt.want) || !strings.Contains(err.Error(), `add "db"`) {
				t.Fatalf("Add() error = %v, want one naming the check and containing %q", err, tt.want)
			}
			if err := m.Add("db", ok); err != nil {
				t.Fatalf("the name is taken after a refused Add: %v", err)
			}
		})
	}
}

// A check is periodic or on demand, and an option that means nothing for
// its mode is refused by name, with the reason, rather than ignored.
func TestAddRefusesOptionsThatMeanNothingForTheMode(t *testing.T) {
	addRefuses(t, []refusedOptions{
		{"interval 0", []vitals.CheckOption{vitals.Interval(0)}, "Interval(0): an interval must be positive; use OnDemand(ttl)"},
		{"on demand then interval", []vitals.CheckOption{vitals.OnDemand(time.Second), vitals.Interval(time.Minute)}, "Interval(1m0s) after OnDemand: a check either runs on a schedule or when probed"},
		{"interval then on demand", []vitals.CheckOption{vitals.Interval(time.Minute), vitals.OnDemand(time.Second)}, "OnDemand after Interval(1m0s): a check either runs on a schedule or when probed"},
		{"initial delay on demand", []vitals.CheckOption{vitals.OnDemand(time.Second), vitals.InitialDelay(time.Second)}, "InitialDelay(1s) on an on-demand check: it runs when probed"},
		{"jitter on demand", []vitals.CheckOption{vitals.Jitter(time.Second), vitals.OnDemand(time.Second)}, "Jitter(1s) on an on-demand check: it runs when probed"},
		{"interval below 1ms", []vitals.CheckOption{vitals.Interval(time.Microsecond)}, "Interval(1µs): an interval must be at least 1ms"},
	})
	ok := vitals.CheckFunc(func(context.Context) error { return nil })
	m := vitals.New(nil)
	defer m.Close()
	if err := m.Add("periodic", ok, vitals.Interval(time.Minute), vitals.InitialDelay(time.Second), vitals.Jitter(time.Second)); err != nil {
		t.Errorf("a periodic check with an initial delay and jitter: %v", err)
	}
	if err := m.Add("ondemand", ok, vitals.OnDemand(time.Second), vitals.Timeout(time.Second)); err != nil {
		t.Errorf("an on-demand check with a timeout: %v", err)
	}
}
