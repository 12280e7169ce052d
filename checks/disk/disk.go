package disk

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/vitalsgo/vitals"
	"github.com/vitalsgo/vitals/checks/internal/report"
)

// Default thresholds, used when [Options] sets none.
const (
	DefaultWarnFreePercent = 10
	DefaultFailFreePercent = 5
)

// Options configure [New]. Every threshold is a lower bound on what is
// free: the check warns or fails when less is free. Zero turns a threshold
// off, but when all are zero (or Options is nil) the defaults apply: warn
// under [DefaultWarnFreePercent] and fail under [DefaultFailFreePercent]
// free, for space and for inodes.
type Options struct {
	// WarnFreePercent and FailFreePercent bound the available space as a
	// percentage (0–100) of the file system's size.
	WarnFreePercent, FailFreePercent float64
	// WarnFreeBytes and FailFreeBytes bound the available space in bytes.
	WarnFreeBytes, FailFreeBytes uint64
	// WarnFreeInodesPercent and FailFreeInodesPercent bound the free
	// inodes as a percentage (0–100). File systems without a fixed number
	// of inodes (btrfs, some network file systems report none) skip them.
	WarnFreeInodesPercent, FailFreeInodesPercent float64
}

// usage is what statfs reports, in bytes and inodes.
type usage struct {
	total, avail uint64 // avail: free to unprivileged users
	files, ffree uint64
}

// Checker checks the free space and inodes of the file system at a path.
type Checker struct {
	path string
	o    Options
	g    guard
}

var _ vitals.Checker = (*Checker)(nil)

// New returns a Checker for the file system holding path. It returns an
// error when path is empty, a percentage is outside 0–100, or a Fail
// threshold is above its Warn threshold.
func New(path string, opts *Options) (*Checker, error) {
	if path == "" {
		return nil, errors.New("disk: path is empty")
	}
	var o Options
	if opts != nil {
		o = *opts
	}
	if o == (Options{}) {
		o = Options{
			WarnFreePercent: DefaultWarnFreePercent, FailFreePercent: DefaultFailFreePercent,
			WarnFreeInodesPercent: DefaultWarnFreePercent, FailFreeInodesPercent: DefaultFailFreePercent,
		}
	}
	for _, p := range []struct {
		name string
		v    float64
	}{
		{"WarnFreePercent", o.WarnFreePercent}, {"FailFreePercent", o.FailFreePercent},
		{"WarnFreeInodesPercent", o.WarnFreeInodesPercent}, {"FailFreeInodesPercent", o.FailFreeInodesPercent},
	} {
		if !(p.v >= 0 && p.v <= 100) { // also rejects NaN
			return nil, fmt.Errorf("disk: %s %v is not a percentage between 0 and 100", p.name, p.v)
		}
	}
	switch {
	case o.WarnFreePercent > 0 && o.FailFreePercent > o.WarnFreePercent:
		return nil, fmt.Errorf("disk: FailFreePercent %v is above WarnFreePercent %v", o.FailFreePercent, o.WarnFreePercent)
	case o.WarnFreeBytes > 0 && o.FailFreeBytes > o.WarnFreeBytes:
		return nil, fmt.Errorf("disk: FailFreeBytes %d is above WarnFreeBytes %d", o.FailFreeBytes, o.WarnFreeBytes)
	case o.WarnFreeInodesPercent > 0 && o.FailFreeInodesPercent > o.WarnFreeInodesPercent:
		return nil, fmt.Errorf("disk: FailFreeInodesPercent %v is above WarnFreeInodesPercent %v", o.FailFreeInodesPercent, o.WarnFreeInodesPercent)
	}
	return &Checker{path: path, o: o}, nil
}

// Check reads the file system's usage and compares it with the thresholds.
func (c *Checker) Check(ctx context.Context) (out vitals.Result) {
	defer report.Took(&out, time.Now())
	return c.g.run(ctx, "disk "+c.path, func() vitals.Result {
		u, err := statfs(c.path)
		if err != nil {
			return vitals.Failf("disk %s: %w", c.path, err)
		}
		return evaluate(c.path, u, &c.o)
	})
}

// evaluate judges u against the thresholds of o.
func evaluate(path string, u usage, o *Options) vitals.Result {
	freePct := percent(u.avail, u.total)
	d := map[string]any{
		"path":         path,
		"total_bytes":  u.total,
		"free_bytes":   u.avail,
		"free_percent": round2(freePct),
	}
	hasInodes := u.files > 0
	inodePct := percent(u.ffree, u.files)
	if hasInodes {
		d["inodes_total"], d["inodes_free"], d["inodes_free_percent"] = u.files, u.ffree, round2(inodePct)
	}
	r := vitals.Result{Status: vitals.StatusPass, Details: d, Observed: u.avail, Unit: "bytes"}
	summary := fmt.Sprintf("%s: %s free of %s (%.1f%%)", path, report.Bytes(u.avail), report.Bytes(u.total), freePct)
	if hasInodes {
		summary += fmt.Sprintf(", %.1f%% inodes free", inodePct)
	}

	below := func(pct, wantPct float64, bytes, wantBytes uint64, ipct, wantIPct float64) []string {
		var why []string
		if wantPct > 0 && pct < wantPct {
			why = append(why, fmt.Sprintf("space under %v%%", wantPct))
		}
		if wantBytes > 0 && bytes < wantBytes {
			why = append(why, "space under "+report.Bytes(wantBytes))
		}
		if hasInodes && wantIPct > 0 && ipct < wantIPct {
			why = append(why, fmt.Sprintf("inodes under %v%%", wantIPct))
		}
		return why
	}
	if why := below(freePct, o.FailFreePercent, u.avail, o.FailFreeBytes, inodePct, o.FailFreeInodesPercent); len(why) > 0 {
		r.Status, r.Message = vitals.StatusFail, summary+"; "+strings.Join(why, ", ")
		return r
	}
	if why := below(freePct, o.WarnFreePercent, u.avail, o.WarnFreeBytes, inodePct, o.WarnFreeInodesPercent); len(why) > 0 {
		r.Status, r.Message = vitals.StatusWarn, summary+"; "+strings.Join(why, ", ")
		return r
	}
	r.Message = summary
	return r
}

func percent(part, whole uint64) float64 {
	if whole == 0 {
		return 0
	}
	return float64(part) / float64(whole) * 100
}

func round2(f float64) float64 { return float64(int64(f*100+0.5)) / 100 }
