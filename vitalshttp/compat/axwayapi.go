package compat

import (
	"context"
	"errors"
	"fmt"
	"net"
	"strconv"

	"github.com/vitalsgo/vitals"
	"github.com/vitalsgo/vitals/client"
	"github.com/vitalsgo/vitals/internal/vocab"
)

// AxwayStatus is the result of a check in Axway's shape: Result "OK", or
// anything else ("FAIL") with Details saying why.
type AxwayStatus struct {
	Result  string
	Details string
}

// AxwayOK is the Result of a passing [AxwayStatus].
const AxwayOK = "OK"

// RegisterAxway adds to m a check in the shape of Axway's
// healthcheck.RegisterHealthcheck(name, endpoint, check): name is what
// /status shows (the check's description), endpoint the check's name and
// its path under [Axway]'s /status/{endpoint}, and check is called with
// name for each run. A nil status, or a Result other than "OK", fails with
// the Details as the message. opts are the check's other options (an
// interval, a timeout, groups).
func RegisterAxway(m *vitals.Monitor, name, endpoint string, check func(name string) *AxwayStatus, opts ...vitals.CheckOption) error {
	if check == nil {
		return errors.New("compat: RegisterAxway: nil check")
	}
	return m.Add(endpoint, vitals.ResultFunc(func(context.Context) vitals.Result {
		s := check(name)
		switch {
		case s == nil:
			return vitals.Failf("%s returned no status", name)
		case s.Result == AxwayOK:
			return vitals.Result{Status: vitals.StatusPass, Message: s.Details}
		case s.Details == "":
			return vitals.Failf("%s", s.Result)
		}
		return vitals.Failf("%s", s.Details)
	}), append([]vitals.CheckOption{vitals.Description(name)}, opts...)...)
}

// AxwayOutput returns the body of a status endpoint as it came, for a
// healthy and an unhealthy service alike, as Axway's
// GetHealthcheckOutput(url) does. The request is bounded by ctx and the
// client's defaults (10 s, 1 MiB); an endpoint that does not answer, or
// answers 401, 404 or another code that is no health report, is an error.
func AxwayOutput(ctx context.Context, url string) (string, error) {
	rep, err := read(ctx, url)
	if err != nil {
		return "", err
	}
	return string(rep.Body), nil
}

// AxwayQueryStatus asks the service listening on port of this host for its
// overall status, as Axway's QueryForStatus(port) does, and returns
// Axway's word for it ("OK", "FAIL"), or "" when nothing answers as a
// health endpoint.
func AxwayQueryStatus(ctx context.Context, port int) string {
	rep, err := read(ctx, "http://"+net.JoinHostPort("localhost", strconv.Itoa(port))+"/status")
	if err != nil {
		return ""
	}
	return vocab.Word(rep.Status, vocab.Axway)
}

func read(ctx context.Context, url string) (*client.Report, error) {
	c, err := client.New(url, nil)
	if err != nil {
		return nil, fmt.Errorf("compat: %w", err)
	}
	defer c.Close()
	return c.Check(ctx)
}
