package libs

import (
	"net/http"

	health "github.com/hellofresh/health-go/v5"
)

// newHelloFresh registers the checks with health-go, which runs every check
// on every probe: it has no periodic checks and no cache, so PerRequest is
// its only mode.
func newHelloFresh(s Spec) (*Server, error) {
	h, err := health.New()
	if err != nil {
		return nil, err
	}
	for i := range s.Checks {
		if err := h.Register(health.Config{Name: Name(i), Timeout: s.Timeout, Check: s.Check}); err != nil {
			return nil, err
		}
	}
	mux := http.NewServeMux()
	mux.Handle("/readyz", h.Handler())
	return &Server{Handler: mux, Close: func() {}}, nil
}
