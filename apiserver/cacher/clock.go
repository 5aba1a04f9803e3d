package cacher

import "time"

// Clock is the source of time for the cacher's time decisions: the freshness window
// of the event buffer, bookmark times, the stall budget of slow watchers and how
// long reads wait. Tests inject their own, or run the cacher under testing/synctest.
type Clock interface {
	Now() time.Time
	// After returns a channel that receives the time once d has passed.
	After(d time.Duration) <-chan time.Time
}

type realClock struct{}

func (realClock) Now() time.Time                         { return time.Now() }
func (realClock) After(d time.Duration) <-chan time.Time { return time.After(d) }

// bookmarkBeforeTimeout is how long before a watch's deadline it gets a last bookmark,
// so the client can resume from a recent revision.
const bookmarkBeforeTimeout = 2 * time.Second

// nextBookmark is when a watcher that allows bookmarks is due for its next one: an
// interval after now, or shortly before its deadline (zero: none) if that comes first
// and is still ahead.
func nextBookmark(now, deadline time.Time, interval time.Duration) time.Time {
	next := now.Add(interval)
	if deadline.IsZero() {
		return next
	}
	if last := deadline.Add(-bookmarkBeforeTimeout); last.After(now) && last.Before(next) {
		return last
	}
	return next
}
