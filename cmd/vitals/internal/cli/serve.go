package cli

import (
	"context"
	"io"

	"github.com/vitalsgo/vitals/monitor/config"
)

const serveUsage = `Usage: vitals serve --config FILE [--listen ADDR]

Runs the monitor: every check of the file is a target, probed on its
interval; results are kept in the storage the file names (a SQLite file,
default ./vitals.db, or a postgres:// DSN) and shown on a live status page,
with badges, a JSON API and Prometheus metrics:

  /                         status page (live, readable without JavaScript)
  /targets/NAME             a target's history
  /api/v1/targets           JSON API (docs/api.md)
  /badge/NAME/status.svg    badges; also uptime/24h.svg, latency.svg, *.json
  /api/v1/push/TOKEN        POST here from a job watched by a push target
  /metrics /livez /readyz   the monitor's own health

The file is the one 'vitals check' reads, plus listen, storage, retention,
pages and auth; it is reloaded on SIGHUP and when it changes, and a file
with errors is refused while the running configuration stays. SIGTERM
stops: /readyz turns 503, requests finish, the store is flushed, exit 0.

  listen: 127.0.0.1:8080
  storage: ./vitals.db
  checks:
    - {name: api, type: http, url: "http://127.0.0.1:8081/readyz", expect: ["latency < 300ms"]}
    - {name: users, type: health, url: "http://users:8080/readyz"}
    - {name: backup, type: push, token: "${BACKUP_PUSH_TOKEN}", every: 24h}

Examples:
  vitals serve --config vitals.yaml
  vitals serve --config vitals.yaml --listen 127.0.0.1:9090
`

// Serve runs 'vitals serve' in this process with the file and the listen
// address of the command line. vitals-full sets it; vitals, which links
// neither the drivers nor the store, hands the command over to vitals-full.
var Serve func(ctx context.Context, file, listen string, stdout, stderr io.Writer) error

func runServe(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlags("serve", serveUsage, stdout)
	file := fs.String("config", "", "configuration `file` (required)")
	listen := fs.String("listen", "", "listen `address`, e.g. 127.0.0.1:8080 (default the file's listen, else :8080)")
	pos, err := parseArgs(fs, args)
	if err != nil {
		return helpOrErr(err)
	}
	if err := configOnly("serve", pos, *file); err != nil {
		return err
	}
	if Serve == nil {
		return handOver("vitals serve runs in "+fullName+" (it links the drivers and the store)", append([]string{"serve"}, args...))
	}
	err = Serve(ctx, *file, *listen, stdout, stderr)
	if len(config.Errors(err)) > 0 {
		return configErrorOf("serve", stderr, err)
	}
	return err
}
