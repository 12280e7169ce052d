package client

import (
	"bytes"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"

	"github.com/vitalsgo/vitals"
	"github.com/vitalsgo/vitals/internal/excerpt"
	"github.com/vitalsgo/vitals/redact"
)

// seeds adds every recorded body (testdata/bodies and vitalshttp's golden
// files) to f's corpus through add.
func seeds(f *testing.F, add func(code int, contentType string, body []byte)) {
	f.Helper()
	for _, r := range AllRecorded(f) {
		add(r.Code, r.ContentType, r.Body)
	}
}

// checkReport asserts what holds for every report, whatever the body.
func checkReport(t *testing.T, r *Report) {
	t.Helper()
	valid := func(s vitals.Status) bool { return s <= vitals.StatusStopping }
	if !valid(r.Status) {
		t.Errorf("invalid status %d", r.Status)
	}
	names := []string{}
	messages := []string{r.Message}
	for _, c := range r.Checks {
		if !valid(c.Status) {
			t.Errorf("check %q: invalid status %d", c.Name, c.Status)
		}
		names = append(names, c.Name)
		messages = append(messages, c.Message)
	}
	for _, is := range r.Issues {
		messages = append(messages, is.Description)
	}
	for _, s := range append(names, messages...) {
		if !printableLine(s) {
			t.Errorf("%q has a control character", s)
		}
	}
	// Messages went through redact.String, which is idempotent.
	for _, s := range messages {
		if redact.String(s) != s {
			t.Errorf("%q is not redacted", s)
		}
	}
}

// printableLine reports whether s is valid UTF-8 on one line, without
// control characters.
func printableLine(s string) bool {
	return utf8.ValidString(s) && strings.IndexFunc(s, unicode.IsControl) < 0
}

func FuzzParse(f *testing.F) {
	seeds(f, func(code int, ct string, body []byte) { f.Add(code, ct, body) })
	f.Fuzz(func(t *testing.T, code int, ct string, body []byte) {
		r, err := Parse(code, ct, body)
		if r == nil {
			t.Fatal("no report")
		}
		if !bytes.Equal(r.Body, body) || r.Code != code {
			t.Error("report does not carry the code and body")
		}
		if !slices.IsSortedFunc(r.Checks, func(a, b Check) int { return strings.Compare(a.Name, b.Name) }) {
			t.Error("checks not sorted")
		}
		switch err := err.(type) {
		case nil:
			if r.Code >= 200 && r.Code <= 299 || r.Code >= 500 && r.Code <= 599 || r.Format != FormatBare {
				break
			}
			t.Errorf("no error for code %d and a body in no format", r.Code)
		case *ParseError:
			if !strings.Contains(err.Error(), "parse "+string(err.Format)+" body") {
				t.Errorf("error %q does not name format %s", err, err.Format)
			}
		case *APIError:
			if err.Code != code || r.OK() {
				t.Errorf("APIError for code %d with a report %s", code, r.Status)
			}
		default:
			t.Errorf("error of type %T", err)
		}
		checkReport(t, r)
	})
}

// fuzzFormat fuzzes one format's parser directly, past detection.
func fuzzFormat(f *testing.F, parse func(*Report, []byte) error) {
	seeds(f, func(code int, ct string, body []byte) { f.Add(code, body) })
	f.Fuzz(func(t *testing.T, code int, body []byte) {
		r := &Report{Code: code, Body: body}
		if err := parse(r, body); err != nil {
			return
		}
		finish(r)
		checkReport(t, r)
	})
}

func FuzzVitals(f *testing.F)   { fuzzFormat(f, parseVitals) }
func FuzzIETF(f *testing.F)     { fuzzFormat(f, parseIETF) }
func FuzzSpring(f *testing.F)   { fuzzFormat(f, parseSpring) }
func FuzzChorus(f *testing.F)   { fuzzFormat(f, parseChorus) }
func FuzzRegiocom(f *testing.F) { fuzzFormat(f, parseRegiocom) }
func FuzzAxway(f *testing.F)    { fuzzFormat(f, parseAxway) }
func FuzzTabby(f *testing.F)    { fuzzFormat(f, parseTabby) }
func FuzzKiviGo(f *testing.F)   { fuzzFormat(f, parseKiviGo) }

func FuzzKubernetes(f *testing.F) {
	fuzzFormat(f, func(r *Report, body []byte) error {
		if !parseKubernetes(r, body) {
			return errNoStatus
		}
		return nil
	})
}

// FuzzScrub plants a credential the client sent, in each form it sends it,
// in a body whose excerpt an APIError shows, and checks that no form shows
// whole, nor its start where the excerpt was cut.
func FuzzScrub(f *testing.F) {
	f.Add("tok/en+with=chars_0123", "denied for ", "")
	f.Add("hunter2", strings.Repeat("x ", 97), " tail")
	f.Add("abc", "", strings.Repeat("y", 300))
	f.Fuzz(func(t *testing.T, token, prefix, suffix string) {
		if len(strings.TrimSpace(token)) < minSecret {
			return
		}
		u, _ := url.Parse("http://h/")
		sec := secretsOf(u, http.Header{"Authorization": {"Bearer " + token}})
		for _, form := range sec {
			if strings.Contains(prefix+suffix, form) || strings.ContainsAny(form, " \t\r\n\v\f") {
				continue // not planted by us, or changed by the folding of blanks
			}
			shown := sec.scrub(excerpt.Of([]byte(prefix+form+suffix), excerptBytes))
			for _, v := range sec {
				if strings.Contains(shown, v) && !strings.Contains(prefix+suffix, v) {
					t.Fatalf("%q shows %q", shown, v)
				}
			}
			for n := minSecret; n < len(form); n++ {
				if strings.Contains(shown, form[:n]+ellipsis) && !strings.Contains(prefix+suffix, form[:n]) {
					t.Fatalf("%q shows the start of %q", shown, form)
				}
			}
		}
	})
}
