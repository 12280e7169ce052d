package libs

import (
	"context"
	"net/http"

	gosundheit "github.com/AppsFlyer/go-sundheit"
	"github.com/AppsFlyer/go-sundheit/checks"
	healthhttp "github.com/AppsFlyer/go-sundheit/http"
)

// newSundheit registers the checks with go-sundheit, which runs each check
// on its own goroutine and ticker: Periodic is its only mode.
func newSundheit(s Spec) (*Server, error) {
	h := gosundheit.New()
	fn := func(ctx context.Context) (any, error) { return nil, s.Check(ctx) }
	for i := range s.Checks {
		c := &checks.CustomCheck{CheckName: Name(i), CheckFunc: fn}
		err := h.RegisterCheck(c,
			gosundheit.ExecutionPeriod(s.Interval),
			gosundheit.InitialDelay(s.delay(i)),
			gosundheit.ExecutionTimeout(s.Timeout))
		if err != nil {
			h.DeregisterAll()
			return nil, err
		}
	}
	mux := http.NewServeMux()
	mux.Handle("/readyz", healthhttp.HandleHealthJSON(h))
	return &Server{Handler: mux, Close: h.DeregisterAll}, nil
}
