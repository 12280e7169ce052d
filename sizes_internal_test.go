package vitals

import (
	"testing"
	"unsafe"
)

// A check and its current state are what 100,000 checks keep in memory, and
// a field added in the wrong place costs a whole size class (a check with
// its ring at 328 bytes is allocated as 352): these sizes are budgets, to
// be raised on purpose, not by accident.
func TestRecordSizes(t *testing.T) {
	for _, tt := range []struct {
		name      string
		got, want uintptr
	}{
		{"checkWithRing", unsafe.Sizeof(checkWithRing{}), 320},
		{"CheckState", unsafe.Sizeof(CheckState{}), 224},
		{"schedItem", unsafe.Sizeof(schedItem{}), 24},
		{"call", unsafe.Sizeof(call{}), 240}, // one per worker and per on-demand run
	} {
		if tt.got > tt.want {
			t.Errorf("%s is %d bytes, budget %d", tt.name, tt.got, tt.want)
		}
	}
}
