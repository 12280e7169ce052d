package libs

import (
	"net/http"

	"github.com/alexliesenfeld/health"
)

func newAlex(s Spec) (*Server, error) {
	opts := []health.CheckerOption{health.WithDisabledAutostart(), health.WithTimeout(s.Timeout)}
	if s.Mode == OnDemand {
		opts = append(opts, health.WithCacheDuration(s.TTL))
	}
	for i := range s.Checks {
		c := health.Check{Name: Name(i), Check: s.Check, Timeout: s.Timeout}
		if s.Mode == Periodic {
			opts = append(opts, health.WithPeriodicCheck(s.Interval, s.delay(i), c))
		} else {
			opts = append(opts, health.WithCheck(c))
		}
	}
	checker := health.NewChecker(opts...)
	checker.Start()
	mux := http.NewServeMux()
	mux.Handle("/readyz", health.NewHandler(checker))
	return &Server{Handler: mux, Close: checker.Stop}, nil
}
