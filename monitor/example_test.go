package monitor_test

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net"
	"os"
	"path/filepath"
	"time"

	"github.com/vitalsgo/vitals"
	"github.com/vitalsgo/vitals/checks/tcp"
	"github.com/vitalsgo/vitals/monitor"
	"github.com/vitalsgo/vitals/monitor/config"
)

// A monitor of one TCP target, served on a loopback port until its
// context ends. The vitals command passes a builder that knows every
// check type; this one builds tcp targets only.
func Example() {
	dir, _ := os.MkdirTemp("", "vitals-example")
	defer os.RemoveAll(dir)
	target, _ := net.Listen("tcp", "127.0.0.1:0") // the dependency watched
	defer target.Close()

	yaml := fmt.Sprintf("storage: %s\nchecks:\n  - {name: db, type: tcp, address: %q, interval: 1s}\n",
		filepath.Join(dir, "vitals.db"), target.Addr())
	cfg, err := config.Parse("vitals.yaml", []byte(yaml), nil)
	if err != nil {
		fmt.Println(err)
		return
	}
	build := func(c *config.Check) (vitals.Checker, io.Closer, error) {
		chk, err := tcp.New(c.Params.String("address"), nil)
		return chk, nil, err
	}
	srv, err := monitor.New(context.Background(), cfg, &monitor.Options{Build: build, Logger: slog.New(slog.DiscardHandler)})
	if err != nil {
		fmt.Println(err)
		return
	}
	ctx, stop := context.WithCancel(context.Background())
	ln, _ := net.Listen("tcp", "127.0.0.1:0") // or nil: the file's listen address
	done := make(chan error, 1)
	go func() { done <- srv.Run(ctx, ln) }()

	for deadline := time.Now().Add(10 * time.Second); time.Now().Before(deadline); time.Sleep(10 * time.Millisecond) {
		if st, _ := srv.Board().State("db"); st.Status != vitals.StatusUnknown {
			break
		}
	}
	st, _ := srv.Board().State("db")
	fmt.Println("db:", st.Status)
	stop()
	fmt.Println("stopped:", <-done)
	// Output:
	// db: pass
	// stopped: <nil>
}
