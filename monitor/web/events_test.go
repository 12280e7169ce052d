package web_test

import (
	"bufio"
	"context"
	"encoding/json"
	"html"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/vitalsgo/vitals"
	"github.com/vitalsgo/vitals/monitor/access"
	"github.com/vitalsgo/vitals/monitor/board"
	"github.com/vitalsgo/vitals/monitor/web"
)

// wait bounds every wait for the stream.
const wait = 10 * time.Second

// event is one server-sent event, or a comment (name "comment").
type event struct {
	name, data, id string
}

// targetData is the data of a "target" event.
type targetData struct {
	Name      string              `json:"name"`
	Status    vitals.Status       `json:"status"`
	Since     string              `json:"since"`
	LatencyMS *float64            `json:"latency_ms"`
	Uptime    map[string]*float64 `json:"uptime"`
	Message   string              `json:"message"`
	HTML      string              `json:"html"`
}

// streamServer serves mux over HTTP and reports each end of an event
// stream's handler on ended.
func streamServer(t *testing.T, h *web.Handler, mux http.Handler) (srv *httptest.Server, ended <-chan struct{}) {
	t.Helper()
	ch := make(chan struct{}, 16)
	srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mux.ServeHTTP(w, r)
		if r.URL.Path == "/api/v1/events" {
			ch <- struct{}{}
		}
	}))
	t.Cleanup(srv.Close)
	t.Cleanup(h.Close) // runs first: ends streams, so srv.Close does not wait
	return srv, ch
}

// stream is a client's open event stream.
type stream struct {
	resp   *http.Response
	events chan event
	cancel context.CancelFunc
	done   chan struct{} // closed when the reader has returned
}

// open opens the event stream at path (with the token) and reads it in a
// goroutine that ends when the stream does.
func open(t *testing.T, srv *httptest.Server, path string, header http.Header) *stream {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	req, err := http.NewRequestWithContext(ctx, "GET", srv.URL+path, nil)
	if err != nil {
		t.Fatal(err)
	}
	for k, v := range header {
		req.Header[k] = v
	}
	req.Header.Set("Authorization", "Bearer "+token)
	resp, err := srv.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	s := &stream{resp: resp, events: make(chan event), cancel: cancel, done: make(chan struct{})}
	go s.read(ctx)
	t.Cleanup(func() {
		s.cancel()
		resp.Body.Close()
		<-s.done
	})
	return s
}

func (s *stream) read(ctx context.Context) {
	defer close(s.done)
	defer close(s.events)
	sc := bufio.NewScanner(s.resp.Body)
	sc.Buffer(nil, 1<<20)
	var e event
	for sc.Scan() {
		line := sc.Text()
		switch {
		case line == "":
			if e.name == "" && e.data == "" {
				continue // retry: alone
			}
			select {
			case s.events <- e:
			case <-ctx.Done():
				return
			}
			e = event{}
			continue
		case strings.HasPrefix(line, ":"):
			e.name, e.data = "comment", strings.TrimSpace(line[1:])
		}
		if k, v, ok := strings.Cut(line, ": "); ok {
			switch k {
			case "event":
				e.name = v
			case "data":
				e.data = v
			case "id":
				e.id = v
			}
		}
	}
}

// next returns the next event of one of names (others are skipped), or
// fails the test at the deadline or the stream's end.
func (s *stream) next(t *testing.T, names ...string) event {
	t.Helper()
	deadline := time.After(wait)
	for {
		select {
		case e, ok := <-s.events:
			if !ok {
				t.Fatalf("the stream ended waiting for %v", names)
			}
			for _, n := range names {
				if e.name == n {
					return e
				}
			}
		case <-deadline:
			t.Fatalf("no %v event within %v", names, wait)
		}
	}
}

func decodeTarget(t *testing.T, e event) targetData {
	t.Helper()
	var d targetData
	if err := json.Unmarshal([]byte(e.data), &d); err != nil {
		t.Fatalf("target event %q: %v", e.data, err)
	}
	return d
}

// waitEnded waits for an event stream's handler to return.
func waitEnded(t *testing.T, ended <-chan struct{}) {
	t.Helper()
	select {
	case <-ended:
	case <-time.After(wait):
		t.Fatalf("the event stream's handler did not end within %v", wait)
	}
}

func TestEvents(t *testing.T) {
	f := scene(t)
	h, mux := serve(f, public, &web.Options{Heartbeat: 20 * time.Millisecond})
	srv, ended := streamServer(t, h, mux)
	s := open(t, srv, "/api/v1/events", nil)
	for k, want := range map[string]string{"Content-Type": "text/event-stream", "Cache-Control": "no-cache", "X-Accel-Buffering": "no"} {
		if got := s.resp.Header.Get(k); got != want {
			t.Errorf("%s = %q, want %q", k, got, want)
		}
	}
	if e := s.next(t, "comment", "target"); e.name != "comment" || e.data != "heartbeat" {
		t.Fatalf("first event = %+v, want the heartbeat (a stream without a version starts now)", e)
	}

	f.result(t, "redis", vitals.StatusPass, now, 3*time.Millisecond, "PONG", nil)
	d := decodeTarget(t, s.next(t, "target"))
	if d.Name != "redis" || d.Status != vitals.StatusPass || d.Since != "2026-03-02T12:00:00Z" || d.Message != "PONG" ||
		d.LatencyMS == nil || *d.LatencyMS != 3 || d.Uptime["24h"] == nil || *d.Uptime["24h"] != 0.5 {
		t.Errorf("target event = %+v", d)
	}
	for _, want := range []string{`<tr id="t-redis" data-target="redis" data-status="pass">`, `<div class="msg">PONG</div>`, "3.0 ms"} {
		if !strings.Contains(d.HTML, want) {
			t.Errorf("the row's HTML lacks %s:\n%s", want, d.HTML)
		}
	}
	sum := s.next(t, "summary")
	var counts map[string]int
	if err := json.Unmarshal([]byte(sum.data), &counts); err != nil || counts["pass"] != 4 || counts["fail"] != 0 {
		t.Errorf("summary = %s (%v), want 4 pass and no fail", sum.data, err)
	}
	if _, v, _ := strings.Cut(sum.id, "-"); v != strconv.FormatUint(f.b.Version(), 10) {
		t.Errorf("the batch's last event has id %q, want the board's version %d to resume from", sum.id, f.b.Version())
	}

	s.cancel()
	waitEnded(t, ended)
}

// TestEventsResume connects as a page does, from the version it was
// rendered at, and as a browser reconnects, from the last event's id.
func TestEventsResume(t *testing.T) {
	f := scene(t)
	h, mux := serve(f, public, &web.Options{Heartbeat: 20 * time.Millisecond})
	srv, _ := streamServer(t, h, mux)
	events := eventsURL(t, get(t, mux, "/", false).Body.String())

	// A result between the page and its stream is not lost.
	f.result(t, "www", vitals.StatusPass, now, 90*time.Millisecond, "", nil)
	s := open(t, srv, events, nil)
	e := s.next(t, "target", "comment", "reload")
	if d := decodeTarget(t, e); e.name != "target" || d.Name != "www" || d.Status != vitals.StatusPass {
		t.Fatalf("first event = %+v, want www's new row", e)
	}
	last := s.next(t, "summary").id
	s.cancel()

	// Reconnecting from the last id: nothing new, then the next change.
	s = open(t, srv, events, http.Header{"Last-Event-Id": {last}})
	if e := s.next(t, "target", "comment", "reload"); e.name != "comment" {
		t.Fatalf("resuming from the last id sent %+v again", e)
	}
	f.result(t, "api", vitals.StatusFail, now, 10*time.Second, "", nil)
	if d := decodeTarget(t, s.next(t, "target")); d.Name != "api" || d.Status != vitals.StatusFail {
		t.Errorf("after resuming: %+v, want api failing", d)
	}

	// A version of another board (the server restarted): reload.
	s = open(t, srv, events, http.Header{"Last-Event-Id": {"0badbeef-" + strings.SplitN(last, "-", 2)[1]}})
	if e := s.next(t, "target", "comment", "reload"); e.name != "reload" {
		t.Errorf("resuming from another board's version sent %+v first, want a reload", e)
	}
}

// eventsURL returns the event stream a page listens to.
func eventsURL(t *testing.T, page string) string {
	t.Helper()
	_, rest, ok := strings.Cut(page, `data-events="`)
	if !ok {
		t.Fatal("the page names no event stream")
	}
	return html.UnescapeString(rest[:strings.IndexByte(rest, '"')])
}

func TestEventsReload(t *testing.T) {
	f := scene(t)
	h, mux := serve(f, public, &web.Options{Heartbeat: 20 * time.Millisecond})
	srv, _ := streamServer(t, h, mux)
	events := eventsURL(t, get(t, mux, "/", false).Body.String())

	s := open(t, srv, events, nil)
	if e := s.next(t, "comment", "reload", "target"); e.name != "comment" {
		t.Fatalf("a stream of the page's own layout sent %+v first", e)
	}
	f.b.SetBanner("configuration reload refused: vitals.yaml:3: unknown field")
	s.next(t, "reload")

	// A page of an older layout reloads at once.
	s = open(t, srv, events, nil)
	s.next(t, "reload")
}

func TestEventsTarget(t *testing.T) {
	f := scene(t)
	h, mux := serve(f, public, &web.Options{Heartbeat: 20 * time.Millisecond})
	srv, _ := streamServer(t, h, mux)
	s := open(t, srv, "/api/v1/events?target=postgres", nil)
	f.result(t, "www", vitals.StatusFail, now, time.Second, "", nil)
	f.result(t, "postgres", vitals.StatusFail, now, time.Second, "", nil)
	if d := decodeTarget(t, s.next(t, "target")); d.Name != "postgres" {
		t.Errorf("a stream of postgres sent a row of %s", d.Name)
	}
}

// TestEventsUnchanged recomputes uptimes: only rows that read differently
// are sent.
func TestEventsUnchanged(t *testing.T) {
	f := scene(t)
	h, mux := serve(f, public, &web.Options{Heartbeat: 20 * time.Millisecond})
	srv, _ := streamServer(t, h, mux)
	// The page, as the stream, with details: the rows it shows are cached.
	page := get(t, mux, "/", true)
	s := open(t, srv, eventsURL(t, page.Body.String()), nil)

	// billing's first result came after the last refresh: only its
	// uptime changes.
	if err := f.b.RefreshUptime(context.Background(), now); err != nil {
		t.Fatal(err)
	}
	f.result(t, "queue", vitals.StatusPass, now, time.Millisecond, "", nil)
	// queue's event marks the end: its batch's summary ends the batch.
	var sent []string
	seen := false
loop:
	for {
		e := s.next(t, "target", "summary")
		switch {
		case e.name == "summary":
			if seen {
				break loop
			}
		case decodeTarget(t, e).Name == "queue":
			seen = true
		default:
			sent = append(sent, decodeTarget(t, e).Name)
		}
	}
	if strings.Join(sent, ",") != "billing" {
		t.Errorf("recomputed uptimes sent rows %v, want billing's only", sent)
	}
}

// TestEventsClose ends open streams when the server shuts down.
func TestEventsClose(t *testing.T) {
	f := scene(t)
	h, mux := serve(f, public, nil) // the default heartbeat: nothing is sent
	srv, ended := streamServer(t, h, mux)
	s := open(t, srv, "/api/v1/events", nil)
	h.Close()
	waitEnded(t, ended)
	select {
	case <-s.done:
	case <-time.After(wait):
		t.Fatal("the client's stream did not end")
	}
	resp, err := srv.Client().Get(srv.URL + "/api/v1/events")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusServiceUnavailable {
		t.Errorf("a stream after Close = %d, want 503", resp.StatusCode)
	}
}

// TestShutdown is how vitals serve stops: Shutdown calls Close, and
// returns once the open streams have ended.
func TestShutdown(t *testing.T) {
	f := scene(t)
	h, mux := serve(f, public, nil)
	srv := httptest.NewUnstartedServer(mux)
	srv.Config.RegisterOnShutdown(h.Close)
	srv.Start()
	defer srv.Close()
	defer h.Close() // should Shutdown fail, so that srv.Close does not wait for the stream
	s := open(t, srv, "/api/v1/events", nil)
	ctx, cancel := context.WithTimeout(context.Background(), wait)
	defer cancel()
	if err := srv.Config.Shutdown(ctx); err != nil {
		t.Fatalf("Shutdown with a stream open: %v", err)
	}
	select {
	case <-s.done:
	case <-time.After(wait):
		t.Fatal("the client's stream did not end")
	}
}

// TestShutdownStalledClient: a client that stopped reading does not hold
// Shutdown for the write deadline: Close cuts the write its stream is
// blocked in.
func TestShutdownStalledClient(t *testing.T) {
	b := board.New(nil)
	b.SetTargets([]board.Target{{Name: "a"}})
	h := web.New(b, &access.Policy{PublicDetails: true}, nil)
	// A write that only its deadline ended would hold Shutdown for an
	// hour: Shutdown's own deadline below fails the test long before.
	web.SetWriteWait(h, time.Hour)
	mux := http.NewServeMux()
	h.Register(mux)
	srv := httptest.NewUnstartedServer(mux)
	srv.Config.ConnState = func(c net.Conn, s http.ConnState) {
		if s == http.StateNew {
			_ = c.(*net.TCPConn).SetWriteBuffer(4 << 10)
		}
	}
	srv.Config.RegisterOnShutdown(h.Close)
	srv.Start()
	defer srv.Close()
	defer h.Close() // should Shutdown fail, so that srv.Close does not wait for the stream

	conn, err := net.Dial("tcp", srv.Listener.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	_ = conn.(*net.TCPConn).SetReadBuffer(4 << 10)
	_ = conn.SetReadDeadline(time.Now().Add(wait))
	if _, err := io.WriteString(conn, "GET /api/v1/events HTTP/1.1\r\nHost: vitals\r\n\r\n"); err != nil {
		t.Fatal(err)
	}
	// An event far larger than the socket buffers: once its start has
	// arrived, the stream is blocked writing the rest, which is never read.
	r := vitals.Result{Status: vitals.StatusFail, Time: now, Message: strings.Repeat("x", 8<<20)}
	b.Record(&vitals.CheckState{CheckInfo: &vitals.CheckInfo{Name: "a"}, Status: r.Status, Since: now, Last: r})
	br := bufio.NewReader(conn)
	for {
		line, err := br.ReadString('\n')
		if err != nil {
			t.Fatalf("reading the stream: %v", err)
		}
		if line == "event: target\n" {
			break
		}
	}

	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	if err := srv.Config.Shutdown(ctx); err != nil {
		t.Fatalf("Shutdown with a stalled stream open: %v", err)
	}
}
