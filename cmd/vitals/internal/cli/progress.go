package cli

import (
	"fmt"
	"io"
	"strings"
	"time"
	"unicode/utf8"

	"golang.org/x/term"

	"github.com/vitalsgo/vitals/cmd/vitals/internal/target"
)

// waitState is what `vitals wait` knows about one target. Only the
// goroutine that renders touches it.
type waitState struct {
	name     string
	status   target.Status
	attempts int
	reason   string
	start    time.Time
	healthy  time.Time // when it became healthy
	printed  time.Time // when the plain renderer last wrote about it
}

func (s *waitState) elapsed(now time.Time) time.Duration {
	if !s.healthy.IsZero() {
		return s.healthy.Sub(s.start)
	}
	return now.Sub(s.start)
}

// summary is the target for the timeout message.
func (s *waitState) summary() string {
	if s.attempts == 0 {
		return s.name + " (no attempt finished)"
	}
	return fmt.Sprintf("%s (%s after %s: %s)", s.name, s.status, count(s.attempts, "attempt"), s.reason)
}

// renderer shows the progress of `vitals wait`.
type renderer interface {
	record(i int, a target.Attempt) // an attempt on target i finished
	draw()                          // called every tickEvery
	tickEvery() time.Duration
	finish() // the wait is over
	targets() []*waitState
}

func newRenderer(w io.Writer, states []*waitState) renderer {
	if fd, ok := isTerminal(w); ok {
		width, height, err := term.GetSize(fd)
		if err != nil || width <= 0 {
			width, height = 80, 24
		}
		// Lines that scrolled off the top cannot be redrawn in place.
		if height <= 0 || len(states) < height {
			return &ttyRenderer{w: w, states: states, width: width, now: time.Now}
		}
	}
	return &plainRenderer{w: w, states: states, now: time.Now}
}

func record(s *waitState, a target.Attempt, now time.Time) (changed bool) {
	changed = s.status != a.Status
	s.status, s.attempts, s.reason = a.Status, a.N, a.Reason
	if a.Status == target.Healthy && s.healthy.IsZero() {
		s.healthy = now
	}
	return changed
}

// ttyRenderer redraws a line per target in place.
type ttyRenderer struct {
	w      io.Writer
	states []*waitState
	width  int
	now    func() time.Time
	drawn  int // lines drawn last time, to move back over
	frame  int
}

var spinner = []string{"⠋", "⠙", "⠹", "⠸", "⠼", "⠴", "⠦", "⠧", "⠇", "⠏"}

func (r *ttyRenderer) targets() []*waitState    { return r.states }
func (r *ttyRenderer) tickEvery() time.Duration { return 100 * time.Millisecond }

func (r *ttyRenderer) record(i int, a target.Attempt) {
	record(r.states[i], a, r.now())
	r.draw()
}

func (r *ttyRenderer) finish() { r.draw() }

func (r *ttyRenderer) draw() {
	var b strings.Builder
	if r.drawn > 0 {
		fmt.Fprintf(&b, "\x1b[%dA", r.drawn) // back to the first line
	}
	nameWidth := 0
	for _, s := range r.states {
		nameWidth = max(nameWidth, utf8.RuneCountInString(s.name))
	}
	now := r.now()
	r.frame++
	for _, s := range r.states {
		b.WriteString("\r\x1b[2K")
		b.WriteString(truncate(r.line(s, nameWidth, now), r.width-1))
		b.WriteByte('\n')
	}
	r.drawn = len(r.states)
	io.WriteString(r.w, b.String())
}

func (r *ttyRenderer) line(s *waitState, nameWidth int, now time.Time) string {
	sym := spinner[r.frame%len(spinner)]
	switch s.status {
	case target.Healthy:
		sym = "✓"
	case target.Unhealthy, target.Unreachable:
		sym = "✗"
	}
	line := fmt.Sprintf("%s %-*s  %-11s  %3d %-8s  %6s", sym, nameWidth, s.name, s.status,
		s.attempts, pluralWord(s.attempts, "attempt"), roundElapsed(s.elapsed(now)))
	if s.status != target.Healthy && s.reason != "" {
		line += "  " + s.reason
	}
	return line
}

// plainRenderer writes a line when a target's status changes, and a
// reminder every plainEvery while it stays down, for logs.
type plainRenderer struct {
	w      io.Writer
	states []*waitState
	now    func() time.Time
}

const plainEvery = 30 * time.Second

func (r *plainRenderer) targets() []*waitState    { return r.states }
func (r *plainRenderer) tickEvery() time.Duration { return time.Second }
func (r *plainRenderer) draw()                    {}
func (r *plainRenderer) finish()                  {}

func (r *plainRenderer) record(i int, a target.Attempt) {
	s, now := r.states[i], r.now()
	if !record(s, a, now) && now.Sub(s.printed) < plainEvery {
		return
	}
	s.printed = now
	if s.status == target.Healthy {
		fmt.Fprintf(r.w, "%s: healthy after %s (%s)\n", s.name, roundElapsed(s.elapsed(now)), count(s.attempts, "attempt"))
		return
	}
	fmt.Fprintf(r.w, "%s: %s (attempt %d, %s): %s\n", s.name, s.status, s.attempts, roundElapsed(s.elapsed(now)), s.reason)
}

// roundElapsed shows a wait's time in tenths of seconds, then seconds:
// "0.3s", "12.0s", "2m5s".
func roundElapsed(d time.Duration) string {
	if d < time.Minute {
		return fmt.Sprintf("%.1fs", d.Seconds())
	}
	return d.Round(time.Second).String()
}

// count is "1 attempt", "3 attempts".
func count(n int, word string) string {
	return fmt.Sprintf("%d %s", n, pluralWord(n, word))
}

func pluralWord(n int, word string) string {
	if n == 1 {
		return word
	}
	return word + "s"
}

// truncate cuts s to width runes, so that a long line does not wrap and
// break the redraw.
func truncate(s string, width int) string {
	if width <= 1 || utf8.RuneCountInString(s) <= width {
		return s
	}
	runes := []rune(s)
	return string(runes[:width-1]) + "…"
}
