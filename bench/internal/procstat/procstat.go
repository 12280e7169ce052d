package procstat

import (
	"bytes"
	"errors"
	"fmt"
	"math"
	"os"
	"strconv"
	"strings"
	"sync"
	"time"
)

// clockTick is the unit of utime and stime in /proc/<pid>/stat. Linux fixes
// USER_HZ at 100 in its user-space ABI, whatever the kernel's HZ.
const clockTick = 10 * time.Millisecond

// Sample is one reading of a process.
type Sample struct {
	Time    time.Time
	CPU     time.Duration // user + system time consumed so far
	System  time.Duration // of CPU, the time in the kernel
	RSS     int64         // resident set size, bytes
	Threads int
}

// Read samples the process pid.
func Read(pid int) (Sample, error) {
	now := time.Now()
	stat, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return Sample{}, err
	}
	status, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return Sample{}, err
	}
	user, system, err := parseStat(stat)
	if err != nil {
		return Sample{}, err
	}
	rss, threads, err := ParseStatus(status)
	if err != nil {
		return Sample{}, err
	}
	return Sample{Time: now, CPU: user + system, System: system, RSS: rss, Threads: threads}, nil
}

// ParseStat returns utime+stime from the contents of /proc/<pid>/stat.
// The command name (field 2) is in parentheses and may itself hold spaces and
// parentheses, so fields are counted from the last ')'.
func ParseStat(b []byte) (time.Duration, error) {
	u, s, err := parseStat(b)
	return u + s, err
}

// parseStat returns utime and stime from /proc/<pid>/stat, as ParseStat
// reads them.
func parseStat(b []byte) (user, system time.Duration, err error) {
	i := bytes.LastIndexByte(b, ')')
	if i < 0 {
		return 0, 0, errors.New("procstat: stat: no command name")
	}
	// After ")": state(3) ppid(4) … utime(14) stime(15).
	f := strings.Fields(string(b[i+1:]))
	const utime, stime = 14 - 3, 15 - 3
	if len(f) <= stime {
		return 0, 0, fmt.Errorf("procstat: stat: %d fields after the command name", len(f))
	}
	u, err := ticks(f[utime])
	if err != nil {
		return 0, 0, fmt.Errorf("procstat: stat utime: %w", err)
	}
	s, err := ticks(f[stime])
	if err != nil {
		return 0, 0, fmt.Errorf("procstat: stat stime: %w", err)
	}
	if u > maxTicks-s {
		return 0, 0, fmt.Errorf("procstat: stat: utime %d + stime %d ticks overflow a duration", u, s)
	}
	return time.Duration(u) * clockTick, time.Duration(s) * clockTick, nil
}

// maxTicks is the most clock ticks a time.Duration holds; a larger count
// would wrap to a negative CPU time.
const maxTicks = int64(math.MaxInt64 / clockTick)

// ticks reads a count of clock ticks. The kernel writes them unsigned, so
// a sign is not /proc's, and neither is a count past what a Duration holds.
func ticks(s string) (int64, error) {
	n, err := strconv.ParseUint(s, 10, 63)
	if err != nil {
		return 0, err
	}
	if int64(n) > maxTicks {
		return 0, fmt.Errorf("%d ticks overflow a duration", n)
	}
	return int64(n), nil
}

// ParseStatus returns VmRSS (in bytes) and Threads from the contents of
// /proc/<pid>/status.
func ParseStatus(b []byte) (rss int64, threads int, err error) {
	var haveRSS, haveThreads bool
	for line := range strings.Lines(string(b)) {
		key, val, ok := strings.Cut(line, ":")
		if !ok {
			continue
		}
		val = strings.TrimSpace(val)
		switch key {
		case "VmRSS":
			kb, err := strconv.ParseUint(strings.TrimSpace(strings.TrimSuffix(val, "kB")), 10, 63)
			if err != nil {
				return 0, 0, fmt.Errorf("procstat: status VmRSS: %w", err)
			}
			if kb > math.MaxInt64/1024 {
				return 0, 0, fmt.Errorf("procstat: status VmRSS: %d kB overflows", kb)
			}
			rss, haveRSS = int64(kb)*1024, true
		case "Threads":
			n, err := strconv.ParseUint(val, 10, 31)
			if err != nil {
				return 0, 0, fmt.Errorf("procstat: status Threads: %w", err)
			}
			threads, haveThreads = int(n), true
		}
	}
	if !haveRSS || !haveThreads {
		return 0, 0, errors.New("procstat: status: VmRSS or Threads missing (process exited?)")
	}
	return rss, threads, nil
}

// CPUPercent is the CPU consumed between two samples as a percentage of one
// core over the wall time between them.
func CPUPercent(a, b Sample) float64 {
	wall := b.Time.Sub(a.Time)
	if wall <= 0 {
		return 0
	}
	return 100 * float64(b.CPU-a.CPU) / float64(wall)
}

// LoadAvg returns the first three fields of /proc/loadavg (the 1, 5 and
// 15 minute load averages, space-separated), or "" where there is none:
// the noise every measurement of a shared machine is reported with.
func LoadAvg() string {
	b, err := os.ReadFile("/proc/loadavg")
	if err != nil {
		return ""
	}
	f := strings.Fields(string(b))
	if len(f) < 3 {
		return ""
	}
	return strings.Join(f[:3], " ")
}

// Tail keeps the last Max bytes written to it: the end of a child
// process's output, for the error when it dies. It is safe for concurrent
// writes.
type Tail struct {
	Max int

	mu sync.Mutex // protects b
	b  []byte
}

func (t *Tail) Write(p []byte) (int, error) {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.b = append(t.b, p...)
	if len(t.b) > t.Max {
		t.b = t.b[len(t.b)-t.Max:]
	}
	return len(p), nil
}

// String returns what is kept, without surrounding space.
func (t *Tail) String() string {
	t.mu.Lock()
	defer t.mu.Unlock()
	return string(bytes.TrimSpace(t.b))
}
