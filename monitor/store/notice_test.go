package store_test

import (
	"strings"
	"testing"
	"time"

	"github.com/vitalsgo/vitals"
	"github.com/vitalsgo/vitals/monitor/store"
)

func TestNoticesRoundTrip(t *testing.T) {
	at := time.Date(2026, 3, 2, 10, 0, 0, 0, time.UTC)
	var in []store.Result
	for i := range 500 {
		in = append(in, store.Result{Target: "api-" + strings.Repeat("x", i%40), At: at.Add(time.Duration(i) * time.Millisecond),
			Status: vitals.StatusFail, Latency: 1500 * time.Microsecond, Code: 503, Message: strings.Repeat("é", 300),
			Expect: 15 * time.Second, State: vitals.StatusWarn, Since: at})
	}
	ps := store.Notices(in)
	if len(ps) < 2 {
		t.Fatalf("500 results in %d notices; want several, each under 8,000 bytes", len(ps))
	}
	var out []store.Result
	for _, p := range ps {
		if len(p) >= 8000 {
			t.Errorf("a notice of %d bytes", len(p))
		}
		rs, err := store.DecodeNotice(p)
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, rs...)
	}
	if len(out) != len(in) {
		t.Fatalf("%d results back, want %d", len(out), len(in))
	}
	for i, r := range out {
		w := in[i]
		if r.Target != w.Target || !r.At.Equal(w.At) || r.Status != w.Status || r.Latency != w.Latency || r.Code != w.Code ||
			r.State != w.State || !r.Since.Equal(w.Since) || r.Expect != w.Expect {
			t.Fatalf("result %d = %+v, want %+v", i, r, w)
		}
		// Messages are cut to 200 bytes, at a character.
		if len(r.Message) > 200 || !strings.HasPrefix(w.Message, r.Message) || strings.ContainsRune(r.Message, '\uFFFD') {
			t.Fatalf("message %q", r.Message)
		}
	}
}

func TestDecodeNoticeRefusesWhatNoticesDoesNotWrite(t *testing.T) {
	for _, p := range []string{``, `{}`, `[{"t":"","a":1,"s":1}]`, `[{"t":"x","a":0,"s":1}]`, `[{"t":"x","a":1,"s":9}]`,
		`[{"t":"x","a":1,"s":1,"e":7}]`, `[{"t":"x","a":1,"s":1,"l":-5}]`, strings.Repeat(" ", 8001)} {
		if rs, err := store.DecodeNotice(p); err == nil {
			t.Errorf("DecodeNotice(%.40q) = %v, want an error", p, rs)
		}
	}
}

func FuzzDecodeNotice(f *testing.F) {
	at := time.Date(2026, 3, 2, 10, 0, 0, 0, time.UTC)
	for _, p := range store.Notices([]store.Result{{Target: "a", At: at, Status: vitals.StatusPass, Message: "ok"}}) {
		f.Add(p)
	}
	f.Add(`[{"t":"x","a":1,"s":1,"e":3,"f":-1}]`)
	f.Fuzz(func(t *testing.T, p string) {
		rs, err := store.DecodeNotice(p)
		if err != nil {
			return
		}
		// What decodes encodes again and decodes to the same results.
		var again []store.Result
		for _, q := range store.Notices(rs) {
			r, err := store.DecodeNotice(q)
			if err != nil {
				t.Fatalf("a decoded notice does not decode again: %v", err)
			}
			again = append(again, r...)
		}
		if len(again) != len(rs) {
			t.Fatalf("%d results, %d after a round trip", len(rs), len(again))
		}
	})
}
