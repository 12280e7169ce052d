package vitals

// QueueLen reports how many runs wait for a pool worker, for tests of the
// hand-over that depend on it.
func QueueLen(m *Monitor) int {
	m.mu.Lock()
	defer m.mu.Unlock()
	return len(m.jobs)
}
