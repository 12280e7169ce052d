package mongo

import (
	"fmt"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"

	"github.com/vitalsgo/vitals"
	"github.com/vitalsgo/vitals/checks/internal/report"
)

// hello is the part of a hello reply the checker reads.
type hello struct {
	WritablePrimary bool   `bson:"isWritablePrimary"`
	LegacyPrimary   bool   `bson:"ismaster"` // servers before MongoDB 4.4.2 (and FerretDB) answer both
	Secondary       bool   `bson:"secondary"`
	ArbiterOnly     bool   `bson:"arbiterOnly"`
	SetName         string `bson:"setName"`
	Primary         string `bson:"primary"`
	Me              string `bson:"me"`
	Msg             string `bson:"msg"` // "isdbgrid" from mongos
	MaxWireVersion  int32  `bson:"maxWireVersion"`
	MinWireVersion  int32  `bson:"minWireVersion"`
}

// The roles of a member, as Details name them.
const (
	rolePrimary    = "primary"
	roleSecondary  = "secondary"
	roleStandalone = "standalone"
	roleMongos     = "mongos"
	roleArbiter    = "arbiter"
	roleOther      = "other"
)

// readHello decodes a hello reply. A field of an unexpected type is an
// error, not a zero value: a reply the checker cannot read must not pass.
func readHello(raw bson.Raw) (hello, error) {
	var h hello
	if err := bson.Unmarshal(raw, &h); err != nil {
		return hello{}, fmt.Errorf("read reply: %w", err)
	}
	return h, nil
}

func (h hello) writable() bool { return h.WritablePrimary || h.LegacyPrimary }

// role says what the member is; a replica set member that is neither
// primary, secondary nor arbiter (recovering, starting up, rolling back)
// is roleOther.
func (h hello) role() string {
	switch {
	case h.Msg == "isdbgrid":
		return roleMongos
	case h.SetName == "" && h.writable():
		return roleStandalone
	case h.SetName == "":
		return roleOther
	case h.writable():
		return rolePrimary
	case h.Secondary:
		return roleSecondary
	case h.ArbiterOnly:
		return roleArbiter
	}
	return roleOther
}

func (h hello) details() map[string]any {
	d := map[string]any{
		"role":             h.role(),
		"writable_primary": h.writable(),
		"max_wire_version": h.MaxWireVersion,
		"min_wire_version": h.MinWireVersion,
	}
	if h.SetName != "" {
		d["set_name"] = h.SetName
		d["primary"] = h.Primary
		d["me"] = h.Me
	}
	return d
}

// result turns the member's role into a status, with ping's rtt in the
// message.
func (h hello) result(rtt time.Duration) vitals.Result {
	answered := fmt.Sprintf("answered ping in %.1fms", report.Ms(rtt))
	switch role := h.role(); role {
	case rolePrimary:
		return vitals.Passf("mongo primary of %s, %s", h.SetName, answered)
	case roleSecondary:
		if h.Primary == "" {
			return vitals.Failf("mongo replica set %s has no primary: the secondary %s knows none", h.SetName, h.Me)
		}
		return vitals.Passf("mongo secondary of %s (primary %s), %s", h.SetName, h.Primary, answered)
	case roleArbiter:
		return vitals.Warnf("mongo member %s of %s is an arbiter: it holds no data", h.Me, h.SetName)
	case roleOther:
		if h.SetName == "" {
			return vitals.Failf("mongo server is not writable and in no replica set")
		}
		return vitals.Failf("mongo member %s of %s is neither primary nor secondary", h.Me, h.SetName)
	default: // standalone, mongos
		return vitals.Passf("mongo %s, %s", role, answered)
	}
}
