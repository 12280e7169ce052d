package libs

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"time"
)

// Names lists the libraries a benchmark server can be built with, in the
// order reports show them. "bare" is the baseline: a net/http handler writing
// a fixed body, with no health library at all.
var Names = []string{"vitals", "alexliesenfeld", "hellofresh", "sundheit", "bare"}

// Mode is how a check is run.
type Mode string

const (
	// Periodic checks run in the background every Spec.Interval; a probe
	// reads the last result.
	Periodic Mode = "periodic"
	// OnDemand checks run when probed, their result cached for Spec.TTL.
	OnDemand Mode = "ondemand"
	// PerRequest checks run on every probe, with no cache.
	PerRequest Mode = "perrequest"
)

// ErrUnsupported is returned by New when a library cannot express the
// requested mode. Reports show such a combination as not expressible.
var ErrUnsupported = errors.New("not expressible with this library")

// Modes returns the modes lib can run checks in, the library's preferred
// one first.
func Modes(lib string) []Mode {
	switch lib {
	case "vitals", "alexliesenfeld":
		return []Mode{Periodic, OnDemand}
	case "hellofresh":
		return []Mode{PerRequest}
	case "sundheit":
		return []Mode{Periodic}
	}
	return nil
}

// Supports reports whether lib can run checks in mode.
func Supports(lib string, mode Mode) bool { return slices.Contains(Modes(lib), mode) }

// Spec is one benchmark configuration, the same for every library so that
// the comparison is fair: the same number of checks, the same check
// function, interval, TTL and timeout.
type Spec struct {
	Checks   int
	Check    func(ctx context.Context) error // called by every check
	Mode     Mode
	Interval time.Duration // Periodic
	TTL      time.Duration // OnDemand
	Timeout  time.Duration
	// Spread delays the first run of check i by i*Interval/Checks in the
	// peers, so that a large number of periodic checks runs at a steady
	// rate instead of all at once, every interval. vitals spreads the
	// timetable by itself and ignores it.
	Spread bool
	// Body is the fixed body the bare handler writes.
	Body []byte
}

// Server is a health endpoint built with one library.
type Server struct {
	// Handler answers the readiness probe with the library's full JSON
	// output (every check, with details where the library has them).
	Handler http.Handler
	// Close stops the library's background work.
	Close func()
}

// New registers s.Checks checks with lib and returns its endpoint.
func New(lib string, s Spec) (*Server, error) {
	if lib != "bare" && !Supports(lib, s.Mode) {
		return nil, fmt.Errorf("%s, mode %s: %w", lib, s.Mode, ErrUnsupported)
	}
	switch lib {
	case "vitals":
		return newVitals(s)
	case "alexliesenfeld":
		return newAlex(s)
	case "hellofresh":
		return newHelloFresh(s)
	case "sundheit":
		return newSundheit(s)
	case "bare":
		return newBare(s), nil
	}
	return nil, fmt.Errorf("unknown library %q (want one of %v)", lib, Names)
}

// Name returns the name of check i.
func Name(i int) string { return "check-" + strconv.Itoa(i) }

// delay returns check i's initial delay under s.
func (s Spec) delay(i int) time.Duration {
	if !s.Spread || s.Checks == 0 {
		return 0
	}
	return time.Duration(int64(s.Interval) * int64(i) / int64(s.Checks))
}

// BareBody returns a fixed JSON body listing n passing checks, about the
// size of a health library's answer for n checks.
func BareBody(n int) []byte {
	b := []byte(`{"status":"pass","checks":{`)
	for i := range n {
		if i > 0 {
			b = append(b, ',')
		}
		b = append(b, `"`+Name(i)+`":{"status":"pass"}`...)
	}
	return append(b, "}}\n"...)
}

func newBare(s Spec) *Server {
	body := s.Body
	if body == nil {
		body = BareBody(s.Checks)
	}
	// On a ServeMux, as every library's handler is: the ratio to bare is
	// then the library's cost, not the service's routing.
	mux := http.NewServeMux()
	mux.HandleFunc("/readyz", func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.Write(body)
	})
	return &Server{Handler: mux, Close: func() {}}
}
