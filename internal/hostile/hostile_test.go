package hostile_test

import (
	"bufio"
	"io"
	"net"
	"strings"
	"testing"
	"time"

	"github.com/vitalsgo/vitals/internal/hostile"
	"go.uber.org/goleak"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

// Each shape answers a request with its head and then more of its endless
// part; a test that uses it is testing what the shape's name says.
func TestShapesAnswerAsNamed(t *testing.T) {
	hostile.Each(t, func(t *testing.T, s hostile.Shape, srv *hostile.Server) {
		c, err := net.Dial("tcp", strings.TrimPrefix(srv.URL, "http://"))
		if err != nil {
			t.Fatal(err)
		}
		defer c.Close()
		c.SetDeadline(time.Now().Add(hostile.Guard))
		if _, err := io.WriteString(c, "GET / HTTP/1.1\r\nHost: x\r\n\r\n"); err != nil {
			t.Fatal(err)
		}
		want := s.Head + s.Repeat + s.Repeat
		got := make([]byte, len(want))
		if _, err := io.ReadFull(bufio.NewReader(c), got); err != nil {
			t.Fatalf("read %q: %v", got, err)
		}
		if string(got) != want {
			t.Errorf("answer %q, want %q", got, want)
		}
		select {
		case <-srv.Reached():
		case <-time.After(hostile.Guard):
			t.Error("Reached is still open after an answer began")
		}
		if srv.Accepted() != 1 {
			t.Errorf("Accepted() = %d, want 1", srv.Accepted())
		}
	})
}

func TestWithinFailsAHang(t *testing.T) {
	ft := &fakeT{TB: t}
	release := make(chan struct{})
	defer close(release)
	done := make(chan struct{})
	go func() {
		defer close(done)
		defer func() { recover() }() // Fatalf's stand-in panics
		hostile.Within(ft, time.Millisecond, func() int { <-release; return 0 })
	}()
	<-done
	if !ft.failed {
		t.Error("Within returned for a call that never did")
	}
}

// fakeT records a Fatalf instead of ending the test.
type fakeT struct {
	testing.TB
	failed bool
}

func (f *fakeT) Helper() {}

func (f *fakeT) Fatalf(string, ...any) {
	f.failed = true
	panic("fatal")
}
