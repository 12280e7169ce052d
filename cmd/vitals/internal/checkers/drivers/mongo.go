package drivers

import (
	"io"

	"github.com/vitalsgo/vitals"
	"github.com/vitalsgo/vitals/checks/mongo"
	"github.com/vitalsgo/vitals/cmd/vitals/internal/checkers"
	"github.com/vitalsgo/vitals/monitor/config"
)

func buildMongo(c *config.Check) (vitals.Checker, io.Closer, error) {
	if c.Params.String("collection") != "" && c.Params.String("database") == "" {
		return nil, nil, c.Errorf("collection", "needs database, the database the collection is in")
	}
	chk, err := mongo.Open(c.Params.String("uri"), &mongo.Options{
		Database:   c.Params.String("database"),
		Collection: c.Params.String("collection"),
	})
	return checkers.Opened(c, "uri", chk, err)
}
