package checkers

import (
	"crypto/tls"
	"io"
	"net/http"
	"strings"
	"time"

	"github.com/vitalsgo/vitals"
	"github.com/vitalsgo/vitals/checks/disk"
	"github.com/vitalsgo/vitals/checks/dns"
	"github.com/vitalsgo/vitals/checks/goroutines"
	grpccheck "github.com/vitalsgo/vitals/checks/grpc"
	httpcheck "github.com/vitalsgo/vitals/checks/http"
	"github.com/vitalsgo/vitals/checks/memory"
	"github.com/vitalsgo/vitals/checks/remote"
	"github.com/vitalsgo/vitals/checks/tcp"
	tlscheck "github.com/vitalsgo/vitals/checks/tls"
	"github.com/vitalsgo/vitals/monitor/config"
	"github.com/vitalsgo/vitals/monitor/expect"
)

func buildHTTP(c *config.Check) (vitals.Checker, io.Closer, error) {
	p := c.Params
	chk, err := httpcheck.New(p.String("url"), &httpcheck.Options{
		Method:             strings.ToUpper(p.String("method")),
		Header:             header(p.Map("headers")),
		Status:             p.Ints("status"),
		BodyContains:       p.String("body_contains"),
		JSONPath:           p.String("json_path"),
		JSONValue:          p.String("json_value"),
		MaxResponseTime:    p.Duration("max_response_time"),
		MaxRedirects:       p.Int("max_redirects"),
		NoRedirects:        p.Bool("no_redirects"),
		InsecureSkipVerify: p.Bool("insecure"),
		Expect:             expectHTTP(c.Expect),
		KeepAlive:          keepAlive(p),
	})
	return Opened(c, "url", chk, err)
}

// DefaultKeepAlive is an http target's keep_alive when it is not set: a
// new connection every run, which proves that new clients can connect and
// whose latency includes the connect, as a new client's does. A kept
// connection saves a run the dial: 15–30 % of `vitals serve`'s CPU a
// probe at 10,000 targets every 10 s with keep_alive 1m, for 12–33 MB more
// RSS (bench/cmd/servebench -keep-alive; docs/benchmarks.md).
const DefaultKeepAlive time.Duration = 0

// keepAlive is the keep_alive field, or DefaultKeepAlive.
func keepAlive(p config.Params) time.Duration {
	if p.Has("keep_alive") {
		return p.Duration("keep_alive")
	}
	return DefaultKeepAlive
}

func buildHealth(c *config.Check) (vitals.Checker, io.Closer, error) {
	o := &remote.Options{Header: header(c.Params.Map("headers")), SubChecks: true}
	if list := c.Expect; len(list) > 0 {
		o.Expect = func(r *remote.Response) error {
			return list.Eval(&expect.Input{Code: r.Code, Latency: r.Latency, Header: r.Header, Body: r.Body,
				Truncated: r.Truncated, CertExpiry: r.CertExpiry, Status: r.Status.String()})
		}
	}
	chk, err := remote.New(c.Params.String("url"), o)
	return built(c, "url", chk, err)
}

// expectHTTP judges an http target's responses by its expect conditions.
func expectHTTP(list expect.List) func(*httpcheck.Response) error {
	if len(list) == 0 {
		return nil
	}
	return func(r *httpcheck.Response) error {
		return list.Eval(&expect.Input{Code: r.Code, Latency: r.Latency, Header: r.Header, Body: r.Body,
			Truncated: r.Truncated, CertExpiry: r.CertExpiry})
	}
}

// buildPush refuses: a push target is judged by the pushes `vitals serve`
// receives, and only the monitor receives them.
func buildPush(c *config.Check) (vitals.Checker, io.Closer, error) {
	return nil, nil, c.Errorf("type", "a push target runs only under 'vitals serve', which receives its pushes")
}

// header converts a headers field.
func header(m map[string]string) http.Header {
	if len(m) == 0 {
		return nil
	}
	hdr := http.Header{}
	for k, v := range m {
		hdr.Set(k, v)
	}
	return hdr
}

func buildRemote(c *config.Check) (vitals.Checker, io.Closer, error) {
	chk, err := remote.New(c.Params.String("url"), nil)
	return built(c, "url", chk, err)
}

func buildTCP(c *config.Check) (vitals.Checker, io.Closer, error) {
	chk, err := tcp.New(c.Params.String("address"), &tcp.Options{WarnAfter: c.Params.Duration("warn_after")})
	return built(c, "address", chk, err)
}

func buildDNS(c *config.Check) (vitals.Checker, io.Closer, error) {
	p := c.Params
	chk, err := dns.New(p.String("host"), &dns.Options{
		Network:    p.String("network"),
		MinResults: p.Int("min_results"),
		Expect:     p.Strings("expect"),
		WarnAfter:  p.Duration("warn_after"),
	})
	return built(c, "host", chk, err)
}

func buildTLS(c *config.Check) (vitals.Checker, io.Closer, error) {
	p := c.Params
	chk, err := tlscheck.New(p.String("address"), &tlscheck.Options{
		ServerName:         p.String("server_name"),
		InsecureSkipVerify: p.Bool("insecure"),
		WarnDays:           p.Int("warn_days"),
	})
	return built(c, "address", chk, err)
}

func buildGRPC(c *config.Check) (vitals.Checker, io.Closer, error) {
	p := c.Params
	opts := &grpccheck.Options{
		Service:  p.String("service"),
		Metadata: p.Map("metadata"),
		Insecure: p.Bool("plaintext"),
	}
	if p.Bool("insecure") {
		if opts.Insecure {
			return nil, nil, c.Errorf("insecure", "skips TLS verification, but plaintext turns TLS off: set one of them")
		}
		opts.TLSConfig = &tls.Config{InsecureSkipVerify: true} //nolint:gosec // the file asks for it
	}
	chk, err := grpccheck.Open(p.String("address"), opts)
	return Opened(c, "address", chk, err)
}

func buildDisk(c *config.Check) (vitals.Checker, io.Closer, error) {
	p := c.Params
	chk, err := disk.New(p.String("path"), &disk.Options{
		WarnFreePercent:       p.Float("warn_free_percent"),
		FailFreePercent:       p.Float("fail_free_percent"),
		WarnFreeBytes:         p.Bytes("warn_free_bytes"),
		FailFreeBytes:         p.Bytes("fail_free_bytes"),
		WarnFreeInodesPercent: p.Float("warn_free_inodes_percent"),
		FailFreeInodesPercent: p.Float("fail_free_inodes_percent"),
	})
	return built(c, "", chk, err)
}

func buildWritable(c *config.Check) (vitals.Checker, io.Closer, error) {
	chk, err := disk.Writable(c.Params.String("path"))
	return built(c, "path", chk, err)
}

func buildMemory(c *config.Check) (vitals.Checker, io.Closer, error) {
	p := c.Params
	chk, err := memory.New(&memory.Options{
		WarnRSSBytes:  p.Bytes("warn_rss_bytes"),
		FailRSSBytes:  p.Bytes("fail_rss_bytes"),
		WarnHeapBytes: p.Bytes("warn_heap_bytes"),
		FailHeapBytes: p.Bytes("fail_heap_bytes"),
		WarnPercent:   p.Float("warn_percent"),
		FailPercent:   p.Float("fail_percent"),
	})
	return built(c, "", chk, err)
}

func buildGoroutines(c *config.Check) (vitals.Checker, io.Closer, error) {
	chk, err := goroutines.New(&goroutines.Options{Warn: c.Params.Int("warn"), Fail: c.Params.Int("fail")})
	return built(c, "", chk, err)
}
