package vitals

import (
	"context"
	"log/slog"
	"time"

	"github.com/vitalsgo/vitals/redact"
)

// LogTransitions returns a listener for [Monitor.Subscribe] that writes one
// record to logger for each check transition:
//
//	m.Subscribe(vitals.LogTransitions(slog.Default()))
//
// The record's message is "check status changed"; its attributes are check,
// from, to, message (the result's message), duration (the run's),
// consecutive_failures and critical, and missed when events were dropped
// before this one because the listener fell behind. The level follows the
// new status: Info for pass, Warn for warn, Error for fail, Info otherwise.
// The record is stamped with the time of the transition, not of the
// logging, so records keep the monitor's clock. Secrets in the check name
// and message are redacted (see [redact.String]). A nil logger means
// slog.Default().
func LogTransitions(logger *slog.Logger) func(Event) {
	if logger == nil {
		logger = slog.Default()
	}
	return func(e Event) {
		ctx := context.Background()
		level := transitionLevel(e.To)
		h := logger.Handler()
		if !h.Enabled(ctx, level) {
			return
		}
		t := e.Time
		if t.IsZero() {
			t = time.Now()
		}
		// The listener's own source line would tell nothing, so pc is 0.
		r := slog.NewRecord(t, level, "check status changed", 0)
		r.AddAttrs(
			slog.String("check", redact.String(e.Check)),
			slog.String("from", e.From.String()),
			slog.String("to", e.To.String()),
			// The monitor redacted it already, and refuses names that
			// redaction would change. Redacting again is deliberate: it
			// costs a scan and keeps this listener safe with hand-made
			// events.
			slog.String("message", redact.String(e.Result.Message)),
			slog.Duration("duration", e.Result.Duration),
			slog.Int("consecutive_failures", e.ConsecutiveFailures),
			slog.Bool("critical", e.Critical),
		)
		if e.Missed > 0 {
			r.AddAttrs(slog.Int("missed", e.Missed))
		}
		// A listener has no caller to hand an error to; the handler's own
		// failures are its business, as with Logger.Log.
		_ = h.Handle(ctx, r)
	}
}

// transitionLevel is the log level of a transition into s.
func transitionLevel(s Status) slog.Level {
	switch s {
	case StatusWarn:
		return slog.LevelWarn
	case StatusFail:
		return slog.LevelError
	}
	return slog.LevelInfo
}
