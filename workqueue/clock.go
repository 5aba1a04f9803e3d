package workqueue

import "time"

// Clock is the source of time for a Queue: ready times of delayed items and
// the durations reported by its metrics. The zero Config uses the real clock,
// which testing/synctest replaces with a fake one inside a bubble.
type Clock interface {
	// Now returns the current time.
	Now() time.Time
	// NewTimer returns a Timer that fires once d has passed.
	NewTimer(d time.Duration) Timer
}

// Timer is a single-shot timer with the semantics of *time.Timer since Go
// 1.23: after Reset or Stop returns, no value from the earlier schedule is
// received from C.
type Timer interface {
	// C returns the channel on which the timer delivers the time it fired.
	C() <-chan time.Time
	// Reset schedules the timer to fire after d. It reports whether the
	// timer was active.
	Reset(d time.Duration) bool
	// Stop prevents the timer from firing. It reports whether the timer was
	// active.
	Stop() bool
}

// RealClock is the Clock of the time package.
type RealClock struct{}

var _ Clock = RealClock{}

// Now returns time.Now().
func (RealClock) Now() time.Time { return time.Now() }

// NewTimer returns a Timer backed by time.NewTimer.
func (RealClock) NewTimer(d time.Duration) Timer { return realTimer{time.NewTimer(d)} }

type realTimer struct{ t *time.Timer }

func (r realTimer) C() <-chan time.Time        { return r.t.C }
func (r realTimer) Reset(d time.Duration) bool { return r.t.Reset(d) }
func (r realTimer) Stop() bool                 { return r.t.Stop() }
