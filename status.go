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
func (s Status) String() string { return s.In(Vitals) }

// MarshalText encodes s as its vitals word, so a Status is a JSON string.
func (s Status) MarshalText() ([]byte, error) {
	if int(s) >= numStatuses {
		return nil, fmt.Errorf("vitals: invalid status %d", uint8(s))
	}
	return []byte(s.String()), nil
}

// UnmarshalText decodes a word of any [Vocabulary] (see [ParseStatus]).
func (s *Status) UnmarshalText(b []byte) error {
	v, ok := ParseStatus(string(b))
	if !ok {
		return fmt.Errorf("vitals: unknown status %q", b)
	}
	*s = v
	return nil
}

// Vocabulary names a family of status words used by a health-check format.
// One table maps every [Status] to every vocabulary, so all surfaces agree.
type Vocabulary uint8

// Vocabularies understood by [Status.In] and [ParseStatus].
const (
	Vitals     Vocabulary = iota // unknown pass warn fail starting stopping
	IETF                         // pass warn fail (application/health+json)
	Chorus                       // healthy degraded unhealthy starting stopping
	GRPC                         // SERVING NOT_SERVING (grpc.health.v1)
	Axway                        // OK FAIL
	Tabby                        // ok unhealthy
	Spring                       // UP DOWN OUT_OF_SERVICE UNKNOWN (Spring Boot actuator)
	Kubernetes                   // ok failed (the words of ?verbose lines)
	numVocabularies
)

// vocab is the one table mapping statuses to words. Rows are vocabularies,
// columns statuses in declaration order.
var vocab = [numVocabularies][numStatuses]string{
	Vitals:     {"unknown", "pass", "warn", "fail", "starting", "stopping"},
	IETF:       {"fail", "pass", "warn", "fail", "fail", "fail"},
	Chorus:     {"unhealthy", "healthy", "degraded", "unhealthy", "starting", "stopping"},
	GRPC:       {"NOT_SERVING", "SERVING", "SERVING", "NOT_SERVING", "NOT_SERVING", "NOT_SERVING"},
	Axway:      {"FAIL", "OK", "OK", "FAIL", "FAIL", "FAIL"},
	Tabby:      {"unhealthy", "ok", "ok", "unhealthy", "unhealthy", "unhealthy"},
	Spring:     {"UNKNOWN", "UP", "UP", "DOWN", "OUT_OF_SERVICE", "OUT_OF_SERVICE"},
	Kubernetes: {"failed", "ok", "ok", "failed", "failed", "failed"},
}

// In returns the word for s in vocabulary v. Vocabularies with fewer words
// than vitals fold statuses together: in [IETF], StatusUnknown, StatusStarting and
// StatusStopping are "fail"; in [GRPC], StatusWarn is "SERVING".
func (s Status) In(v Vocabulary) string {
	if int(s) >= numStatuses || v >= numVocabularies {
		return fmt.Sprintf("status(%d)", uint8(s))
	}
	return vocab[v][s]
}

// parseTable maps every word of every vocabulary, lower-cased, to the status
// it most plausibly means when read back.
var parseTable = func() map[string]Status {
	m := map[string]Status{}
	// Later vocabularies must not override the vitals words, so fill in
	// reverse and let Vitals win.
	for v := numVocabularies - 1; ; v-- {
		for s := numStatuses - 1; s >= 0; s-- {
			m[lower(vocab[v][s])] = Status(s)
		}
		if v == 0 {
			break
		}
	}
	// Words whose first mapping above is lossy, and common synonyms.
	for w, s := range map[string]Status{
		"fail": StatusFail, "failed": StatusFail, "unhealthy": StatusFail, "down": StatusFail,
		"not_serving": StatusFail, "ok": StatusPass, "up": StatusPass, "serving": StatusPass,
		"healthy": StatusPass, "degraded": StatusWarn, "warning": StatusWarn, "error": StatusFail,
		"service_unknown": StatusUnknown, "out_of_service": StatusFail,
	} {
		m[w] = s
	}
	return m
}()

// ParseStatus maps a status word of any [Vocabulary] (case-insensitive) to a
// Status: "pass", "UP", "SERVING", "healthy", "ok" are StatusPass; "degraded" and
// "warn" are StatusWarn; "fail", "DOWN", "NOT_SERVING", "unhealthy" are StatusFail. It
// reports false for a word it does not know.
func ParseStatus(word string) (Status, bool) {
	s, ok := parseTable[lower(word)]
	return s, ok
}

// lower is an ASCII-only strings.ToLower that does not allocate for words
// that are already lower case.
func lower(s string) string {
	for i := 0; i < len(s); i++ {
		if c := s[i]; 'A' <= c && c <= 'Z' {
			b := []byte(s)
			for j := i; j < len(b); j++ {
				if c := b[j]; 'A' <= c && c <= 'Z' {
					b[j] = c + 'a' - 'A'
				}
			}
			return string(b)
		}
	}
	return s
}
