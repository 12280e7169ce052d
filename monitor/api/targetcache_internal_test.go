package api

import (
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/vitalsgo/vitals/monitor/access"
	"github.com/vitalsgo/vitals/monitor/board"
)

// The cache holds the targets of the list it last served, and forgets
// removed ones.
func TestTargetCacheForgets(t *testing.T) {
	b := board.New(nil)
	h := New(b, &access.Policy{PublicDetails: true}, nil)
	serve := func() {
		w := httptest.NewRecorder()
		h.serveTargets(w, httptest.NewRequest(http.MethodGet, "/api/v1/targets", nil))
		if w.Code != http.StatusOK {
			t.Fatalf("%d %s", w.Code, w.Body)
		}
	}
	held := func() []string {
		var names []string
		for name := range h.targets.m[1] {
			names = append(names, name)
		}
		return names
	}
	b.SetTargets([]board.Target{{Name: "a"}, {Name: "b"}, {Name: "c"}})
	serve()
	if got := held(); len(got) != 3 || len(h.targets.m[0]) != 0 {
		t.Errorf("after serving a, b, c with details: %v with details, %d without", got, len(h.targets.m[0]))
	}
	b.SetTargets([]board.Target{{Name: "b"}, {Name: "d"}})
	serve()
	if got := held(); len(got) != 2 || h.targets.m[1]["b"] == nil || h.targets.m[1]["d"] == nil {
		t.Errorf("after serving b, d: holds %v", got)
	}
	b.SetTargets(nil)
	serve()
	if got := held(); len(got) != 0 {
		t.Errorf("after serving no targets: holds %v", got)
	}
}
