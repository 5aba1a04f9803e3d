package informer

import (
	"context"
	"sync"

	"github.com/orrery-dev/orrery/api"
)

// DeltaType says what a Delta is.
type DeltaType int

const (
	// Added is a new key.
	Added DeltaType = iota + 1
	// Updated is a new state of a known key (Old holds the previous one).
	Updated
	// Deleted is a key that went away; Object is its last known state.
	Deleted
	// Resynced is a periodic replay of a known key; Old and Object are the same.
	Resynced
)

// Delta is one change the Queue delivers.
type Delta[T api.Object] struct {
	Type DeltaType
	// Object is the new state (for Deleted, the last known one).
	Object T
	// Old is the previous state, for Updated and Resynced.
	Old T
	// InInitialList is set on the Added deltas of the first Replace.
	InInitialList bool
}

type opKind int

const (
	opAdd opKind = iota
	opUpdate
	opDelete
	opReplace
	opResync
)

type op[T api.Object] struct {
	kind  opKind
	obj   T
	items []T // opReplace
}

// Queue is the in-order queue between a Reflector and the consumer of its changes.
// The Reflector pushes (Add, Update, Delete, Replace, Resync never block); Pop takes
// the oldest change, applies it to the Store and hands the resulting Deltas to the
// consumer. There is no per-key coalescing: every change is delivered, in the order
// it was pushed. A Replace delivers, first, a Deleted delta carrying the last known
// object for every key the new list lacks, then Added for new keys and Updated for
// keys whose resourceVersion changed.
//
// Objects pushed become the Queue's: it transforms them (see QueueConfig) and compacts
// them in place before storing (slices trimmed to their length, strings that recur
// across objects shared), which changes nothing they say but what they cost.
type Queue[T api.Object] struct {
	store     *Store[T]
	transform func(T) T
	compactor *compactor

	mu      sync.Mutex
	ops     fifo[op[T]]   // pending changes, oldest first
	wake    chan struct{} // has a token when ops may be pending
	applyMu sync.Mutex    // held while one op is applied and its deltas delivered
	synced  chan struct{} // closed once the first Replace has been delivered
	once    sync.Once
}

// QueueConfig configures a Queue.
type QueueConfig[T api.Object] struct {
	// Store is where Pop applies changes. Required.
	Store *Store[T]
	// Transform, when set, is applied to every object as it is pushed (to strip
	// fields before they are stored). It may return its argument changed.
	Transform func(T) T
}

// NewQueue returns an empty Queue over cfg.Store.
func NewQueue[T api.Object](cfg QueueConfig[T]) *Queue[T] {
	return &Queue[T]{store: cfg.Store, transform: cfg.Transform, compactor: newCompactor(),
		wake: make(chan struct{}, 1), synced: make(chan struct{})}
}

func (q *Queue[T]) push(o op[T]) {
	prepare := func(obj T) T {
		if q.transform != nil {
			obj = q.transform(obj)
		}
		q.compactor.compact(obj)
		return obj
	}
	switch o.kind {
	case opReplace:
		for i := range o.items {
			o.items[i] = prepare(o.items[i])
		}
	case opAdd, opUpdate, opDelete:
		o.obj = prepare(o.obj)
	}
	q.mu.Lock()
	q.ops.push(o)
	q.mu.Unlock()
	select {
	case q.wake <- struct{}{}:
	default:
	}
}

// Add queues a new object (ADDED).
func (q *Queue[T]) Add(obj T) { q.push(op[T]{kind: opAdd, obj: obj}) }

// Update queues a new state of an object (MODIFIED).
func (q *Queue[T]) Update(obj T) { q.push(op[T]{kind: opUpdate, obj: obj}) }

// Delete queues the deletion of an object, with its final state (DELETED).
func (q *Queue[T]) Delete(obj T) { q.push(op[T]{kind: opDelete, obj: obj}) }

// Replace queues a full list: the Store becomes items once it is applied. The Queue
// keeps items (and may transform its elements in place).
func (q *Queue[T]) Replace(items []T) { q.push(op[T]{kind: opReplace, items: items}) }

// Resync queues a replay of every object in the Store as a Resynced delta.
func (q *Queue[T]) Resync() { q.push(op[T]{kind: opResync}) }

// Len returns the number of pending changes.
func (q *Queue[T]) Len() int {
	q.mu.Lock()
	defer q.mu.Unlock()
	return q.ops.len()
}

// Synced is closed once the first Replace has been applied and delivered.
func (q *Queue[T]) Synced() <-chan struct{} { return q.synced }

// Between runs fn while no change is being applied: fn sees the Store between two
// changes, and no delta is delivered while it runs.
func (q *Queue[T]) Between(fn func()) {
	q.applyMu.Lock()
	defer q.applyMu.Unlock()
	fn()
}

// Pop waits for the oldest pending change, applies it to the Store and calls deliver
// for each resulting delta, in order, before returning. It returns ctx's error if ctx
// ends first. One goroutine at a time may call Pop.
func (q *Queue[T]) Pop(ctx context.Context, deliver func(Delta[T])) error {
	for {
		q.mu.Lock()
		o, ok := q.ops.pop()
		q.mu.Unlock()
		if ok {
			q.apply(o, deliver)
			return nil
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-q.wake:
		}
	}
}

func (q *Queue[T]) apply(o op[T], deliver func(Delta[T])) {
	q.applyMu.Lock()
	defer q.applyMu.Unlock()
	s := q.store
	switch o.kind {
	case opAdd, opUpdate:
		if old, existed := s.Add(o.obj); existed {
			deliver(Delta[T]{Type: Updated, Object: o.obj, Old: old})
		} else {
			deliver(Delta[T]{Type: Added, Object: o.obj})
		}
	case opDelete:
		key := Key(o.obj)
		// The watch's final state is newer than the stored one; deliver it.
		if _, existed := s.Delete(key); existed {
			deliver(Delta[T]{Type: Deleted, Object: o.obj})
		}
	case opReplace:
		q.replace(o.items, deliver)
	case opResync:
		for _, obj := range s.List() {
			deliver(Delta[T]{Type: Resynced, Object: obj, Old: obj})
		}
	}
}

func (q *Queue[T]) replace(items []T, deliver func(Delta[T])) {
	s := q.store
	initial := !q.isSynced()
	keys := make([]string, len(items))
	for i, obj := range items {
		keys[i] = Key(obj)
	}
	// Deletions first, with the last known object: the keys that vanished while the
	// watch was down.
	var gone []T
	s.mu.Lock()
	if len(s.items) > 0 {
		fresh := make(map[string]struct{}, len(items))
		for _, k := range keys {
			fresh[k] = struct{}{}
		}
		for key, old := range s.items {
			if _, ok := fresh[key]; !ok {
				s.remove(key)
				gone = append(gone, old)
			}
		}
	}
	s.mu.Unlock()
	for _, old := range gone {
		deliver(Delta[T]{Type: Deleted, Object: old})
	}
	for i, obj := range items {
		s.mu.Lock()
		old, existed := s.items[keys[i]]
		if existed && old.GetObjectMeta().ResourceVersion == obj.GetObjectMeta().ResourceVersion {
			s.mu.Unlock()
			continue // unchanged: keep the stored object
		}
		s.put(keys[i], obj)
		s.mu.Unlock()
		if existed {
			deliver(Delta[T]{Type: Updated, Object: obj, Old: old})
		} else {
			deliver(Delta[T]{Type: Added, Object: obj, InInitialList: initial})
		}
	}
	q.once.Do(func() { close(q.synced) })
}

func (q *Queue[T]) isSynced() bool {
	select {
	case <-q.synced:
		return true
	default:
		return false
	}
}
