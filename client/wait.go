package client

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"time"

	"github.com/vitalsgo/vitals"
)

// Defaults for [WaitOptions].
const (
	DefaultMinInterval = 100 * time.Millisecond
	DefaultMaxInterval = 5 * time.Second
)

// WaitOptions configure [Client.WaitHealthy]. A nil *WaitOptions means all
// defaults.
type WaitOptions struct {
	// MinInterval is the pause after the first failed attempt. Default
	// [DefaultMinInterval].
	MinInterval time.Duration
	// MaxInterval caps the pause, which doubles after each failed
	// attempt. Default [DefaultMaxInterval].
	MaxInterval time.Duration
	// Backoff, when set, replaces the exponential backoff: it returns the
	// pause after failed attempt n (1 for the first). Tests use it to wait
	// without sleeping; a constant function polls at a fixed interval.
	Backoff func(n int) time.Duration
	// RequirePass waits for Pass; by default Warn is healthy too, as it is
	// for a probe.
	RequirePass bool
	// OnAttempt, when set, is called after every attempt, from the
	// goroutine that called WaitHealthy: a place to show progress.
	OnAttempt func(Attempt)
}

// Attempt describes one attempt of [Client.WaitHealthy] to its
// [WaitOptions.OnAttempt].
type Attempt struct {
	N       int           // 1 for the first attempt
	Report  *Report       // nil when no answer came (Err is a *RequestError)
	Err     error         // the error of [Client.Check], if any
	Healthy bool          // the attempt ends the wait
	Pause   time.Duration // the pause before the next attempt; 0 when Healthy
}

// WaitHealthy polls the endpoint until it is healthy and returns that
// report. Between attempts it pauses with exponential backoff from
// MinInterval to MaxInterval, each pause drawn at random from its upper
// half so that many waiters do not probe in step.
//
// When ctx ends first, it returns the last report (nil if no answer came)
// and an error that wraps ctx.Err() and the last attempt's error, if any,
// so errors.Is(err, context.DeadlineExceeded) tells a timeout.
func (c *Client) WaitHealthy(ctx context.Context, opts *WaitOptions) (*Report, error) {
	var o WaitOptions
	if opts != nil {
		o = *opts
	}
	pause := o.Backoff
	if pause == nil {
		pause = newBackoff(o.MinInterval, o.MaxInterval, nil).pause
	}
	var timer *time.Timer
	defer func() {
		if timer != nil {
			timer.Stop()
		}
	}()
	// last and lastErr are what the endpoint said last: a report, or an
	// error of an attempt that ended before ctx did (an attempt cut short
	// by ctx says nothing about the endpoint, so it does not replace them).
	var last *Report
	var lastErr error
	for n := 1; ; n++ {
		r, err := c.Check(ctx)
		if r != nil {
			last = r
		}
		if err == nil || ctx.Err() == nil || !errors.Is(err, ctx.Err()) {
			lastErr = err
		}
		a := Attempt{N: n, Report: r, Err: err}
		a.Healthy = err == nil && (r.Status == vitals.StatusPass || r.Status.OK() && !o.RequirePass)
		if !a.Healthy && ctx.Err() == nil {
			a.Pause = max(pause(n), 0)
		}
		if o.OnAttempt != nil {
			o.OnAttempt(a)
		}
		if a.Healthy {
			return r, nil
		}
		if ctx.Err() != nil {
			return last, waitError(c.shown, ctx.Err(), last, lastErr)
		}
		if timer == nil {
			timer = time.NewTimer(a.Pause)
		} else {
			timer.Reset(a.Pause)
		}
		select {
		case <-ctx.Done():
			return last, waitError(c.shown, ctx.Err(), last, lastErr)
		case <-timer.C:
		}
	}
}

// waitError says why waiting ended: ctx's error, and what the endpoint said
// last.
func waitError(url string, ctxErr error, last *Report, err error) error {
	switch {
	case err != nil && !errors.Is(err, ctxErr):
		return fmt.Errorf("client: %s not healthy: %w; last error: %w", url, ctxErr, err)
	case last != nil:
		return fmt.Errorf("client: %s not healthy: %w; last status: %s", url, ctxErr, last)
	}
	return fmt.Errorf("client: %s not healthy: %w", url, ctxErr)
}

// backoff yields exponentially growing pauses with "equal jitter": each is
// drawn from [d/2, d] for the current step d.
type backoff struct {
	min, max time.Duration
	rand     func(n int64) int64 // [0, n)
}

func newBackoff(minD, maxD time.Duration, rnd func(int64) int64) *backoff {
	if minD <= 0 {
		minD = DefaultMinInterval
	}
	if maxD <= 0 {
		maxD = DefaultMaxInterval
	}
	maxD = max(maxD, minD)
	if rnd == nil {
		rnd = rand.Int64N
	}
	return &backoff{min: minD, max: maxD, rand: rnd}
}

// pause returns the pause after failed attempt n: min·2^(n-1), capped at
// max, less a random part of up to half of it.
func (b *backoff) pause(n int) time.Duration {
	d := b.min
	for i := 1; i < n && d < b.max; i++ {
		d = min(d*2, b.max)
		if d <= 0 { // overflow
			d = b.max
		}
	}
	half := d / 2
	return d - half + time.Duration(b.rand(int64(half)+1))
}

// Update is one delivery of [Client.Watch]: a report, or the error of an
// attempt that produced none usable.
type Update struct {
	Report *Report // nil when Err is a *RequestError
	Err    error
}

// Watch polls the endpoint every interval and sends an Update when its
// state changes: the first answer, then whenever the overall status, the
// HTTP code, the format, a check's status or the error's presence or text
// changes. Messages alone do not count: they often carry timings. With
// [Options.EveryPoll] it sends every poll's Update.
//
// The channel is closed after ctx ends; the goroutine that polls ends
// with it, also when nobody reads the channel any more. Sends wait for the
// reader, so a slow reader slows the polling rather than losing changes.
// An interval ≤ 0 means one second.
func (c *Client) Watch(ctx context.Context, interval time.Duration) <-chan Update {
	if interval <= 0 {
		interval = time.Second
	}
	ch := make(chan Update)
	go func() {
		defer close(ch)
		ticker := time.NewTicker(interval)
		defer ticker.Stop()
		var prev *Update
		for {
			r, err := c.Check(ctx)
			if ctx.Err() != nil {
				return
			}
			u := Update{Report: r, Err: err}
			if prev == nil || c.every || changed(prev, &u) {
				select {
				case ch <- u:
				case <-ctx.Done():
					return
				}
				prev = &u
			}
			select {
			case <-ctx.Done():
				return
			case <-ticker.C:
			}
		}
	}()
	return ch
}

func changed(a, b *Update) bool {
	if (a.Err == nil) != (b.Err == nil) || a.Err != nil && a.Err.Error() != b.Err.Error() {
		return true
	}
	if a.Report == nil || b.Report == nil {
		return a.Report != b.Report
	}
	return !sameState(a.Report, b.Report)
}
