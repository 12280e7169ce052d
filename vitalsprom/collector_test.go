package vitalsprom_test

import (
	"net/http"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus/testutil"
	"github.com/vitalsgo/vitals"
	"github.com/vitalsgo/vitals/internal/golden"
	"github.com/vitalsgo/vitals/internal/monitortest"
	"github.com/vitalsgo/vitals/vitalsprom"
)

// exampleMonitor is the golden scenario of vitalsprom and vitalsotel; it
// returns the URL of its /metrics.
func exampleMonitor(t *testing.T) string {
	t.Helper()
	var url string
	monitortest.Scenario(t, func(m *vitals.Monitor) { _, url = serveMetrics(t, m, nil) })
	return url
}

func TestExpositionGolden(t *testing.T) {
	got := scrape(t, http.DefaultClient, exampleMonitor(t))
	golden.Compare(t, filepath.Join("testdata", "metrics.txt"), got)
}

func TestExpositionPassesPromtool(t *testing.T) {
	body := scrape(t, http.DefaultClient, exampleMonitor(t))
	cmd := promtoolCmd(t, "check", "metrics")
	cmd.Stdin = strings.NewReader(body)
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("promtool check metrics: %v\n%s", err, out)
	}
}

func TestLint(t *testing.T) {
	m, _ := monitortest.New(t)
	monitortest.Add(t, m, "db", monitortest.Script(monitortest.Result(vitals.StatusPass, time.Millisecond, monitortest.T0)))
	monitortest.RunOnce(t, m)
	c := vitalsprom.New(m, nil)
	defer c.Close()
	problems, err := testutil.CollectAndLint(c)
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range problems {
		t.Errorf("%s: %s", p.Metric, p.Text)
	}
}

// TestScrapesRunNoCheck scrapes a started monitor 1,000 times through
// promhttp: neither periodic checks nor on-demand checks whose cached
// result has expired may run.
func TestScrapesRunNoCheck(t *testing.T) {
	client := &http.Client{}
	defer client.CloseIdleConnections()
	monitortest.ReadsRunNoCheck(t, 1000, func(m *vitals.Monitor) func() {
		_, url := serveMetrics(t, m, nil)
		return func() { scrape(t, client, url) }
	})
}
