package vitals

// QueueLen reports how many runs wait for a pool worker, for tests of the
// hand-over that depend on it.
func QueueLen(m *Monitor) int {
	m.mu.Lock()
	defer m.mu.Unlock()
	return len(m.jobs)
}

// Waiting reports whether a caller waits for the result of the named
// check's run in flight (RunOnce or a probe that joined it), for tests
// that must not let the run end before the caller has joined it.
func Waiting(m *Monitor, name string) bool {
	m.mu.Lock()
	c := m.checks[name]
	m.mu.Unlock()
	if c == nil {
		return false
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.cur != nil && c.cur.done != nil
}
