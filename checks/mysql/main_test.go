package mysql

import (
	"io"
	"log"
	"testing"

	"github.com/go-sql-driver/mysql"
	"go.uber.org/goleak"
)

func TestMain(m *testing.M) {
	// The fault tests break connections on purpose; the driver would log
	// each broken one ("[mysql] … unexpected EOF") to stderr.
	mysql.SetLogger(log.New(io.Discard, "", 0))
	goleak.VerifyTestMain(m)
}
