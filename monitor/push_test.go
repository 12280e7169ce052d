package monitor_test

import (
	"context"
	"strings"
	"testing"
	"time"

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
		target("new", token, "1h")+"  - {name: cache, type: redis, address: \"127.0.0.1:1\"}\n")
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
	if code, body := get(t, r.url+"/readyz?verbose"); code != 200 {
		t.Errorf("/readyz after the push = %d %s", code, body)
	}
}
