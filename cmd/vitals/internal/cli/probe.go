package cli

import (
	"context"
	"errors"
	"fmt"
	"io"

	"github.com/vitalsgo/vitals/cmd/vitals/internal/target"
)

const probeUsage = `Usage: vitals probe [flags] URL

Probes URL once and exits 0 when it is healthy, 1 when it is unhealthy,
unreachable or interrupted (SIGINT, SIGTERM), and 2 when the command line is
wrong. The reason for a failure is
one line on stderr; a success prints one line on stdout unless --quiet.
Made for Docker HEALTHCHECK and Kubernetes exec probes in images without curl.

URL schemes:
  http://, https://            GET; healthy when the endpoint's status is pass or warn,
                               in any format vitals reads (vitals, IETF health+json,
                               Kubernetes, Spring Boot, CHORUS, Axway, …) or by the code
  grpc://host:port[/service]   grpc.health.v1 Check, plaintext; grpcs:// over TLS
  tcp://host:port              healthy when the port accepts a connection

Examples:
  vitals probe http://127.0.0.1:8080/readyz
  vitals probe --timeout 2s --header 'Authorization: Bearer '"$TOKEN" https://api:8443/livez
  vitals probe grpc://127.0.0.1:9090/readiness
  vitals probe --service users.v1.Users grpcs://users:9443 --insecure
  vitals probe tcp://db:5432

  # Dockerfile: give up before Docker's --timeout, which kills the probe unheard
  HEALTHCHECK --interval=10s --timeout=3s CMD ["vitals", "probe", "--quiet", "--timeout", "2s", "http://127.0.0.1:8080/livez"]
`

func runProbe(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlags("probe", probeUsage, stdout)
	timeout := fs.Duration("timeout", target.DefaultTimeout, "give up after this long")
	var header headerFlag
	fs.Var(&header, "header", "HTTP header or gRPC metadata `\"Name: value\"`, repeatable")
	insecure := fs.Bool("insecure", false, "skip TLS certificate verification (https, grpcs)")
	service := fs.String("service", "", "gRPC service to ask about (overrides the URL's path)")
	quiet := fs.Bool("quiet", false, "print nothing on success")
	pos, err := parseArgs(fs, args)
	if err != nil {
		return helpOrErr(err)
	}
	if len(pos) != 1 {
		return usageErrorf("want exactly one URL, got %d (run 'vitals probe --help')", len(pos))
	}
	if *timeout <= 0 {
		return usageErrorf("--timeout must be positive")
	}
	t, err := newTarget(pos[0], target.Options{Timeout: *timeout, Header: header.h, Insecure: *insecure, Service: *service})
	if err != nil {
		return err
	}
	defer t.Close()

	// Each target bounds its probe by --timeout itself (the HTTP client,
	// the gRPC checker, the TCP dial): a deadline set here as well would
	// expire first, a few ms short, and the reason would name what was
	// left of it ("no answer within 998ms" for --timeout 1s).
	out := t.Probe(ctx)
	if out.Status != target.Healthy && ctx.Err() != nil {
		// A signal, not the target: its error says only "context canceled".
		return fmt.Errorf("%s: interrupted", t)
	}
	if out.Status != target.Healthy {
		return fmt.Errorf("%s: %s: %s", t, out.Status, out.Reason)
	}
	if !*quiet {
		fmt.Fprintf(stdout, "%s: %s: %s\n", t, out.Status, out.Reason)
	}
	return nil
}

// newTarget maps the target package's usage errors to exit code 2.
func newTarget(rawURL string, o target.Options) (target.Target, error) {
	t, err := target.New(rawURL, &o)
	var ue *target.UsageError
	if errors.As(err, &ue) {
		return nil, usageErrorf("%s", ue.Msg)
	}
	return t, err
}
