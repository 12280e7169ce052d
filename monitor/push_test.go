package monitor_test

import (
	"context"
	"net/url"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/vitalsgo/vitals"
	"github.com/vitalsgo/vitals/internal/monitortest"
	"github.com/vitalsgo/vitals/internal/testservice"
	"github.com/vitalsgo/vitals/monitor/store/storetest"
)

// A reload that changes a push target but keeps its token keeps taking
// pushes at that token; one that removes the target, or changes its
// token, refuses the old token.
func TestPushAcrossReload(t *testing.T) {
	const token, other = "push-token-0123456789", "push-token-9876543210"
	head := "storage: %s\nchecks:\n"
	target := func(name, token, every string) string {
		return "  - {name: " + name + ", type: push, token: " + token + ", every: " + every + ", interval: 20ms}\n"
	}
	r := serve(t, head+target("job", token, "1h"), "")
	reload := func(checks string) {
		t.Helper()
		writeFile(t, r.file, strings.Replace(head, "%s", r.dir+"/vitals.db", 1)+checks)
		if err := r.ReloadFile(r.file); err != nil {
			t.Fatal(err)
		}
	}
	push := func(token string) int {
		t.Helper()
		code, _ := post(t, r.url+"/api/v1/push/"+token+"?status=fail")
		return code
	}

	reload(target("job", token, "2h"))
	if code := push(token); code != 200 {
		t.Errorf("a push to the token of a target whose every changed = %d, want 200", code)
	}
	monitortest.Eventually(t, "the pushed fail after the reload", func() bool { return status(r, "job") == vitals.StatusFail })

	reload(target("renamed", token, "2h"))
	if code := push(token); code != 200 {
		t.Errorf("a push to the token of a renamed target = %d, want 200", code)
	}

	reload(target("renamed", other, "2h"))
	if code := push(token); code != 404 {
		t.Errorf("a push to a token no target has any more = %d, want 404", code)
	}
	if code := push(other); code != 200 {
		t.Errorf("a push to the new token = %d, want 200", code)
	}

	// A reload refused because a target failed to build adds no token.
	writeFile(t, r.file, strings.Replace(head, "%s", r.dir+"/vitals.db", 1)+target("renamed", other, "2h")+
		target("new", token, "1h")+"  - {name: cache, type: redis, url: \"redis://127.0.0.1:1\"}\n")
	if err := r.ReloadFile(r.file); err == nil {
		t.Fatal("a file with a target the builder refuses was applied")
	}
	if code := push(token); code != 404 {
		t.Errorf("a push to the token of a refused reload = %d, want 404", code)
	}

	reload("  - {name: port, type: tcp, address: \"127.0.0.1:1\", interval: 1h}\n")
	if code := push(other); code != 404 {
		t.Errorf("a push to the token of a removed target = %d, want 404", code)
	}
}

// A push whose message holds a NUL byte and invalid UTF-8 is stored like
// any other: PostgreSQL refuses both in text, and one such row used to
// fail every later write of the queue, so the history stopped and
// /readyz failed for good.
func TestPushHostileMessageStored(t *testing.T) {
	testservice.Require(t, "PostgreSQL", testservice.PostgresAddr)
	dsn := storetest.FreshPostgres(t)
	const token = "push-token-0123456789"
	r := serve(t, "storage: \""+dsn+"\"\n#%s\nchecks:\n  - {name: job, type: push, token: "+token+", every: 1h, interval: 20ms}\n", "")
	if code, body := post(t, r.url+"/api/v1/push/"+token+"?msg=nul%00here%FFthere"); code != 200 {
		t.Fatalf("push = %d %s", code, body)
	}
	monitortest.Eventually(t, "the pushed message in the store", func() bool {
		rs, err := r.Board().Store().Results(context.Background(), "job", time.Now().Add(-time.Hour), time.Now().Add(time.Hour), 1)
		return err == nil && len(rs) == 1 && strings.Contains(rs[0].Message, "nul\uFFFDhere\uFFFDthere")
	})
	monitortest.Poll(t, 20*time.Millisecond, "/readyz passing after the push", func() bool {
		code, _ := get(t, r.url+"/readyz")
		return code == 200
	})
}

// A push's message is shown as one printable line of at most 200 bytes,
// cut at a character, with secrets redacted before the cut.
func TestPushMessage(t *testing.T) {
	const token = "push-token-0123456789"
	r := serve(t, "storage: %s\nchecks:\n  - {name: job, type: push, token: "+token+", every: 1h, interval: 20ms}\n", "")
	tests := []struct {
		name, msg string
		ok        func(shown string) bool
	}{
		{"long, multibyte", "a" + strings.Repeat("é", 300), func(s string) bool {
			return utf8.ValidString(s) && !strings.ContainsRune(s, utf8.RuneError) && strings.HasSuffix(s, "é…") && len(s) <= 200+len("…")
		}},
		{"lines and escapes", "line one\r\nline two\x1b[2J", func(s string) bool {
			return s == "line one line two\uFFFD[2J"
		}},
		{"a secret across the cut", strings.Repeat("x ", 90) + "postgres://u:s3cr3t-pa55@db/x", func(s string) bool {
			return !strings.Contains(s, "s3cr") && utf8.ValidString(s)
		}},
	}
	var shown string // each case's message differs from the one before
	for _, tt := range tests {
		if code, body := post(t, r.url+"/api/v1/push/"+token+"?msg="+url.QueryEscape(tt.msg)); code != 200 {
			t.Fatalf("push = %d %s", code, body)
		}
		prev := shown
		monitortest.Eventually(t, "the push's message on the board", func() bool {
			st, _ := r.Board().State("job")
			_, shown, _ = strings.Cut(st.Last.Message, " ago: ")
			return shown != "" && shown != prev
		})
		if !tt.ok(shown) {
			t.Errorf("%s: the push message %q is shown as %q", tt.name, tt.msg, shown)
		}
	}
}

// A reload refused after its push target was built leaves the running
// target's every and grace as they were.
func TestPushRefusedReloadKeepsTiming(t *testing.T) {
	const token = "push-token-0123456789"
	head := "storage: %s\nchecks:\n"
	r := serve(t, head+"  - {name: job, type: push, token: "+token+", every: 1h, interval: 10ms}\n", "")
	writeFile(t, r.file, strings.Replace(head, "%s", r.dir+"/vitals.db", 1)+
		"  - {name: job, type: push, token: "+token+", every: 1ms, grace: 1ms, interval: 10ms}\n"+
		"  - {name: cache, type: redis, url: \"redis://127.0.0.1:1\"}\n")
	if err := r.ReloadFile(r.file); err == nil {
		t.Fatal("a file with a target the builder refuses was applied")
	}
	// Runs of the old target after the refusal still wait an hour.
	since := time.Now()
	monitortest.Eventually(t, "a run after the refused reload", func() bool {
		st, ok := r.Board().State("job")
		return ok && st.Last.At.After(since.Add(20*time.Millisecond))
	})
	if st, _ := r.Board().State("job"); st.Status != vitals.StatusPass {
		t.Errorf("the running push target took the refused file's timing: %v %q", st.Status, st.Last.Message)
	}
}
