package monitortest

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"io"
	"net"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"
)

// Webhook is a real HTTP receiver of the monitor's webhook notifications,
// as a receiver that honours the Idempotency-Key would be: it verifies the
// X-Vitals-Signature, decodes the documented JSON body, and processes a
// key once, however often it is delivered. It can be taken down (the port
// refuses connections) and brought back on the same address, and told to
// hold requests without answering.
type Webhook struct {
	t      testing.TB
	secret string
	addr   string

	mu        sync.Mutex
	srv       *http.Server
	processed []Delivery      // first deliveries of each key, in order
	keys      map[string]bool // keys processed
	requests  int             // every request, duplicates included
	hold      chan struct{}   // while non-nil, requests wait on it
	held      chan string     // receives the key of each held request
}

// Delivery is one webhook message as the receiver processed it.
type Delivery struct {
	Key     string         `json:"key"`
	Channel string         `json:"channel"`
	Status  string         `json:"status"`
	Alerts  []WebhookAlert `json:"alerts"`
	At      time.Time      `json:"-"` // when it arrived
}

// WebhookAlert is one alert of a webhook message.
type WebhookAlert struct {
	Kind     string    `json:"kind"`
	Incident string    `json:"incident"`
	DedupKey string    `json:"dedup_key"`
	Target   string    `json:"target"`
	Group    string    `json:"group"`
	Severity string    `json:"severity"`
	Message  string    `json:"message"`
	Since    time.Time `json:"since"`
	At       time.Time `json:"at"`
	Reminder int       `json:"reminder"`
}

// NewWebhook starts a receiver on a loopback port; it stops when the test
// ends. secret is the channel's signing secret ("" to skip the check).
func NewWebhook(t testing.TB, secret string) *Webhook {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	w := &Webhook{t: t, secret: secret, addr: ln.Addr().String(), keys: map[string]bool{}}
	w.serve(ln)
	t.Cleanup(func() { w.Down() })
	return w
}

// URL is where the channel posts.
func (w *Webhook) URL() string { return "http://" + w.addr + "/hook" }

func (w *Webhook) serve(ln net.Listener) {
	srv := &http.Server{Handler: http.HandlerFunc(w.handle), ReadHeaderTimeout: 5 * time.Second}
	w.mu.Lock()
	w.srv = srv
	w.mu.Unlock()
	go srv.Serve(ln) //nolint:errcheck // ends with ErrServerClosed
}

// Down stops the receiver: its port refuses connections until Up.
func (w *Webhook) Down() {
	w.mu.Lock()
	srv := w.srv
	w.srv = nil
	if w.hold != nil {
		close(w.hold)
		w.hold = nil
	}
	w.mu.Unlock()
	if srv != nil {
		srv.Close()
	}
}

// Up serves again on the same address.
func (w *Webhook) Up() {
	w.t.Helper()
	var ln net.Listener
	var err error
	for range 50 { // the port may linger a moment after Close
		if ln, err = net.Listen("tcp", w.addr); err == nil {
			break
		}
		time.Sleep(100 * time.Millisecond)
	}
	if err != nil {
		w.t.Fatalf("webhook receiver: listen again on %s: %v", w.addr, err)
	}
	w.serve(ln)
}

// Hold makes requests wait without an answer until Release (or Down); the
// key of each held request is sent on the returned channel.
func (w *Webhook) Hold() <-chan string {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.hold = make(chan struct{})
	w.held = make(chan string, 100)
	return w.held
}

// Release answers the held requests and stops holding.
func (w *Webhook) Release() {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.hold != nil {
		close(w.hold)
		w.hold = nil
	}
}

func (w *Webhook) handle(rw http.ResponseWriter, r *http.Request) {
	body, err := io.ReadAll(io.LimitReader(r.Body, 16<<20))
	if err != nil {
		return
	}
	if w.secret != "" && !validSignature(w.secret, body, r.Header.Get("X-Vitals-Signature")) {
		http.Error(rw, "bad signature", http.StatusUnauthorized)
		return
	}
	var d Delivery
	if err := json.Unmarshal(body, &d); err != nil || r.Header.Get("Content-Type") != "application/json" {
		http.Error(rw, "not a webhook body", http.StatusBadRequest)
		return
	}
	d.At = time.Now()
	key := r.Header.Get("Idempotency-Key")
	w.mu.Lock()
	w.requests++
	hold, held := w.hold, w.held
	w.mu.Unlock()
	if hold != nil {
		held <- key
		select {
		case <-hold:
		case <-r.Context().Done():
		}
		return // held requests are never processed: the sender died or gave up
	}
	w.mu.Lock()
	if key == "" || !w.keys[key] {
		w.keys[key] = true
		w.processed = append(w.processed, d)
	}
	w.mu.Unlock()
	rw.WriteHeader(http.StatusNoContent)
}

func validSignature(secret string, body []byte, header string) bool {
	sum, ok := strings.CutPrefix(header, "sha256=")
	if !ok {
		return false
	}
	got, err := hex.DecodeString(sum)
	if err != nil {
		return false
	}
	mac := hmac.New(sha256.New, []byte(secret))
	mac.Write(body)
	return hmac.Equal(got, mac.Sum(nil))
}

// Processed returns the deliveries processed, each key once, in order.
func (w *Webhook) Processed() []Delivery {
	w.mu.Lock()
	defer w.mu.Unlock()
	return append([]Delivery(nil), w.processed...)
}

// Requests counts every request, duplicates and held ones included.
func (w *Webhook) Requests() int {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.requests
}

// Alerts returns the alerts of every processed delivery, as
// "kind target" strings, in order.
func (w *Webhook) Alerts() []string {
	var out []string
	for _, d := range w.Processed() {
		for _, a := range d.Alerts {
			out = append(out, a.Kind+" "+a.Target)
		}
	}
	return out
}
