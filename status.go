package vitals

import "fmt"

// Status is the health of a check, a group or the whole service.
//
// The zero value is [StatusUnknown]: a check that has not produced a result yet.
// Checks report [StatusPass], [StatusWarn] or [StatusFail]; a group or the system can also be
// [StatusStarting] (startup not complete, or a check not run yet) or [StatusStopping]
// (graceful shutdown in progress).
type Status uint8

// Statuses, from least to most informative about trouble. The numeric values
// are stable and may be stored.
const (
	StatusUnknown  Status = iota // no result yet
	StatusPass                   // healthy
	StatusWarn                   // degraded: still serving, but something needs attention
	StatusFail                   // unhealthy
	StatusStarting               // the service has not finished starting
	StatusStopping               // the service is shutting down
)

const numStatuses = int(StatusStopping) + 1

// OK reports whether s lets traffic through: [StatusPass] and [StatusWarn] are OK,
// everything else is not. Probe endpoints answer 200 exactly when OK is true.
func (s Status) OK() bool { return s == StatusPass || s == StatusWarn }

// String returns the vitals word for s: unknown, pass, warn, fail, starting
// or stopping.
func (s Status) String() string {
	if int(s) >= numStatuses {
		return fmt.Sprintf("status(%d)", uint8(s))
	}
	return statusWords[s]
}

// statusWords are the vitals words, in declaration order. The words of other
// formats (CHORUS, IETF, gRPC, …) belong to the packages that speak them.
var statusWords = [numStatuses]string{"unknown", "pass", "warn", "fail", "starting", "stopping"}

// MarshalText encodes s as its vitals word, so a Status is a JSON string.
func (s Status) MarshalText() ([]byte, error) {
	if int(s) >= numStatuses {
		return nil, fmt.Errorf("vitals: invalid status %d", uint8(s))
	}
	return []byte(s.String()), nil
}

// UnmarshalText decodes a vitals word, as [Status.MarshalText] writes it,
// in any ASCII case. The words of other formats are read by package client.
func (s *Status) UnmarshalText(b []byte) error {
	for i, w := range statusWords {
		if equalFoldASCII(string(b), w) {
			*s = Status(i)
			return nil
		}
	}
	return fmt.Errorf("vitals: unknown status %q", b)
}

// equalFoldASCII is strings.EqualFold without Unicode folding: "paſs" is
// not "pass".
func equalFoldASCII(a, b string) bool {
	if len(a) != len(b) {
		return false
	}
	for i := 0; i < len(a); i++ {
		x, y := a[i], b[i]
		if 'A' <= x && x <= 'Z' {
			x += 'a' - 'A'
		}
		if 'A' <= y && y <= 'Z' {
			y += 'a' - 'A'
		}
		if x != y {
			return false
		}
	}
	return true
}
