package target

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/vitalsgo/vitals/client"
	"github.com/vitalsgo/vitals/redact"
)

// httpTarget reads a health endpoint through package client.
type httpTarget struct {
	c       *client.Client
	shown   string
	timeout time.Duration
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
	return &httpTarget{c: c, shown: c.URL(), timeout: o.Timeout}, nil
}

func (t *httpTarget) String() string { return t.shown }

func (t *httpTarget) Close() { t.c.Close() }

func (t *httpTarget) Probe(ctx context.Context) Outcome {
	start := time.Now()
	r, err := t.c.Check(ctx)
	return t.outcome(r, err, time.Since(start))
}

func (t *httpTarget) outcome(r *client.Report, err error, d time.Duration) Outcome {
	var reqErr *client.RequestError
	switch {
	case errors.As(err, &reqErr):
		return Outcome{Status: Unreachable, Reason: t.reason(err), Duration: d}
	case err != nil:
		// An answer that is no health report (a 404, a broken body):
		// the service is up, but this is not healthy.
		return Outcome{Status: Unhealthy, Reason: t.reason(err), Duration: d}
	case r.OK():
		return Outcome{Status: Healthy, Reason: clean(r.String()), Duration: d}
	}
	return Outcome{Status: Unhealthy, Reason: clean(r.String()), Duration: d}
}

// reason is the client's error without the URL it starts with, which the
// caller shows already. A deadline says how long the target had, so a
// reader can tell a slow target from a short --timeout.
func (t *httpTarget) reason(err error) string {
	if errors.Is(err, context.DeadlineExceeded) {
		return fmt.Sprintf("no answer within %v", t.timeout)
	}
	msg := strings.TrimPrefix(err.Error(), "client: GET "+t.shown+": ")
	return clean(strings.TrimPrefix(msg, "client: "))
}

// Wait uses the client's own loop, polling at about the interval rather
// than backing off: a person watching wants to see the target come up when
// it does. The pauses are jittered as poll's are.
func (t *httpTarget) Wait(ctx context.Context, interval time.Duration, onAttempt func(Attempt)) error {
	_, err := t.c.WaitHealthy(ctx, &client.WaitOptions{
		Backoff: func(int) time.Duration { return jitter(interval) },
		OnAttempt: func(a client.Attempt) {
			if ctx.Err() != nil && !a.Healthy {
				// Cut short by the end of the wait, not the target's
				// answer: poll does not report such an attempt either.
				return
			}
			var d time.Duration
			if a.Report != nil {
				d = a.Report.Duration
			}
			out := t.outcome(a.Report, a.Err, d)
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

func clean(s string) string { return oneLine(redact.String(s)) }
