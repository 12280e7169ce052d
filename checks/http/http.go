package httpcheck

import (
	"bytes"
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/vitalsgo/vitals"
	"github.com/vitalsgo/vitals/checks/internal/report"
	"github.com/vitalsgo/vitals/internal/excerpt"
	"github.com/vitalsgo/vitals/internal/httpbody"
	"github.com/vitalsgo/vitals/internal/httpurl"
	"github.com/vitalsgo/vitals/redact"
)

// DefaultMaxBodyBytes caps how much of a body is read when
// [Options.MaxBodyBytes] is 0.
const DefaultMaxBodyBytes = 1 << 20

// Options configure [New]. A nil *Options means all defaults.
type Options struct {
	// Method is "GET" or "HEAD". Default "GET".
	Method string
	// Header is added to every request. A User-Agent here replaces the
	// default "vitals-healthcheck". Default none.
	Header http.Header
	// Status lists the expected status codes. Default any 2xx.
	Status []int

	// BodyContains, when set, must occur in the body (within the first
	// MaxBodyBytes). Not allowed with HEAD.
	BodyContains string
	// JSONPath, when set, names a field of the JSON body that must equal
	// JSONValue: dot-separated object keys, with decimal indexes for
	// arrays ("status", "details.db.status", "checks.0.status"). Not
	// allowed with HEAD.
	JSONPath string
	// JSONValue is what the JSONPath field must be: a string field
	// compared as is; a number, boolean or null by its JSON text ("42",
	// "true", "null").
	JSONValue string

	// MaxResponseTime reports StatusWarn when the response takes longer.
	// Default 0: never.
	MaxResponseTime time.Duration
	// MaxBodyBytes caps the bytes of a body read. A body that reaches the
	// cap is not read further; a JSONPath check then fails, since the
	// document is incomplete. Default [DefaultMaxBodyBytes].
	MaxBodyBytes int64

	// MaxRedirects is the most redirects followed. Default 10.
	MaxRedirects int
	// NoRedirects checks the first response as it is, even a 3xx; list
	// the 3xx code in Status to accept it. Default false.
	NoRedirects bool

	// InsecureSkipVerify turns off TLS certificate verification. Default
	// false. Not allowed with Client.
	InsecureSkipVerify bool
	// TLSConfig is the TLS configuration, e.g. for a private CA or client
	// certificates; it is cloned. Default the system roots. Not allowed
	// with Client.
	TLSConfig *tls.Config

	// Expect, when set, judges each response that met the conditions
	// above (Status, BodyContains, JSONPath): a non-nil error fails the
	// check, with the error's text, redacted, in the message. A slow
	// response it accepts still warns by MaxResponseTime. Concurrent runs
	// of Check call it concurrently. Default none.
	Expect func(*Response) error

	// KeepAlive, when positive, lets one connection of the check's own
	// client serve the runs of up to this long: it stays open between runs
	// (for at most KeepAlive idle) and is closed before the first run that
	// finds it older, so a new connection is still made, and proved, at
	// least every KeepAlive. A new connection costs the dial and, for
	// https, a TLS handshake: most of a run against a fast endpoint. Close
	// the Checker to close its idle connection. Default 0: a new connection
	// every run. Not allowed with Client.
	KeepAlive time.Duration

	// Client sends the requests instead of the check's own client,
	// e.g. to share its transport or to go through a proxy. The check uses
	// a shallow copy whose CheckRedirect follows MaxRedirects or
	// NoRedirects when either is set; otherwise the client's own redirect
	// policy applies. Default a client of the check's own without
	// keep-alive.
	Client *http.Client
}

// Response is one response as the check read it, for [Options.Expect].
type Response struct {
	Code   int         // the status code
	Header http.Header // the response's header
	// Body is the body as read: at most MaxBodyBytes, empty for HEAD.
	Body []byte
	// Truncated reports that the body reached MaxBodyBytes and was not
	// read further.
	Truncated bool
	// Latency is from sending the request until the body was read: the
	// check's observed value.
	Latency time.Duration
	// CertExpiry is the NotAfter of the server's leaf certificate, the
	// last server's after redirects; zero without TLS.
	CertExpiry time.Time
}

// Checker checks one HTTP endpoint.
type Checker struct {
	url      string // as given, for requests
	shown    string // redacted, for messages
	method   string
	header   http.Header
	status   []int
	contains []byte
	jsonPath []string
	jsonVal  string
	maxTime  time.Duration
	maxBody  int64
	expect   func(*Response) error
	client   *http.Client

	// keepAlive is Options.KeepAlive; with it, kept sends the requests,
	// and dialed is the time of the oldest connection still open of its
	// own transport (https, proxies), in unix ns (0: none since its idle
	// connections were last closed).
	keepAlive time.Duration
	kept      *kept
	dialed    atomic.Int64
}

var (
	_ vitals.Checker = (*Checker)(nil)
	_ io.Closer      = (*Checker)(nil)
)

// New returns a Checker for rawURL, an http or https URL. It returns an
// error, which never contains the URL's password, when the URL or an
// option is invalid.
func New(rawURL string, opts *Options) (*Checker, error) {
	var o Options
	if opts != nil {
		o = *opts
	}
	_, shown, err := httpurl.Parse("httpcheck", rawURL)
	if err != nil {
		return nil, err
	}
	if err := validate(&o); err != nil {
		return nil, fmt.Errorf("httpcheck: %w", err)
	}
	c := &Checker{
		url: rawURL, shown: shown, method: o.Method, header: o.Header.Clone(),
		status: slices.Clone(o.Status), contains: []byte(o.BodyContains), jsonVal: o.JSONValue,
		maxTime: o.MaxResponseTime, maxBody: o.MaxBodyBytes, expect: o.Expect, keepAlive: o.KeepAlive,
	}
	if o.JSONPath != "" {
		c.jsonPath = strings.Split(o.JSONPath, ".")
	}
	c.client = c.newClient(&o)
	return c, nil
}

func validate(o *Options) error {
	switch o.Method {
	case "":
		o.Method = http.MethodGet
	case http.MethodGet, http.MethodHead:
	default:
		return fmt.Errorf("method %q is not GET or HEAD", o.Method)
	}
	if o.Method == http.MethodHead && (o.BodyContains != "" || o.JSONPath != "") {
		return errors.New("HEAD has no body to match BodyContains or JSONPath against")
	}
	for _, s := range o.Status {
		if s < 100 || s > 599 {
			return fmt.Errorf("status %d is not an HTTP status code", s)
		}
	}
	if o.JSONValue != "" && o.JSONPath == "" {
		return errors.New("JSONValue needs a JSONPath")
	}
	if o.JSONPath != "" && slices.Contains(strings.Split(o.JSONPath, "."), "") {
		return fmt.Errorf("JSONPath %q has an empty segment", o.JSONPath)
	}
	switch {
	case o.MaxResponseTime < 0:
		return fmt.Errorf("negative MaxResponseTime %v", o.MaxResponseTime)
	case o.MaxBodyBytes < 0:
		return fmt.Errorf("negative MaxBodyBytes %d", o.MaxBodyBytes)
	case o.MaxRedirects < 0:
		return fmt.Errorf("negative MaxRedirects %d", o.MaxRedirects)
	case o.KeepAlive < 0:
		return fmt.Errorf("negative KeepAlive %v", o.KeepAlive)
	case o.Client != nil && (o.InsecureSkipVerify || o.TLSConfig != nil || o.KeepAlive > 0):
		return errors.New("InsecureSkipVerify, TLSConfig and KeepAlive cannot be used with Client: configure the client's transport")
	}
	if o.MaxBodyBytes == 0 {
		o.MaxBodyBytes = DefaultMaxBodyBytes
	}
	return nil
}

func (chk *Checker) newClient(o *Options) *http.Client {
	var c http.Client
	switch {
	case o.Client != nil:
		c = *o.Client
		if !o.NoRedirects && o.MaxRedirects == 0 {
			return &c
		}
	case o.KeepAlive > 0:
		own := *o
		own.TLSConfig = o.TLSConfig.Clone() // cloned now, as documented, though used later
		chk.keepAlive = o.KeepAlive
		// The plain-HTTP runs go over the kept connection, with the shared
		// transport's proxy settings and dialer (kept.go); the others
		// through a transport of the check's own, built when first needed.
		chk.kept = newKept(sharedVerifying(), o.KeepAlive, func() *http.Transport {
			t := newTransport(&own)
			t.DisableKeepAlives = false
			t.MaxIdleConnsPerHost = 1 // runs are one at a time
			t.IdleConnTimeout = own.KeepAlive
			dial := t.DialContext
			t.DialContext = func(ctx context.Context, network, addr string) (net.Conn, error) {
				conn, err := dial(ctx, network, addr)
				if err == nil {
					chk.dialed.CompareAndSwap(0, time.Now().UnixNano())
				}
				return conn, err
			}
			return t
		})
		c.Transport = chk.kept
	case o.TLSConfig != nil:
		c.Transport = &oneShot{newTransport(o)}
	case o.InsecureSkipVerify:
		c.Transport = sharedInsecure()
	default:
		c.Transport = sharedVerifying()
	}
	maxRedirects := o.MaxRedirects
	if maxRedirects == 0 {
		maxRedirects = 10
	}
	noRedirects := o.NoRedirects
	c.CheckRedirect = func(req *http.Request, via []*http.Request) error {
		if noRedirects {
			return http.ErrUseLastResponse
		}
		if len(via) > maxRedirects {
			return fmt.Errorf("stopped after %d redirects", maxRedirects)
		}
		return nil
	}
	return &c
}

// newTransport returns a transport of the check's own: without keep-alive
// (a new connection per run proves that new clients can connect, and no
// idle connection or goroutine outlives the run), with o's TLS settings.
func newTransport(o *Options) *http.Transport {
	t := http.DefaultTransport.(*http.Transport).Clone()
	t.DisableKeepAlives = true
	// No TCP keep-alive: a connection serves one run, or with KeepAlive
	// one every interval, so its probes would never be sent, and setting
	// them up costs system calls with every dial.
	t.DialContext = (&net.Dialer{Timeout: 30 * time.Second, KeepAlive: -1}).DialContext
	// A health response is small: the default 4 KiB buffers, allocated
	// anew with every connection, would mostly stay empty. A longer header
	// line or body still reads whole.
	t.ReadBufferSize, t.WriteBufferSize = bufferBytes, bufferBytes
	if o.TLSConfig != nil {
		t.TLSClientConfig = o.TLSConfig.Clone()
	} else {
		t.TLSClientConfig = &tls.Config{}
	}
	t.TLSClientConfig.InsecureSkipVerify = t.TLSClientConfig.InsecureSkipVerify || o.InsecureSkipVerify
	return t
}

// The transports of the checks with neither KeepAlive nor a TLSConfig:
// one without keep-alive holds nothing of a check's between runs, so
// checks can share it, and 10,000 targets do not hold 10,000 transports
// (about 2 KB each with their HTTP/2 setup; bench/cmd/servebench).
var (
	sharedVerifying = sync.OnceValue(func() *oneShot { return &oneShot{newTransport(&Options{})} })
	sharedInsecure  = sync.OnceValue(func() *oneShot { return &oneShot{newTransport(&Options{InsecureSkipVerify: true})} })
)

// bufferBytes is the size of each of a connection's read and write
// buffers.
const bufferBytes = 1 << 10

// Close closes the idle connection that [Options.KeepAlive] keeps, if any.
// A run after Close opens a new one.
func (c *Checker) Close() error {
	if c.kept != nil {
		c.kept.conn.close()
		c.closeTransport()
	}
	return nil
}

func (c *Checker) closeTransport() {
	if t := c.kept.own.Load(); t != nil {
		c.dialed.Store(0)
		t.CloseIdleConnections()
	}
}

// renew closes the transport's kept connections (https, or through a
// proxy) once the oldest is KeepAlive old, so that this run dials anew.
// The plain-HTTP connection ages on its own (kept.go).
func (c *Checker) renew(now time.Time) {
	if d := c.dialed.Load(); d != 0 && now.Sub(time.Unix(0, d)) >= c.keepAlive {
		c.closeTransport()
	}
}

// Check sends the request and judges the response.
func (c *Checker) Check(ctx context.Context) (out vitals.Result) {
	defer report.Took(&out, time.Now())
	if c.keepAlive > 0 {
		c.renew(time.Now())
	}
	d := map[string]any{"url": c.shown, "method": c.method}
	req, err := http.NewRequestWithContext(ctx, c.method, c.url, nil)
	if err != nil {
		// The monitor redacts the message and the error.
		return c.failErr(d, err, "%s %s: %v", c.method, c.shown, err)
	}
	req.Header.Set("User-Agent", "vitals-healthcheck")
	for k, vs := range c.header {
		req.Header[k] = slices.Clone(vs)
	}
	start := time.Now()
	resp, err := c.client.Do(req)
	if err != nil {
		d["response_ms"] = ms(time.Since(start))
		return c.failErr(d, err, "%s %s: %s", c.method, c.shown, httpurl.Cause(err))
	}
	// The run's deadline covers the body, also an upgraded connection's.
	defer boundBody(ctx, resp)()
	body, truncated, readErr := httpbody.ReadCapped(resp, c.maxBody)
	took := time.Since(start)
	d["status_code"] = resp.StatusCode
	d["response_ms"] = ms(took)
	d["bytes_read"] = len(body)
	if truncated {
		d["body_truncated"] = true
	}
	if final := resp.Request.URL.String(); final != c.url {
		d["final_url"] = redact.URL(final)
	}
	r := c.judge(resp, body, truncated, readErr, d)
	if r.Status == vitals.StatusPass && c.expect != nil {
		// Built only here: a check without Expect allocates nothing more.
		if err := c.expect(&Response{
			Code: resp.StatusCode, Header: resp.Header, Body: body, Truncated: truncated,
			Latency: took, CertExpiry: httpbody.CertExpiry(resp),
		}); err != nil {
			r = c.failErr(d, err, "%s %s: %s", c.method, c.shown, httpurl.Cause(err))
		}
	}
	if r.Status == vitals.StatusPass && c.maxTime > 0 && took > c.maxTime {
		r.Status = vitals.StatusWarn
		r.Message = fmt.Sprintf("%s %s: slow response: %v, over %v", c.method, c.shown, took.Round(time.Millisecond), c.maxTime)
	}
	if r.Status == vitals.StatusPass {
		r.Message = fmt.Sprintf("%s %s: %s in %v", c.method, c.shown, resp.Status, took.Round(time.Microsecond))
	}
	r.Observed, r.Unit = ms(took), "ms"
	return r
}

// judge checks status and body; a passing result has no message yet.
func (c *Checker) judge(resp *http.Response, body []byte, truncated bool, readErr error, d map[string]any) vitals.Result {
	if !c.statusOK(resp.StatusCode) {
		if len(body) > 0 {
			d["body_excerpt"] = excerpt.Of(body, excerptBytes)
		}
		return c.fail(d, "%s %s: status %s, want %s", c.method, c.shown, resp.Status, c.wantStatus())
	}
	if readErr != nil {
		return c.failErr(d, readErr, "%s %s: read body: %s", c.method, c.shown, httpurl.Cause(readErr))
	}
	if len(c.contains) > 0 && !bytes.Contains(body, c.contains) {
		where := ""
		if truncated {
			where = fmt.Sprintf(" in its first %d bytes", len(body))
		}
		d["body_excerpt"] = excerpt.Of(body, excerptBytes)
		return c.fail(d, "%s %s: the body does not contain %q%s", c.method, c.shown, c.contains, where)
	}
	if c.jsonPath != nil {
		if truncated {
			return c.fail(d, "%s %s: body reached the %d byte limit, cannot check JSON field %s", c.method, c.shown, c.maxBody, strings.Join(c.jsonPath, "."))
		}
		if err := matchJSON(body, c.jsonPath, c.jsonVal); err != nil {
			return c.failErr(d, err, "%s %s: %v", c.method, c.shown, err)
		}
	}
	return vitals.Result{Status: vitals.StatusPass, Details: d}
}

func (c *Checker) statusOK(code int) bool {
	if len(c.status) == 0 {
		return code >= 200 && code <= 299
	}
	return slices.Contains(c.status, code)
}

func (c *Checker) wantStatus() string {
	if len(c.status) == 0 {
		return "2xx"
	}
	s := make([]string, len(c.status))
	for i, v := range c.status {
		s[i] = fmt.Sprint(v)
	}
	return strings.Join(s, " or ")
}

func (c *Checker) fail(d map[string]any, format string, args ...any) vitals.Result {
	return vitals.Result{Status: vitals.StatusFail, Message: fmt.Sprintf(format, args...), Details: d}
}

func (c *Checker) failErr(d map[string]any, err error, format string, args ...any) vitals.Result {
	r := c.fail(d, format, args...)
	r.Err = err
	return r
}

// excerptBytes is the most of a body an excerpt shows, before "…".
const excerptBytes = 256

func ms(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }
