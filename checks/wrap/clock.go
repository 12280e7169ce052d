package wrap

import (
	"time"

	"github.com/vitalsgo/vitals"
)

// systemClock is the real clock, the default of Options.Clock.
type systemClock struct{}

func (systemClock) Now() time.Time { return time.Now() }

func (systemClock) AfterFunc(d time.Duration, f func()) vitals.Timer { return time.AfterFunc(d, f) }
