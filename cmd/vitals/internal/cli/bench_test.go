package cli

import (
	"net"
	"os/exec"
	"path/filepath"
	"testing"
)

// BenchmarkProbeColdStart runs `vitals probe tcp://…` as a new process per
// iteration: the cost a container pays for each HEALTHCHECK, start-up
// included. For the median of many runs, use hyperfine:
//
//	hyperfine -N --warmup 30 --runs 1000 'vitals probe --quiet tcp://127.0.0.1:6379'
func BenchmarkProbeColdStart(b *testing.B) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		b.Fatal(err)
	}
	done := make(chan struct{})
	go func() { // accept and drop, so the backlog never fills
		defer close(done)
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			c.Close()
		}
	}()
	defer func() { ln.Close(); <-done }()
	url := "tcp://" + ln.Addr().String()
	for _, bin := range []struct{ name, path string }{{"vitals", binary}, {fullName, filepath.Join(filepath.Dir(binary), fullName)}} {
		b.Run(bin.name, func(b *testing.B) {
			for b.Loop() {
				if err := exec.CommandContext(b.Context(), bin.path, "probe", "--quiet", "--timeout", "10s", url).Run(); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
