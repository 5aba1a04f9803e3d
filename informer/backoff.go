package informer

import "time"

// backoff is the Reflector's delay between failed attempts: initial, doubling up to
// max, each delay stretched by a random factor in [1, 1+jitter), and back to initial
// once resetAfter has passed since the last delay (the connection was healthy). It is
// a pure function of the times and random numbers it is given.
type backoff struct {
	initial, max, resetAfter time.Duration
	jitter                   float64

	base time.Duration // the last delay before jitter; 0 before the first
	last time.Time     // when the last delay was asked for
}

func newBackoff() *backoff {
	return &backoff{initial: 800 * time.Millisecond, max: 30 * time.Second, resetAfter: 2 * time.Minute, jitter: 1.0}
}

// next returns the delay to wait now; r is a random number in [0, 1).
func (b *backoff) next(now time.Time, r float64) time.Duration {
	switch {
	case b.base == 0 || now.Sub(b.last) >= b.resetAfter:
		b.base = b.initial
	default:
		b.base = min(2*b.base, b.max)
	}
	b.last = now
	return b.base + time.Duration(b.jitter*r*float64(b.base))
}
