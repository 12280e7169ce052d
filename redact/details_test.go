package redact

import (
	"encoding/base64"
	"encoding/json"
	"math"
	"reflect"
	"strings"
	"testing"
)

// blob is a named byte slice, which encoding/json also writes in base64.
type blob []byte

type withBytes struct {
	Name string
	Raw  []byte
}

func TestRedactDetails(t *testing.T) {
	tests := []struct {
		name string
		in   any
		want any // after a JSON round trip, as an output shows it
	}{
		{"string", "dial postgres://u:pw@h/db", "dial postgres://u:***@h/db"},
		{"bytes as text", []byte("password=hunter2"), "password=***"},
		{"bytes of a header dump", []byte("X-Api-Key: 8f14e45fceea167a\r\n"), "X-Api-Key: ***\r\n"},
		{"named bytes", blob("token=abc123"), "token=***"},
		{"binary bytes", []byte("\xff\xfepassword=hunter2"), base64.StdEncoding.EncodeToString([]byte("\xff\xfepassword=***"))},
		{"clean binary bytes", []byte{0xff, 0x00, 0x01}, base64.StdEncoding.EncodeToString([]byte{0xff, 0x00, 0x01})},
		{"bytes in a struct", withBytes{"a", []byte("postgres://u:pw@h/db")}, map[string]any{"Name": "a", "Raw": "postgres://u:***@h/db"}},
		{"clean bytes in a struct", withBytes{"a", []byte("hello")}, map[string]any{"Name": "a", "Raw": base64.StdEncoding.EncodeToString([]byte("hello"))}},
		{"bytes in a list", []any{[]byte("secret=x")}, []any{"secret=***"}},
		{"raw json", json.RawMessage(`{"password":"x","n":1}`), map[string]any{"password": "***", "n": 1.0}},
		{"secret key", map[string]any{"Token": []byte("x"), "n": 1}, map[string]any{"Token": "***", "n": 1.0}},
		{"cookie key", map[string]any{"Cookie": "sid=abc"}, map[string]any{"Cookie": "***"}},
		{"nan", math.NaN(), "NaN"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			out := Details(map[string]any{"v": tt.in})
			b, err := json.Marshal(out)
			if err != nil {
				t.Fatal(err)
			}
			var got map[string]any
			if err := json.Unmarshal(b, &got); err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(got["v"], tt.want) {
				t.Errorf("Details(%#v) shows as %s, want %#v", tt.in, b, tt.want)
			}
			if again := Details(out); !reflect.DeepEqual(again, out) {
				t.Errorf("not idempotent: %#v, then %#v", out, again)
			}
		})
	}
}

// FuzzRedactDetails plants a URL password in a string, in bytes, in bytes
// inside a struct and under a secret key, and checks that it shows in no
// output: not in the JSON of the redacted details, and not in base64 in it,
// at any alignment. Redacting again changes nothing.
func FuzzRedactDetails(f *testing.F) {
	for _, tt := range redactTests {
		f.Add(tt.in, "", "key")
	}
	f.Add("\xff", "\xfe", "raw")
	f.Add("password=", "", "password")
	f.Fuzz(func(t *testing.T, prefix, suffix, key string) {
		const pw = "PLANTEDpw1"
		if strings.Contains(prefix+suffix+key, pw) {
			return
		}
		planted := prefix + "postgres://u:" + pw + "@h/" + suffix
		details := map[string]any{
			key:      planted,
			"bytes":  []byte(planted),
			"blob":   blob(planted),
			"struct": withBytes{Name: prefix, Raw: []byte(planted)},
			"list":   []any{planted, []byte(planted)},
			"nested": map[string]any{key: []byte(planted), "password": planted},
		}
		out := Details(details)
		b, err := json.Marshal(out)
		if err != nil {
			t.Fatalf("redacted details do not encode: %v", err)
		}
		if form, ok := shows(string(b), prefix+suffix+key, pw); ok {
			t.Fatalf("secret survived as %q:\n%s", form, b)
		}
		if again := Details(out); !reflect.DeepEqual(again, out) {
			t.Fatalf("not idempotent:\n once  %#v\n twice %#v", out, again)
		}
	})
}

// FuzzRedactValue checks Value on text and bytes: idempotent, and a
// planted password shows in no encoding.
func FuzzRedactValue(f *testing.F) {
	for _, tt := range redactTests {
		f.Add(tt.in, []byte(tt.in))
	}
	f.Fuzz(func(t *testing.T, s string, b []byte) {
		for _, v := range []any{s, b, blob(b), withBytes{s, b}} {
			once := Value(v)
			if twice := Value(once); !reflect.DeepEqual(twice, once) {
				t.Fatalf("Value(%#v) not idempotent:\n once  %#v\n twice %#v", v, once, twice)
			}
			if _, err := json.Marshal(once); err != nil {
				t.Fatalf("Value(%#v) = %#v does not encode: %v", v, once, err)
			}
		}
		const pw = "PLANTEDpw1"
		if strings.Contains(s, pw) || strings.Contains(string(b), pw) {
			return
		}
		out, _ := json.Marshal(Value(withBytes{s, append(b, "://u:"+pw+"@h/"...)}))
		if form, ok := shows(string(out), s+string(b), pw); ok {
			t.Fatalf("secret survived as %q: %s", form, out)
		}
	})
}

// encoded is a secret, or part of one, as it shows in an output.
type encoded struct {
	form  string // as shown
	plain string // the bytes of the secret that form gives away
}

// encodings returns secret as it shows in text and in base64 (standard and
// URL alphabets) at each of the three alignments it may have in a longer
// encoded text: the characters that do not depend on its neighbours.
func encodings(secret string) []encoded {
	forms := []encoded{{secret, secret}}
	for _, enc := range []*base64.Encoding{base64.StdEncoding, base64.URLEncoding} {
		for pad := 0; pad < 3; pad++ {
			e := enc.EncodeToString([]byte(strings.Repeat("\x00", pad) + secret))
			// The first 4 characters carry the padding, the last 4 what
			// follows the secret; those between encode bytes [3, n).
			n := 3 * (len(e) - 4) / 4
			forms = append(forms, encoded{e[4 : len(e)-4], secret[3-pad : n-pad]})
		}
	}
	return forms
}

// shows reports the first form of secret that out shows although in,
// the input, did not hold its bytes already.
func shows(out, in, secret string) (string, bool) {
	for _, e := range encodings(secret) {
		if strings.Contains(out, e.form) && !strings.Contains(in, e.plain) {
			return e.form, true
		}
	}
	return "", false
}
