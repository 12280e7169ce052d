package vitals_test

import (
	"bytes"
	"context"
	"errors"
	"log/slog"
	"os"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/vitalsgo/vitals"
	"github.com/vitalsgo/vitals/vitalstest"
)

// noTime drops the time attribute, so that output is reproducible.
func noTime(groups []string, a slog.Attr) slog.Attr {
	if a.Key == slog.TimeKey && len(groups) == 0 {
		return slog.Attr{}
	}
	return a
}

// Logging every transition of a check that goes down and comes back.
func ExampleLogTransitions() {
	logger := slog.New(slog.NewTextHandler(os.Stdout, &slog.HandlerOptions{ReplaceAttr: noTime}))
	m := vitals.New(nil)
	m.Subscribe(vitals.LogTransitions(logger))

	var down atomic.Bool
	m.Add("db", vitals.ResultFunc(func(context.Context) vitals.Result {
		if down.Load() {
			return vitals.Result{Status: vitals.StatusFail, Duration: 2 * time.Second,
				Err: errors.New("dial postgres://app:hunter2@db:5432/orders: connection refused")}
		}
		return vitals.Result{Status: vitals.StatusPass, Message: "SELECT 1 ok", Duration: 1500 * time.Microsecond}
	}))
	ctx := context.Background()
	m.RunOnce(ctx)
	down.Store(true)
	m.RunOnce(ctx)
	down.Store(false)
	m.RunOnce(ctx)
	m.Close() // delivers the queued events before it returns
	// Output:
	// level=INFO msg="check status changed" check=db from=unknown to=pass message="SELECT 1 ok" duration=1.5ms consecutive_failures=0 critical=true
	// level=ERROR msg="check status changed" check=db from=pass to=fail message="dial postgres://app:***@db:5432/orders: connection refused" duration=2s consecutive_failures=1 critical=true
	// level=INFO msg="check status changed" check=db from=fail to=pass message="SELECT 1 ok" duration=1.5ms consecutive_failures=0 critical=true
}

func TestLogTransitions(t *testing.T) {
	at := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	tests := []struct {
		name  string
		ev    vitals.Event
		level slog.Level // of the handler
		want  string     // "" for no record
	}{
		{
			name: "pass is info",
			ev:   vitals.Event{Check: "db", From: vitals.StatusFail, To: vitals.StatusPass, Time: at, Result: vitals.Result{Message: "ok", Duration: time.Millisecond}},
			want: `time=2026-01-02T03:04:05.000Z level=INFO msg="check status changed" check=db from=fail to=pass message=ok duration=1ms consecutive_failures=0 critical=false`,
		},
		{
			name: "warn is warn",
			ev:   vitals.Event{Check: "cache", From: vitals.StatusPass, To: vitals.StatusWarn, Time: at, Result: vitals.Result{Message: "hit rate 41%"}},
			want: `time=2026-01-02T03:04:05.000Z level=WARN msg="check status changed" check=cache from=pass to=warn message="hit rate 41%" duration=0s consecutive_failures=0 critical=false`,
		},
		{
			name: "fail is error",
			ev:   vitals.Event{Check: "db", From: vitals.StatusPass, To: vitals.StatusFail, Time: at, Critical: true, ConsecutiveFailures: 3, Result: vitals.Result{Message: "timed out after 2s", Duration: 2 * time.Second}},
			want: `time=2026-01-02T03:04:05.000Z level=ERROR msg="check status changed" check=db from=pass to=fail message="timed out after 2s" duration=2s consecutive_failures=3 critical=true`,
		},
		{
			name: "missed events are reported",
			ev:   vitals.Event{Check: "db", From: vitals.StatusUnknown, To: vitals.StatusPass, Time: at, Missed: 7},
			want: `time=2026-01-02T03:04:05.000Z level=INFO msg="check status changed" check=db from=unknown to=pass message="" duration=0s consecutive_failures=0 critical=false missed=7`,
		},
		{
			name: "secrets in a hand-made event are redacted",
			ev: vitals.Event{Check: "postgres://app:hunter2@db/orders", From: vitals.StatusPass, To: vitals.StatusFail, Time: at,
				Result: vitals.Result{Message: "auth failed: password=hunter2 token=abc"}},
			want: `time=2026-01-02T03:04:05.000Z level=ERROR msg="check status changed" check=postgres://app:***@db/orders from=pass to=fail message="auth failed: password=*** token=***" duration=0s consecutive_failures=0 critical=false`,
		},
		{
			name:  "below the handler's level nothing is written",
			ev:    vitals.Event{Check: "db", From: vitals.StatusFail, To: vitals.StatusPass, Time: at},
			level: slog.LevelWarn,
		},
		{
			name:  "an error passes a warn-level handler",
			ev:    vitals.Event{Check: "db", From: vitals.StatusPass, To: vitals.StatusFail, Time: at},
			level: slog.LevelWarn,
			want:  `time=2026-01-02T03:04:05.000Z level=ERROR msg="check status changed" check=db from=pass to=fail message="" duration=0s consecutive_failures=0 critical=false`,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var buf bytes.Buffer
			logger := slog.New(slog.NewTextHandler(&buf, &slog.HandlerOptions{Level: tt.level}))
			vitals.LogTransitions(logger)(tt.ev)
			if got := strings.TrimSuffix(buf.String(), "\n"); got != tt.want {
				t.Errorf("got  %s\nwant %s", got, tt.want)
			}
			if strings.Contains(buf.String(), "hunter2") {
				t.Errorf("a secret reached the log: %s", buf.String())
			}
		})
	}
}

// The records follow the monitor's transitions in order, stamped with the
// monitor's clock.
func TestLogTransitionsFromMonitor(t *testing.T) {
	clk := vitalstest.NewClock(time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC))
	var buf bytes.Buffer
	m := vitals.New(&vitals.Options{Clock: clk})
	m.Subscribe(vitals.LogTransitions(slog.New(slog.NewJSONHandler(&buf, nil))))
	var status atomic.Int32
	if err := m.Add("queue", vitals.ResultFunc(func(context.Context) vitals.Result {
		return vitals.Result{Status: vitals.Status(status.Load()), Message: "depth 12"}
	}), vitals.Critical(false)); err != nil {
		t.Fatal(err)
	}
	for _, s := range []vitals.Status{vitals.StatusPass, vitals.StatusPass, vitals.StatusWarn, vitals.StatusFail, vitals.StatusPass} {
		status.Store(int32(s))
		if _, err := m.RunOnce(context.Background()); err != nil {
			t.Fatal(err)
		}
		clk.Advance(time.Second)
	}
	m.Close()
	want := []string{
		`{"time":"2026-01-02T03:04:05Z","level":"INFO","msg":"check status changed","check":"queue","from":"unknown","to":"pass","message":"depth 12","duration":0,"consecutive_failures":0,"critical":false}`,
		`{"time":"2026-01-02T03:04:07Z","level":"WARN","msg":"check status changed","check":"queue","from":"pass","to":"warn","message":"depth 12","duration":0,"consecutive_failures":0,"critical":false}`,
		`{"time":"2026-01-02T03:04:08Z","level":"ERROR","msg":"check status changed","check":"queue","from":"warn","to":"fail","message":"depth 12","duration":0,"consecutive_failures":1,"critical":false}`,
		`{"time":"2026-01-02T03:04:09Z","level":"INFO","msg":"check status changed","check":"queue","from":"fail","to":"pass","message":"depth 12","duration":0,"consecutive_failures":0,"critical":false}`,
	}
	if got := strings.Split(strings.TrimSpace(buf.String()), "\n"); strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("got\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}

// A check's own result may carry credentials anywhere: in its message, its
// error and its details. None reaches the log, whichever way it came in.
func TestLogTransitionsRedactsResults(t *testing.T) {
	var buf bytes.Buffer
	m := vitals.New(nil)
	m.Subscribe(vitals.LogTransitions(slog.New(slog.NewJSONHandler(&buf, nil))))
	if err := m.Add("orders-db", vitals.ResultFunc(func(context.Context) vitals.Result {
		return vitals.Result{
			Status:  vitals.StatusFail,
			Message: "login to postgres://app:hunter2@db:5432/orders failed: password=hunter2 token=s3cr3t-tok",
			Err:     errors.New("pq: password authentication failed for user app (password hunter2)"),
			Details: map[string]any{"dsn": "postgres://app:hunter2@db:5432/orders", "password": "hunter2"},
		}
	})); err != nil {
		t.Fatal(err)
	}
	if _, err := m.RunOnce(context.Background()); err != nil {
		t.Fatal(err)
	}
	m.Close()
	out := buf.String()
	if !strings.Contains(out, `"to":"fail"`) || !strings.Contains(out, `"check":"orders-db"`) {
		t.Fatalf("no record of the failure:\n%s", out)
	}
	for _, secret := range []string{"hunter2", "s3cr3t"} {
		if strings.Contains(out, secret) {
			t.Errorf("%q reached the log:\n%s", secret, out)
		}
	}
	// Redacted, not dropped: the record still says what failed.
	if !strings.Contains(out, "postgres://app:***@db:5432/orders failed") {
		t.Errorf("the message lost its content:\n%s", out)
	}
}
