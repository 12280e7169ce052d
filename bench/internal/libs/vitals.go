package libs

import (
	"net/http"
	"time"

	"github.com/vitalsgo/vitals"
	"github.com/vitalsgo/vitals/vitalshttp"
)

func newVitals(s Spec) (*Server, error) {
	m := vitals.New(nil)
	check := vitals.CheckFunc(s.Check)
	for i := range s.Checks {
		opts := []vitals.CheckOption{vitals.Timeout(s.Timeout)}
		switch s.Mode {
		case Periodic:
			// No InitialDelay for Spread: vitals spreads the timetable of
			// checks registered together by itself (each gets a phase in its
			// interval after the first run), and an initial delay on top of
			// that would add a run in the first interval.
			opts = append(opts, vitals.Interval(s.Interval))
		case OnDemand:
			opts = append(opts, vitals.OnDemand(s.TTL))
		}
		if err := m.Add(Name(i), check, opts...); err != nil {
			m.Close()
			return nil, err
		}
	}
	if err := m.Start(); err != nil {
		m.Close()
		return nil, err
	}
	// PublicDetails: the peers show every check's details to any caller,
	// so vitals serves the same full output.
	h := vitalshttp.New(m, &vitalshttp.Options{PublicDetails: true})
	mux := http.NewServeMux()
	h.Install(mux)
	return &Server{Handler: mux, Close: func() { closeWithin(m, time.Second) }}, nil
}

// closeWithin closes m but gives up after d: a hung check keeps Close
// waiting, and the benchmark server exits anyway.
func closeWithin(m *vitals.Monitor, d time.Duration) {
	done := make(chan struct{})
	go func() { m.Close(); close(done) }()
	select {
	case <-done:
	case <-time.After(d):
	}
}
