package client

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"mime"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/vitalsgo/vitals"
	"github.com/vitalsgo/vitals/internal/excerpt"
	"github.com/vitalsgo/vitals/internal/vocab"
	"github.com/vitalsgo/vitals/redact"
)

// formatJSON names a body that claimed to be JSON and was not, in a
// [ParseError]; it is never a Report's Format.
const formatJSON Format = "json"

// Parse reads a health endpoint's answer — its HTTP status code, its
// Content-Type and its body — into a Report. [Client.Check] calls it; it is
// exported for bodies obtained some other way.
//
// The format is chosen by Content-Type and shape, in this order:
// application/health+json is IETF; JSON objects are recognised by their
// fields (see [Format]); text with Kubernetes lines ("ok", "[+]name ok",
// "[-]name failed: reason", "readyz check passed") is Kubernetes; anything
// else is [FormatBare], whose status comes from the code: Pass for 2xx, Fail
// for 5xx, and an [*APIError] for any other code. When the body carries a
// status, it wins over the code, with two exceptions: a 5xx is Fail even
// when the body says pass or warn, as it is to a load balancer, and 401,
// 403, 404, 405, 407 and 410, which say that the request never reached a
// health check, are an [*APIError] whatever the body.
//
// Parse returns a [*ParseError] for a body that claims a format but cannot
// be read as one (invalid JSON under a JSON Content-Type, an unknown status
// word). It returns the Report alongside a *ParseError or *APIError, its
// Status then taken from the code, so a caller can still show the code and
// the body.
func Parse(code int, contentType string, body []byte) (*Report, error) {
	r := &Report{Code: code, ContentType: contentType, Body: body}
	err := parseInto(r)
	finish(r)
	if err == nil && code >= 500 && code <= 599 && r.Status.OK() {
		// Load balancers and orchestrators judge by the code: a 5xx takes
		// the instance out of rotation whatever its body says.
		r.Status = vitals.StatusFail
		if r.Message == "" {
			r.Message = fmt.Sprintf("HTTP %d", code)
		}
	}
	if err == nil && wrongRequest(code) {
		// Whatever the body says, the request did not reach a health
		// check: a wrong token, path or method.
		r.Status = vitals.StatusFail
		err = &APIError{Code: code, ContentType: contentType, Body: excerpt.Of(body, excerptBytes)}
	}
	return r, err
}

// finish makes the names a parser read printable on one line, sorts the
// checks by them and folds checks a body names twice into one.
func finish(r *Report) {
	for i := range r.Checks {
		r.Checks[i].Name = oneLine(printable(r.Checks[i].Name))
	}
	slices.SortStableFunc(r.Checks, func(a, b Check) int { return strings.Compare(a.Name, b.Name) })
	r.Checks = mergeChecks(r.Checks)
}

func parseInto(r *Report) error {
	mt := mediaType(r.ContentType)
	body := bytes.TrimSpace(r.Body)
	jsonType := mt == "application/json" || strings.HasSuffix(mt, "+json")
	if jsonType || (len(body) > 0 && body[0] == '{') {
		var obj map[string]json.RawMessage
		err := json.Unmarshal(body, &obj)
		switch {
		case err == nil:
			if f := detectJSON(mt, obj); f != "" {
				r.Format = f
				if err := jsonParsers[f](r, body); err != nil {
					r.Status, r.Checks, r.Issues, r.Message = statusFromCode(r.Code), nil, nil, ""
					return &ParseError{Format: f, Err: err}
				}
				return nil
			}
		case jsonType && !json.Valid(body):
			return parseFailed(r, err)
		}
	}
	if parseKubernetes(r, body) {
		r.Format = FormatKubernetes
		return nil
	}
	return parseBare(r)
}

// parseFailed fills r from its code alone for a body that is not the JSON
// its Content-Type promises.
func parseFailed(r *Report, err error) error {
	r.Format, r.Status = FormatBare, statusFromCode(r.Code)
	return &ParseError{Format: formatOf(r.ContentType), Err: err}
}

// formatOf names the format a Content-Type promises, for a ParseError.
func formatOf(contentType string) Format {
	switch mt := mediaType(contentType); {
	case mt == "application/health+json":
		return FormatIETF
	case strings.Contains(mt, "spring-boot.actuator"):
		return FormatSpring
	case mt == "application/json" || strings.HasSuffix(mt, "+json"):
		return formatJSON
	}
	return FormatBare
}

// parseBare takes the status from the code: Pass for 2xx, Fail for 5xx
// (with the body's start as the message). Any other code is an APIError.
func parseBare(r *Report) error {
	r.Format, r.Status = FormatBare, statusFromCode(r.Code)
	switch {
	case r.Code >= 200 && r.Code <= 299:
		return nil
	case r.Code >= 500 && r.Code <= 599:
		b := r.Body
		if mediaType(r.ContentType) == "text/html" {
			b = htmlText(b)
		}
		r.Message = excerpt.Of(firstLine(b), excerptBytes)
		return nil
	}
	return &APIError{Code: r.Code, ContentType: r.ContentType, Body: excerpt.Of(r.Body, excerptBytes)}
}

// wrongRequest reports whether code says the request was wrong rather
// than the service unhealthy, even when the body has a health shape.
func wrongRequest(code int) bool {
	switch code {
	case 401, 403, 404, 405, 407, 410:
		return true
	}
	return false
}

func statusFromCode(code int) vitals.Status {
	if code >= 200 && code <= 299 {
		return vitals.StatusPass
	}
	return vitals.StatusFail
}

func mediaType(ct string) string {
	mt, _, err := mime.ParseMediaType(ct)
	if err != nil {
		mt, _, _ = strings.Cut(ct, ";")
		mt = strings.TrimSpace(mt)
	}
	return strings.ToLower(mt)
}

// htmlText drops the tags of an HTML error page, which proxies send with a
// 502 or 503, so its message is "503 Service Unavailable" rather than
// markup. It is no HTML parser: a '>' inside an attribute ends a tag early,
// which at worst shows some markup.
func htmlText(b []byte) []byte {
	out := make([]byte, 0, len(b))
	inTag := false
	for _, c := range b {
		switch {
		case c == '<':
			inTag = true
			out = append(out, '\n')
		case c == '>':
			inTag = false
		case !inTag:
			out = append(out, c)
		}
	}
	return out
}

// firstLine returns the first line of b that is not blank.
func firstLine(b []byte) []byte {
	for line := range bytes.Lines(b) {
		if l := bytes.TrimSpace(line); len(l) > 0 {
			return l
		}
	}
	return nil
}

// detectJSON picks the format of a JSON object by Content-Type, then by the
// fields only one format has, then by its status word. It returns "" for
// an object in no known format.
func detectJSON(mt string, obj map[string]json.RawMessage) Format {
	has := func(k string) bool { _, ok := obj[k]; return ok }
	switch {
	case mt == "application/health+json":
		return FormatIETF
	case strings.Contains(mt, "spring-boot.actuator"):
		return FormatSpring
	case has("statusChecks"), has("result") && !has("status"):
		return FormatAxway
	case has("alive"), has("ready") && !has("status"):
		return FormatRegiocom
	case has("ready"), has("live"):
		return FormatChorus
	case has("issues"):
		return FormatTabby
	case has("backend"):
		return FormatKiviGo
	case has("components"):
		return FormatSpring
	}
	if checks, ok := obj["checks"]; ok {
		switch f := checksShape(checks); {
		case f != "":
			return f
		case has("total"):
			return FormatChorus
		}
	}
	var word string
	if json.Unmarshal(obj["status"], &word) != nil {
		return ""
	}
	for _, k := range []string{"releaseId", "serviceId", "notes", "output", "links", "description"} {
		if has(k) {
			return FormatIETF
		}
	}
	switch word {
	case "UP", "DOWN", "OUT_OF_SERVICE", "UNKNOWN":
		return FormatSpring
	case "pass", "warn", "fail", "unknown", "starting", "stopping":
		return FormatVitals
	case "ok", "healthy", "unhealthy":
		return FormatTabby
	case "degraded":
		return FormatChorus
	}
	// Any other word is read as IETF, whose words are case-insensitive and
	// have aliases; a word it does not know is a ParseError.
	return FormatIETF
}

// checksShape tells the format of a "checks" object by its first member:
// arrays are IETF, objects with "healthy" CHORUS, with "status" vitals.
func checksShape(raw json.RawMessage) Format {
	var checks map[string]json.RawMessage
	if json.Unmarshal(raw, &checks) != nil {
		return ""
	}
	for _, c := range checks {
		c = bytes.TrimSpace(c)
		if len(c) > 0 && c[0] == '[' {
			return FormatIETF
		}
		var fields map[string]json.RawMessage
		if json.Unmarshal(c, &fields) != nil {
			return ""
		}
		if _, ok := fields["healthy"]; ok {
			return FormatChorus
		}
		if _, ok := fields["status"]; ok {
			return FormatVitals
		}
		return ""
	}
	return ""
}

// jsonParsers read a body already recognised as their format.
var jsonParsers = map[Format]func(*Report, []byte) error{
	FormatVitals:   parseVitals,
	FormatIETF:     parseIETF,
	FormatSpring:   parseSpring,
	FormatChorus:   parseChorus,
	FormatRegiocom: parseRegiocom,
	FormatAxway:    parseAxway,
	FormatTabby:    parseTabby,
	FormatKiviGo:   parseKiviGo,
}

// colors are the status words of Elasticsearch and other cluster health
// endpoints, which vitals' vocabularies do not have.
var colors = map[string]vitals.Status{"green": vitals.StatusPass, "yellow": vitals.StatusWarn, "red": vitals.StatusFail}

// maxWordBytes caps how much of an unknown status word an error quotes.
const maxWordBytes = 40

// parseWord maps a status word of any vocabulary, case-insensitively.
func parseWord(word string) (vitals.Status, error) {
	word = strings.TrimSpace(word)
	if s, ok := vocab.Parse(word); ok {
		return s, nil
	}
	if s, ok := colors[strings.ToLower(word)]; ok {
		return s, nil
	}
	// The error becomes a report's or a check's message: the word is
	// redacted before it is cut, and the whole text after it is quoted,
	// since quoting can make a secret's shape whole again.
	word = excerpt.Shorten(clean(word), maxWordBytes)
	return vitals.StatusUnknown, errors.New(redact.String(fmt.Sprintf("unknown status %q", word)))
}

// requiredWord is parseWord for a format whose status member is required:
// a body without one is not that format's answer.
func requiredWord(word string) (vitals.Status, error) {
	if word == "" {
		return vitals.StatusUnknown, errNoStatus
	}
	return parseWord(word)
}

// checkWord maps a check's status word. A word it does not know makes the
// check Unknown rather than failing the whole report, and is said in the
// message when the check has none.
func checkWord(word, msg string) (vitals.Status, string) {
	if word == "" {
		return vitals.StatusUnknown, msg
	}
	s, err := parseWord(word)
	if err != nil && msg == "" {
		msg = err.Error()
	}
	return s, msg
}

// clean readies a message from a remote body for people: one line, valid
// UTF-8 without control characters (a hostile endpoint could otherwise
// send terminal escapes to whoever prints it), secrets redacted.
func clean(s string) string {
	return redact.String(oneLine(strings.TrimSpace(printable(s))))
}

// printable replaces invalid UTF-8 and control characters other than
// whitespace with U+FFFD. It is applied to names too, which are not
// otherwise changed.
func printable(s string) string {
	ok := func(r rune) bool {
		return r != utf8.RuneError && (!unicode.IsControl(r) || r == '\t' || r == '\n' || r == '\r')
	}
	for _, r := range s {
		if !ok(r) {
			return strings.Map(func(r rune) rune {
				if ok(r) {
					return r
				}
				return utf8.RuneError
			}, s)
		}
	}
	return s
}

var errNoStatus = errors.New(`no "status"`)
