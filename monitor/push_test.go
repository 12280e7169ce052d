package monitor_test

import (
	"strings"
	"testing"

	"github.com/vitalsgo/vitals"
	"github.com/vitalsgo/vitals/internal/monitortest"
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
