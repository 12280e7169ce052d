package vitals

import (
	"fmt"
	"strings"
	"time"
	"unicode"

	"github.com/vitalsgo/vitals/redact"
)

// Standard groups. A check belongs to [Readiness] unless [Groups] says
// otherwise; any other string is a custom group.
const (
	Liveness  = "liveness"  // is the process alive? failing restarts it
	Readiness = "readiness" // can it take traffic? failing takes it out of rotation
	Startup   = "startup"   // has it finished starting? passes once, then latches
)

// Defaults applied to a check when its options leave a value unset.
const (
	DefaultInterval = 10 * time.Second
	DefaultTimeout  = 5 * time.Second
)

// defaultHistorySize is the default of [Options.HistorySize]: the last 10
// results of each check, kept inline in its state without an allocation.
const defaultHistorySize = 10

// CheckOption configures one check at [Monitor.Add].
type CheckOption interface{ apply(*checkConfig) }

type optionFunc func(*checkConfig)

func (f optionFunc) apply(c *checkConfig) { f(c) }

// checkConfig is the resolved, validated configuration of one check. It is
// immutable once the check is added.
type checkConfig struct {
	interval         time.Duration // 0: on demand
	ttl              time.Duration // cache lifetime of an on-demand result
	given            given         // which mode options were given, for validate
	timeout          time.Duration
	initialDelay     time.Duration
	jitter           time.Duration
	maxAge           time.Duration // 0: results never go stale
	failureThreshold int32
	successThreshold int32
	historySize      int32
	critical         bool
	enabled          bool
	groups           []string
	description      string
	componentType    string
	measurement      string
}

// given records the options whose meaning depends on the check's mode,
// so that validate can name the one that does not fit.
type given struct {
	interval     time.Duration // the first Interval's argument, if intervalSet
	intervalSet  bool
	onDemandSet  bool
	onDemandLast bool // OnDemand came after Interval
	initialDelay bool
	jitter       bool
}

func defaultConfig(historySize int) checkConfig {
	return checkConfig{
		interval:         DefaultInterval,
		timeout:          DefaultTimeout,
		failureThreshold: 1,
		successThreshold: 1,
		historySize:      int32(historySize),
		critical:         true,
		enabled:          true,
	}
}

// Interval makes the check periodic: it runs every d in the background,
// and probes read its last result and never wait for it. d must be
// positive; a check that runs when probed is made with [OnDemand]. A run
// starts when it is due or up to 1 % of the shortest interval in the
// monitor later (1ms at least, 100ms at most): runs due close together
// share one wake-up of the scheduler. Default [DefaultInterval].
func Interval(d time.Duration) CheckOption {
	return optionFunc(func(c *checkConfig) {
		if !c.given.intervalSet {
			c.given.interval = d
		}
		c.given.intervalSet = true
		c.interval = d
	})
}

// OnDemand makes the check run when a probe asks ([Monitor.Current]) and no
// result younger than ttl is cached; concurrent probes share one run. ttl
// must be positive. An on-demand check has no schedule, so it takes neither
// [Interval], [InitialDelay] nor [Jitter].
func OnDemand(ttl time.Duration) CheckOption {
	return optionFunc(func(c *checkConfig) {
		c.given.onDemandSet = true
		c.given.onDemandLast = c.given.intervalSet
		c.interval, c.ttl = 0, ttl
	})
}

// Timeout bounds one run: the context passed to Check is cancelled after d,
// and a run still going then is abandoned and reported as StatusFail. Default
// [DefaultTimeout].
func Timeout(d time.Duration) CheckOption { return optionFunc(func(c *checkConfig) { c.timeout = d }) }

// InitialDelay postpones the first run of a periodic check by d after
// [Monitor.Start]. Only a periodic check takes it.
func InitialDelay(d time.Duration) CheckOption {
	return optionFunc(func(c *checkConfig) { c.initialDelay, c.given.initialDelay = d, true })
}

// Jitter adds a random delay in [0, d) to every scheduled run, so checks
// registered together do not hit their dependencies together. It must be
// shorter than the interval, and only a periodic check takes it.
func Jitter(d time.Duration) CheckOption {
	return optionFunc(func(c *checkConfig) { c.jitter, c.given.jitter = d, true })
}

// Critical sets whether a failure of the check fails its groups (true, the
// default) or only degrades them to [StatusWarn] (false).
func Critical(critical bool) CheckOption {
	return optionFunc(func(c *checkConfig) { c.critical = critical })
}

// Groups puts the check in the named groups ([Liveness], [Readiness],
// [Startup] or custom ones), replacing the default [Readiness].
func Groups(groups ...string) CheckOption {
	// Copied: the caller may reuse its slice. Checks given the same option
	// share the copy, which CheckInfo.Groups never hands out.
	groups = append([]string(nil), groups...)
	return optionFunc(func(c *checkConfig) { c.groups = groups })
}

// FailureThreshold is the number of consecutive failed runs before the
// check's status turns StatusFail. Default 1.
func FailureThreshold(n int) CheckOption {
	return optionFunc(func(c *checkConfig) { c.failureThreshold = clampInt32(n) })
}

// SuccessThreshold is the number of consecutive passing runs before a
// failed check's status turns StatusPass again. Default 1.
func SuccessThreshold(n int) CheckOption {
	return optionFunc(func(c *checkConfig) { c.successThreshold = clampInt32(n) })
}

// MaxAge makes a result older than d count as StatusFail, so a periodic check that
// stops producing results (scheduler starved, runs skipped) never leaves a
// stale pass behind. It must be at least the interval. Default 0: off.
func MaxAge(d time.Duration) CheckOption { return optionFunc(func(c *checkConfig) { c.maxAge = d }) }

// Enabled sets whether the check starts enabled. A disabled check is not run
// and does not count in any group. Default true.
func Enabled(enabled bool) CheckOption {
	return optionFunc(func(c *checkConfig) { c.enabled = enabled })
}

// Description is a human-readable sentence about what the check verifies.
// It is redacted (see [redact.String]) once, here, so every surface shows the same
// text: some show it to anonymous callers.
func Description(s string) CheckOption {
	s = redact.String(s)
	return optionFunc(func(c *checkConfig) { c.description = s })
}

// ComponentType is the IETF health+json componentType ("datastore",
// "component", "system", …).
func ComponentType(s string) CheckOption {
	return optionFunc(func(c *checkConfig) { c.componentType = s })
}

// Measurement names what Result.Observed measures, used in the IETF
// health+json key "name:measurement". Default "responseTime" for checks
// that report no observed value (the run's duration is reported instead),
// "value" otherwise.
func Measurement(s string) CheckOption { return optionFunc(func(c *checkConfig) { c.measurement = s }) }

// HistorySize sets how many recent results the check keeps. Default the
// monitor's [Options.HistorySize].
func HistorySize(n int) CheckOption {
	return optionFunc(func(c *checkConfig) { c.historySize = clampInt32(n) })
}

// maxCount bounds thresholds and history sizes, which a check keeps in 16
// bits: there may be 100,000 checks.
const maxCount = 1<<15 - 1

func clampInt32(n int) int32 {
	const maxInt32 = 1<<31 - 1
	switch {
	case n > maxInt32:
		return maxInt32
	case n < -maxInt32:
		return -maxInt32
	}
	return int32(n)
}

// validate returns the first thing wrong with the configuration, in words a
// user can act on.
func (c *checkConfig) validate() error {
	if err := c.validateMode(); err != nil {
		return err
	}
	switch {
	case c.timeout <= 0:
		return fmt.Errorf("timeout must be positive, got %v", c.timeout)
	case c.jitter > 0 && c.interval > 0 && c.jitter >= c.interval:
		return fmt.Errorf("jitter %v must be shorter than the interval %v", c.jitter, c.interval)
	case c.maxAge < 0:
		return fmt.Errorf("max age must not be negative, got %v", c.maxAge)
	case c.maxAge > 0 && c.interval > 0 && c.maxAge <= c.interval+c.jitter+c.timeout:
		return fmt.Errorf("max age %v must be longer than interval + jitter + timeout (%v), or a healthy check would go stale between runs", c.maxAge, c.interval+c.jitter+c.timeout)
	case c.maxAge > 0 && c.interval == 0 && c.maxAge <= c.ttl+c.timeout:
		return fmt.Errorf("max age %v of an on-demand check must be longer than its ttl + timeout (%v), or a result would go stale while it is cached", c.maxAge, c.ttl+c.timeout)
	case c.failureThreshold < 1:
		return fmt.Errorf("failure threshold must be at least 1, got %d", c.failureThreshold)
	case c.successThreshold < 1:
		return fmt.Errorf("success threshold must be at least 1, got %d", c.successThreshold)
	case c.historySize < 1:
		return fmt.Errorf("history size must be at least 1, got %d", c.historySize)
	case c.failureThreshold > maxCount, c.successThreshold > maxCount, c.historySize > maxCount:
		return fmt.Errorf("thresholds and history size must be at most %d, got %d, %d and %d", maxCount, c.failureThreshold, c.successThreshold, c.historySize)
	}
	for _, g := range c.groups {
		if err := validateName("group", g); err != nil {
			return err
		}
	}
	return nil
}

// validateMode refuses the options that mean nothing for the check's mode,
// naming the option and saying why: a periodic check is made with
// Interval(d > 0) or by default, an on-demand one with OnDemand(ttl > 0).
func (c *checkConfig) validateMode() error {
	g := c.given
	switch {
	case g.intervalSet && g.onDemandSet && g.onDemandLast:
		return fmt.Errorf("OnDemand after Interval(%v): a check either runs on a schedule or when probed; give one of them", g.interval)
	case g.intervalSet && g.onDemandSet:
		return fmt.Errorf("Interval(%v) after OnDemand: a check either runs on a schedule or when probed; give one of them", c.interval)
	case g.intervalSet && c.interval == 0:
		return fmt.Errorf("Interval(0): an interval must be positive; use OnDemand(ttl) for a check that runs when probed")
	case c.interval < 0:
		return fmt.Errorf("Interval(%v): an interval must be positive", c.interval)
	case c.interval > 0 && c.interval < time.Millisecond:
		return fmt.Errorf("Interval(%v): an interval must be at least 1ms", c.interval)
	case g.onDemandSet && c.ttl <= 0:
		return fmt.Errorf("OnDemand(%v): the ttl must be positive; it is how long a probe's result is served to the next probes", c.ttl)
	case g.onDemandSet && g.initialDelay:
		return fmt.Errorf("InitialDelay(%v) on an on-demand check: it runs when probed, never on a schedule, so there is no first run to delay", c.initialDelay)
	case g.onDemandSet && g.jitter:
		return fmt.Errorf("Jitter(%v) on an on-demand check: it runs when probed, never on a schedule, so there are no runs to spread", c.jitter)
	case c.initialDelay < 0:
		return fmt.Errorf("InitialDelay(%v): the delay must not be negative", c.initialDelay)
	case c.jitter < 0:
		return fmt.Errorf("Jitter(%v): the jitter must not be negative", c.jitter)
	}
	return nil
}

// validateName rejects names that cannot be used in a URL path segment or a
// text format line, and names that hold a secret.
func validateName(kind, name string) error {
	if name == "" {
		return fmt.Errorf("%s name must not be empty", kind)
	}
	if len(name) > 200 {
		return fmt.Errorf("%s name is %d bytes long; the limit is 200", kind, len(name))
	}
	// Names are keys: paths, gRPC services, metric labels, log fields. Each
	// surface shows them as given, so one that redaction would change is
	// refused rather than shown differently, or in clear, on some of them.
	// The error quotes the name redacted, never as given.
	if shown := redact.String(name); shown != name {
		return fmt.Errorf("%s name %q holds a secret (shown redacted); names are shown as given on every surface", kind, shown)
	}
	if i := strings.IndexFunc(name, func(r rune) bool {
		return r == '/' || r == '?' || r == '#' || r == '%' || unicode.IsSpace(r) || unicode.IsControl(r) || r == unicode.ReplacementChar
	}); i >= 0 {
		return fmt.Errorf("%s name %q contains %q; names must not contain '/', '?', '#', '%%', spaces or control characters", kind, name, name[i:i+1])
	}
	return nil
}
