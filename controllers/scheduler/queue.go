package scheduler

import (
	"container/heap"
	"context"
	"sync"
	"time"

	"github.com/orrery-dev/orrery/api"
)

// Kubernetes' queue timings.
const (
	initialBackoff        = 1 * time.Second
	maxBackoff            = 10 * time.Second
	maxUnschedulableStay  = 5 * time.Minute
	backoffFlushEvery     = 1 * time.Second // at most, when no pod is backing off
	unschedulableFlushGap = 30 * time.Second
)

// queuedPod is a pod waiting to be scheduled.
type queuedPod struct {
	pod          *api.Pod
	key          string
	timestamp    time.Time // when it entered the queue; orders pods of one priority
	firstQueued  time.Time // when it was first seen, for the scheduling SLI
	attempts     int
	backoffUntil time.Time
	since        time.Time // when it became unschedulable
	index        int       // in its heap
}

func priority(p *api.Pod) int32 {
	if p.Spec.Priority != nil {
		return *p.Spec.Priority
	}
	return 0
}

// activeHeap orders by priority (highest first), then by timestamp (oldest first).
type activeHeap []*queuedPod

func (h activeHeap) Len() int { return len(h) }
func (h activeHeap) Less(i, j int) bool {
	pi, pj := priority(h[i].pod), priority(h[j].pod)
	if pi != pj {
		return pi > pj
	}
	return h[i].timestamp.Before(h[j].timestamp)
}
func (h activeHeap) Swap(i, j int) { h[i], h[j] = h[j], h[i]; h[i].index = i; h[j].index = j }
func (h *activeHeap) Push(x any)   { qp := x.(*queuedPod); qp.index = len(*h); *h = append(*h, qp) }
func (h *activeHeap) Pop() any {
	old := *h
	qp := old[len(old)-1]
	*h = old[:len(old)-1]
	qp.index = -1
	return qp
}
func (h activeHeap) peek() *queuedPod { return h[0] }

// backoffHeap orders by the end of the backoff.
type backoffHeap []*queuedPod

func (h backoffHeap) Len() int           { return len(h) }
func (h backoffHeap) Less(i, j int) bool { return h[i].backoffUntil.Before(h[j].backoffUntil) }
func (h backoffHeap) Swap(i, j int)      { h[i], h[j] = h[j], h[i]; h[i].index = i; h[j].index = j }
func (h *backoffHeap) Push(x any)        { qp := x.(*queuedPod); qp.index = len(*h); *h = append(*h, qp) }
func (h *backoffHeap) Pop() any {
	old := *h
	qp := old[len(old)-1]
	*h = old[:len(old)-1]
	qp.index = -1
	return qp
}

type where int

const (
	inActive where = iota + 1
	inBackoff
	inUnschedulable
	inFlight // popped, being scheduled
)

// queue is the scheduling queue: activeQ (ready to try), backoffQ (failed recently,
// waiting 1 s doubling to 10 s per attempt) and the unschedulable pods (waiting for a
// cluster event that may help, or 5 minutes). Safe for concurrent use.
type queue struct {
	mu            sync.Mutex
	now           func() time.Time
	active        activeHeap
	backoff       backoffHeap
	unschedulable map[string]*queuedPod
	all           map[string]*queuedPod
	where         map[string]where
	cycle         int64         // scheduling cycles popped
	moveCycle     int64         // the cycle during which a cluster event last moved pods
	wake          chan struct{} // a pod entered activeQ
	backoffAdded  chan struct{} // a pod entered backoffQ
}

func newQueue(now func() time.Time) *queue {
	return &queue{now: now, unschedulable: map[string]*queuedPod{}, all: map[string]*queuedPod{},
		where: map[string]where{}, wake: make(chan struct{}, 1), backoffAdded: make(chan struct{}, 1)}
}

func podKey(p *api.Pod) string { return p.Namespace + "/" + p.Name }

func (q *queue) signal() {
	select {
	case q.wake <- struct{}{}:
	default:
	}
}

// add queues a new pending pod, or updates the one queued.
func (q *queue) add(p *api.Pod) {
	q.mu.Lock()
	defer q.mu.Unlock()
	key := podKey(p)
	if qp, ok := q.all[key]; ok {
		q.updateLocked(qp, p)
		return
	}
	now := q.now()
	qp := &queuedPod{pod: p, key: key, timestamp: now, firstQueued: now}
	q.all[key] = qp
	q.pushActiveLocked(qp)
}

func (q *queue) pushActiveLocked(qp *queuedPod) {
	heap.Push(&q.active, qp)
	q.where[qp.key] = inActive
	q.signal()
}

// updateLocked takes a newer state of a queued pod; an unschedulable pod whose spec
// or labels changed is tried again.
func (q *queue) updateLocked(qp *queuedPod, p *api.Pod) {
	old := qp.pod
	qp.pod = p
	switch q.where[qp.key] {
	case inActive:
		heap.Fix(&q.active, qp.index)
	case inUnschedulable:
		if old.Generation != p.Generation || !equalLabels(old.Labels, p.Labels) {
			delete(q.unschedulable, qp.key)
			q.moveLocked(qp)
		}
	}
}

func equalLabels(a, b map[string]string) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		if b[k] != v {
			return false
		}
	}
	return true
}

// remove drops a pod that was deleted or bound.
func (q *queue) remove(p *api.Pod) {
	q.mu.Lock()
	defer q.mu.Unlock()
	key := podKey(p)
	qp, ok := q.all[key]
	if !ok {
		return
	}
	switch q.where[key] {
	case inActive:
		heap.Remove(&q.active, qp.index)
	case inBackoff:
		heap.Remove(&q.backoff, qp.index)
	case inUnschedulable:
		delete(q.unschedulable, key)
	}
	delete(q.all, key)
	delete(q.where, key)
}

// pop waits for a pod to schedule and returns it with the pod's state as queued (the
// queued pod's own field changes with updates); it returns nil once ctx ends.
func (q *queue) pop(ctx context.Context) (*queuedPod, int64) {
	qp, _, cycle := q.popPod(ctx)
	return qp, cycle
}

func (q *queue) popPod(ctx context.Context) (*queuedPod, *api.Pod, int64) {
	for {
		q.mu.Lock()
		if q.active.Len() > 0 {
			qp := heap.Pop(&q.active).(*queuedPod)
			q.where[qp.key] = inFlight
			q.cycle++
			cycle, pod := q.cycle, qp.pod
			q.mu.Unlock()
			return qp, pod, cycle
		}
		q.mu.Unlock()
		select {
		case <-ctx.Done():
			return nil, nil, 0
		case <-q.wake:
		}
	}
}

func backoffFor(attempts int) time.Duration {
	d := initialBackoff
	for i := 1; i < attempts && d < maxBackoff; i++ {
		d *= 2
	}
	return min(d, maxBackoff)
}

// done finishes a popped pod that was scheduled (or dropped).
func (q *queue) done(qp *queuedPod) {
	q.mu.Lock()
	defer q.mu.Unlock()
	if q.where[qp.key] == inFlight && q.all[qp.key] == qp {
		delete(q.all, qp.key)
		delete(q.where, qp.key)
	}
}

// requeue puts back a popped pod that could not be placed: unschedulable pods wait
// for an event (or for backoff, if one came while it was being scheduled); failed
// ones back off.
func (q *queue) requeue(qp *queuedPod, cycle int64, unschedulable bool) {
	q.mu.Lock()
	defer q.mu.Unlock()
	if q.all[qp.key] != qp || q.where[qp.key] != inFlight {
		return // deleted meanwhile
	}
	now := q.now()
	qp.attempts++
	qp.backoffUntil = now.Add(backoffFor(qp.attempts))
	qp.timestamp = now
	if unschedulable && q.moveCycle < cycle {
		qp.since = now
		q.unschedulable[qp.key] = qp
		q.where[qp.key] = inUnschedulable
		return
	}
	q.pushBackoffLocked(qp)
}

func (q *queue) pushBackoffLocked(qp *queuedPod) {
	heap.Push(&q.backoff, qp)
	q.where[qp.key] = inBackoff
	select {
	case q.backoffAdded <- struct{}{}:
	default:
	}
}

// moveLocked sends a pod to backoffQ if its backoff has not passed, else to activeQ.
func (q *queue) moveLocked(qp *queuedPod) {
	if qp.backoffUntil.After(q.now()) {
		q.pushBackoffLocked(qp)
		return
	}
	q.pushActiveLocked(qp)
}

// moveAll is a cluster event (a node added or changed, a pod deleted) that may make
// unschedulable pods fit: they are tried again.
func (q *queue) moveAll() {
	q.mu.Lock()
	defer q.mu.Unlock()
	for key, qp := range q.unschedulable {
		delete(q.unschedulable, key)
		q.moveLocked(qp)
	}
	q.moveCycle = q.cycle
}

// flushBackoff moves pods whose backoff has passed to activeQ and returns how long
// until the next one's ends (backoffFlushEvery if none waits).
func (q *queue) flushBackoff() time.Duration {
	q.mu.Lock()
	defer q.mu.Unlock()
	now := q.now()
	for q.backoff.Len() > 0 && !q.backoff[0].backoffUntil.After(now) {
		qp := heap.Pop(&q.backoff).(*queuedPod)
		q.pushActiveLocked(qp)
	}
	if q.backoff.Len() > 0 {
		return q.backoff[0].backoffUntil.Sub(now)
	}
	return backoffFlushEvery
}

// flushUnschedulable moves pods unschedulable for 5 minutes back to be tried.
func (q *queue) flushUnschedulable() {
	q.mu.Lock()
	defer q.mu.Unlock()
	now := q.now()
	for key, qp := range q.unschedulable {
		if now.Sub(qp.since) >= maxUnschedulableStay {
			delete(q.unschedulable, key)
			q.moveLocked(qp)
		}
	}
}

// lengths returns the pods in each queue.
func (q *queue) lengths() (active, backoff, unschedulable int) {
	q.mu.Lock()
	defer q.mu.Unlock()
	return q.active.Len(), q.backoff.Len(), len(q.unschedulable)
}

// run moves pods out of backoffQ as their backoff ends, and flushes the
// unschedulable pods every 30 s, until ctx ends.
func (q *queue) run(ctx context.Context) {
	b := time.NewTimer(backoffFlushEvery)
	defer b.Stop()
	u := time.NewTicker(unschedulableFlushGap)
	defer u.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-b.C:
		case <-q.backoffAdded:
		case <-u.C:
			q.flushUnschedulable()
		}
		b.Reset(q.flushBackoff())
	}
}
