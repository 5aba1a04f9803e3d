package watch

import (
	"context"
	"errors"
	"sync"
)

// FullPolicy says what a Broadcaster does when a watcher's buffer is full.
type FullPolicy int

const (
	// WaitIfFull makes Send wait until the watcher has room (or is stopped, or Send's
	// context ends). No watcher misses an event, but one slow reader slows everyone.
	WaitIfFull FullPolicy = iota
	// DropIfFull makes Send skip a watcher whose buffer is full: that watcher misses the
	// event, the others are not delayed.
	DropIfFull
)

// ErrBroadcasterShutDown is returned by Watch and Send after Shutdown.
var ErrBroadcasterShutDown = errors.New("broadcaster is shut down")

// BroadcasterConfig configures a Broadcaster.
type BroadcasterConfig struct {
	// Buffer is the capacity of each watcher's result channel. Zero means 100.
	Buffer int
	// FullPolicy says what happens when a watcher's buffer is full. The zero value is
	// WaitIfFull.
	FullPolicy FullPolicy
}

// Broadcaster fans the events of one source out to any number of watchers. Send and
// Watch may be called from any goroutine. It starts no goroutines: Send delivers
// directly into each watcher's buffered channel.
type Broadcaster struct {
	cfg BroadcasterConfig

	// mu guards watchers and shutDown, and is held during delivery so that a watcher's
	// channel is never closed while an event is being sent to it.
	mu       sync.Mutex
	watchers map[*broadcastWatcher]struct{}
	shutDown bool
}

// NewBroadcaster returns a Broadcaster with no watchers.
func NewBroadcaster(cfg BroadcasterConfig) *Broadcaster {
	if cfg.Buffer <= 0 {
		cfg.Buffer = 100
	}
	return &Broadcaster{cfg: cfg, watchers: map[*broadcastWatcher]struct{}{}}
}

// Watch adds a watcher that receives every event sent after Watch returns, preceded by
// the given initial events (which must fit in the buffer, or they are cut short).
func (b *Broadcaster) Watch(initial ...Event) (Interface, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.shutDown {
		return nil, ErrBroadcasterShutDown
	}
	w := &broadcastWatcher{b: b, result: make(chan Event, max(b.cfg.Buffer, len(initial))), done: make(chan struct{})}
	for _, ev := range initial {
		w.result <- ev
	}
	b.watchers[w] = struct{}{}
	return w, nil
}

// Send delivers ev to every watcher according to the FullPolicy. Under WaitIfFull it
// returns ctx's error if ctx ends while a watcher is full; the watchers after that one
// miss the event.
func (b *Broadcaster) Send(ctx context.Context, ev Event) error {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.shutDown {
		return ErrBroadcasterShutDown
	}
	for w := range b.watchers {
		if b.cfg.FullPolicy == DropIfFull {
			select {
			case w.result <- ev:
			default:
			}
			continue
		}
		select {
		case w.result <- ev:
		case <-w.done:
		case <-ctx.Done():
			return ctx.Err()
		}
	}
	return nil
}

// Shutdown closes every watcher's result channel (after the events already buffered)
// and makes later Watch and Send calls fail. It is safe to call more than once.
func (b *Broadcaster) Shutdown() {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.shutDown {
		return
	}
	b.shutDown = true
	for w := range b.watchers {
		delete(b.watchers, w)
		close(w.result)
	}
}

// Len returns the number of watchers.
func (b *Broadcaster) Len() int {
	b.mu.Lock()
	defer b.mu.Unlock()
	return len(b.watchers)
}

type broadcastWatcher struct {
	b      *Broadcaster
	result chan Event
	done   chan struct{} // closed by Stop: releases a Send waiting on this watcher
	once   sync.Once
}

func (w *broadcastWatcher) ResultChan() <-chan Event { return w.result }

func (w *broadcastWatcher) Stop() {
	w.once.Do(func() {
		close(w.done)
		b := w.b
		b.mu.Lock()
		defer b.mu.Unlock()
		if _, ok := b.watchers[w]; ok {
			delete(b.watchers, w)
			close(w.result)
		}
	})
}
