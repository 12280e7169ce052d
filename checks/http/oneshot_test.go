package httpcheck_test

import (
	"bufio"
	"context"
	"errors"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/vitalsgo/vitals"
	"github.com/vitalsgo/vitals/checks/checktest"
	httpcheck "github.com/vitalsgo/vitals/checks/http"
	"github.com/vitalsgo/vitals/internal/hostile"
	"github.com/vitalsgo/vitals/internal/monitortest"
)

// rawServer answers each connection with answer, after reading the
// request's head, and reports the head it read and whether the client
// closed the connection after the answer, and how.
type rawServer struct {
	addr   string
	mu     sync.Mutex
	heads  []string
	closed int // connections the client closed after the answer
	resets int // of those, closed with a reset
}

func serveRaw(t *testing.T, answer string) *rawServer {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	s := &rawServer{addr: ln.Addr().String()}
	var wg sync.WaitGroup
	t.Cleanup(func() { ln.Close(); wg.Wait() })
	wg.Go(func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			wg.Go(func() {
				defer c.Close()
				c.SetDeadline(time.Now().Add(10 * time.Second))
				br := bufio.NewReader(c)
				var head strings.Builder
				for {
					line, err := br.ReadString('\n')
					if err != nil {
						return
					}
					head.WriteString(line)
					if line == "\r\n" {
						break
					}
				}
				io.WriteString(c, answer)
				// The client closes its end once it has read the answer.
				_, err := br.ReadByte()
				s.mu.Lock()
				defer s.mu.Unlock()
				s.heads = append(s.heads, head.String())
				switch {
				case errors.Is(err, syscall.ECONNRESET):
					s.resets++
					s.closed++
				case errors.Is(err, io.EOF):
					s.closed++
				}
			})
		}
	})
	return s
}

func (s *rawServer) seen() (heads []string, closed, resets int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]string(nil), s.heads...), s.closed, s.resets
}

// A run without keep-alive asks the server to close, names itself, reads
// past informational responses, and closes its connection when done, with
// a reset: neither end keeps it in TIME_WAIT.
func TestOneShotRequest(t *testing.T) {
	s := serveRaw(t, "HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 103 Early Hints\r\nLink: </a.css>\r\n\r\n"+
		"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok")
	r := checktest.CheckNew(t, httpcheck.New, "http://user:secret@"+s.addr+"/readyz?x=1", &httpcheck.Options{BodyContains: "ok"})
	if r.Status != vitals.StatusPass || r.Details["status_code"] != 200 {
		t.Fatalf("result %v %q %v", r.Status, r.Message, r.Details)
	}
	var heads []string
	monitortest.Eventually(t, "one request, its connection reset by the client", func() bool {
		var resets int
		heads, _, resets = s.seen()
		return len(heads) == 1 && resets == 1
	})
	head := heads[0]
	for _, want := range []string{"GET /readyz?x=1 HTTP/1.1\r\n", "Host: " + s.addr + "\r\n", "Connection: close\r\n",
		"User-Agent: vitals-healthcheck\r\n", "Authorization: Basic dXNlcjpzZWNyZXQ=\r\n"} {
		if !strings.Contains(head, want) {
			t.Errorf("request head %q lacks %q", head, want)
		}
	}
	if strings.Contains(head, "secret@") {
		t.Errorf("request head %q has the URL's user information in its request line", head)
	}
}

// A response head past http.Transport's limit (10 MB) fails the run
// saying so, without reading on to the deadline.
func TestOneShotHeadLimit(t *testing.T) {
	s := serveRaw(t, "HTTP/1.1 200 OK\r\nX-Pad: "+strings.Repeat("a", 11<<20)+"\r\n\r\n")
	r := checktest.CheckNew(t, httpcheck.New, "http://"+s.addr+"/", nil)
	if r.Status != vitals.StatusFail || !strings.Contains(r.Message, "exceeded") {
		t.Fatalf("result %v %q, want a fail naming the exceeded limit", r.Status, r.Message)
	}
}

// A run cancelled without a deadline returns at once: the cancellation
// closes the connection the run waits on.
func TestOneShotCancel(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	accepted := make(chan net.Conn, 1)
	go func() {
		if c, err := ln.Accept(); err == nil {
			accepted <- c // and never answers
		}
	}()
	c, err := httpcheck.New("http://"+ln.Addr().String()+"/", nil)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan vitals.Result, 1)
	go func() { done <- c.Check(ctx) }()
	conn := <-accepted
	defer conn.Close()
	cancel()
	select {
	case r := <-done:
		if r.Status != vitals.StatusFail || !errors.Is(r.Err, context.Canceled) {
			t.Errorf("result %v %q (%v), want a fail for the cancellation", r.Status, r.Message, r.Err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("the cancelled run had not returned 10 s later")
	}
}

// A run that has read what it reads of an endless body returns: closing
// the body does not read the rest of it (net/http's body does, unless its
// connection is closed first). The run has no deadline here, so reading
// on would never end.
func TestOneShotEndlessBody(t *testing.T) {
	stop := make(chan struct{})
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		chunk := []byte(strings.Repeat("ok ", 1000))
		for {
			select {
			case <-stop:
				return
			case <-r.Context().Done():
				return
			default:
			}
			if _, err := w.Write(chunk); err != nil {
				return
			}
			w.(http.Flusher).Flush()
		}
	}))
	t.Cleanup(func() { close(stop); srv.CloseClientConnections(); srv.Close() })
	c, err := httpcheck.New(srv.URL, &httpcheck.Options{BodyContains: "ok", MaxBodyBytes: 1024})
	if err != nil {
		t.Fatal(err)
	}
	r := hostile.Within(t, hostile.Guard, func() vitals.Result { return c.Check(context.Background()) })
	if r.Status != vitals.StatusPass || r.Details["body_truncated"] != true {
		t.Errorf("result %v %q %v, want a pass on the first 1,024 bytes", r.Status, r.Message, r.Details)
	}
}

// A status below 100 is a final answer, as http.Transport takes it, not
// an informational one to read past.
func TestOneShotStatusBelow100(t *testing.T) {
	s := serveRaw(t, "HTTP/1.1 099 Odd\r\nContent-Length: 0\r\n\r\nHTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n")
	r := checktest.CheckNew(t, httpcheck.New, "http://"+s.addr+"/", nil)
	if r.Status != vitals.StatusFail || r.Details["status_code"] != 99 {
		t.Errorf("result %v %q %v, want a fail on status 099", r.Status, r.Message, r.Details)
	}
}
