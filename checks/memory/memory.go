package memory

import (
	"context"
	"fmt"
	"runtime/metrics"
	"strings"
	"time"

	"github.com/vitalsgo/vitals"
	"github.com/vitalsgo/vitals/checks/internal/report"
)

// Default thresholds as a percentage of the cgroup limit, used when
// [Options] sets no threshold.
const (
	DefaultWarnPercent = 80
	DefaultFailPercent = 90
)

// Options configure [New]. A threshold is reached at or above its value;
// zero turns it off. When every threshold is zero (or Options is nil),
// WarnPercent and FailPercent default to [DefaultWarnPercent] and
// [DefaultFailPercent].
type Options struct {
	// WarnRSSBytes and FailRSSBytes bound the resident set size.
	WarnRSSBytes, FailRSSBytes uint64
	// WarnHeapBytes and FailHeapBytes bound the Go heap.
	WarnHeapBytes, FailHeapBytes uint64
	// WarnPercent and FailPercent bound the RSS as a percentage (0–100)
	// of the cgroup v2 memory limit. They apply only when a limit is set.
	WarnPercent, FailPercent float64
	// WarnHostPercent and FailHostPercent bound the machine's memory in
	// use (MemTotal − MemAvailable of /proc/meminfo) as a percentage
	// (0–100) of MemTotal: for a host without a cgroup limit, what
	// CHORUS's CreateMemoryCheck(0.85) means.
	WarnHostPercent, FailHostPercent float64

	// ProcSelf is the /proc directory of the process. Default
	// "/proc/self". For tests and unusual mounts.
	ProcSelf string
	// Meminfo is the machine's memory file. Default "/proc/meminfo". For
	// tests and unusual mounts.
	Meminfo string
	// CgroupRoot is where the cgroup v2 hierarchy is mounted. Default
	// "/sys/fs/cgroup". For tests and unusual mounts.
	CgroupRoot string
}

// Checker checks the process's memory use.
type Checker struct {
	o Options
}

var _ vitals.Checker = (*Checker)(nil)

// New returns a Checker. It returns an error when a percentage is outside
// 0–100 or a Fail threshold is below its Warn threshold.
func New(opts *Options) (*Checker, error) {
	var o Options
	if opts != nil {
		o = *opts
	}
	if o.WarnRSSBytes == 0 && o.FailRSSBytes == 0 && o.WarnHeapBytes == 0 && o.FailHeapBytes == 0 && o.WarnPercent == 0 && o.FailPercent == 0 &&
		o.WarnHostPercent == 0 && o.FailHostPercent == 0 {
		o.WarnPercent, o.FailPercent = DefaultWarnPercent, DefaultFailPercent
	}
	for _, p := range []float64{o.WarnPercent, o.FailPercent, o.WarnHostPercent, o.FailHostPercent} {
		if !(p >= 0 && p <= 100) {
			return nil, fmt.Errorf("memory: percentage %v is not between 0 and 100", p)
		}
	}
	switch {
	case o.WarnRSSBytes > 0 && o.FailRSSBytes > 0 && o.FailRSSBytes < o.WarnRSSBytes:
		return nil, fmt.Errorf("memory: FailRSSBytes %d is below WarnRSSBytes %d", o.FailRSSBytes, o.WarnRSSBytes)
	case o.WarnHeapBytes > 0 && o.FailHeapBytes > 0 && o.FailHeapBytes < o.WarnHeapBytes:
		return nil, fmt.Errorf("memory: FailHeapBytes %d is below WarnHeapBytes %d", o.FailHeapBytes, o.WarnHeapBytes)
	case o.WarnPercent > 0 && o.FailPercent > 0 && o.FailPercent < o.WarnPercent:
		return nil, fmt.Errorf("memory: FailPercent %v is below WarnPercent %v", o.FailPercent, o.WarnPercent)
	case o.WarnHostPercent > 0 && o.FailHostPercent > 0 && o.FailHostPercent < o.WarnHostPercent:
		return nil, fmt.Errorf("memory: FailHostPercent %v is below WarnHostPercent %v", o.FailHostPercent, o.WarnHostPercent)
	}
	if o.Meminfo == "" {
		o.Meminfo = "/proc/meminfo"
	}
	if o.ProcSelf == "" {
		o.ProcSelf = "/proc/self"
	}
	if o.CgroupRoot == "" {
		o.CgroupRoot = "/sys/fs/cgroup"
	}
	return &Checker{o: o}, nil
}

// Check samples the process's memory and compares it with the thresholds.
// It reads a few small files from /proc and /sys, which never block.
func (c *Checker) Check(context.Context) (out vitals.Result) {
	defer report.Took(&out, time.Now())
	s := c.sample()
	return evaluate(s, &c.o)
}

// sample is one reading of the process's memory.
type sample struct {
	rss    uint64
	rssErr error
	heap   uint64
	limit  uint64 // 0: no limit found
	cgroup string // cgroup v2 path, "" if unknown

	hostTotal, hostUsed uint64 // read only with a host threshold
	hostErr             error
}

func (c *Checker) sample() sample {
	var s sample
	s.rss, s.rssErr = readRSS(c.o.ProcSelf)
	s.cgroup, s.limit = cgroupLimit(c.o.ProcSelf, c.o.CgroupRoot)
	if c.o.WarnHostPercent > 0 || c.o.FailHostPercent > 0 {
		s.hostTotal, s.hostUsed, s.hostErr = readMeminfo(c.o.Meminfo)
	}
	m := []metrics.Sample{{Name: "/memory/classes/heap/objects:bytes"}}
	metrics.Read(m)
	if m[0].Value.Kind() == metrics.KindUint64 {
		s.heap = m[0].Value.Uint64()
	}
	return s
}

func evaluate(s sample, o *Options) vitals.Result {
	d := map[string]any{"heap_bytes": s.heap}
	r := vitals.Result{Status: vitals.StatusPass, Details: d}
	parts := []string{"heap " + report.Bytes(s.heap)}
	if s.cgroup != "" {
		d["cgroup"] = s.cgroup
	}
	var pct float64
	if s.rssErr == nil {
		d["rss_bytes"] = s.rss
		r.Observed, r.Unit = s.rss, "bytes"
		parts = append([]string{"rss " + report.Bytes(s.rss)}, parts...)
	} else {
		d["rss_error"] = s.rssErr.Error()
	}
	if s.limit > 0 {
		d["limit_bytes"] = s.limit
		parts = append(parts, "limit "+report.Bytes(s.limit))
		if s.rssErr == nil {
			pct = float64(s.rss) / float64(s.limit) * 100
			d["rss_percent"] = float64(int64(pct*100+0.5)) / 100
			parts[0] += fmt.Sprintf(" (%.1f%% of the limit)", pct)
		}
	}
	var hostPct float64
	if s.hostTotal > 0 {
		hostPct = float64(s.hostUsed) / float64(s.hostTotal) * 100
		d["host_used_bytes"], d["host_total_bytes"] = s.hostUsed, s.hostTotal
		d["host_used_percent"] = float64(int64(hostPct*100+0.5)) / 100
		parts = append(parts, fmt.Sprintf("host %s of %s in use (%.1f%%)", report.Bytes(s.hostUsed), report.Bytes(s.hostTotal), hostPct))
	}
	summary := strings.Join(parts, ", ")
	if s.hostErr != nil {
		r.Status, r.Err = vitals.StatusFail, s.hostErr
		r.Message = "cannot read the machine's memory: " + s.hostErr.Error()
		return r
	}
	needRSS := o.WarnRSSBytes > 0 || o.FailRSSBytes > 0 || (s.limit > 0 && (o.WarnPercent > 0 || o.FailPercent > 0))
	if s.rssErr != nil && needRSS {
		r.Status, r.Err = vitals.StatusFail, s.rssErr
		r.Message = "cannot read the resident set size: " + s.rssErr.Error()
		return r
	}
	over := func(rss, heap uint64, percent, host float64) []string {
		var why []string
		if rss > 0 && s.rssErr == nil && s.rss >= rss {
			why = append(why, "rss at or above "+report.Bytes(rss))
		}
		if heap > 0 && s.heap >= heap {
			why = append(why, "heap at or above "+report.Bytes(heap))
		}
		if percent > 0 && s.limit > 0 && s.rssErr == nil && pct >= percent {
			why = append(why, fmt.Sprintf("rss at or above %v%% of the limit", percent))
		}
		if host > 0 && s.hostTotal > 0 && hostPct >= host {
			why = append(why, fmt.Sprintf("host memory at or above %v%%", host))
		}
		return why
	}
	r.Message = summary
	if why := over(o.FailRSSBytes, o.FailHeapBytes, o.FailPercent, o.FailHostPercent); len(why) > 0 {
		r.Status, r.Message = vitals.StatusFail, summary+"; "+strings.Join(why, ", ")
	} else if why := over(o.WarnRSSBytes, o.WarnHeapBytes, o.WarnPercent, o.WarnHostPercent); len(why) > 0 {
		r.Status, r.Message = vitals.StatusWarn, summary+"; "+strings.Join(why, ", ")
	}
	return r
}
