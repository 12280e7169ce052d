package target

import (
	"context"
	"errors"
	"time"

	"github.com/vitalsgo/vitals"
	"github.com/vitalsgo/vitals/client"
)

// httpTarget reads a health endpoint through package client.
type httpTarget struct {
	c     *client.Client
	shown string
}

func newHTTP(rawURL, shown string, o Options) (*httpTarget, error) {
	c, err := client.New(rawURL, &client.Options{
		Header:             o.Header,
		InsecureSkipVerify: o.Insecure,
		Timeout:            o.Timeout,
	})
	if err != nil {
		return nil, usagef("%s: %v", shown, err)
	}
	return &httpTarget{c: c, shown: c.URL()}, nil
}

func (t *httpTarget) String() string { return t.shown }

func (t *httpTarget) Close() { t.c.Close() }

func (t *httpTarget) Probe(ctx context.Context) Outcome {
	start := time.Now()
	r, err := t.c.Check(ctx)
	return httpOutcome(r, err, time.Since(start))
}

func httpOutcome(r *client.Report, err error, d time.Duration) Outcome {
	var reqErr *client.RequestError
	switch {
	case errors.As(err, &reqErr):
		return Outcome{Status: Unreachable, Reason: clean(err.Error()), Duration: d}
	case err != nil:
		// An answer that is no health report (a 404, a broken body):
		// the service is up, but this is not healthy.
		return Outcome{Status: Unhealthy, Reason: clean(err.Error()), Duration: d}
	case r.OK():
		return Outcome{Status: Healthy, Reason: clean(r.String()), Duration: d}
	}
	return Outcome{Status: Unhealthy, Reason: clean(r.String()), Duration: d}
}

// Wait uses the client's own loop, polling at a fixed interval rather than
// backing off: a person watching wants to see the target come up when it
// does, and the client's jitter still spreads many waiters.
func (t *httpTarget) Wait(ctx context.Context, interval time.Duration, onAttempt func(Attempt)) error {
	_, err := t.c.WaitHealthy(ctx, &client.WaitOptions{
		Backoff: func(int) time.Duration { return interval },
		OnAttempt: func(a client.Attempt) {
			var d time.Duration
			if a.Report != nil {
				d = a.Report.Duration
			}
			out := httpOutcome(a.Report, a.Err, d)
			if a.Healthy {
				out.Status = Healthy
			}
			onAttempt(Attempt{N: a.N, Outcome: out})
		},
	})
	if err != nil && ctx.Err() != nil {
		return ctx.Err()
	}
	return err
}

func clean(s string) string { return oneLine(vitals.Redact(s)) }
