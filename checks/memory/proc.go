package memory

import (
	"errors"
	"fmt"
	"math"
	"os"
	"path"
	"path/filepath"
	"strconv"
	"strings"
)

// readRSS reads the resident set size from procSelf/status, or from
// procSelf/statm when status has no VmRSS line.
func readRSS(procSelf string) (uint64, error) {
	if b, err := os.ReadFile(filepath.Join(procSelf, "status")); err == nil {
		if v, ok, err := parseStatusRSS(b); ok || err != nil {
			return v, err
		}
	}
	b, err := os.ReadFile(filepath.Join(procSelf, "statm"))
	if err != nil {
		return 0, fmt.Errorf("read rss: %w", err)
	}
	return parseStatm(b, uint64(os.Getpagesize()))
}

// parseStatusRSS finds "VmRSS:  1234 kB" in a /proc/<pid>/status file.
func parseStatusRSS(b []byte) (v uint64, found bool, err error) {
	// strings.Lines, not a bufio.Scanner: a line past the Scanner's limit
	// would end the search early, leaving VmRSS unread.
	for line := range strings.Lines(string(b)) {
		line = strings.TrimSuffix(line, "\n")
		rest, ok := strings.CutPrefix(line, "VmRSS:")
		if !ok {
			continue
		}
		v, err := kilobytes("VmRSS", rest, line)
		if err != nil {
			return 0, true, fmt.Errorf("read rss: %w", err)
		}
		return v, true, nil
	}
	return 0, false, nil
}

// kilobytes reads the value of a "Key:  1234 kB" line of a /proc file (rest
// is what follows the colon) in bytes.
func kilobytes(key, rest, line string) (uint64, error) {
	f := strings.Fields(rest)
	if len(f) != 2 || f[1] != "kB" {
		return 0, fmt.Errorf("malformed %s line %q", key, line)
	}
	kb, err := strconv.ParseUint(f[0], 10, 64)
	if err != nil {
		return 0, err
	}
	if kb > math.MaxUint64/1024 {
		return 0, fmt.Errorf("%s of %d kB overflows", key, kb)
	}
	return kb * 1024, nil
}

// parseStatm reads the resident pages, the second field of
// /proc/<pid>/statm.
func parseStatm(b []byte, pageSize uint64) (uint64, error) {
	f := strings.Fields(string(b))
	if len(f) < 2 {
		return 0, fmt.Errorf("read rss: malformed statm %q", b)
	}
	pages, err := strconv.ParseUint(f[1], 10, 64)
	if err != nil {
		return 0, fmt.Errorf("read rss: %w", err)
	}
	if pageSize > 0 && pages > math.MaxUint64/pageSize {
		return 0, fmt.Errorf("read rss: %d pages overflow", pages)
	}
	return pages * pageSize, nil
}

// cgroupLimit returns the process's cgroup v2 path and the memory limit in
// force for it: the smallest memory.max of the cgroup and its ancestors.
// A missing file, "max" or an unreadable value counts as no limit at that
// level; 0 means no limit anywhere.
func cgroupLimit(procSelf, root string) (cgroup string, limit uint64) {
	b, err := os.ReadFile(filepath.Join(procSelf, "cgroup"))
	if err != nil {
		return "", 0
	}
	cgroup, ok := parseCgroupV2(b)
	if !ok {
		return "", 0
	}
	// Walk up: a limit set on a parent (a systemd slice, a pod) binds the
	// cgroup too. Without a cgroup namespace the path may not exist under
	// root at all; its ancestors, down to root itself, are tried anyway.
	for p := cgroup; ; p = path.Dir(p) {
		if v, ok := readMax(filepath.Join(root, filepath.FromSlash(p), "memory.max")); ok && (limit == 0 || v < limit) {
			limit = v
		}
		if p == "/" || p == "." {
			break
		}
	}
	return cgroup, limit
}

// parseCgroupV2 returns the path of the unified hierarchy's "0::" line of
// a /proc/<pid>/cgroup file.
func parseCgroupV2(b []byte) (string, bool) {
	for line := range strings.Lines(string(b)) {
		if p, ok := strings.CutPrefix(strings.TrimRight(line, "\n"), "0::"); ok {
			if !strings.HasPrefix(p, "/") {
				p = "/" + p
			}
			return path.Clean(p), true
		}
	}
	return "", false
}

func readMax(file string) (uint64, bool) {
	b, err := os.ReadFile(file)
	if err != nil {
		return 0, false
	}
	return parseMax(b)
}

// parseMax reads a memory.max file: a byte count, or "max" for none.
func parseMax(b []byte) (uint64, bool) {
	s := strings.TrimSpace(string(b))
	if s == "max" {
		return 0, false
	}
	v, err := strconv.ParseUint(s, 10, 64)
	if err != nil || v == 0 {
		return 0, false
	}
	return v, true
}

// readMeminfo reads the machine's total memory and the memory in use
// (MemTotal − MemAvailable) from a /proc/meminfo file.
func readMeminfo(file string) (total, used uint64, err error) {
	b, err := os.ReadFile(file)
	if err != nil {
		return 0, 0, err
	}
	return parseMeminfo(b)
}

// parseMeminfo reads MemTotal and MemAvailable of a /proc/meminfo file, in
// bytes; used is their difference, 0 if MemAvailable exceeds MemTotal.
func parseMeminfo(b []byte) (total, used uint64, err error) {
	var avail uint64
	var haveTotal, haveAvail bool
	for line := range strings.Lines(string(b)) {
		line = strings.TrimSuffix(line, "\n")
		key, rest, _ := strings.Cut(line, ":")
		var dst *uint64
		switch key {
		case "MemTotal":
			dst, haveTotal = &total, true
		case "MemAvailable":
			dst, haveAvail = &avail, true
		default:
			continue
		}
		if *dst, err = kilobytes(key, rest, line); err != nil {
			return 0, 0, fmt.Errorf("read meminfo: %w", err)
		}
	}
	switch {
	case !haveTotal || !haveAvail:
		return 0, 0, errors.New("read meminfo: no MemTotal or no MemAvailable line (a kernel before 3.14?)")
	case total == 0:
		return 0, 0, errors.New("read meminfo: MemTotal is 0")
	}
	return total, total - min(avail, total), nil
}
