package client_test

import (
	"context"
	"errors"
	"net/http"
	"testing"
	"time"

	"github.com/vitalsgo/vitals/client"
	"github.com/vitalsgo/vitals/internal/hostile"
)

// TestCheckEndsAtItsDeadline serves every never-ending answer and requires
// Check to end at its Timeout: the deadline covers the whole exchange, 1xx
// answers, the body and its trailers included. A 101 ends it at once, as
// an answer that is no health report.
func TestCheckEndsAtItsDeadline(t *testing.T) {
	hostile.Each(t, func(t *testing.T, s hostile.Shape, srv *hostile.Server) {
		c, err := client.New(srv.URL+"/readyz", &client.Options{Timeout: time.Second})
		if err != nil {
			t.Fatal(err)
		}
		defer c.Close()
		err = hostile.Within(t, hostile.Guard, func() error {
			_, err := c.Check(context.Background())
			return err
		})
		checkEnded(t, s, err)
		if srv.Accepted() == 0 {
			t.Error("the request never reached the server")
		}
	})
}

// checkEnded requires err to say why a never-ending answer ended: an
// APIError for a 101, the deadline for anything else.
func checkEnded(t *testing.T, s hostile.Shape, err error) {
	t.Helper()
	var ae *client.APIError
	switch {
	case s.Upgrade && (!errors.As(err, &ae) || ae.Code != http.StatusSwitchingProtocols):
		t.Errorf("err = %v, want an APIError for HTTP 101", err)
	case !s.Upgrade && !errors.Is(err, context.DeadlineExceeded):
		t.Errorf("err = %v, want context.DeadlineExceeded", err)
	}
}

// The deadline holds for a caller's own HTTP client too, and for a wait:
// WaitHealthy against a server that upgrades every request ends with its
// context.
func TestWaitHealthyEndsAgainstAnUpgrade(t *testing.T) {
	srv := hostile.Serve(t, hostile.Named("101 upgrade then silence"))
	hc := &http.Client{Transport: &http.Transport{DisableKeepAlives: true}}
	c, err := client.New(srv.URL+"/readyz", &client.Options{HTTPClient: hc, Timeout: -1})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), time.Second)
	defer cancel()
	err = hostile.Within(t, hostile.Guard, func() error {
		_, err := c.WaitHealthy(ctx, &client.WaitOptions{Backoff: func(int) time.Duration { return 10 * time.Millisecond }})
		return err
	})
	var ae *client.APIError
	if !errors.Is(err, context.DeadlineExceeded) || !errors.As(err, &ae) {
		t.Fatalf("err = %v, want the deadline and the last HTTP 101", err)
	}
}
