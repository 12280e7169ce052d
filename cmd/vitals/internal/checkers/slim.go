//go:build vitals_slim

package checkers

import (
	"io"

	"github.com/vitalsgo/vitals"
	"github.com/vitalsgo/vitals/cmd/vitals/internal/config"
)

// A binary built with -tags vitals_slim leaves the third-party drivers out:
// it is a third of the size and starts in half the time, for images that
// only run `vitals probe` and `vitals wait`. Checks of these types fail to
// build with an error that says so.

func notBuiltIn(c *config.Check) (vitals.Checker, io.Closer, error) {
	return nil, nil, c.Errorf("type", "type %s is not built into this binary (it was built with -tags vitals_slim)", c.Type)
}

var (
	buildPostgres  = notBuiltIn
	buildMySQL     = notBuiltIn
	buildRedis     = notBuiltIn
	buildAMQP      = notBuiltIn
	buildMQTT      = notBuiltIn
	buildNATS      = notBuiltIn
	buildEtcd      = notBuiltIn
	buildMemcached = notBuiltIn
	buildBolt      = notBuiltIn
	buildBadger    = notBuiltIn
)
