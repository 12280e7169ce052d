package api_test

import (
	"encoding/json"
	"net/http"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/vitalsgo/vitals"
	"github.com/vitalsgo/vitals/monitor/api"
	"github.com/vitalsgo/vitals/monitor/board"
)

// The target list keeps each target's JSON per State: whatever changes on
// the board, its answer is the one a handler without a cache gives, tag
// and all, and a changed answer has another tag.
func TestTargetsCacheFollowsBoard(t *testing.T) {
	t.Parallel()
	f := newFixture(t, fixtureSeries(), defaultPolicy())
	// fresh answers as a handler that never served the list would.
	fresh := func(hdr ...string) (string, string) {
		mux := http.NewServeMux()
		api.New(f.board, defaultPolicy(), &api.Options{Now: func() time.Time { return now }}).Register(mux)
		w := (&fixture{mux: mux}).get(t, "/api/v1/targets", hdr...)
		return w.Body.String(), w.Header().Get("ETag")
	}
	variants := [][]string{nil, {"Authorization", bearer}}
	tags := map[string]string{} // every tag seen, to the body it stands for
	check := func(step string) {
		t.Helper()
		for _, hdr := range variants {
			w := f.get(t, "/api/v1/targets", hdr...)
			body, tag := w.Body.String(), w.Header().Get("ETag")
			wantBody, wantTag := fresh(hdr...)
			if body != wantBody || tag != wantTag {
				t.Errorf("%s %v: cached answer (tag %s)\n%s\nfresh answer (tag %s)\n%s", step, hdr, tag, body, wantTag, wantBody)
			}
			if !json.Valid(w.Body.Bytes()) || w.Header().Get("Content-Length") != strconv.Itoa(len(body)) {
				t.Errorf("%s %v: Content-Length %s for %d bytes, valid JSON %v", step, hdr, w.Header().Get("Content-Length"), len(body), json.Valid(w.Body.Bytes()))
			}
			if seen, ok := tags[tag]; ok && seen != body {
				t.Errorf("%s %v: tag %s stands for two answers", step, hdr, tag)
			}
			tags[tag] = body
			head := f.do(t, http.MethodHead, "/api/v1/targets", hdr...)
			if head.Code != http.StatusOK || head.Body.Len() != 0 || head.Header().Get("ETag") != tag ||
				head.Header().Get("Content-Length") != strconv.Itoa(len(body)) {
				t.Errorf("%s HEAD %v: %d, %d bytes, ETag %q, length %s", step, hdr, head.Code, head.Body.Len(),
					head.Header().Get("ETag"), head.Header().Get("Content-Length"))
			}
		}
	}
	check("start")
	if len(tags) != 2 {
		t.Errorf("the answers with and without details share a tag")
	}
	before := len(tags)
	check("again")
	if len(tags) != before {
		t.Errorf("an unchanged list got a new tag")
	}

	db := &vitals.CheckInfo{Name: "db"}
	f.board.Record(&vitals.CheckState{CheckInfo: db, Status: vitals.StatusPass, Since: now,
		Last: vitals.Result{Status: vitals.StatusPass, Time: now, Message: "recovered", Duration: time.Millisecond}})
	check("db recovered")
	if len(tags) != before+2 {
		t.Errorf("after db recovered, %d new tags, want 2", len(tags)-before)
	}

	// Removed, renamed, reordered and added targets.
	states := f.board.States()
	targets := []board.Target{states[2].Target, {Name: "fresh", Type: "tcp", Interval: time.Minute}, states[0].Target}
	targets[2].Description = "renamed description"
	f.board.SetTargets(targets)
	check("new targets")
	f.board.SetTargets(nil)
	check("no targets")
	if w := f.get(t, "/api/v1/targets"); w.Body.String() != `{"targets":[]}`+"\n" {
		t.Errorf("no targets: %s", w.Body)
	}
	f.board.SetTargets(targets[:1])
	check("one target")
}

// Concurrent requests, while the board changes, each get a whole answer
// whose tag stands for that answer only.
func TestTargetsConcurrent(t *testing.T) {
	t.Parallel()
	f := newFixture(t, fixtureSeries(), defaultPolicy())
	var (
		mu   sync.Mutex
		tags = map[string]string{}
		wg   sync.WaitGroup
	)
	for g := range 4 {
		wg.Go(func() {
			var hdr []string
			if g%2 == 1 {
				hdr = []string{"Authorization", bearer}
			}
			for range 50 {
				w := f.get(t, "/api/v1/targets", hdr...)
				body := w.Body.String()
				if !json.Valid(w.Body.Bytes()) || w.Header().Get("Content-Length") != strconv.Itoa(len(body)) {
					t.Errorf("a torn answer: Content-Length %s, %d bytes", w.Header().Get("Content-Length"), len(body))
					return
				}
				mu.Lock()
				if seen, ok := tags[w.Header().Get("ETag")]; ok && seen != body {
					t.Errorf("tag %s stands for two answers", w.Header().Get("ETag"))
				}
				tags[w.Header().Get("ETag")] = body
				mu.Unlock()
			}
		})
	}
	wg.Go(func() {
		info := &vitals.CheckInfo{Name: "db"}
		for i := range 100 {
			at := now.Add(time.Duration(i) * time.Second)
			f.board.Record(&vitals.CheckState{CheckInfo: info, Status: vitals.StatusFail, Since: now,
				Last: vitals.Result{Status: vitals.StatusFail, Time: at, Message: "down " + strconv.Itoa(i)}})
		}
	})
	wg.Wait()
}
