package informer

import (
	"sync"

	"github.com/orrery-dev/orrery/api"
)

// Handler is told about the changes an informer sees. Each handler is called from one
// goroutine of its own, in the order of the changes; the objects are shared and must
// not be mutated.
type Handler[T api.Object] interface {
	// OnAdd is a new object; isInInitialList says it was in the informer's first list
	// (or existed when the handler was added).
	OnAdd(obj T, isInInitialList bool)
	// OnUpdate is a new state of an object (or, on resync, the same state twice).
	OnUpdate(oldObj, newObj T)
	// OnDelete is an object that went away, in its last known state.
	OnDelete(obj T)
}

// HandlerFuncs adapts functions to Handler; nil functions are skipped.
type HandlerFuncs[T api.Object] struct {
	AddFunc    func(obj T, isInInitialList bool)
	UpdateFunc func(oldObj, newObj T)
	DeleteFunc func(obj T)
}

var _ Handler[*api.Pod] = HandlerFuncs[*api.Pod]{}

// OnAdd implements Handler.
func (f HandlerFuncs[T]) OnAdd(obj T, isInInitialList bool) {
	if f.AddFunc != nil {
		f.AddFunc(obj, isInInitialList)
	}
}

// OnUpdate implements Handler.
func (f HandlerFuncs[T]) OnUpdate(oldObj, newObj T) {
	if f.UpdateFunc != nil {
		f.UpdateFunc(oldObj, newObj)
	}
}

// OnDelete implements Handler.
func (f HandlerFuncs[T]) OnDelete(obj T) {
	if f.DeleteFunc != nil {
		f.DeleteFunc(obj)
	}
}

// listener feeds one Handler from an unbounded buffer, on its own goroutine, so that a
// slow handler delays nobody else.
type listener[T api.Object] struct {
	h Handler[T]

	mu      sync.Mutex
	buf     fifo[Delta[T]] // pending deltas, oldest first
	added   int64          // deltas ever buffered
	handled int64          // deltas whose handler call has returned
	// syncedAt is the number of deltas that make up the handler's initial list; -1
	// until it is known (the informer has not synced yet).
	syncedAt int64
	wake     chan struct{}
	done     chan struct{} // closed to stop the goroutine
	stopOnce sync.Once
}

func newListener[T api.Object](h Handler[T]) *listener[T] {
	return &listener[T]{h: h, syncedAt: -1, wake: make(chan struct{}, 1), done: make(chan struct{})}
}

func (l *listener[T]) add(d Delta[T]) {
	l.mu.Lock()
	l.buf.push(d)
	l.added++
	l.mu.Unlock()
	select {
	case l.wake <- struct{}{}:
	default:
	}
}

// markSynced records that every delta buffered so far belongs to the initial list.
func (l *listener[T]) markSynced() {
	l.mu.Lock()
	l.syncedAt = l.added
	l.mu.Unlock()
	select {
	case l.wake <- struct{}{}:
	default:
	}
}

func (l *listener[T]) hasSynced() bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.syncedAt >= 0 && l.handled >= l.syncedAt
}

func (l *listener[T]) stop() { l.stopOnce.Do(func() { close(l.done) }) }

// run calls the handler for each buffered delta until stopped.
func (l *listener[T]) run() {
	for {
		l.mu.Lock()
		d, ok := l.buf.pop()
		l.mu.Unlock()
		if !ok {
			select {
			case <-l.done:
				return
			case <-l.wake:
				continue
			}
		}
		select {
		case <-l.done:
			return
		default:
		}
		switch d.Type {
		case Added:
			l.h.OnAdd(d.Object, d.InInitialList)
		case Updated, Resynced:
			l.h.OnUpdate(d.Old, d.Object)
		case Deleted:
			l.h.OnDelete(d.Object)
		}
		l.mu.Lock()
		l.handled++
		l.mu.Unlock()
	}
}
