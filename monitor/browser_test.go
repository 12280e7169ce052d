package monitor_test

import (
	"context"
	"flag"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/vitalsgo/vitals/internal/monitortest"
	"github.com/vitalsgo/vitals/internal/testservice"
)

var screenshot = flag.String("screenshot", "", "write a screenshot of the status page to this PNG file (e.g. ../docs/status-page.png)")

// chromium returns the browser the tests drive, or skips (fails with
// VITALS_REQUIRE_SERVICES=1) when there is none.
func chromium(t *testing.T) string {
	t.Helper()
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome"} {
		if path, err := exec.LookPath(name); err == nil {
			return path
		}
	}
	if os.Getenv("VITALS_REQUIRE_SERVICES") != "" {
		t.Fatal("chromium is not installed: run scripts/services")
	}
	t.Skip("chromium is not installed: run scripts/services")
	return ""
}

// browser starts a headless chromium, killed when the test ends.
func browser(t *testing.T) context.Context {
	t.Helper()
	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(chromium(t)),
		chromedp.NoSandbox, chromedp.DisableGPU, chromedp.NoFirstRun,
		chromedp.Flag("disable-background-networking", true),
		chromedp.UserDataDir(t.TempDir()),
		chromedp.WindowSize(1280, 900),
	)
	// Every step has a deadline: a browser that hangs fails the test, it
	// does not hang CI.
	deadline, cancelDeadline := context.WithTimeout(context.Background(), 2*time.Minute)
	alloc, cancelAlloc := chromedp.NewExecAllocator(deadline, opts...)
	ctx, cancel := chromedp.NewContext(alloc)
	t.Cleanup(func() { cancel(); cancelAlloc(); cancelDeadline() })
	return ctx
}

// flaky is a real HTTP server on a fixed port that a test stops and
// starts again.
type flaky struct {
	addr string
	srv  *http.Server
	done chan struct{}
}

func (f *flaky) start(t *testing.T) {
	t.Helper()
	// Go listens with SO_REUSEADDR, so the port of a stopped server is
	// free again at once.
	ln, err := net.Listen("tcp", f.addr)
	if err != nil {
		t.Fatal(err)
	}
	f.addr = ln.Addr().String()
	f.srv = &http.Server{Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprintln(w, "ok")
	})}
	f.done = make(chan struct{})
	go func() { f.srv.Serve(ln); close(f.done) }()
}

func (f *flaky) stop() {
	if f.srv != nil {
		f.srv.Close()
		<-f.done
		f.srv = nil
	}
}

// statusOf polls the row of target in the open page until its data-status
// is want, and returns how long that took.
func statusOf(t *testing.T, ctx context.Context, target, want string, within time.Duration) time.Duration {
	t.Helper()
	start := time.Now()
	ctx, cancel := context.WithTimeout(ctx, within)
	defer cancel()
	sel := fmt.Sprintf(`tr#t-%s[data-status=%q]`, target, want)
	if err := chromedp.Do(ctx, chromedp.WaitVisible(chromedp.CSS(sel))); err != nil {
		t.Fatalf("the row of %s did not turn %s in the open page within %v: %v", target, want, within, err)
	}
	return time.Since(start)
}

// The open status page follows a real target server going down and
// coming back, without a reload; with -screenshot it writes the picture
// the README shows.
func TestBrowserFollowsTargets(t *testing.T) {
	ctx := browser(t)
	api := &flaky{addr: "127.0.0.1:0"}
	api.start(t)
	defer api.stop()

	const interval, timeout = time.Second, time.Second
	yaml := fmt.Sprintf(`storage: %%s
pages:
  title: Checkout status
  groups:
    - {name: Public, targets: [api, web]}
    - {name: Data, targets: [postgres, cache]}
auth: {public_details: true}
checks:
  - {name: api, type: http, url: "http://%s/", interval: %v, timeout: %v, description: the public API}
  - {name: web, type: tcp, address: "%s", interval: %v}
  - {name: postgres, type: tcp, address: "%s", interval: %v}
  - {name: cache, type: tcp, address: "%s", interval: %v, timeout: 200ms}
  - {name: nightly-backup, type: push, token: browser-test-token-0001, every: 24h, interval: %v}
`, api.addr, interval, timeout, api.addr, interval, testservice.PostgresAddr, interval, testservice.ClosedAddr(t), interval, interval)
	r := serve(t, yaml, "")

	if err := chromedp.Do(ctx, chromedp.Navigate(r.url+"/")); err != nil {
		t.Fatal(err)
	}
	statusOf(t, ctx, "api", "pass", 30*time.Second)

	api.stop()
	took := statusOf(t, ctx, "api", "fail", 30*time.Second)
	t.Logf("the open page showed api failing %v after its server stopped (interval %v + timeout %v + 1s = %v)", took.Round(time.Millisecond), interval, timeout, interval+timeout+time.Second)

	api.start(t)
	took = statusOf(t, ctx, "api", "pass", 30*time.Second)
	t.Logf("and passing %v after it started again", took.Round(time.Millisecond))

	if *screenshot != "" {
		statusOf(t, ctx, "cache", "fail", 30*time.Second)
		// A picture with some history: sparklines and uptimes filled in.
		monitortest.Poll(t, 100*time.Millisecond, "ten results of api and its uptime", func() bool {
			st, ok := r.Board().State("api")
			return ok && len(st.Recent) >= 10 && len(st.Uptime) > 0 && st.Uptime[0].Ratio() >= 0
		})
		if err := chromedp.Do(ctx, chromedp.WaitVisible(chromedp.CSS(`tr#t-api td.num`))); err != nil {
			t.Fatal(err)
		}
		png, err := chromedp.Run(ctx, chromedp.FullScreenshot(100))
		if err != nil {
			t.Fatal(err)
		}
		path, _ := filepath.Abs(*screenshot)
		if err := os.WriteFile(path, png, 0o644); err != nil {
			t.Fatal(err)
		}
		t.Logf("wrote %s", path)
	}
}
