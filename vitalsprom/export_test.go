package vitalsprom

// Series returns the number of checks whose run durations c keeps.
func Series(c *Collector) int {
	n := 0
	c.series.Range(func(any, any) bool { n++; return true })
	return n
}
