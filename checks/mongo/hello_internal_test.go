package mongo

import (
	"strings"
	"testing"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"

	"github.com/vitalsgo/vitals"
)

// TestHelloResult: what each kind of member answers to hello, and the
// status and message the checker makes of it.
func TestHelloResult(t *testing.T) {
	tests := []struct {
		name  string
		reply bson.D
		role  string
		want  vitals.Status
		msg   string
	}{
		{"standalone", bson.D{{Key: "isWritablePrimary", Value: true}, {Key: "maxWireVersion", Value: int32(21)}},
			roleStandalone, vitals.StatusPass, "mongo standalone, answered ping in 1.5ms"},
		{"standalone before 4.4.2", bson.D{{Key: "ismaster", Value: true}},
			roleStandalone, vitals.StatusPass, "mongo standalone, answered ping in 1.5ms"},
		{"mongos", bson.D{{Key: "isWritablePrimary", Value: true}, {Key: "msg", Value: "isdbgrid"}},
			roleMongos, vitals.StatusPass, "mongo mongos, answered ping in 1.5ms"},
		{"primary", bson.D{{Key: "isWritablePrimary", Value: true}, {Key: "setName", Value: "rs0"}, {Key: "primary", Value: "a:27017"}, {Key: "me", Value: "a:27017"}},
			rolePrimary, vitals.StatusPass, "mongo primary of rs0, answered ping in 1.5ms"},
		{"secondary", bson.D{{Key: "secondary", Value: true}, {Key: "setName", Value: "rs0"}, {Key: "primary", Value: "a:27017"}, {Key: "me", Value: "b:27017"}},
			roleSecondary, vitals.StatusPass, "mongo secondary of rs0 (primary a:27017), answered ping in 1.5ms"},
		{"secondary without primary", bson.D{{Key: "secondary", Value: true}, {Key: "setName", Value: "rs0"}, {Key: "me", Value: "b:27017"}},
			roleSecondary, vitals.StatusFail, "mongo replica set rs0 has no primary: the secondary b:27017 knows none"},
		{"arbiter", bson.D{{Key: "arbiterOnly", Value: true}, {Key: "setName", Value: "rs0"}, {Key: "me", Value: "c:27017"}},
			roleArbiter, vitals.StatusWarn, "mongo member c:27017 of rs0 is an arbiter: it holds no data"},
		{"recovering", bson.D{{Key: "setName", Value: "rs0"}, {Key: "me", Value: "b:27017"}},
			roleOther, vitals.StatusFail, "mongo member b:27017 of rs0 is neither primary nor secondary"},
		{"not writable, no set", bson.D{{Key: "isWritablePrimary", Value: false}},
			roleOther, vitals.StatusFail, "mongo server is not writable and in no replica set"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			raw, err := bson.Marshal(tt.reply)
			if err != nil {
				t.Fatal(err)
			}
			h, err := readHello(raw)
			if err != nil {
				t.Fatal(err)
			}
			r := h.result(1500 * time.Microsecond)
			d := h.details()
			if r.Status != tt.want || r.Message != tt.msg || d["role"] != tt.role {
				t.Errorf("%v %q, role %v; want %v %q, role %s", r.Status, r.Message, d["role"], tt.want, tt.msg, tt.role)
			}
			if _, inSet := d["set_name"]; inSet != (h.SetName != "") {
				t.Errorf("details %v: set_name present %v for setName %q", d, inSet, h.SetName)
			}
		})
	}
}

// TestHelloOfWrongType: a reply whose fields have other types than hello
// documents is an error, not a zero value that could pass.
func TestHelloOfWrongType(t *testing.T) {
	raw, err := bson.Marshal(bson.D{{Key: "isWritablePrimary", Value: "yes"}})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := readHello(raw); err == nil || !strings.HasPrefix(err.Error(), "read reply: ") {
		t.Errorf("readHello: %v, want a read error", err)
	}
}

// FuzzReadHello reads arbitrary bytes as a hello reply: it never panics,
// a reply it reads gets one of the roles and a status, and only a member
// that is primary, standalone, mongos or a secondary that knows its
// primary passes.
func FuzzReadHello(f *testing.F) {
	for _, d := range []bson.D{
		{{Key: "isWritablePrimary", Value: true}, {Key: "maxWireVersion", Value: int32(21)}},
		{{Key: "secondary", Value: true}, {Key: "setName", Value: "rs0"}, {Key: "primary", Value: "a:1"}},
		{{Key: "arbiterOnly", Value: true}, {Key: "setName", Value: "rs0"}},
		{{Key: "msg", Value: "isdbgrid"}, {Key: "ismaster", Value: true}},
	} {
		raw, err := bson.Marshal(d)
		if err != nil {
			f.Fatal(err)
		}
		f.Add([]byte(raw))
	}
	f.Add([]byte{5, 0, 0, 0, 0})
	f.Add([]byte{0xff, 0xff, 0xff, 0x7f, 8})
	f.Fuzz(func(t *testing.T, b []byte) {
		h, err := readHello(bson.Raw(b))
		if err != nil {
			return
		}
		d := h.details()
		role, _ := d["role"].(string)
		r := h.result(time.Millisecond)
		passes := role == rolePrimary || role == roleStandalone || role == roleMongos ||
			role == roleSecondary && h.Primary != ""
		switch {
		case role == roleArbiter:
			if r.Status != vitals.StatusWarn {
				t.Fatalf("arbiter: %v %q", r.Status, r.Message)
			}
		case passes != (r.Status == vitals.StatusPass):
			t.Fatalf("role %q (%+v): %v %q", role, h, r.Status, r.Message)
		case !passes && r.Status != vitals.StatusFail:
			t.Fatalf("role %q (%+v): %v, want fail", role, h, r.Status)
		}
		if d["writable_primary"] != h.writable() || d["max_wire_version"] != h.MaxWireVersion {
			t.Fatalf("details %v from %+v", d, h)
		}
	})
}
