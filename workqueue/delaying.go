package workqueue

import (
	"math"
	"time"
)

// DelayingInterface is an Interface that can also add an item once a delay
// has passed.
type DelayingInterface[T comparable] interface {
	Interface[T]
	// AddAfter adds item once d has passed; d <= 0 adds it at once. An item
	// that is already waiting keeps the earlier of its two ready times.
	// AddAfter does nothing once the queue is shutting down, and items that
	// are still waiting when it shuts down are dropped.
	AddAfter(item T, d time.Duration)
}

// waiter is an element of the Queue.waiting heap.
type waiter struct {
	at    int64 // ready time, an offset from Queue.base
	entry int32 // number of the item's entry
}

// AddAfter implements DelayingInterface. Its cost is O(log n) in the number
// of waiting items; it allocates only to grow the queue's tables.
func (q *Queue[T]) AddAfter(item T, d time.Duration) {
	var now int64
	if d > 0 {
		now = q.now() // outside the lock: the clock may be slow to read
	}
	q.mu.Lock()
	defer q.mu.Unlock()
	if q.shuttingDown {
		return
	}
	q.retries++
	if d <= 0 {
		q.add(item)
		return
	}
	at := now + int64(d)
	if at < now { // overflow: as good as never
		at = math.MaxInt64
	}
	i, ok := q.index[item]
	if !ok {
		i = q.alloc(item)
	}
	e := q.entry(i)
	if e.state&stateWaiting != 0 {
		p := e.pos
		if at >= q.waiting[p].at {
			return
		}
		q.waiting[p].at = at
		q.up(int(p))
	} else {
		e.state |= stateWaiting
		if len(q.waiting) == cap(q.waiting) {
			// Double, rather than append's 1.25 for large slices: fewer
			// copies of a heap that can hold many thousands of items.
			q.waiting = append(make([]waiter, 0, max(64, 2*cap(q.waiting))), q.waiting...)
		}
		q.waiting = append(q.waiting, waiter{at: at, entry: i})
		q.up(len(q.waiting) - 1)
	}
	if at < q.armedAt {
		q.armedAt = at
		if !q.loopStarted {
			q.loopStarted = true
			q.wg.Add(1)
			go q.waitLoop()
		} else {
			select {
			case q.wake <- struct{}{}:
			default:
			}
		}
	}
}

// waitLoop moves waiting items to the queue when they are due. It sleeps
// until the earliest ready time, or until AddAfter wakes it for an earlier
// one, and exits when the queue shuts down.
func (q *Queue[T]) waitLoop() {
	defer q.wg.Done()
	var timer Timer
	defer func() {
		if timer != nil {
			timer.Stop()
		}
	}()
	for {
		q.mu.Lock()
		if q.shuttingDown {
			q.mu.Unlock()
			return
		}
		now := q.now()
		for len(q.waiting) > 0 && q.waiting[0].at <= now {
			i := q.popWaiting()
			e := q.entry(i)
			e.state &^= stateWaiting
			if e.state&stateDirty == 0 {
				q.markDirty(i)
			}
		}
		next := int64(math.MaxInt64)
		if len(q.waiting) > 0 {
			next = q.waiting[0].at
		}
		q.armedAt = next
		q.mu.Unlock()

		var fired <-chan time.Time
		switch {
		case next == math.MaxInt64:
			if timer != nil {
				timer.Stop()
			}
		case timer == nil:
			timer = q.clock.NewTimer(time.Duration(next - now))
			fired = timer.C()
		default:
			timer.Reset(time.Duration(next - now))
			fired = timer.C()
		}
		select {
		case <-q.stop:
			return
		case <-q.wake:
		case <-fired:
		}
	}
}

// popWaiting removes the earliest waiter from the heap and returns its
// entry. The heap is not empty; q.mu is held.
func (q *Queue[T]) popWaiting() int32 {
	h := q.waiting
	top := h[0].entry
	last := len(h) - 1
	h[0] = h[last]
	q.waiting = h[:last]
	if last > 0 {
		q.entry(h[0].entry).pos = 0
		q.down(0)
	}
	return top
}

// up restores the heap order from position p towards the root, keeping
// every entry's pos up to date. q.mu is held.
func (q *Queue[T]) up(p int) {
	h := q.waiting
	w := h[p]
	for p > 0 {
		parent := (p - 1) / 2
		if h[parent].at <= w.at {
			break
		}
		h[p] = h[parent]
		q.entry(h[p].entry).pos = int32(p)
		p = parent
	}
	h[p] = w
	q.entry(w.entry).pos = int32(p)
}

// down restores the heap order from position p towards the leaves, keeping
// every entry's pos up to date. q.mu is held.
func (q *Queue[T]) down(p int) {
	h := q.waiting
	n := len(h)
	w := h[p]
	for {
		c := 2*p + 1
		if c >= n {
			break
		}
		if r := c + 1; r < n && h[r].at < h[c].at {
			c = r
		}
		if w.at <= h[c].at {
			break
		}
		h[p] = h[c]
		q.entry(h[p].entry).pos = int32(p)
		p = c
	}
	h[p] = w
	q.entry(w.entry).pos = int32(p)
}
