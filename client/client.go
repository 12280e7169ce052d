package client

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"io"
	"net/http"
	"time"

	"github.com/vitalsgo/vitals/internal/httpbody"
	"github.com/vitalsgo/vitals/internal/httpurl"
)

// Defaults for [Options].
const (
	DefaultMaxBodyBytes = 1 << 20 // 1 MiB
	DefaultTimeout      = 10 * time.Second
)

// accept asks for vitals JSON first: it carries warnings and messages. A
// server that only speaks another format answers in it anyway.
const accept = "application/json, text/plain;q=0.5, */*;q=0.1"

// Options configure a [Client]. A nil *Options means all defaults.
type Options struct {
	// Header is sent with every request, e.g. an Accept asking for
	// application/health+json.
	Header http.Header
	// BearerToken, when set, is sent as "Authorization: Bearer <token>",
	// which vitals endpoints require before they show messages. It
	// replaces the Basic credentials of the URL's user info.
	BearerToken string
	// HTTPClient sends the requests. Default a client of the Client's
	// own; call [Client.Close] to release its idle connections.
	HTTPClient *http.Client
	// TLSConfig is the TLS configuration of the default HTTP client, e.g.
	// a private CA. It cannot be combined with HTTPClient.
	TLSConfig *tls.Config
	// InsecureSkipVerify turns off certificate verification of the
	// default HTTP client. It cannot be combined with HTTPClient.
	InsecureSkipVerify bool
	// Timeout bounds each request, body included. Default
	// [DefaultTimeout]; negative means none beyond the context's.
	Timeout time.Duration
	// MaxBodyBytes caps the bytes of a body that are read. Default
	// [DefaultMaxBodyBytes]. A longer body makes [Client.Check] return a
	// [*ParseError] wrapping [ErrBodyTooLarge].
	MaxBodyBytes int64
	// Path is joined to the URL's path, for a base URL and an endpoint
	// path kept apart as API clients keep them:
	// New("http://tabby:5000", &Options{Path: "/v1/health"}) reads
	// http://tabby:5000/v1/health.
	Path string
	// APIKey, when set, is sent as "X-API-Key: <key>", the header of APIs
	// such as TabbyAPI. Like every credential the client sends, it is
	// redacted from reports and errors in any encoding.
	APIKey string
	// EveryPoll makes [Client.Watch] send an Update for every poll, not
	// only when the state changes: for a loop that prints each tick.
	EveryPoll bool
}

// Client reads one health endpoint. It is safe for concurrent use.
type Client struct {
	url     string // as given, for requests
	shown   string // redacted, for reports and errors
	secrets secrets
	header  http.Header
	hc      *http.Client
	own     bool // hc was built here, so Close may close its connections
	timeout time.Duration
	maxBody int64
	every   bool // Watch sends every poll
}

// New returns a Client for the endpoint at rawURL, an http or https URL
// such as "http://127.0.0.1:8080/readyz". It returns an error, which never
// contains the URL's password, for an invalid URL or options.
func New(rawURL string, opts *Options) (*Client, error) {
	var o Options
	if opts != nil {
		o = *opts
	}
	u, shown, err := httpurl.Parse("client", rawURL)
	if err == nil && o.Path != "" {
		rawURL = u.JoinPath(o.Path).String()
		u, shown, err = httpurl.Parse("client", rawURL)
	}
	switch {
	case err != nil:
		return nil, err
	case o.MaxBodyBytes < 0:
		return nil, fmt.Errorf("client: negative MaxBodyBytes %d", o.MaxBodyBytes)
	case o.HTTPClient != nil && (o.TLSConfig != nil || o.InsecureSkipVerify):
		return nil, errors.New("client: TLSConfig and InsecureSkipVerify configure the default HTTP client; set them on the HTTPClient given instead")
	}
	c := &Client{url: rawURL, shown: shown, header: http.Header{}, hc: o.HTTPClient, timeout: o.Timeout, maxBody: o.MaxBodyBytes, every: o.EveryPoll}
	// Add canonicalizes keys, so {"accept": …} replaces the default Accept
	// rather than being sent beside it.
	for k, vs := range o.Header {
		for _, v := range vs {
			c.header.Add(k, v)
		}
	}
	if c.header.Get("Accept") == "" {
		c.header.Set("Accept", accept)
	}
	if c.header.Get("User-Agent") == "" {
		c.header.Set("User-Agent", "vitals-client")
	}
	if o.BearerToken != "" {
		c.header.Set("Authorization", "Bearer "+o.BearerToken)
	}
	if o.APIKey != "" {
		c.header.Set("X-API-Key", o.APIKey)
	}
	c.secrets = secretsOf(u, c.header)
	if c.timeout == 0 {
		c.timeout = DefaultTimeout
	}
	if c.maxBody == 0 {
		c.maxBody = DefaultMaxBodyBytes
	}
	if c.hc == nil {
		t := http.DefaultTransport.(*http.Transport).Clone()
		if o.TLSConfig != nil {
			t.TLSClientConfig = o.TLSConfig.Clone()
		}
		if o.InsecureSkipVerify {
			if t.TLSClientConfig == nil {
				t.TLSClientConfig = &tls.Config{}
			}
			t.TLSClientConfig.InsecureSkipVerify = true
		}
		c.hc, c.own = &http.Client{Transport: t, CheckRedirect: sameHost}, true
	}
	return c, nil
}

// maxRedirects is how many redirects the default HTTP client follows, as
// many as net/http's own default.
const maxRedirects = 10

// sameHost follows redirects only on the endpoint's own scheme and host,
// as Kubernetes probes do. A redirect elsewhere is usually a login page,
// whose 200 would read as healthy; it is answered with its 3xx instead,
// which [Client.Check] reports as an [*APIError].
func sameHost(req *http.Request, via []*http.Request) error {
	if len(via) >= maxRedirects {
		return fmt.Errorf("stopped after %d redirects", maxRedirects)
	}
	if req.URL.Scheme != via[0].URL.Scheme || req.URL.Host != via[0].URL.Host {
		return http.ErrUseLastResponse
	}
	return nil
}

// URL returns the endpoint's URL with its secrets redacted.
func (c *Client) URL() string { return c.shown }

// Close releases the idle connections of the Client's own HTTP client. A
// Client given an [Options.HTTPClient] leaves it alone. The Client stays
// usable.
func (c *Client) Close() {
	if c.own {
		c.hc.CloseIdleConnections()
	}
}

// Check requests the endpoint once and reads its answer with [Parse].
//
// An unhealthy endpoint is a Report, not an error: err is nil and the
// Report's Status says Fail. Errors are a [*RequestError] when no answer
// came (errors.Is(err, context.DeadlineExceeded) after a timeout), an
// [*APIError] for a code that is no health answer (a 404, a 401, …) and a
// [*ParseError] for a body that cannot be read; with the last two the
// Report is returned as well, its status taken from the HTTP code.
func (c *Client) Check(ctx context.Context) (*Report, error) {
	if c.timeout > 0 {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, c.timeout)
		defer cancel()
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, c.url, nil)
	if err != nil {
		return nil, &RequestError{URL: c.shown, Err: err, secrets: c.secrets}
	}
	// A copy per request: the header is shared by concurrent calls.
	req.Header = c.header.Clone()
	// net/http ignores a Host header; a virtual host is set on the request.
	if h := c.header.Get("Host"); h != "" {
		req.Host = h
	}
	start := time.Now()
	resp, err := c.hc.Do(req)
	if err != nil {
		return nil, &RequestError{URL: c.shown, Err: err, secrets: c.secrets}
	}
	// The deadline covers the body as well, also an upgraded connection's.
	defer httpbody.Bound(ctx, resp)()
	// Reading one byte past the cap tells a body at the cap from a longer
	// one; what lies beyond is never read. Closing the body early drops
	// the connection, so an endless body costs nothing more.
	body, err := io.ReadAll(io.LimitReader(resp.Body, c.maxBody+1))
	if err != nil {
		return nil, &RequestError{URL: c.shown, Err: err, secrets: c.secrets}
	}
	truncated := int64(len(body)) > c.maxBody
	if truncated {
		body = body[:c.maxBody]
	}
	var r *Report
	if truncated {
		r = &Report{Code: resp.StatusCode, ContentType: resp.Header.Get("Content-Type"), Body: body,
			Format: FormatBare, Status: statusFromCode(resp.StatusCode)}
		err = &ParseError{Format: formatOf(r.ContentType), Err: fmt.Errorf("%w (%d bytes)", ErrBodyTooLarge, c.maxBody)}
	} else {
		r, err = Parse(resp.StatusCode, resp.Header.Get("Content-Type"), body)
	}
	r.URL, r.Truncated, r.Time = c.shown, truncated, time.Now()
	r.Duration = r.Time.Sub(start)
	var (
		ae *APIError
		pe *ParseError
	)
	switch {
	case errors.As(err, &ae):
		ae.URL, ae.Body = c.shown, c.secrets.scrub(ae.Body)
	case errors.As(err, &pe):
		pe.URL, pe.secrets = c.shown, c.secrets
	}
	c.secrets.report(r)
	return r, err
}
