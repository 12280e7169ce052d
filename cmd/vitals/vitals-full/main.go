// Command vitals-full is the vitals command with every check type's driver
// linked in: postgres, mysql, redis, amqp, mqtt, nats, etcd, memcached,
// bolt and badger.
//
// vitals runs it for a configuration that needs one of them: it takes
// vitals-full from its own directory, or else from PATH, so install both:
//
//	go install github.com/vitalsgo/vitals/cmd/vitals/...@latest
//
// It takes the same commands and flags as vitals, which leaves the drivers
// and the monitor out so that `vitals probe` starts as fast as curl; vitals
// hands `vitals serve` over to it in the same way.
package main

import (
	_ "github.com/vitalsgo/vitals/cmd/vitals/internal/checkers/drivers" // every driver
	"github.com/vitalsgo/vitals/cmd/vitals/internal/cli"
	_ "github.com/vitalsgo/vitals/cmd/vitals/internal/serve" // vitals serve
)

func main() { cli.Main() }
