package main

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"io"
	"os"
	"os/exec"
	"slices"
	"strconv"
	"strings"
)

// inits is where the start-up before main goes: each package's init time,
// the median over the runs.
type inits struct {
	Runs     int       `json:"runs"`
	Packages int       `json:"packages"`
	TotalMs  float64   `json:"total_ms"` // the sum of the medians
	Top      []pkgInit `json:"top"`
}

type pkgInit struct {
	Package string  `json:"package"`
	Ms      float64 `json:"ms"`
	Allocs  int     `json:"allocs"`
}

// topInits is how many packages the report lists.
const topInits = 15

// initTrace runs `GODEBUG=inittrace=1 bin version` n times.
func initTrace(ctx context.Context, bin string, n int) (*inits, error) {
	ms := map[string][]float64{}
	allocs := map[string]int{}
	for range n {
		cmd := exec.CommandContext(ctx, bin, "version")
		cmd.Env = append(os.Environ(), "GODEBUG=inittrace=1")
		var stderr bytes.Buffer
		cmd.Stderr = &stderr
		if err := cmd.Run(); err != nil {
			return nil, fmt.Errorf("%s version: %w", bin, err)
		}
		if err := parseInitTrace(&stderr, func(pkg string, d float64, a int) {
			ms[pkg] = append(ms[pkg], d)
			allocs[pkg] = a
		}); err != nil {
			return nil, err
		}
	}
	res := &inits{Runs: n, Packages: len(ms)}
	for pkg, ds := range ms {
		m := median(ds)
		res.TotalMs += m
		res.Top = append(res.Top, pkgInit{Package: pkg, Ms: m, Allocs: allocs[pkg]})
	}
	slices.SortFunc(res.Top, func(a, b pkgInit) int {
		if a.Ms != b.Ms {
			if a.Ms > b.Ms {
				return -1
			}
			return 1
		}
		return strings.Compare(a.Package, b.Package)
	})
	if len(res.Top) > topInits {
		res.Top = res.Top[:topInits]
	}
	return res, nil
}

// parseInitTrace calls f for every line the runtime writes for
// GODEBUG=inittrace=1:
//
//	init internal/bytealg @0.008 ms, 0 ms clock, 0 bytes, 0 allocs
func parseInitTrace(r io.Reader, f func(pkg string, ms float64, allocs int)) error {
	sc := bufio.NewScanner(r)
	for sc.Scan() {
		fld := strings.Fields(sc.Text())
		if len(fld) != 11 || fld[0] != "init" || fld[6] != "clock," {
			continue
		}
		ms, err := strconv.ParseFloat(fld[4], 64)
		if err != nil {
			return fmt.Errorf("inittrace line %q: %w", sc.Text(), err)
		}
		allocs, err := strconv.Atoi(fld[9])
		if err != nil {
			return fmt.Errorf("inittrace line %q: %w", sc.Text(), err)
		}
		f(fld[1], ms, allocs)
	}
	return sc.Err()
}

func (in *inits) print(w io.Writer) {
	fmt.Fprintf(w, "\npackage init (GODEBUG=inittrace=1 vitals version, median of %d runs): %.1f ms over %d packages; the most:\n\n", in.Runs, in.TotalMs, in.Packages)
	fmt.Fprintln(w, "| package | ms | allocs |\n|---|---|---|")
	for _, p := range in.Top {
		fmt.Fprintf(w, "| %s | %.2f | %d |\n", p.Package, p.Ms, p.Allocs)
	}
}
