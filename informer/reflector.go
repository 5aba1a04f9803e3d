package informer

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"sync"
	"syscall"
	"time"

	"go.uber.org/zap"

	"github.com/orrery-dev/orrery/api"
	"github.com/orrery-dev/orrery/client"
	"github.com/orrery-dev/orrery/watch"
)

// InitialEventsEndAnnotation marks the Bookmark that ends the initial events of a
// streaming list (a watch with SendInitialEvents).
const InitialEventsEndAnnotation = "k8s.io/initial-events-end"

// ListerWatcher lists and watches one collection. *client.ResourceClient satisfies it.
type ListerWatcher[T api.Object] interface {
	List(ctx context.Context, opts client.ListOptions) (*client.List[T], error)
	Watch(ctx context.Context, opts client.ListOptions) (watch.Interface, error)
}

// Sink receives what a Reflector sees. *Queue satisfies it. Its methods must not
// block for long: they are called from the Reflector's read loop.
type Sink[T api.Object] interface {
	Add(obj T)
	Update(obj T)
	Delete(obj T)
	Replace(items []T)
}

// ReflectorConfig configures a Reflector.
type ReflectorConfig[T api.Object] struct {
	// ListerWatcher is the collection to mirror. Required.
	ListerWatcher ListerWatcher[T]
	// Sink receives the list and the changes. Required.
	Sink Sink[T]
	// DisableWatchList makes the Reflector use LIST only. By default it gets its lists
	// as a stream of events (a watch with SendInitialEvents, which the server encodes
	// and the client decodes one object at a time, overlapping both) and falls back
	// to LIST when that fails.
	DisableWatchList bool
	// MinWatchTimeout is the shortest timeout asked of a watch; each watch asks for a
	// random one between it and twice it, so that re-watches spread out. Zero means 5
	// minutes.
	MinWatchTimeout time.Duration
	// OnWatchError, when set, is called with each error that ends a list or a watch
	// (before the Reflector backs off and tries again). It must not block.
	OnWatchError func(error)
	// Logger receives the Reflector's logs. Nil means none.
	Logger *zap.Logger
}

// Reflector mirrors a collection into a Sink: it lists, replaces the Sink's content
// with the list, then watches from the list's resourceVersion with bookmarks, pushing
// each change. The list is a streaming list (a watch with SendInitialEvents, ended by
// the bookmark annotated InitialEventsEndAnnotation) unless disabled or refused; a
// LIST asks for resourceVersion "0" at first (served from the server's cache).
//   - A watch that ends cleanly is resumed from the last resourceVersion seen, without
//     a relist.
//   - A watch that fails (an Error event, such as 410 Expired, or a broken stream)
//     leads to a relist at the last resourceVersion seen; a relist answered by 410
//     Expired (or "too large resource version") is retried at once with no
//     resourceVersion, a consistent read.
//   - Between failures it backs off: 0.8 s doubling to 30 s, each delay stretched by a
//     random factor between 1 and 2, back to 0.8 s after 2 minutes without failure.
//
// Create it with NewReflector and start it with Run.
type Reflector[T api.Object] struct {
	cfg     ReflectorConfig[T]
	logger  *zap.Logger
	backoff *backoff

	mu sync.Mutex
	// lastRV is the resourceVersion of the last list, event or bookmark seen.
	lastRV string
	// relistFresh makes the next list ask for no resourceVersion, because the last one
	// was unavailable (410).
	relistFresh bool
}

// NewReflector checks cfg and returns a Reflector.
func NewReflector[T api.Object](cfg ReflectorConfig[T]) (*Reflector[T], error) {
	if cfg.ListerWatcher == nil || cfg.Sink == nil {
		return nil, errors.New("informer: Reflector needs a ListerWatcher and a Sink")
	}
	if cfg.MinWatchTimeout <= 0 {
		cfg.MinWatchTimeout = 5 * time.Minute
	}
	if cfg.Logger == nil {
		cfg.Logger = zap.NewNop()
	}
	return &Reflector[T]{cfg: cfg, logger: cfg.Logger, backoff: newBackoff()}, nil
}

// LastSyncResourceVersion returns the resourceVersion of the last list, event or
// bookmark seen; "" before the first list.
func (r *Reflector[T]) LastSyncResourceVersion() string {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.lastRV
}

func (r *Reflector[T]) setLastRV(rv string) {
	r.mu.Lock()
	r.lastRV = rv
	r.mu.Unlock()
}

// Run lists and watches until ctx ends, then returns nil. It starts no goroutines
// that outlive it.
func (r *Reflector[T]) Run(ctx context.Context) error {
	for {
		err := r.listAndWatch(ctx)
		if ctx.Err() != nil {
			return nil
		}
		if err != nil {
			r.report(err)
		}
		if !r.sleep(ctx) {
			return nil
		}
	}
}

func (r *Reflector[T]) report(err error) {
	r.logger.Info("list and watch failed; backing off", zap.Error(err))
	if r.cfg.OnWatchError != nil {
		r.cfg.OnWatchError(err)
	}
}

// sleep waits out the next backoff delay; false means ctx ended first.
func (r *Reflector[T]) sleep(ctx context.Context) bool {
	t := time.NewTimer(r.backoff.next(time.Now(), rand.Float64()))
	defer t.Stop()
	select {
	case <-ctx.Done():
		return false
	case <-t.C:
		return true
	}
}

// listAndWatch syncs the Sink, then watches until the watch fails (the error says
// why) or ctx ends.
func (r *Reflector[T]) listAndWatch(ctx context.Context) error {
	var w watch.Interface
	if !r.cfg.DisableWatchList {
		var err error
		if w, err = r.watchList(ctx); err != nil {
			if ctx.Err() != nil {
				return nil
			}
			r.logger.Info("streaming list failed; falling back to LIST", zap.Error(err))
			w = nil
		}
	}
	if w == nil {
		if err := r.list(ctx); err != nil {
			return err
		}
	}
	return r.watch(ctx, w)
}

// list lists and replaces the Sink's content.
func (r *Reflector[T]) list(ctx context.Context) error {
	rv := r.relistResourceVersion()
	l, err := r.cfg.ListerWatcher.List(ctx, client.ListOptions{ResourceVersion: rv})
	if err != nil && rv != "" && (client.IsExpired(err) || client.IsTooLargeResourceVersion(err)) {
		r.logger.Info("list at resourceVersion unavailable; listing the latest", zap.String("resourceVersion", rv), zap.Error(err))
		r.mu.Lock()
		r.relistFresh = true
		r.mu.Unlock()
		l, err = r.cfg.ListerWatcher.List(ctx, client.ListOptions{})
	}
	if err != nil {
		return fmt.Errorf("list: %w", err)
	}
	r.cfg.Sink.Replace(l.Items)
	r.mu.Lock()
	r.lastRV, r.relistFresh = l.ResourceVersion, false
	r.mu.Unlock()
	return nil
}

// relistResourceVersion is what the next list asks for: "0" (any cached state) at
// first, the last one seen afterwards, "" (the latest) when that one was unavailable.
func (r *Reflector[T]) relistResourceVersion() string {
	r.mu.Lock()
	defer r.mu.Unlock()
	switch {
	case r.relistFresh:
		return ""
	case r.lastRV == "":
		return "0"
	default:
		return r.lastRV
	}
}

func (r *Reflector[T]) watchTimeout() int64 {
	lo := r.cfg.MinWatchTimeout.Seconds()
	return int64(lo * (1 + rand.Float64()))
}

// watchList opens a streaming list and reads it up to the bookmark that ends the
// initial events, then replaces the Sink's content; it returns the watch, which goes
// on with the changes.
func (r *Reflector[T]) watchList(ctx context.Context) (watch.Interface, error) {
	r.mu.Lock()
	rv := r.lastRV
	if r.relistFresh {
		rv = ""
	}
	r.mu.Unlock()
	w, err := r.cfg.ListerWatcher.Watch(ctx, client.ListOptions{
		ResourceVersion: rv, ResourceVersionMatch: "NotOlderThan", SendInitialEvents: true,
		AllowWatchBookmarks: true, TimeoutSeconds: r.watchTimeout(),
	})
	if err != nil {
		return nil, fmt.Errorf("streaming list: %w", err)
	}
	var items []T
	for {
		var ev watch.Event
		var ok bool
		select {
		case <-ctx.Done():
			w.Stop()
			return nil, ctx.Err()
		case ev, ok = <-w.ResultChan():
		}
		if !ok {
			w.Stop()
			return nil, errors.New("streaming list: the stream ended before its initial events did")
		}
		switch ev.Type {
		case api.Added:
			obj, ok := ev.Object.(T)
			if !ok {
				w.Stop()
				return nil, fmt.Errorf("streaming list: unexpected object %T", ev.Object)
			}
			items = append(items, obj)
		case api.Bookmark:
			m := ev.Object.GetObjectMeta()
			if m.Annotations[InitialEventsEndAnnotation] == "true" {
				r.cfg.Sink.Replace(items)
				r.mu.Lock()
				r.lastRV, r.relistFresh = m.ResourceVersion, false
				r.mu.Unlock()
				return w, nil
			}
		case api.Error:
			w.Stop()
			if isExpired(ev.Status) {
				r.mu.Lock()
				r.relistFresh = true
				r.mu.Unlock()
			}
			return nil, fmt.Errorf("streaming list: %w", ev.Status)
		default:
			w.Stop()
			return nil, fmt.Errorf("streaming list: unexpected %s event before the initial events ended", ev.Type)
		}
	}
}

// watch watches from the last resourceVersion seen, starting with w when it is not
// nil, until a watch fails or ctx ends. A watch that ends cleanly is resumed.
func (r *Reflector[T]) watch(ctx context.Context, w watch.Interface) error {
	for {
		if w == nil {
			var err error
			w, err = r.cfg.ListerWatcher.Watch(ctx, client.ListOptions{
				ResourceVersion: r.LastSyncResourceVersion(), AllowWatchBookmarks: true, TimeoutSeconds: r.watchTimeout(),
			})
			switch {
			case ctx.Err() != nil:
				return nil
			case err != nil && (client.IsTooManyRequests(err) || errors.Is(err, syscall.ECONNREFUSED)):
				// The server is busy or restarting: try the watch again later, the
				// state we hold is still good.
				r.logger.Info("watch refused; retrying", zap.Error(err))
				if r.cfg.OnWatchError != nil {
					r.cfg.OnWatchError(err)
				}
				if !r.sleep(ctx) {
					return nil
				}
				continue
			case err != nil:
				return fmt.Errorf("watch: %w", err)
			}
		}
		start := time.Now()
		events, err := r.handle(ctx, w)
		w.Stop()
		w = nil
		if err != nil || ctx.Err() != nil {
			return err
		}
		if events == 0 && time.Since(start) < time.Second {
			// A watch that ends at once without a single event is a server in trouble;
			// do not hammer it.
			r.logger.Info("watch ended at once without events; backing off")
			if !r.sleep(ctx) {
				return nil
			}
		}
	}
}

// handle pushes the events of w to the Sink until w ends (nil) or fails.
func (r *Reflector[T]) handle(ctx context.Context, w watch.Interface) (int, error) {
	events := 0
	for {
		var ev watch.Event
		var ok bool
		select {
		case <-ctx.Done():
			return events, nil
		case ev, ok = <-w.ResultChan():
		}
		if !ok {
			return events, nil
		}
		events++
		switch ev.Type {
		case api.Error:
			// client.IsExpired tells a 410 from other failures; both relist.
			return events, fmt.Errorf("watch: %w", ev.Status)
		case api.Bookmark:
			r.setLastRV(ev.Object.GetObjectMeta().ResourceVersion)
			continue
		}
		obj, ok := ev.Object.(T)
		if !ok {
			return events, fmt.Errorf("watch: unexpected object %T", ev.Object)
		}
		switch ev.Type {
		case api.Added:
			r.cfg.Sink.Add(obj)
		case api.Modified:
			r.cfg.Sink.Update(obj)
		case api.Deleted:
			r.cfg.Sink.Delete(obj)
		default:
			return events, fmt.Errorf("watch: unexpected event type %q", ev.Type)
		}
		r.setLastRV(obj.GetObjectMeta().ResourceVersion)
	}
}

func isExpired(st *api.Status) bool {
	return st != nil && (st.Code == 410 || st.Reason == api.StatusReasonExpired || st.Reason == api.StatusReasonGone)
}
