package expect

import (
	"bytes"
	"cmp"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// Input is what a condition is evaluated against: one response of a
// target. Fields a target does not have stay zero.
type Input struct {
	Code    int           // the HTTP status code
	Latency time.Duration // from sending the request until the body was read
	Header  http.Header   // the response's header, with canonical keys as net/http gives them
	// Body is the body as read, at most the checker's limit; nil for HEAD.
	Body []byte
	// Truncated reports that the body was longer than Body: the read
	// stopped at the checker's limit.
	Truncated bool
	// CertExpiry is the NotAfter of the server's leaf certificate; zero
	// without TLS.
	CertExpiry time.Time
	// Status is the health status a health target reported, "pass",
	// "warn" or "fail"; "" for a target that reports none.
	Status string
	// Now is the time cert_expiry counts from; zero means time.Now().
	Now time.Time
}

// Eval reports whether the condition holds for in: nil when it does,
// otherwise an error whose text is the condition and what was seen, as in
// "latency < 300ms: was 412ms", `body.status == "UP": was "DOWN"` or
// `body.status == "UP": no such field`. A value of the wrong type for the
// condition, a missing field or header, a body that is not JSON: each is a
// failed condition, never a panic. Values from the response are redacted
// (see [redact.String]) and cut to at most 80 bytes; the value of a
// secret-looking header or JSON key (Authorization, Cookie, X-Api-Key,
// password, token, …) is not shown at all.
func (e *Expr) Eval(in *Input) error {
	st := evalState{in: in}
	return e.eval(&st)
}

// List is the conditions of one target, all of which must hold.
type List []*Expr

// Eval evaluates the conditions in order and returns the failure of the
// first that does not hold, or nil when all hold. Stopping at the first
// keeps a message short and lets a condition rely on the ones before it:
// after "code == 200", a body condition is not reported against an error
// page. The body is read as JSON at most once, however many conditions
// read body.<path>.
func (l List) Eval(in *Input) error {
	st := evalState{in: in}
	for _, e := range l {
		if err := e.eval(&st); err != nil {
			return err
		}
	}
	return nil
}

// evalState is one evaluation of an Input, with its body decoded once.
type evalState struct {
	in      *Input
	decoded bool
	doc     any    // the body's JSON, once decoded
	why     string // why the body is not JSON
}

func (st *evalState) json() (any, string) {
	if !st.decoded {
		st.decoded = true
		st.doc, st.why = decodeBody(st.in.Body, st.in.Truncated)
	}
	return st.doc, st.why
}

func (e *Expr) eval(st *evalState) error {
	in := st.in
	switch e.field {
	case fieldCode:
		if e.op.holds(cmp.Compare(int64(in.Code), e.val.i)) {
			return nil
		}
		return e.fail("was " + strconv.Itoa(in.Code))
	case fieldLatency:
		return e.evalDuration(in.Latency, "")
	case fieldCertExpiry:
		return e.evalCertExpiry(in)
	case fieldSize:
		return e.evalSize(int64(len(in.Body)), in.Truncated)
	case fieldStatus:
		if in.Status == "" {
			return e.fail("no health status: the target does not report one")
		}
		if (in.Status == e.val.s) == (e.op == opEq) {
			return nil
		}
		return e.fail("was " + show("", in.Status))
	case fieldHeader:
		vals := in.Header.Values(e.name)
		if len(vals) == 0 {
			return e.fail("no such header")
		}
		// Several fields of one name are one comma-separated value
		// (RFC 9110, section 5.3).
		v := strings.Join(vals, ", ")
		if e.textHolds([]byte(v)) {
			return nil
		}
		return e.fail("was " + strconv.Quote(show(e.name, v)))
	case fieldBody:
		if e.textHolds(in.Body) {
			return nil
		}
		msg := "was " + strconv.Quote(show("", head(in.Body)))
		if in.Truncated {
			msg += fmt.Sprintf(" (the first %d bytes, where the read stopped)", len(in.Body))
		}
		return e.fail(msg)
	}
	doc, why := st.json()
	if why != "" {
		return e.fail(why)
	}
	v, why := e.lookup(doc)
	if why != "" {
		return e.fail(why)
	}
	return e.evalJSON(v)
}

// fail returns the error for e not holding: the condition, then why.
func (e *Expr) fail(why string) error { return errors.New(e.src + ": " + why) }

func (e *Expr) evalDuration(got time.Duration, note string) error {
	want := time.Duration(e.val.i)
	if e.op.holds(cmp.Compare(got, want)) {
		return nil
	}
	fails := func(r time.Duration) bool { return !e.op.holds(cmp.Compare(r, want)) }
	return e.fail("was " + showDuration(got, want, fails) + note)
}

func (e *Expr) evalCertExpiry(in *Input) error {
	if in.CertExpiry.IsZero() {
		return e.fail("no TLS certificate")
	}
	now := in.Now
	if now.IsZero() {
		now = time.Now()
	}
	left := in.CertExpiry.Sub(now)
	note := ""
	if left < 0 {
		note = " (expired)"
	}
	return e.evalDuration(left, note)
}

// evalSize compares the bytes read. When the read stopped at the limit,
// the body is at least that long and the condition holds only if it holds
// for any longer body.
func (e *Expr) evalSize(n int64, truncated bool) error {
	want := e.val.i
	holds := e.op.holds(cmp.Compare(n, want))
	if !truncated {
		if holds {
			return nil
		}
		return e.fail(fmt.Sprintf("was %dB", n))
	}
	if holds && (e.op == opGt || e.op == opGe) || e.op == opNe && n > want {
		return nil
	}
	return e.fail(fmt.Sprintf("was at least %dB: the read stopped at its limit", n))
}

// textHolds applies a text operator to the whole body or a header value.
func (e *Expr) textHolds(s []byte) bool {
	switch e.op {
	case opEq:
		return string(s) == e.val.s
	case opNe:
		return string(s) != e.val.s
	case opContains:
		return bytes.Contains(s, []byte(e.val.s))
	}
	return e.val.re.Match(s)
}
