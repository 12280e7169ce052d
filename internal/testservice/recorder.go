package testservice

import (
	"fmt"
	"testing"
)

// Recorder stands in for a testing.TB to observe how a helper that skips
// or fails a test when a server or program is missing (Require,
// AlertmanagerBin, a package's own lookup) ends it, without ending the
// test that calls the helper. Only Helper, Fatal, Fatalf and Skip may be
// called on it.
type Recorder struct {
	testing.TB
	fatal, skip string
}

func (r *Recorder) Helper()                           {}
func (r *Recorder) Fatal(args ...any)                 { r.fatal = fmt.Sprint(args...) }
func (r *Recorder) Fatalf(format string, args ...any) { r.fatal = fmt.Sprintf(format, args...) }
func (r *Recorder) Skip(args ...any)                  { r.skip = fmt.Sprint(args...) }

// Ended returns the message the helper ended r with, and stops t unless
// the helper failed r (wantFatal) or skipped it (otherwise), and did only
// that.
func (r *Recorder) Ended(t testing.TB, wantFatal bool) string {
	t.Helper()
	msg, other := r.skip, r.fatal
	if wantFatal {
		msg, other = r.fatal, r.skip
	}
	if msg == "" || other != "" {
		t.Fatalf("fatal = %q, skip = %q; want only a %s", r.fatal, r.skip, map[bool]string{true: "failure", false: "skip"}[wantFatal])
	}
	return msg
}
