package web

import "time"

// SetWriteWait sets how long one write of h's event streams may wait for
// a client, so a test can tell a write Close cut from one that ran out.
func SetWriteWait(h *Handler, d time.Duration) { h.writeWait = d }
