package remote

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"time"

	"github.com/vitalsgo/vitals"
	httpcheck "github.com/vitalsgo/vitals/checks/http"
	"github.com/vitalsgo/vitals/checks/internal/report"
	"github.com/vitalsgo/vitals/client"
	"github.com/vitalsgo/vitals/internal/excerpt"
	"github.com/vitalsgo/vitals/internal/httpbody"
	"github.com/vitalsgo/vitals/internal/httpurl"
)

// DefaultMaxBodyBytes caps how much of a body is read when
// [Options.MaxBodyBytes] is 0.
const DefaultMaxBodyBytes = 64 << 10

// excerptBytes is the length of the body excerpt in Details.
const excerptBytes = 200

// Options configure [New]. A nil *Options means all defaults.
type Options struct {
	// Client sends the request. Default a client of the check's own
	// without keep-alive, verifying TLS certificates against the system
	// roots.
	Client *http.Client
	// Header is added to the request, e.g. an Authorization for a
	// detailed health report. Default none.
	Header http.Header
	// MaxBodyBytes caps the bytes of the body read. Default
	// [DefaultMaxBodyBytes].
	MaxBodyBytes int64
	// Expect, when set, judges each response read as a health report
	// whose remote status is pass or warn: a non-nil error fails the
	// check, with the error's text, redacted, in the message. A remote
	// fail fails the check with the remote's own reason, without Expect.
	// Concurrent runs of Check call it concurrently. Default none.
	Expect func(*Response) error
	// SubChecks lists every sub-check the endpoint reported in
	// Details["checks"], as a []client.Check (name, status, message),
	// passing ones too; a status page shows them as the target's children.
	// Default false: Details name only the failing ones.
	SubChecks bool
}

// Response is one response as the check read it, for [Options.Expect]:
// what httpcheck's Expect sees, and the remote status.
type Response struct {
	httpcheck.Response
	// Status is the remote status, as package client reads the body;
	// never [vitals.StatusFail] when Expect sees it.
	Status vitals.Status
}

// Checker checks a remote health endpoint.
type Checker struct {
	url     string
	shown   string // redacted, for messages
	header  http.Header
	maxBody int64
	expect  func(*Response) error
	subs    bool
	client  *http.Client
}

var _ vitals.Checker = (*Checker)(nil)

// New returns a Checker for rawURL, an http or https URL. It returns an
// error, which never contains the URL's password, when the URL or an
// option is invalid.
func New(rawURL string, opts *Options) (*Checker, error) {
	var o Options
	if opts != nil {
		o = *opts
	}
	_, shown, err := httpurl.Parse("remote", rawURL)
	switch {
	case err != nil:
		return nil, err
	case o.MaxBodyBytes < 0:
		return nil, fmt.Errorf("remote: negative MaxBodyBytes %d", o.MaxBodyBytes)
	}
	if o.MaxBodyBytes == 0 {
		o.MaxBodyBytes = DefaultMaxBodyBytes
	}
	if o.Client == nil {
		t := http.DefaultTransport.(*http.Transport).Clone()
		// No idle connection or goroutine outlives a run.
		t.DisableKeepAlives = true
		o.Client = &http.Client{Transport: t}
	}
	return &Checker{url: rawURL, shown: shown, header: o.Header.Clone(), maxBody: o.MaxBodyBytes, expect: o.Expect, subs: o.SubChecks, client: o.Client}, nil
}

// Check requests the endpoint.
func (c *Checker) Check(ctx context.Context) (out vitals.Result) {
	defer report.Took(&out, time.Now())
	d := map[string]any{"url": c.shown}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, c.url, nil)
	if err != nil {
		return failed(d, err, "GET %s: %s", c.shown, httpurl.Cause(err))
	}
	req.Header.Set("User-Agent", "vitals-healthcheck")
	req.Header.Set("Accept", "application/health+json, application/json;q=0.9, */*;q=0.5")
	for k, vs := range c.header {
		req.Header[k] = append([]string(nil), vs...)
	}
	start := time.Now()
	resp, err := c.client.Do(req)
	if err != nil {
		d["response_ms"] = ms(time.Since(start))
		return failed(d, err, "GET %s: %s", c.shown, httpurl.Cause(err))
	}
	// The run's deadline covers the body, also an upgraded connection's.
	defer httpbody.Bound(ctx, resp)()
	body, truncated, readErr := httpbody.ReadCapped(resp, c.maxBody)
	took := time.Since(start)
	d["status_code"] = resp.StatusCode
	d["response_ms"] = ms(took)
	if ex := excerpt.Of(body, excerptBytes); ex != "" {
		d["body_excerpt"] = ex
	}
	if readErr != nil {
		return failed(d, readErr, "GET %s: read body: %s", c.shown, httpurl.Cause(readErr))
	}
	r := c.judge(d, resp, body, took)
	if r.Status != vitals.StatusFail && c.expect != nil {
		// Built only here: a check without Expect allocates nothing more.
		err := c.expect(&Response{Response: httpcheck.Response{
			Code: resp.StatusCode, Header: resp.Header, Body: body, Truncated: truncated,
			Latency: took, CertExpiry: httpbody.CertExpiry(resp),
		}, Status: r.Status})
		if err != nil {
			r.Status, r.Err = vitals.StatusFail, err
			r.Message = fmt.Sprintf("GET %s: %s", c.shown, httpurl.Cause(err))
		}
	}
	return r
}

// judge reads the endpoint's answer as the client does, in any format it
// knows (vitals, IETF health+json, Kubernetes, Spring Boot, CHORUS, Axway,
// TabbyAPI, …): the remote status is the check's, its failing sub-checks
// and issues go to Details, and their count is the observed value.
func (c *Checker) judge(d map[string]any, resp *http.Response, body []byte, took time.Duration) vitals.Result {
	rep, err := client.Parse(resp.StatusCode, resp.Header.Get("Content-Type"), body)
	var apiErr *client.APIError
	switch {
	case errors.As(err, &apiErr):
		// 401, 404, …: the request never reached a health check.
		return failed(d, err, "GET %s: %s", c.shown, resp.Status)
	case err != nil:
		return failed(d, err, "GET %s: %s, but not a health report: %v", c.shown, resp.Status, err)
	}
	var failing []string
	for _, ch := range rep.Checks {
		if ch.Status != vitals.StatusPass {
			failing = append(failing, ch.Name+" "+ch.Status.String())
		}
	}
	if c.subs && len(rep.Checks) > 0 {
		d["checks"] = rep.Checks
	}
	d["remote_status"] = rep.Status.String()
	d["format"] = string(rep.Format)
	if len(failing) > 0 {
		d["failing"] = failing
	}
	if len(rep.Issues) > 0 {
		issues := make([]string, len(rep.Issues))
		for i, is := range rep.Issues {
			issues[i] = is.Description
		}
		d["issues"] = issues
	}
	r := vitals.Result{Status: rep.Status, Details: d, Observed: len(failing) + len(rep.Issues), Unit: "issues"}
	r.Message = fmt.Sprintf("GET %s: %s in %v", c.shown, resp.Status, took.Round(time.Microsecond))
	if rep.Status != vitals.StatusPass {
		r.Message += ", remote status " + rep.String()
	}
	return r
}

func failed(d map[string]any, err error, format string, args ...any) vitals.Result {
	return vitals.Result{Status: vitals.StatusFail, Message: fmt.Sprintf(format, args...), Err: err, Details: d}
}

func ms(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }
