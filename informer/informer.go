package informer

import (
	"context"
	"errors"
	"sync"
	"time"

	"go.uber.org/zap"

	"github.com/orrery-dev/orrery/api"
)

// Config configures a SharedInformer.
type Config[T api.Object] struct {
	// ListerWatcher is the collection to mirror. Required.
	ListerWatcher ListerWatcher[T]
	// Indexers are indexes of the Store besides NamespaceIndex.
	Indexers Indexers[T]
	// ResyncPeriod, when positive, replays every stored object to every handler as an
	// OnUpdate(obj, obj) this often, once synced. Zero means never.
	ResyncPeriod time.Duration
	// Transform, when set, is applied to each object before it is stored, typically
	// to drop fields nobody reads (managed fields, big annotations). It may change its
	// argument and return it.
	Transform func(T) T
	// OnWatchError, when set, is called with each error that ends a list or watch. It
	// must not block.
	OnWatchError func(error)
	// DisableWatchList makes the informer sync with LIST only. By default it syncs
	// with a streaming list (a watch with sendInitialEvents), falling back to LIST
	// when the server does not support it.
	DisableWatchList bool
	// MinWatchTimeout is passed to the Reflector. Zero means 5 minutes.
	MinWatchTimeout time.Duration
	// Logger receives the informer's logs. Nil means none.
	Logger *zap.Logger
}

// SharedInformer keeps an indexed Store in sync with one collection on the server
// through a single list and watch, and tells any number of handlers about every
// change. Create it with New, add handlers with AddHandler (before or after Run), and
// start it with Run.
type SharedInformer[T api.Object] struct {
	cfg       Config[T]
	logger    *zap.Logger
	store     *Store[T]
	queue     *Queue[T]
	reflector *Reflector[T]
	synced    chan struct{} // closed once the first list is in the Store and handed out

	mu         sync.Mutex
	listeners  map[*listener[T]]struct{}
	state      runState
	listenerWG sync.WaitGroup // the listeners' goroutines
}

type runState int

const (
	idle runState = iota
	running
	stopped
)

// ErrStopped is returned by AddHandler after Run has returned, and by Run when called
// a second time.
var ErrStopped = errors.New("informer has already run")

// New checks cfg and returns a SharedInformer.
func New[T api.Object](cfg Config[T]) (*SharedInformer[T], error) {
	if cfg.ListerWatcher == nil {
		return nil, errors.New("informer: ListerWatcher is required")
	}
	if cfg.Logger == nil {
		cfg.Logger = zap.NewNop()
	}
	i := &SharedInformer[T]{
		cfg:       cfg,
		logger:    cfg.Logger,
		store:     NewStore(cfg.Indexers),
		synced:    make(chan struct{}),
		listeners: map[*listener[T]]struct{}{},
	}
	i.queue = NewQueue(QueueConfig[T]{Store: i.store, Transform: cfg.Transform})
	r, err := NewReflector(ReflectorConfig[T]{
		ListerWatcher: cfg.ListerWatcher, Sink: i.queue, DisableWatchList: cfg.DisableWatchList,
		MinWatchTimeout: cfg.MinWatchTimeout, OnWatchError: cfg.OnWatchError, Logger: cfg.Logger,
	})
	if err != nil {
		return nil, err
	}
	i.reflector = r
	return i, nil
}

// Registration is a handler added to an informer.
type Registration struct {
	hasSynced func() bool
	l         any // the *listener, for RemoveHandler
}

// HasSynced reports whether the handler has been called for every object of the
// informer's initial list (or, for a handler added later, for every object the
// informer held when it was added).
func (r *Registration) HasSynced() bool { return r.hasSynced() }

// AddHandler adds a handler. Added after the informer has synced, it first gets an
// OnAdd(obj, true) for every object in the Store; either way it then sees every change
// after those, each exactly once, in order.
func (i *SharedInformer[T]) AddHandler(h Handler[T]) (*Registration, error) {
	l := newListener(h)
	var err error
	i.queue.Between(func() {
		i.mu.Lock()
		defer i.mu.Unlock()
		if i.state == stopped {
			err = ErrStopped
			return
		}
		if i.HasSynced() {
			for _, obj := range i.store.List() {
				l.add(Delta[T]{Type: Added, Object: obj, InInitialList: true})
			}
			l.markSynced()
		}
		i.listeners[l] = struct{}{}
		if i.state == running {
			i.listenerWG.Go(l.run)
		}
	})
	if err != nil {
		return nil, err
	}
	return &Registration{hasSynced: l.hasSynced, l: l}, nil
}

// RemoveHandler stops calling the handler of reg; deltas it has not yet handled are
// dropped. Removing a handler twice is harmless.
func (i *SharedInformer[T]) RemoveHandler(reg *Registration) {
	l, ok := reg.l.(*listener[T])
	if !ok {
		return
	}
	i.mu.Lock()
	delete(i.listeners, l)
	i.mu.Unlock()
	l.stop()
}

// HasSynced reports whether the first list is in the Store and handed to the handlers'
// buffers.
func (i *SharedInformer[T]) HasSynced() bool {
	select {
	case <-i.synced:
		return true
	default:
		return false
	}
}

// Synced is closed when HasSynced becomes true.
func (i *SharedInformer[T]) Synced() <-chan struct{} { return i.synced }

// Store returns the informer's Store. Its objects must not be mutated.
func (i *SharedInformer[T]) Store() *Store[T] { return i.store }

// Lister returns a Lister over the informer's Store.
func (i *SharedInformer[T]) Lister() Lister[T] {
	return NewLister(i.store, groupResourceOf(i.cfg.ListerWatcher))
}

// groupResourceOf names the collection lw mirrors, when it knows its kind (a
// client.ResourceClient does).
func groupResourceOf(lw any) api.GroupResource {
	switch l := lw.(type) {
	case interface{ Kind() api.KindInfo }:
		return l.Kind().GroupResource()
	case interface{ inner() any }:
		return groupResourceOf(l.inner())
	}
	return api.GroupResource{}
}

// LastSyncResourceVersion returns the resourceVersion of the last list, event or
// bookmark seen.
func (i *SharedInformer[T]) LastSyncResourceVersion() string {
	return i.reflector.LastSyncResourceVersion()
}

// Run lists, watches and feeds the handlers until ctx ends, then stops every goroutine
// it started (the reflector, the queue's consumer, the resync timer, each handler's
// goroutine) and returns once they have exited. An informer runs once: a second Run
// returns ErrStopped.
func (i *SharedInformer[T]) Run(ctx context.Context) error {
	i.mu.Lock()
	if i.state != idle {
		i.mu.Unlock()
		return ErrStopped
	}
	i.state = running
	for l := range i.listeners {
		i.listenerWG.Go(l.run)
	}
	i.mu.Unlock()

	var wg sync.WaitGroup
	wg.Go(func() { _ = i.reflector.Run(ctx) })
	wg.Go(func() { i.process(ctx) })
	if i.cfg.ResyncPeriod > 0 {
		wg.Go(func() { i.resync(ctx) })
	}
	wg.Wait()

	i.mu.Lock()
	i.state = stopped
	for l := range i.listeners {
		l.stop()
	}
	i.mu.Unlock()
	i.listenerWG.Wait()
	return nil
}

// process applies the queue's changes and hands each delta to every handler.
func (i *SharedInformer[T]) process(ctx context.Context) {
	deliver := func(d Delta[T]) {
		i.mu.Lock()
		defer i.mu.Unlock()
		for l := range i.listeners {
			l.add(d)
		}
	}
	for {
		if err := i.queue.Pop(ctx, deliver); err != nil {
			return
		}
		if i.HasSynced() {
			continue
		}
		select {
		case <-i.queue.Synced():
			// Every delta delivered so far is the handlers' initial list.
			i.queue.Between(func() {
				i.mu.Lock()
				defer i.mu.Unlock()
				for l := range i.listeners {
					l.markSynced()
				}
				close(i.synced)
			})
		default:
		}
	}
}

func (i *SharedInformer[T]) resync(ctx context.Context) {
	t := time.NewTicker(i.cfg.ResyncPeriod)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
			if i.HasSynced() {
				i.queue.Resync()
			}
		}
	}
}
