package workqueue

import (
	"errors"
	"fmt"
	"math"
	"sync"
	"time"

	"github.com/prometheus/client_golang/prometheus"
)

// Interface is a work queue of distinct items. All methods are safe for
// concurrent use by any number of producers and consumers.
//
// An item is queued at most once: Add of an item that is already queued does
// nothing. An item is never handed to two workers at once: from Get until
// Done it is processing, and an Add in that window is remembered and puts the
// item back in the queue when Done is called. Distinct items are handed out
// in the order they were added.
type Interface[T comparable] interface {
	// Add queues item unless it is already queued. If item is being
	// processed, it is queued again when Done is called for it. Add does
	// nothing once the queue is shutting down.
	Add(item T)
	// Len returns the number of items queued and not yet handed out by Get.
	Len() int
	// Get blocks until an item is queued and hands it out; the caller must
	// call Done with it when it has finished processing it. Once the queue
	// is shutting down, Get still hands out the items already queued; when
	// none is left it returns shutdown=true at once.
	Get() (item T, shutdown bool)
	// Done marks item, returned by Get, as processed. If item was added
	// while it was processed, it is queued again. Done of an item that is
	// not being processed does nothing.
	Done(item T)
	// ShutDown makes Add ignore new items and wakes every Get blocked on an
	// empty queue. It returns once the queue's goroutines have exited.
	// Calling it more than once is safe.
	ShutDown()
	// ShutDownWithDrain is ShutDown, then waits until every item handed out
	// by Get has been marked Done. A concurrent ShutDown ends the wait. A
	// worker must not call it while it holds an item: it would wait for
	// itself.
	ShutDownWithDrain()
	// ShuttingDown reports whether ShutDown or ShutDownWithDrain was called.
	ShuttingDown() bool
}

// Config configures a Queue. The zero Config is an unnamed queue without
// metrics, on the real clock, with DefaultControllerRateLimiter.
type Config[T comparable] struct {
	// Name labels the queue's metrics (label "name"). It is required when
	// Registerer is set and unused otherwise.
	Name string
	// Clock is the source of time for delays and metrics. Nil means
	// RealClock.
	Clock Clock
	// RateLimiter decides the delay of AddRateLimited. Nil means
	// DefaultControllerRateLimiter.
	RateLimiter RateLimiter[T]
	// Registerer receives the queue's metrics. Nil means no metrics, and no
	// cost for them.
	Registerer prometheus.Registerer
}

// Validate reports the first field of c that is invalid.
func (c Config[T]) Validate() error {
	if c.Registerer != nil && c.Name == "" {
		return errors.New("workqueue: Config.Name is required when Config.Registerer is set")
	}
	return nil
}

// Item states, a bit set in entry.state. An entry whose state is zero is free.
const (
	// dirty: the item must be processed (again). A dirty item that is not
	// processing is in Queue.ready exactly once.
	stateDirty uint8 = 1 << iota
	// processing: the item was handed out by Get and Done was not called yet.
	stateProcessing
	// waiting: the item is in the Queue.waiting heap, at entry.pos.
	stateWaiting
)

// entry is what the queue knows about one item.
type entry[T comparable] struct {
	item  T
	state uint8
	// pos is the item's index in Queue.waiting while stateWaiting is set.
	pos int32
}

// stamps are the times metrics need about one item, as offsets from
// Queue.base: when it last became dirty and when Get last handed it out.
type stamps struct {
	addedAt, startedAt int64
}

// Entries live in fixed-size pages so that growing the table never copies
// it: the cost of an entry stays the same however many there are.
const (
	pageBits = 8
	pageSize = 1 << pageBits
)

// Queue is a work queue with a delaying and a rate-limiting layer; it
// implements RateLimitingInterface. Create one with New.
type Queue[T comparable] struct {
	clock   Clock
	limiter RateLimiter[T]
	base    time.Time // origin of every int64 time offset in the queue
	metrics *metrics  // nil without a Registerer

	// mu guards the fields from index to armedAt. Readers, such as Add's
	// check for a duplicate, need only the read lock, so that producers
	// re-adding queued keys do not contend with each other.
	mu      sync.RWMutex
	getters sync.Cond // Get waits here for a ready item or shutdown
	drained sync.Cond // ShutDownWithDrain waits here for processing == 0

	// index maps every item that is dirty, processing or waiting to the
	// number of its entry; an item with no state has no entry. Entry i is
	// pages[i>>pageBits][i%pageSize]; with metrics, its stamps are at the
	// same place in stamps.
	index    map[T]int32
	pages    []*[pageSize]entry[T]
	stamps   []*[pageSize]stamps
	nEntries int32   // entries ever used; those below it and not free are in use
	free     []int32 // numbers of free entries
	// ready holds, in FIFO order, the entry of every item that is dirty and
	// not processing, each exactly once.
	ready ring
	// waiting is a min-heap on ready time of the entries of delayed items.
	waiting []waiter

	nGetters     int    // goroutines blocked in Get
	nDirty       int    // items with stateDirty: workqueue_depth
	nProcessing  int    // items with stateProcessing
	adds         uint64 // workqueue_adds_total
	retries      uint64 // workqueue_retries_total
	shuttingDown bool
	drain        bool // a ShutDownWithDrain is waiting

	// The delaying loop: started by the first AddAfter with a positive
	// delay, woken through wake when an item becomes due before armedAt,
	// stopped by closing stop.
	loopStarted bool
	armedAt     int64 // ready time the loop sleeps until; math.MaxInt64: none
	wake        chan struct{}
	stop        chan struct{}
	wg          sync.WaitGroup
}

var _ RateLimitingInterface[string] = (*Queue[string])(nil)

// New returns a queue configured by cfg. It fails if cfg is invalid or its
// metrics cannot be registered (for example, a second queue with the same
// name on one Registerer).
func New[T comparable](cfg Config[T]) (*Queue[T], error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	q := &Queue[T]{
		clock:   cfg.Clock,
		limiter: cfg.RateLimiter,
		index:   make(map[T]int32),
		armedAt: math.MaxInt64,
		wake:    make(chan struct{}, 1),
		stop:    make(chan struct{}),
	}
	if q.clock == nil {
		q.clock = RealClock{}
	}
	if q.limiter == nil {
		q.limiter = DefaultControllerRateLimiter[T]()
	}
	q.base = q.clock.Now()
	q.getters.L = &q.mu
	q.drained.L = &q.mu
	if cfg.Registerer != nil {
		q.metrics = newMetrics(cfg.Name)
		if err := cfg.Registerer.Register(collector[T]{q}); err != nil {
			return nil, fmt.Errorf("workqueue %q: register metrics: %w", cfg.Name, err)
		}
	}
	return q, nil
}

// Add implements Interface.
func (q *Queue[T]) Add(item T) {
	q.mu.RLock()
	i, ok := q.index[item]
	skip := q.shuttingDown || ok && q.entry(i).state&stateDirty != 0
	q.mu.RUnlock()
	if skip {
		return
	}
	q.mu.Lock()
	if !q.shuttingDown {
		q.add(item)
	}
	q.mu.Unlock()
}

// add marks item dirty unless it already is. q.mu is held.
func (q *Queue[T]) add(item T) {
	i, ok := q.index[item]
	if !ok {
		i = q.alloc(item)
	} else if q.entry(i).state&stateDirty != 0 {
		return
	}
	q.markDirty(i)
}

// markDirty sets stateDirty on entry i, which is not dirty, and queues it
// unless it is processing. q.mu is held.
func (q *Queue[T]) markDirty(i int32) {
	e := q.entry(i)
	e.state |= stateDirty
	q.nDirty++
	q.adds++
	if q.metrics != nil {
		q.stamp(i).addedAt = q.now()
	}
	if e.state&stateProcessing == 0 {
		q.ready.push(i)
		if q.nGetters > 0 {
			q.getters.Signal()
		}
	}
}

// Get implements Interface.
func (q *Queue[T]) Get() (item T, shutdown bool) {
	q.mu.Lock()
	for q.ready.n == 0 && !q.shuttingDown {
		q.nGetters++
		q.getters.Wait()
		q.nGetters--
	}
	if q.ready.n == 0 {
		q.mu.Unlock()
		return item, true
	}
	i := q.ready.pop()
	e := q.entry(i)
	e.state = e.state&^stateDirty | stateProcessing
	q.nDirty--
	q.nProcessing++
	if q.metrics != nil {
		now, st := q.now(), q.stamp(i)
		q.metrics.queueDuration.Observe(seconds(now - st.addedAt))
		st.startedAt = now
	}
	item = e.item
	q.mu.Unlock()
	return item, false
}

// Done implements Interface.
func (q *Queue[T]) Done(item T) {
	q.mu.Lock()
	if i, ok := q.index[item]; ok && q.entry(i).state&stateProcessing != 0 {
		e := q.entry(i)
		e.state &^= stateProcessing
		q.nProcessing--
		if q.metrics != nil {
			q.metrics.workDuration.Observe(seconds(q.now() - q.stamp(i).startedAt))
		}
		switch {
		case e.state&stateDirty != 0:
			q.ready.push(i)
			if q.nGetters > 0 {
				q.getters.Signal()
			}
		case e.state == 0:
			q.release(i)
		}
		if q.nProcessing == 0 && q.drain {
			q.drained.Broadcast()
		}
	}
	q.mu.Unlock()
}

// Len implements Interface.
func (q *Queue[T]) Len() int {
	q.mu.RLock()
	defer q.mu.RUnlock()
	return q.ready.n
}

// ShuttingDown implements Interface.
func (q *Queue[T]) ShuttingDown() bool {
	q.mu.RLock()
	defer q.mu.RUnlock()
	return q.shuttingDown
}

// ShutDown implements Interface.
func (q *Queue[T]) ShutDown() {
	q.mu.Lock()
	q.drain = false
	q.shutDown()
	q.mu.Unlock()
	q.wg.Wait()
}

// ShutDownWithDrain implements Interface.
func (q *Queue[T]) ShutDownWithDrain() {
	q.mu.Lock()
	q.drain = true
	q.shutDown()
	for q.drain && q.nProcessing > 0 {
		q.drained.Wait()
	}
	q.mu.Unlock()
	q.wg.Wait()
}

// shutDown marks the queue as shutting down and wakes every waiter. q.mu is
// held.
func (q *Queue[T]) shutDown() {
	if !q.shuttingDown {
		q.shuttingDown = true
		close(q.stop)
	}
	q.getters.Broadcast()
	q.drained.Broadcast()
}

// alloc returns a free entry for item and indexes it. q.mu is held.
func (q *Queue[T]) alloc(item T) int32 {
	var i int32
	if n := len(q.free); n > 0 {
		i = q.free[n-1]
		q.free = q.free[:n-1]
	} else {
		i = q.nEntries
		q.nEntries++
		if int(i>>pageBits) == len(q.pages) {
			q.pages = append(q.pages, new([pageSize]entry[T]))
			if q.metrics != nil {
				q.stamps = append(q.stamps, new([pageSize]stamps))
			}
		}
	}
	q.entry(i).item = item
	q.index[item] = i
	return i
}

// release frees entry i, whose state is zero. q.mu is held.
func (q *Queue[T]) release(i int32) {
	e := q.entry(i)
	delete(q.index, e.item)
	*e = entry[T]{}
	q.free = append(q.free, i)
}

// entry returns entry i. q.mu is held.
func (q *Queue[T]) entry(i int32) *entry[T] {
	return &q.pages[i>>pageBits][i%pageSize]
}

// stamp returns the stamps of entry i; the queue has metrics. q.mu is held.
func (q *Queue[T]) stamp(i int32) *stamps {
	return &q.stamps[i>>pageBits][i%pageSize]
}

// now returns the current time as an offset from q.base.
func (q *Queue[T]) now() int64 {
	return int64(q.clock.Now().Sub(q.base))
}

// seconds converts an offset difference to seconds.
func seconds(d int64) float64 {
	return time.Duration(d).Seconds()
}

// ring is a FIFO of entry indexes in a circular buffer whose length is a
// power of two; it grows when full and reuses its memory otherwise.
type ring struct {
	buf  []int32
	head int // index in buf of the oldest element
	n    int // number of elements
}

func (r *ring) push(v int32) {
	if r.n == len(r.buf) {
		r.grow()
	}
	r.buf[(r.head+r.n)&(len(r.buf)-1)] = v
	r.n++
}

// pop removes and returns the oldest element; the ring is not empty.
func (r *ring) pop() int32 {
	v := r.buf[r.head]
	r.head = (r.head + 1) & (len(r.buf) - 1)
	r.n--
	return v
}

func (r *ring) grow() {
	buf := make([]int32, max(16, 2*len(r.buf)))
	k := copy(buf, r.buf[r.head:])
	copy(buf[k:], r.buf[:r.head])
	r.buf, r.head = buf, 0
}
