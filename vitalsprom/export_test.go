package vitalsprom

// Series returns the number of checks whose run durations c keeps.
func Series(c *Collector) int {
	return c.series.Len()
}
