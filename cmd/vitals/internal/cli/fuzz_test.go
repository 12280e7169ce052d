package cli

import (
	"bufio"
	"errors"
	"net/http"
	"net/textproto"
	"slices"
	"strings"
	"testing"
)

// FuzzHeaderFlag: --header accepts exactly what goes on the wire as given
// (net/textproto reads it back unchanged) and its errors never quote the
// value.
func FuzzHeaderFlag(f *testing.F) {
	for _, s := range []string{
		"Authorization: Bearer t0ken", "X-Test: 1", "X-Empty:", "Host: api.internal",
		"Authorization Bearer sekrit", ": v", "X Y: v", "X-Y: a\r\nInjected: 1", "X-Y: tab\there",
		"X-Y: \x7f", "Ünïcode: v", "X-Y: \u00a0nbsp\u00a0", "a:b:c", "  X-Pad  :  v  ",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		var h headerFlag
		err := h.Set(s)
		_, value, _ := strings.Cut(s, ":")
		if err != nil {
			if v := strings.TrimSpace(value); len(v) >= 6 && strings.Contains(err.Error(), v) {
				t.Fatalf("Set(%q) error quotes the value: %v", s, err)
			}
			if h.h != nil {
				t.Fatalf("Set(%q) failed but kept a header: %v", s, h.h)
			}
			return
		}
		if len(h.h) != 1 {
			t.Fatalf("Set(%q) kept %v, want one header", s, h.h)
		}
		for name, vs := range h.h {
			r := textproto.NewReader(bufio.NewReader(strings.NewReader(name + ": " + vs[0] + "\r\n\r\n")))
			got, err := r.ReadMIMEHeader()
			if err != nil {
				t.Fatalf("Set(%q) kept %q: %q, which net/textproto refuses: %v", s, name, vs[0], err)
			}
			if !slices.Equal(http.Header(got)[name], vs) {
				t.Fatalf("Set(%q) kept %q: %q, read back as %q", s, name, vs, http.Header(got)[name])
			}
		}
	})
}

// FuzzParseArgs parses a command line of probe's flags, its arguments
// split at NUL: no panic; every positional argument is one given, in
// order; an error is a one-line usage error that never quotes a --header
// value.
func FuzzParseArgs(f *testing.F) {
	for _, s := range []string{
		"http://a:1", "--timeout\x002s\x00http://a:1", "http://a:1\x00--quiet", "--\x00--quiet",
		"--header\x00X-Api-Key sekrit-value\x00http://a:1", "--header=X: v\x00-h", "--timeout\x00soon",
		"-quiet=maybe", "--nope", "---x", "-", "--header", "a\x00--\x00b\x00--header",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		args := strings.Split(s, "\x00")
		var out strings.Builder
		fs := newFlags("probe", probeUsage, &out)
		fs.Duration("timeout", 0, "")
		var header headerFlag
		fs.Var(&header, "header", "")
		fs.Bool("quiet", false, "")
		pos, err := parseArgs(fs, args)
		var ee *exitError
		switch {
		case errors.Is(err, errHelp):
			return
		case err != nil && (!errors.As(err, &ee) || ee.code != exitUsage):
			t.Fatalf("parseArgs(%q) = %v, want a usage error", args, err)
		case err != nil && strings.ContainsAny(err.Error(), "\r\n"):
			t.Fatalf("parseArgs(%q) error is not one line: %q", args, err)
		case err != nil:
			for i, a := range args[:len(args)-1] {
				if a == "--header" || a == "-header" {
					if v := headerValue(args[i+1]); len(v) >= 6 && strings.Contains(err.Error(), v) {
						t.Fatalf("parseArgs(%q) error quotes a header value: %v", args, err)
					}
				}
			}
			return
		}
		rest := args
		for _, p := range pos {
			i := slices.Index(rest, p)
			if i < 0 {
				t.Fatalf("parseArgs(%q) = %q: %q is no argument given, or out of order", args, pos, p)
			}
			rest = rest[i+1:]
		}
	})
}

func headerValue(s string) string {
	_, v, ok := strings.Cut(s, ":")
	if !ok {
		return strings.TrimSpace(s)
	}
	return strings.TrimSpace(v)
}
