// Package vocab maps a [vitals.Status] to the status words of every format
// vitals writes or reads — CHORUS, IETF health+json, gRPC health, Axway,
// tabby, Spring Boot actuator, Kubernetes ?verbose — and back. One table
// serves the packages that write those formats (vitalshttp, vitalsgrpc) and
// the one that reads them (client), so they agree.
package vocab

import (
	"fmt"

	"github.com/vitalsgo/vitals"
)

const numStatuses = int(vitals.StatusStopping) + 1

// Vocabulary names a family of status words used by a health-check format.
// One table maps every [vitals.Status] to every vocabulary, so all surfaces agree.
type Vocabulary uint8

// Vocabularies understood by [Word] and [Parse].
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

// Word returns the word for s in vocabulary v. Vocabularies with fewer words
// than vitals fold statuses together: in [IETF], vitals.StatusUnknown, vitals.StatusStarting and
// vitals.StatusStopping are "fail"; in [GRPC], vitals.StatusWarn is "SERVING".
func Word(s vitals.Status, v Vocabulary) string {
	if int(s) >= numStatuses || v >= numVocabularies {
		return fmt.Sprintf("status(%d)", uint8(s))
	}
	return vocab[v][s]
}

// parseTable maps every word of every vocabulary, lower-cased, to the status
// it most plausibly means when read back.
var parseTable = func() map[string]vitals.Status {
	m := map[string]vitals.Status{}
	// Later vocabularies must not override the vitals words, so fill in
	// reverse and let Vitals win.
	for v := numVocabularies - 1; ; v-- {
		for s := numStatuses - 1; s >= 0; s-- {
			m[lower(vocab[v][s])] = vitals.Status(s)
		}
		if v == 0 {
			break
		}
	}
	// Words whose first mapping above is lossy, and common synonyms.
	for w, s := range map[string]vitals.Status{
		"fail": vitals.StatusFail, "failed": vitals.StatusFail, "unhealthy": vitals.StatusFail, "down": vitals.StatusFail,
		"not_serving": vitals.StatusFail, "ok": vitals.StatusPass, "up": vitals.StatusPass, "serving": vitals.StatusPass,
		"healthy": vitals.StatusPass, "degraded": vitals.StatusWarn, "warning": vitals.StatusWarn, "error": vitals.StatusFail,
		"service_unknown": vitals.StatusUnknown, "out_of_service": vitals.StatusFail,
	} {
		m[w] = s
	}
	return m
}()

// Parse maps a status word of any [Vocabulary] (case-insensitive) to a
// Status: "pass", "UP", "SERVING", "healthy", "ok" are vitals.StatusPass; "degraded" and
// "warn" are vitals.StatusWarn; "fail", "DOWN", "NOT_SERVING", "unhealthy" are vitals.StatusFail. It
// reports false for a word it does not know.
func Parse(word string) (vitals.Status, bool) {
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
