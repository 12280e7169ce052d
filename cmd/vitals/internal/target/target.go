package target

import (
	"context"
	"fmt"
	"math/rand/v2"
	"net"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/vitalsgo/vitals/internal/reason"
	"github.com/vitalsgo/vitals/redact"
)

// Status is what one attempt found.
type Status uint8

// Statuses of an attempt.
const (
	Waiting     Status = iota // no attempt finished yet
	Healthy                   // the target answered healthy
	Unhealthy                 // the target answered, and not healthy
	Unreachable               // no answer: refused, timed out, TLS failed
)

func (s Status) String() string {
	switch s {
	case Healthy:
		return "healthy"
	case Unhealthy:
		return "unhealthy"
	case Unreachable:
		return "unreachable"
	}
	return "waiting"
}

// Outcome is the result of one probe.
type Outcome struct {
	Status Status
	// Reason is a one-line explanation, secrets redacted: the answer's
	// summary, or the error.
	Reason   string
	Duration time.Duration
}

// Attempt is one attempt of [Target.Wait], for progress displays.
type Attempt struct {
	N int // 1 for the first
	Outcome
}

// Target is a probe target parsed from a URL.
type Target interface {
	// Probe makes one attempt, bounded by ctx and the probe timeout.
	Probe(ctx context.Context) Outcome
	// Wait probes until the target is healthy or ctx ends, pausing
	// interval between attempts, and calls onAttempt after each attempt
	// from the calling goroutine. It returns ctx.Err() when ctx ends
	// first.
	Wait(ctx context.Context, interval time.Duration, onAttempt func(Attempt)) error
	// String is the target's URL with its secrets redacted.
	String() string
	// Close releases connections the target keeps between attempts.
	Close()
}

// Options configure a Target.
type Options struct {
	// Timeout bounds one attempt. Zero means 5s.
	Timeout time.Duration
	// Header is sent with HTTP requests, and as gRPC metadata.
	Header http.Header
	// Insecure skips TLS certificate verification (https, grpcs).
	Insecure bool
	// Service overrides the gRPC service named in the URL's path.
	Service string
}

// DefaultTimeout bounds one attempt when Options.Timeout is zero.
const DefaultTimeout = 5 * time.Second

// UsageError reports a target or option that can never work: a bad URL, an
// unknown scheme, an option the scheme cannot use.
type UsageError struct{ Msg string }

func (e *UsageError) Error() string { return e.Msg }

func usagef(format string, args ...any) error {
	return &UsageError{Msg: redact.String(fmt.Sprintf(format, args...))}
}

// Schemes lists the URL schemes New accepts.
var Schemes = []string{"http", "https", "grpc", "grpcs", "tcp"}

// New parses rawURL and returns its Target. Errors are *UsageError and
// never quote the URL's password.
func New(rawURL string, opts *Options) (Target, error) {
	o := Options{}
	if opts != nil {
		o = *opts
	}
	if o.Timeout <= 0 {
		o.Timeout = DefaultTimeout
	}
	shown := redact.URL(rawURL)
	scheme, rest, ok := strings.Cut(rawURL, "://")
	if !ok {
		return nil, usagef("%q is not a URL: write http://, https://, grpc://, grpcs:// or tcp:// before the address", shown)
	}
	switch strings.ToLower(scheme) {
	case "http", "https":
		if o.Service != "" {
			return nil, usagef("--service applies to grpc:// targets only")
		}
		return newHTTP(rawURL, shown, o)
	case "grpc", "grpcs":
		return newGRPC(strings.ToLower(scheme) == "grpcs", rest, shown, o)
	case "tcp":
		if o.Service != "" || len(o.Header) > 0 {
			return nil, usagef("--service and --header do not apply to tcp:// targets")
		}
		return newTCP(rest, shown, o)
	}
	return nil, usagef("unknown scheme %q in %s (want one of %s)", scheme, shown, strings.Join(Schemes, ", "))
}

// hostPort checks that s is host:port with nothing after it.
func hostPort(s, shown string) (string, error) {
	u, err := url.Parse("x://" + s)
	if err != nil || u.Host == "" || u.User != nil || u.Path != "" || u.RawQuery != "" || u.Fragment != "" {
		return "", usagef("%s: want host:port after the scheme", shown)
	}
	if _, port, err := net.SplitHostPort(u.Host); err != nil || port == "" {
		return "", usagef("%s: the address needs a port", shown)
	}
	return u.Host, nil
}

// poll is Wait for targets without a waiting loop of their own.
func poll(ctx context.Context, t Target, interval time.Duration, onAttempt func(Attempt)) error {
	timer := time.NewTimer(0)
	defer timer.Stop()
	for n := 1; ; n++ {
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-timer.C:
		}
		out := t.Probe(ctx)
		if ctx.Err() != nil && out.Status != Healthy {
			return ctx.Err()
		}
		onAttempt(Attempt{N: n, Outcome: out})
		if out.Status == Healthy {
			return nil
		}
		timer.Reset(jitter(interval))
	}
}

// jitter returns d give or take a tenth, drawn at random, so that many
// waiters started together (the init containers of one rollout) do not
// probe a dependency in step.
func jitter(d time.Duration) time.Duration {
	spread := int64(d / 5)
	if spread <= 0 {
		return d
	}
	return d - d/10 + time.Duration(rand.Int64N(spread+1))
}

// oneLine keeps the first line of s, of at most [reason.Max] bytes: a
// reason goes on one line, however long the message a server sent.
func oneLine(s string) string {
	s = strings.TrimSpace(s)
	if i := strings.IndexAny(s, "\r\n"); i >= 0 {
		s = s[:i] + " …"
	}
	return reason.Cap(s, reason.Max)
}
