package cacher

import "time"

// ring is the buffer of recent events, oldest first. It holds every event with a
// revision above floor: a watch from any revision >= floor can be served from it.
// It is guarded by the cacher's mutex.
type ring struct {
	buf   []*event // len(buf) is the capacity
	start int      // index of the oldest event
	n     int      // number of events held
	// floor is the revision after which the buffer is complete: the revision of the
	// last event evicted, or the revision the cache was listed at.
	floor int64
}

func newRing(capacity int, floor int64) *ring {
	return &ring{buf: make([]*event, capacity), floor: floor}
}

// at returns the i-th oldest event.
func (r *ring) at(i int) *event { return r.buf[(r.start+i)%len(r.buf)] }

// push appends ev, first resizing the buffer when it is full (see capacityFor) and
// evicting the oldest event if it is still full. It reports the new capacity when it
// changed, 0 otherwise.
func (r *ring) push(ev *event, now time.Time, b bounds) (resized int) {
	if r.n == len(r.buf) {
		quarter := r.at(r.n - max(r.n/4, 1)).at
		if c := capacityFor(now, r.at(0).at, quarter, len(r.buf), b); c != len(r.buf) {
			r.resize(c)
			resized = c
		}
	}
	if r.n == len(r.buf) {
		old := r.at(0)
		r.buf[r.start] = nil
		r.start = (r.start + 1) % len(r.buf)
		r.n--
		r.floor = old.rev
	}
	r.buf[(r.start+r.n)%len(r.buf)] = ev
	r.n++
	return resized
}

// resize copies the newest events (as many as fit) into a buffer of capacity c.
func (r *ring) resize(c int) {
	nb := make([]*event, c)
	keep := min(r.n, c)
	for i := range keep {
		nb[i] = r.at(r.n - keep + i)
	}
	if keep < r.n {
		r.floor = r.at(r.n - keep - 1).rev
	}
	r.buf, r.start, r.n = nb, 0, keep
}

// since returns the index of the first event with a revision above rev.
func (r *ring) since(rev int64) int {
	lo, hi := 0, r.n
	for lo < hi {
		mid := (lo + hi) / 2
		if r.at(mid).rev <= rev {
			lo = mid + 1
		} else {
			hi = mid
		}
	}
	return lo
}

// after returns the events with a revision above rev, oldest first, in a new slice.
func (r *ring) after(rev int64) []*event {
	i := r.since(rev)
	out := make([]*event, r.n-i)
	for j := range out {
		out[j] = r.at(i + j)
	}
	return out
}

// bounds are the limits of the buffer's size.
type bounds struct {
	min, max int
	// window is how far back in time the buffer should reach.
	window time.Duration
}

// capacityFor decides the capacity of a full buffer of capacity c, given the time of
// its oldest event and of the oldest event of its newest quarter:
//   - the oldest event is younger than the window: events come faster than the buffer
//     can cover the window, so it doubles (up to b.max);
//   - even the newest quarter reaches further back than the window: the buffer holds
//     far more than the window needs, so it halves (down to b.min);
//   - otherwise it keeps its size and the oldest event is evicted.
func capacityFor(now, oldest, newestQuarter time.Time, c int, b bounds) int {
	switch {
	case now.Sub(oldest) < b.window && c < b.max:
		return min(2*c, b.max)
	case now.Sub(newestQuarter) > b.window && c > b.min:
		return max(c/2, b.min)
	}
	return c
}
