package cli

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/vitalsgo/vitals"
	"github.com/vitalsgo/vitals/cmd/vitals/internal/checkers"
	"github.com/vitalsgo/vitals/monitor/config"
	"github.com/vitalsgo/vitals/redact"
)

const checkUsage = `Usage: vitals check --config FILE [--output table|json]

Runs every check of a configuration file once, in parallel, each bounded by its
timeout, and prints a table of name, status, duration and message. Exits 0 when
the service is healthy — every check passes or warns, or a failing check is
critical: false, which only degrades — 1 otherwise or when interrupted (SIGINT,
SIGTERM), and 2 when the file is wrong.
Intervals and thresholds are for 'vitals serve'; here a single run decides.

The file is YAML; ${VAR} takes a value from the environment (${VAR:-default}):

  service: {name: checkout, version: 1.4.2}
  checks:
    - name: db
      type: postgres
      dsn: ${DATABASE_URL}
      timeout: 2s
    - name: cache
      type: redis
      url: redis://127.0.0.1:6379
      critical: false
    - name: api
      type: http
      url: http://127.0.0.1:8080/readyz

Types: %s.

Examples:
  vitals check --config vitals.yaml
  vitals check --config vitals.yaml --output json | jq '.checks[] | select(.status != "pass")'
`

func runCheck(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlags("check", fmt.Sprintf(checkUsage, strings.Join(config.Types(), ", ")), stdout)
	file := fs.String("config", "", "configuration `file` (required)")
	output := fs.String("output", "table", "output format: table or json")
	pos, err := parseArgs(fs, args)
	if err != nil {
		return helpOrErr(err)
	}
	if err := configOnly("check", pos, *file); err != nil {
		return err
	}
	if *output != "table" && *output != "json" {
		return usageErrorf("--output must be table or json, not %q", *output)
	}
	cfg, err := config.Load(*file)
	if err != nil {
		return configError(stderr, err)
	}
	if len(cfg.Checks) == 0 {
		return usageErrorf("%s has no checks", cfg.File)
	}
	if missing := checkers.Missing(cfg); len(missing) > 0 {
		return needFull(cfg.File, missing, append([]string{"check"}, args...))
	}

	m, release, err := buildMonitor(cfg)
	if err != nil {
		return configError(stderr, err)
	}
	snap, err := m.RunOnce(ctx)
	m.Close() // waits for runs still in flight before their clients close
	release()
	if err != nil {
		if ctx.Err() != nil {
			return errors.New("interrupted")
		}
		return err
	}
	if *output == "json" {
		err = writeJSON(stdout, cfg, snap)
	} else {
		err = writeTable(stdout, cfg, snap)
	}
	if err != nil {
		return err
	}
	if !snap.Status.OK() {
		return failed(fmt.Errorf("status %s", snap.Status))
	}
	return nil
}

// configError prints each problem of a configuration on its own line.
func configError(stderr io.Writer, err error) error {
	return configErrorOf("check", stderr, err)
}

// configErrorOf prints every error of a configuration file on a line of
// its own, as compilers do, and returns exit code 2.
func configErrorOf(cmd string, stderr io.Writer, err error) error {
	if errs := config.Errors(err); len(errs) > 0 {
		for _, e := range errs {
			fmt.Fprintln(stderr, "vitals "+cmd+": "+e.Error())
		}
		return &exitError{code: exitUsage, err: err, silent: true}
	}
	return usageErrorf("%v", err)
}

// buildMonitor adds every check of cfg to a new monitor, with the options
// that matter for a single run.
func buildMonitor(cfg *config.Config) (*vitals.Monitor, func(), error) {
	m := vitals.New(&vitals.Options{Info: cfg.Service.Info()})
	var releases []func() error
	release := func() {
		for _, r := range releases {
			r()
		}
	}
	for i := range cfg.Checks {
		c := &cfg.Checks[i]
		chk, rel, err := checkers.Build(c)
		if err != nil {
			release()
			m.Close()
			return nil, nil, err
		}
		releases = append(releases, rel)
		opts := []vitals.CheckOption{
			vitals.Timeout(c.Timeout),
			vitals.Critical(c.Critical),
			vitals.Enabled(c.Enabled),
			vitals.Groups(c.Groups...),
		}
		if err := m.Add(c.Name, chk, opts...); err != nil {
			release()
			m.Close()
			return nil, nil, c.Errorf("", "%v", err)
		}
	}
	return m, release, nil
}

// row is one check's line of output.
type row struct {
	Name     string         `json:"name"`
	Type     string         `json:"type"`
	Status   string         `json:"status"`
	Critical bool           `json:"critical"`
	Duration time.Duration  `json:"-"`
	Millis   float64        `json:"duration_ms"`
	Message  string         `json:"message,omitempty"`
	Observed any            `json:"observed,omitempty"`
	Unit     string         `json:"unit,omitempty"`
	Details  map[string]any `json:"details,omitempty"`
}

func rows(cfg *config.Config, snap *vitals.Snapshot) []row {
	var out []row
	for _, c := range cfg.Checks {
		st, ok := snap.Check(c.Name)
		if !ok {
			continue
		}
		r := row{Name: c.Name, Type: c.Type, Status: st.Status.String(), Critical: c.Critical}
		if !st.Enabled {
			r.Status = "disabled"
		} else {
			// The monitor has redacted Message, Observed and Details.
			r.Duration = st.Last.Duration
			r.Millis = float64(st.Last.Duration.Microseconds()) / 1000
			r.Message = st.Last.Message
			r.Observed, r.Unit, r.Details = st.Last.Observed, st.Last.Unit, st.Last.Details
		}
		out = append(out, r)
	}
	return out
}

func writeTable(w io.Writer, cfg *config.Config, snap *vitals.Snapshot) error {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "NAME\tSTATUS\tDURATION\tMESSAGE")
	for _, r := range rows(cfg, snap) {
		status := r.Status
		if !r.Critical && status == "fail" {
			status = "fail (non-critical)"
		}
		dur := "-"
		if r.Status != "disabled" {
			dur = roundDuration(r.Duration).String()
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\n", r.Name, status, dur, oneLine(r.Message))
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	name := "overall"
	if cfg.Service.Name != "" {
		name = cfg.Service.Name
	}
	_, err := fmt.Fprintf(w, "\n%s: %s\n", name, snap.Status)
	return err
}

func writeJSON(w io.Writer, cfg *config.Config, snap *vitals.Snapshot) error {
	doc := struct {
		Service config.Service `json:"service"`
		Status  string         `json:"status"`
		Checks  []row          `json:"checks"`
	}{cfg.Service, snap.Status.String(), rows(cfg, snap)}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	if err := enc.Encode(doc); err != nil {
		return fmt.Errorf("encode json: %w", redact.Error(err))
	}
	return nil
}

func roundDuration(d time.Duration) time.Duration {
	switch {
	case d >= time.Second:
		return d.Round(10 * time.Millisecond)
	case d >= time.Millisecond:
		return d.Round(10 * time.Microsecond)
	}
	return d.Round(time.Microsecond)
}

// oneLine keeps a message on its table line.
func oneLine(s string) string {
	return strings.Join(strings.Fields(s), " ")
}
