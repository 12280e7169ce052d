package vocab

import (
	"testing"

	"github.com/vitalsgo/vitals"
)

func TestVocabularies(t *testing.T) {
	tests := []struct {
		s    vitals.Status
		v    Vocabulary
		want string
	}{
		{vitals.StatusWarn, Chorus, "degraded"},
		{vitals.StatusStarting, Chorus, "starting"},
		{vitals.StatusWarn, IETF, "warn"},
		{vitals.StatusStopping, IETF, "fail"},
		{vitals.StatusWarn, GRPC, "SERVING"},
		{vitals.StatusFail, GRPC, "NOT_SERVING"},
		{vitals.StatusPass, Axway, "OK"},
		{vitals.StatusFail, Tabby, "unhealthy"},
		{vitals.StatusFail, Spring, "DOWN"},
		{vitals.StatusFail, Kubernetes, "failed"},
	}
	for _, tt := range tests {
		if got := Word(tt.s, tt.v); got != tt.want {
			t.Errorf("Word(%v, %d) = %q, want %q", tt.s, tt.v, got, tt.want)
		}
	}
	for word, want := range map[string]vitals.Status{"UP": vitals.StatusPass, "degraded": vitals.StatusWarn, "NOT_SERVING": vitals.StatusFail, "stopping": vitals.StatusStopping, "Unhealthy": vitals.StatusFail} {
		if got, ok := Parse(word); !ok || got != want {
			t.Errorf("Parse(%q) = %v, %v; want %v", word, got, ok, want)
		}
	}
	if _, ok := Parse("bogus"); ok {
		t.Error("Parse accepted a bogus word")
	}
}

func TestVitalsWordsAreStatusStrings(t *testing.T) {
	for s := range vitals.Status(numStatuses) {
		if got := Word(s, Vitals); got != s.String() {
			t.Errorf("Word(%v, Vitals) = %q, want %q", s, got, s.String())
		}
	}
}
