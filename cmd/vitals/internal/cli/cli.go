package cli

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"
	"unicode"

	"github.com/vitalsgo/vitals/redact"
)

// Exit codes, shared by every command.
const (
	exitOK        = 0
	exitUnhealthy = 1 // unhealthy, unreachable, timed out, a check failed, interrupted
	exitUsage     = 2 // the command line or the config file is wrong
)

// exitError carries an exit code; its message has been printed already
// when silent is set.
type exitError struct {
	code   int
	err    error
	silent bool
}

func (e *exitError) Error() string { return e.err.Error() }
func (e *exitError) Unwrap() error { return e.err }

func usageErrorf(format string, args ...any) error {
	return &exitError{code: exitUsage, err: fmt.Errorf(format, args...)}
}

// configOnly is the usage error of a command that takes --config FILE and
// no argument, when pos (the arguments) or file (the flag) says otherwise.
func configOnly(command string, pos []string, file string) error {
	switch {
	case len(pos) > 0:
		return usageErrorf("unexpected argument %q (run 'vitals %s --help')", pos[0], command)
	case file == "":
		return usageErrorf("--config FILE is required (run 'vitals %s --help')", command)
	}
	return nil
}

// failed is an exit 1 whose reason the command printed itself.
func failed(err error) error {
	return &exitError{code: exitUnhealthy, err: err, silent: true}
}

func exitCode(err error) int {
	if err == nil {
		return exitOK
	}
	var e *exitError
	if errors.As(err, &e) {
		return e.code
	}
	return exitUnhealthy
}

// command is one subcommand: its name, a one-line summary for the command
// list, and the function that runs it.
type command struct {
	name    string
	summary string
	run     func(ctx context.Context, args []string, stdout, stderr io.Writer) error
}

var commands = []command{
	{"probe", "probe one URL once: exit 0 healthy, 1 unhealthy, 2 usage", runProbe},
	{"wait", "wait until every URL is healthy", runWait},
	{"check", "run the checks of a config file once and print a table", runCheck},
	{"serve", "run the monitor: history, live status page, badges, API", runServe},
	{"version", "print the version", runVersion},
}

const mainUsage = `vitals probes, waits for and checks the health of services.

Usage:
  vitals COMMAND [flags] [arguments]

Commands:
%s
Targets are URLs:
  http://host:port/path, https://…   any health endpoint (vitals, IETF, Kubernetes,
                                     Spring Boot, CHORUS, …); healthy on pass or warn
  grpc://host:port[/service]         grpc.health.v1 over plaintext; grpcs:// over TLS
  tcp://host:port                    healthy when the port accepts a connection

Examples:
  vitals probe http://127.0.0.1:8080/readyz
  vitals wait tcp://db:5432 http://api:8080/readyz --timeout 2m
  vitals check --config vitals.yaml
  vitals serve --config vitals.yaml

Run 'vitals COMMAND --help' for a command's flags and examples.
`

// run dispatches to a command and prints its error; main turns the error
// into the exit code.
func run(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	if len(args) == 0 || args[0] == "-h" || args[0] == "--help" || args[0] == "help" {
		var list strings.Builder
		for _, c := range commands {
			fmt.Fprintf(&list, "  %-8s %s\n", c.name, c.summary)
		}
		w := stdout
		if len(args) == 0 {
			w = stderr
		}
		fmt.Fprintf(w, mainUsage, list.String())
		if len(args) == 0 {
			return &exitError{code: exitUsage, err: errors.New("no command"), silent: true}
		}
		return nil
	}
	if args[0] == "--version" || args[0] == "-version" {
		args = []string{"version"}
	}
	for _, c := range commands {
		if c.name == args[0] {
			err := c.run(ctx, args[1:], stdout, stderr)
			report(stderr, c.name, err)
			return err
		}
	}
	err := usageErrorf("unknown command %q (run 'vitals --help' for the list)", args[0])
	report(stderr, "", err)
	return err
}

// report prints err on one line, unless the command printed it already.
func report(stderr io.Writer, cmd string, err error) {
	var e *exitError
	if err == nil || (errors.As(err, &e) && e.silent) {
		return
	}
	prefix := "vitals: "
	if cmd != "" {
		prefix = "vitals " + cmd + ": "
	}
	fmt.Fprintln(stderr, prefix+err.Error())
}

// flagSet is a command's flags and its help text.
type flagSet struct {
	*flag.FlagSet
	help func()
}

// newFlags returns a flag set whose errors the caller reports: -h and
// --help print the help to stdout, any other error is a usage error of one
// line (the flag package would print the whole help with it).
func newFlags(name, usage string, stdout io.Writer) *flagSet {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	fs.Usage = func() {}
	help := func() {
		fmt.Fprint(stdout, usage)
		fmt.Fprintln(stdout, "\nFlags:")
		fs.SetOutput(stdout)
		fs.PrintDefaults()
		fs.SetOutput(io.Discard)
	}
	return &flagSet{FlagSet: fs, help: help}
}

// parseArgs parses flags that may come before, between or after the
// positional arguments ("vitals probe URL --timeout 2s"), up to a "--".
// It returns errHelp after printing the usage for -h or --help.
func parseArgs(fs *flagSet, args []string) ([]string, error) {
	var pos []string
	for {
		if err := fs.Parse(args); err != nil {
			if errors.Is(err, flag.ErrHelp) {
				fs.help()
				return nil, errHelp
			}
			// The flag package quotes the value it refused, and a header's
			// value is often a token that redaction cannot recognise.
			if hf, ok := headerOf(fs); ok && hf.err != nil {
				err = fmt.Errorf("invalid --header (its value is not shown): %w", hf.err)
			}
			return nil, usageErrorf("%s (run 'vitals %s --help')", escapeControls(redact.String(err.Error())), fs.Name())
		}
		args = fs.Args()
		if len(args) == 0 {
			return pos, nil
		}
		if args[0] == "--" {
			return append(pos, args[1:]...), nil
		}
		pos = append(pos, args[0])
		args = args[1:]
	}
}

// escapeControls writes the control characters of s as Go escapes: the
// flag package quotes an unknown flag's name raw, and a "\r" in it would
// break the error's one line.
func escapeControls(s string) string {
	if !strings.ContainsFunc(s, unicode.IsControl) {
		return s
	}
	var b strings.Builder
	for _, r := range s {
		if unicode.IsControl(r) {
			q := strconv.QuoteRune(r)
			b.WriteString(q[1 : len(q)-1])
			continue
		}
		b.WriteRune(r)
	}
	return b.String()
}

// headerOf returns the --header flag of fs, if it has one.
func headerOf(fs *flagSet) (*headerFlag, bool) {
	fl := fs.Lookup("header")
	if fl == nil {
		return nil, false
	}
	hf, ok := fl.Value.(*headerFlag)
	return hf, ok
}

// errHelp ends a command successfully after its usage was printed.
var errHelp = errors.New("help printed")

// helpOrErr turns errHelp into success.
func helpOrErr(err error) error {
	if errors.Is(err, errHelp) {
		return nil
	}
	return err
}

// headerFlag collects repeated --header "Name: value" flags.
type headerFlag struct {
	h   http.Header
	err error // why Set refused a value, for parseArgs
}

func (f *headerFlag) String() string { return "" }

// Set takes what net/http would send as it stands: a token for the name
// and no control characters in the value. A header it would refuse made
// every request fail, as "unreachable", instead of a usage error. Errors
// never quote the value, which is often a token.
func (f *headerFlag) Set(s string) error {
	name, value, ok := strings.Cut(s, ":")
	name, value = strings.TrimSpace(name), strings.TrimSpace(value)
	switch {
	case !ok || name == "":
		f.err = errors.New(`want "Name: value"`)
	case !isToken(name):
		f.err = errors.New(`want "Name: value", the name of letters, digits and !#$%&'*+-.^_|~` + "`")
	case !isHeaderValue(value):
		f.err = errors.New("the value has a control character")
	default:
		if f.h == nil {
			f.h = http.Header{}
		}
		f.h.Add(name, value)
		return nil
	}
	return f.err
}

// isToken reports whether s is an HTTP token, the syntax of a header name.
func isToken(s string) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !('a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || strings.IndexByte("!#$%&'*+-.^_`|~", c) >= 0) {
			return false
		}
	}
	return s != ""
}

// isHeaderValue reports whether s may be sent as a header's value: no
// control characters but tabs.
func isHeaderValue(s string) bool {
	for i := 0; i < len(s); i++ {
		if c := s[i]; c < ' ' && c != '\t' || c == 0x7f {
			return false
		}
	}
	return true
}
