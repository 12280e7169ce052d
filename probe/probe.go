package probe

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/vitalsgo/vitals/client"
	"github.com/vitalsgo/vitals/internal/reason"
	"github.com/vitalsgo/vitals/redact"
)

// Defaults for [Options]. DefaultTimeout is under the --timeout=3s that
// HEALTHCHECK lines usually set: Docker kills a probe at its --timeout and
// keeps no reason, while a probe that gives up first says why. A loopback
// request for a cached snapshot answers in well under a millisecond.
const (
	DefaultPath    = "/readyz"
	DefaultTimeout = 2 * time.Second
)

// Exit codes of [Run]. Docker reserves 2, so a probe that cannot even be
// set up exits 1 as well: to Docker, a healthcheck that cannot run is a
// failing one.
const (
	ExitHealthy   = 0
	ExitUnhealthy = 1
)

// ErrUnhealthy is wrapped by the error of [Check] when the endpoint
// answered with a status other than pass or warn.
var ErrUnhealthy = errors.New("unhealthy")

// Options configure a self-probe. A nil *Options means all defaults.
type Options struct {
	// Path is requested when the address carries none. Default
	// [DefaultPath]: Docker's healthy state gates "depends_on:
	// condition: service_healthy", which asks whether the service can take
	// traffic. Use "/livez" where an unhealthy container is restarted
	// (Docker Swarm) and a failing dependency should not restart it.
	Path string
	// HTTPS probes with https instead of http.
	HTTPS bool
	// TLSConfig configures https. A loopback address rarely matches the
	// service's certificate: set ServerName to a name it holds, or
	// InsecureSkipVerify.
	TLSConfig *tls.Config
	// Header is sent with the request.
	Header http.Header
	// BearerToken is sent as "Authorization: Bearer <token>". The probe
	// needs none: statuses are public; the token only adds the reason
	// to the line a failed probe prints.
	BearerToken string
	// Timeout bounds the probe. Default [DefaultTimeout]; keep it under
	// the HEALTHCHECK --timeout (30s when the line sets none) and under an
	// exec probe's timeoutSeconds in Kubernetes.
	Timeout time.Duration
	// Output receives the one line [Run] writes when the probe fails.
	// Default os.Stderr.
	Output io.Writer
}

func (o *Options) orDefaults() Options {
	var d Options
	if o != nil {
		d = *o
	}
	if d.Path == "" {
		d.Path = DefaultPath
	}
	if !strings.HasPrefix(d.Path, "/") {
		d.Path = "/" + d.Path
	}
	if d.Timeout <= 0 {
		d.Timeout = DefaultTimeout
	}
	if d.Output == nil {
		d.Output = os.Stderr
	}
	return d
}

// URL returns the URL a probe of addr requests. addr is what the service
// listens on — ":8080", "0.0.0.0:8080", "[::]:8080", "8080",
// "localhost:8080", "10.0.0.5:8080" — or a full http(s) URL, used as it
// stands apart from an empty path becoming [Options.Path]. A listener on
// every interface is probed on loopback ("127.0.0.1", or "::1" for "::"),
// which needs no DNS and reaches the process itself; a named host or
// address is probed as given.
func URL(addr string, opts *Options) (string, error) {
	o := opts.orDefaults()
	if strings.HasPrefix(addr, "http://") || strings.HasPrefix(addr, "https://") {
		scheme, rest, _ := strings.Cut(addr, "://")
		if !strings.ContainsAny(rest, "/?#") {
			return scheme + "://" + rest + o.Path, nil
		}
		return addr, nil
	}
	if _, err := strconv.ParseUint(addr, 10, 16); err == nil {
		addr = ":" + addr
	}
	host, port, err := net.SplitHostPort(addr)
	if _, perr := strconv.ParseUint(port, 10, 16); err != nil || perr != nil || strings.ContainsAny(host, "@/?#") {
		return "", fmt.Errorf("probe: address %q: want host:port, :port or a URL", showAddr(addr))
	}
	switch host {
	case "", "0.0.0.0":
		host = "127.0.0.1"
	case "::":
		host = "::1"
	}
	scheme := "http"
	if o.HTTPS {
		scheme = "https"
	}
	return scheme + "://" + net.JoinHostPort(host, port) + o.Path, nil
}

// Check probes the health endpoint at addr (see [URL]) once. It returns nil
// when the endpoint answers pass or warn, an error wrapping [ErrUnhealthy]
// when it answers anything else, and the client's error (a
// [*client.RequestError] when nothing answered, a [*client.APIError] for
// a 404 or 401) otherwise. The error is one line, with secrets redacted.
func Check(ctx context.Context, addr string, opts *Options) error {
	o := opts.orDefaults()
	u, err := URL(addr, &o)
	if err != nil {
		return err
	}
	c, err := client.New(u, &client.Options{
		Header: o.Header, BearerToken: o.BearerToken, TLSConfig: o.TLSConfig, Timeout: o.Timeout,
	})
	if err != nil {
		return err
	}
	defer c.Close()
	r, err := c.Check(ctx)
	switch {
	case err != nil:
		return err
	case !r.OK():
		return fmt.Errorf("%s: %s: %w", c.URL(), r, ErrUnhealthy)
	}
	return nil
}

// Run is a healthcheck subcommand: it probes addr and returns the exit
// code for the process, [ExitHealthy] or [ExitUnhealthy], writing one line
// saying why to [Options.Output] when the probe fails.
//
// args are the arguments after the subcommand's name. At most one is
// accepted, to change the target in a Dockerfile without rebuilding: a
// path ("/livez") replaces [Options.Path], anything else (":9090", a URL)
// replaces addr.
func Run(ctx context.Context, args []string, addr string, opts *Options) int {
	o := opts.orDefaults()
	switch {
	case len(args) > 1:
		fmt.Fprintf(o.Output, "healthcheck: at most one argument (a path, host:port or URL), got %d\n", len(args))
		return ExitUnhealthy
	case len(args) == 1 && strings.HasPrefix(args[0], "/"):
		o.Path = args[0]
	case len(args) == 1:
		addr = args[0]
	}
	if err := Check(ctx, addr, &o); err != nil {
		fmt.Fprintf(o.Output, "healthcheck: %s\n", oneLine(err.Error()))
		return ExitUnhealthy
	}
	return ExitHealthy
}

// IfRequested makes the binary probe itself when it is run as
// "<binary> <command> [target]": it calls [Run] and exits with its code.
// Otherwise it returns at once and the service starts as usual. Call it
// first in main, before the service opens its databases, so a probe
// starts in milliseconds:
//
//	func main() {
//		probe.IfRequested("healthcheck", ":8080", nil)
//		…
//	}
//
// and in the Dockerfile:
//
//	HEALTHCHECK CMD ["/app", "healthcheck"]
func IfRequested(command, addr string, opts *Options) {
	if len(os.Args) < 2 || os.Args[1] != command {
		return
	}
	os.Exit(Run(context.Background(), os.Args[2:], addr, opts))
}

// showAddr is addr for an error message: user info, which an address has
// no place for and redact.String cannot tell from a host:port, is dropped.
func showAddr(addr string) string {
	if i := strings.LastIndexByte(addr, '@'); i >= 0 {
		addr = redact.Marker + addr[i:]
	}
	return redact.String(addr)
}

// oneLine folds s onto one line of at most [reason.Max] bytes, however
// long the message the endpoint sent.
func oneLine(s string) string { return reason.Cap(strings.Join(strings.Fields(s), " "), reason.Max) }
