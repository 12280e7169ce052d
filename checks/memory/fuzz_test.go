package memory

import (
	"bytes"
	"fmt"
	"math"
	"os"
	"path"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// FuzzProcFiles feeds the same bytes to each parser of /proc and cgroup
// files, and checks each also reads back a well-formed file built from n:
// no wrapped sizes, no path that leaves the cgroup root.
func FuzzProcFiles(f *testing.F) {
	files, _ := filepath.Glob("testdata/*/proc/*")
	meminfo, _ := filepath.Glob("testdata/host/*")
	files = append(files, meminfo...)
	maxes, _ := filepath.Glob("testdata/*/cgroup/*/memory.max")
	for _, name := range append(files, maxes...) {
		if b, err := os.ReadFile(name); err == nil {
			f.Add(b, uint64(123456))
		}
	}
	// 2^54 kB is 2^64 bytes, which wrapped to 0; so did 2^52 pages.
	f.Add([]byte("Name:\tx\n"), uint64(1)<<54)
	f.Add([]byte("VmRSS:\t18014398509481984 kB\n"), uint64(1)<<52)
	f.Add([]byte("0::/../../etc\n"), uint64(0))
	f.Fuzz(func(t *testing.T, b []byte, n uint64) {
		fuzzStatus(t, b, n)
		fuzzStatm(t, b, n)
		fuzzCgroup(t, b)
		fuzzMax(t, b, n)
		fuzzMeminfo(t, b, n)
	})
}

func fuzzMeminfo(t *testing.T, b []byte, n uint64) {
	total, used, err := parseMeminfo(b)
	if err == nil && (total == 0 || used > total || total%1024 != 0) {
		t.Fatalf("parseMeminfo = %d, %d: used over total, or not whole kB", total, used)
	}
	if err != nil && (total != 0 || used != 0) {
		t.Fatalf("parseMeminfo = %d, %d, %v", total, used, err)
	}
	if n == 0 || n > math.MaxUint64/1024 {
		return
	}
	in := fmt.Appendf(nil, "MemTotal: %d kB\nMemAvailable: %d kB\n", n, n/4)
	if total, used, err := parseMeminfo(in); err != nil || total != n*1024 || used != (n-n/4)*1024 {
		t.Fatalf("meminfo of %d kB read as %d, %d, %v", n, total, used, err)
	}
}

func fuzzStatus(t *testing.T, b []byte, n uint64) {
	v, found, err := parseStatusRSS(b)
	switch {
	case !found && (err != nil || v != 0), err != nil && v != 0:
		t.Fatalf("parseStatusRSS = %d, %v, %v", v, found, err)
	case err == nil && v%1024 != 0:
		t.Fatalf("parseStatusRSS = %d bytes, not whole kB", v)
	}
	for line := range bytes.Lines(b) {
		if bytes.HasPrefix(line, []byte("VmRSS:")) {
			return // the first VmRSS line is b's
		}
	}
	in := fmt.Appendf(bytes.Clone(b), "\nVmRSS:\t%d kB\n", n)
	v, found, err = parseStatusRSS(in)
	overflow := n > math.MaxUint64/1024
	if !found || (err != nil) != overflow || err == nil && v != n*1024 {
		t.Fatalf("VmRSS of %d kB read as %d, %v, %v", n, v, found, err)
	}
}

func fuzzStatm(t *testing.T, b []byte, n uint64) {
	const page = 4096
	if v, err := parseStatm(b, page); err == nil && v%page != 0 || err != nil && v != 0 {
		t.Fatalf("parseStatm = %d, %v", v, err)
	}
	v, err := parseStatm(fmt.Appendf(nil, "%d %d 0 0 0 0 0\n", n/2, n), page)
	overflow := n > math.MaxUint64/page
	if (err != nil) != overflow || err == nil && v != n*page {
		t.Fatalf("%d resident pages read as %d, %v", n, v, err)
	}
}

func fuzzCgroup(t *testing.T, b []byte) {
	const root = "/sys/fs/cgroup"
	if p, ok := parseCgroupV2(b); ok {
		if !strings.HasPrefix(p, "/") || path.Clean(p) != p {
			t.Fatalf("parseCgroupV2 = %q, not a clean absolute path", p)
		}
		if file := filepath.Join(root, filepath.FromSlash(p), "memory.max"); !strings.HasPrefix(file, root+"/") {
			t.Fatalf("cgroup %q reads %s, outside %s", p, file, root)
		}
	}
	s, _, _ := strings.Cut(string(b), "\n")
	p, ok := parseCgroupV2([]byte("1:name=systemd:/x\n0::" + s + "\n"))
	if want := path.Clean("/" + s); !ok || p != want {
		t.Fatalf("cgroup %q read as %q, %v; want %q", s, p, ok, want)
	}
}

func fuzzMax(t *testing.T, b []byte, n uint64) {
	v, ok := parseMax(b)
	s := strings.TrimSpace(string(b))
	if ok && (v == 0 || s == "max") || !ok && v != 0 {
		t.Fatalf("parseMax(%q) = %d, %v", b, v, ok)
	}
	if ok {
		if w, err := strconv.ParseUint(s, 10, 64); err != nil || w != v {
			t.Fatalf("parseMax(%q) = %d", b, v)
		}
	}
	if v, ok := parseMax(strconv.AppendUint(nil, n, 10)); ok != (n > 0) || v != n && ok {
		t.Fatalf("memory.max %d read as %d, %v", n, v, ok)
	}
}
