// Command docker is the service of the Docker example: an HTTP service
// with vitals endpoints that also probes itself, so its image needs no curl
// and no second binary for HEALTHCHECK. See the Dockerfile beside it.
//
//	docker build -f examples/docker/Dockerfile --target self-probe -t vitals-example .
//	docker run -d --name app vitals-example
//	docker inspect --format '{{.State.Health.Status}}' app
package main

import (
	"context"
	"flag"
	"fmt"
	"log"
	"net/http"
	"os"
	"time"

	"github.com/vitalsgo/vitals"
	"github.com/vitalsgo/vitals/checks/disk"
	"github.com/vitalsgo/vitals/checks/goroutines"
	"github.com/vitalsgo/vitals/probe"
	"github.com/vitalsgo/vitals/vitalshttp"
)

const addr = ":8080"

func main() {
	// First thing: "service healthcheck" probes the running service on
	// loopback and exits 0 or 1, before anything else is opened. It gives
	// up within the Dockerfile's HEALTHCHECK --timeout=3s (the default
	// probe.Options.Timeout is 2s), so that Docker logs its reason instead
	// of killing it.
	probe.IfRequested("healthcheck", addr, nil)

	dataDir := flag.String("data", os.TempDir(), "directory the service writes to")
	flag.Parse()

	m := vitals.New(&vitals.Options{DrainDelay: 5 * time.Second, Info: vitals.Info{Service: "docker-example"}})
	g, err := goroutines.New(nil)
	if err != nil {
		log.Fatal(err)
	}
	w, err := disk.Writable(*dataDir)
	if err != nil {
		log.Fatal(err)
	}
	if err := m.Add("goroutines", g, vitals.Groups(vitals.Liveness)); err != nil {
		log.Fatal(err)
	}
	if err := m.Add("data-writable", w, vitals.Interval(30*time.Second)); err != nil {
		log.Fatal(err)
	}
	if err := m.Start(); err != nil {
		log.Fatal(err)
	}

	mux := http.NewServeMux()
	vitalshttp.New(m, nil).Install(mux)
	mux.HandleFunc("/", func(w http.ResponseWriter, _ *http.Request) { fmt.Fprintln(w, "hello") })
	log.Fatal(vitalshttp.Run(context.Background(), vitalshttp.NewServer(addr, mux), m, nil))
}
