package report

import (
	"encoding/json"
	"os"
	"slices"
	"time"
)

// Results is everything one run of benchrun measured.
type Results struct {
	Mode      string    `json:"mode"` // quick or full
	Date      time.Time `json:"date"`
	GoVersion string    `json:"go_version"`
	CPU       string    `json:"cpu"`
	Cores     int       `json:"cores"`
	Kernel    string    `json:"kernel"`
	Commit    string    `json:"commit,omitempty"`
	Command   string    `json:"command"`
	Pinned    bool      `json:"pinned"` // server and wrk on separate cores (taskset)
	// Versions maps each library's module path to the version measured.
	Versions map[string]string `json:"versions,omitempty"`

	Probe  []ProbeRow  `json:"probe,omitempty"`
	Scale  []ScaleRow  `json:"scale,omitempty"`
	Storm  []StormRow  `json:"storm,omitempty"`
	Hang   []HangRow   `json:"hang,omitempty"`
	Detect []DetectRow `json:"detect,omitempty"`
	// Notes are caveats of the run (a scenario not measured, rows kept
	// from an earlier run), shown under its header.
	Notes []string `json:"notes,omitempty"`
}

// ProbeRow is scenario 1 for one library and check count: requests/s over
// the repetitions and their ratio to the bare handler of the same round.
type ProbeRow struct {
	Lib    string    `json:"lib"`
	Mode   string    `json:"mode"`
	Checks int       `json:"checks"`
	RPS    []float64 `json:"rps"`
	Ratio  []float64 `json:"ratio"`  // RPS / bare RPS, same round
	P99    []float64 `json:"p99_ms"` // wrk's p99 latency per round
	Bytes  int       `json:"body_bytes"`
	// Non2xx and SocketErrors add up what wrk reported over the rounds
	// (its socket errors include requests slower than its 2s timeout).
	Non2xx       int64  `json:"non_2xx,omitempty"`
	SocketErrors int64  `json:"socket_errors,omitempty"`
	Err          string `json:"error,omitempty"`
}

// ScaleRow is scenario 2 for one library and check count.
type ScaleRow struct {
	Lib        string  `json:"lib"`
	Checks     int     `json:"checks"`
	Status     string  `json:"status"` // ok, DNF (registration over the limit) or n/a
	Register   float64 `json:"register_s"`
	CPU        float64 `json:"cpu_pct"` // % of one core over the window
	RSSMB      float64 `json:"rss_mb"`  // at the end of the window
	Goroutines int     `json:"goroutines"`
	Threads    int     `json:"threads"`
	RunsPerSec float64 `json:"runs_per_s"` // check calls per second in the window
	WantRuns   float64 `json:"want_runs_per_s"`
	Window     float64 `json:"window_s"`
	Err        string  `json:"error,omitempty"`
}

// StormRow is scenario 3 for one library and mode.
type StormRow struct {
	Lib      string           `json:"lib"`
	Mode     string           `json:"mode"`
	Seconds  float64          `json:"seconds"`
	Requests int              `json:"requests"`
	Codes    map[string]int64 `json:"codes"`
	Calls    int64            `json:"calls"`      // dependency calls during the storm
	WantMax  float64          `json:"want_calls"` // one per TTL or interval
	P50      float64          `json:"p50_ms"`
	P99      float64          `json:"p99_ms"`
	Err      string           `json:"error,omitempty"`
}

// HangRow is scenario 4 for one library and mode.
type HangRow struct {
	Lib         string           `json:"lib"`
	Mode        string           `json:"mode"`
	Probes      int              `json:"probes"`
	Seconds     float64          `json:"seconds"`
	Codes       map[string]int64 `json:"codes"`
	P50         float64          `json:"p50_ms"`
	P99         float64          `json:"p99_ms"`
	GoroutinesA int              `json:"goroutines_before"`
	GoroutinesB int              `json:"goroutines_after"`
	Err         string           `json:"error,omitempty"`
}

// DetectRow is scenario 5 for one library and fault.
type DetectRow struct {
	Lib   string    `json:"lib"`
	Mode  string    `json:"mode"`
	Fault string    `json:"fault"`  // cut (refused) or blackhole (hangs)
	Down  []float64 `json:"down_s"` // fault to first 503, per repetition
	Up    []float64 `json:"up_s"`   // restore to first 200, per repetition
	Err   string    `json:"error,omitempty"`
}

// Write stores r as indented JSON in path.
func (r *Results) Write(path string) error {
	b, err := json.MarshalIndent(r, "", "  ")
	if err != nil {
		return err
	}
	return os.WriteFile(path, append(b, '\n'), 0o644)
}

// Read loads results written by [Results.Write].
func Read(path string) (*Results, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	var r Results
	if err := json.Unmarshal(b, &r); err != nil {
		return nil, err
	}
	return &r, nil
}

// Summary is the median and range of repeated measurements.
type Summary struct {
	Median, Min, Max float64
	N                int
}

// Summarize returns the median, minimum and maximum of v.
func Summarize(v []float64) Summary {
	if len(v) == 0 {
		return Summary{}
	}
	s := slices.Clone(v)
	slices.Sort(s)
	m := s[len(s)/2]
	if len(s)%2 == 0 {
		m = (s[len(s)/2-1] + s[len(s)/2]) / 2
	}
	return Summary{Median: m, Min: s[0], Max: s[len(s)-1], N: len(s)}
}
