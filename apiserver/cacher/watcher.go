package cacher

import (
	"context"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/orrery-dev/orrery/api"
	"github.com/orrery-dev/orrery/apiserver/storage"
)

// delivery is one event on its way to one watcher.
type delivery struct {
	typ     api.EventType
	obj     *object // nil for BOOKMARK and ERROR
	prev    *object // for MODIFIED
	rev     int64
	seq     uint64 // the event's number (see event.seq); 0 for BOOKMARK and ERROR
	initEnd bool
	err     error
}

// watcher is one watch served by the cache. The dispatcher decides what it receives
// of each new change; its own goroutine first sends what it starts with (filtering the
// replayed events or the initial state that Watch took under the lock), then hands
// the dispatched events to the client in order, adds bookmarks and ends the watch.
type watcher struct {
	c        *Cacher
	prefix   string
	pred     storage.Predicate
	filter   bool
	progress bool
	initEnd  bool
	deadline time.Time

	// Where the watcher is indexed in its watcherSet (set by watcherSet.add).
	ns, field, value string

	// in is the watcher's bounded buffer, filled by the dispatcher.
	in chan delivery

	// What the watch starts with, set by Watch and owned by the goroutine once started:
	// an error to end with (initErr), the buffered events to replay (replay), or the
	// objects of the initial state (state, at revision initRev), not yet filtered.
	initErr error
	replay  []*event
	state   []*object
	initRev int64
	// lastSeq is the number of the last change the watch has covered: the dispatcher
	// may hand it a change it also replayed, which is dropped. Owned by the goroutine
	// once started.
	lastSeq uint64
	// lastRev is the revision of the last event sent; older bookmarks are dropped.
	lastRev int64

	// nextBookmark (UnixNano) is when the watcher is due for a bookmark; queued is set
	// while one is in the buffer.
	nextBookmark atomic.Int64
	queued       atomic.Bool

	result   chan storage.Event
	stop     chan struct{}
	stopOnce sync.Once
	done     chan struct{}
}

var _ storage.Watcher = (*watcher)(nil)

func (c *Cacher) newWatcher(prefix string, opts storage.WatchOptions, deadline time.Time) *watcher {
	w := &watcher{
		c:        c,
		prefix:   prefix,
		pred:     opts.Predicate,
		filter:   !opts.Predicate.Empty(),
		progress: opts.ProgressNotify,
		initEnd:  opts.InitialEventsEnd,
		deadline: deadline,
		in:       make(chan delivery, c.cfg.WatcherBuffer),
		result:   make(chan storage.Event, resultBuffer),
		stop:     make(chan struct{}),
		done:     make(chan struct{}),
	}
	w.nextBookmark.Store(nextBookmark(c.clock.Now(), deadline, c.cfg.BookmarkInterval).UnixNano())
	return w
}

// ResultChan implements storage.Watcher.
func (w *watcher) ResultChan() <-chan storage.Event { return w.result }

// Stop implements storage.Watcher.
func (w *watcher) Stop() {
	w.kill()
	<-w.done
}

// kill ends the watch without waiting.
func (w *watcher) kill() { w.stopOnce.Do(func() { close(w.stop) }) }

// classify returns what the watcher receives for e, if anything: an object that stops
// matching its selector is DELETED, one that starts matching ADDED.
func (w *watcher) classify(e *event) (delivery, bool) {
	if w.prefix != "" && !strings.HasPrefix(e.cur.key, w.prefix) {
		return delivery{}, false
	}
	if !w.filter {
		return delivery{typ: e.typ, obj: e.cur, prev: e.prev, rev: e.rev, seq: e.seq}, true
	}
	switch e.typ {
	case api.Modified:
		cur, prev := matches(w.pred, e.cur), matches(w.pred, e.prev)
		switch {
		case cur && prev:
			return delivery{typ: api.Modified, obj: e.cur, prev: e.prev, rev: e.rev, seq: e.seq}, true
		case cur:
			return delivery{typ: api.Added, obj: e.cur, rev: e.rev, seq: e.seq}, true
		case prev:
			return delivery{typ: api.Deleted, obj: e.goneObject(w.c), rev: e.rev, seq: e.seq}, true
		}
		return delivery{}, false
	default:
		if !matches(w.pred, e.cur) {
			return delivery{}, false
		}
		return delivery{typ: e.typ, obj: e.cur, rev: e.rev, seq: e.seq}, true
	}
}

// start sends what the watch starts with; false means the watch is over.
func (w *watcher) start(ctx context.Context) bool {
	if w.initErr != nil {
		return w.send(ctx, delivery{typ: api.Error, err: w.initErr})
	}
	for i, e := range w.replay {
		w.replay[i] = nil
		if dl, ok := w.classify(e); ok && !w.send(ctx, dl) {
			return false
		}
	}
	w.replay = nil
	if w.state == nil {
		return true
	}
	for i, o := range w.state {
		w.state[i] = nil
		if w.filter && !matches(w.pred, o) {
			continue
		}
		if !w.send(ctx, delivery{typ: api.Added, obj: o, rev: o.rev}) {
			return false
		}
	}
	w.state = nil
	w.lastRev = max(w.lastRev, w.initRev)
	if w.initEnd {
		return w.send(ctx, delivery{typ: api.Bookmark, rev: w.initRev, initEnd: true})
	}
	return true
}

// run hands the events to the client until the watch ends.
func (w *watcher) run(ctx context.Context) {
	defer close(w.done)
	defer close(w.result)
	defer w.c.removeWatcher(w)
	if !w.start(ctx) {
		return
	}
	for {
		select {
		case d := <-w.in:
			switch {
			case d.typ == api.Bookmark:
				w.queued.Store(false)
				if !w.progress || d.rev < w.lastRev {
					continue
				}
				w.nextBookmark.Store(nextBookmark(w.c.clock.Now(), w.deadline, w.c.cfg.BookmarkInterval).UnixNano())
			case d.seq <= w.lastSeq:
				continue
			default:
				w.lastSeq = d.seq
			}
			if !w.send(ctx, d) {
				return
			}
		case <-ctx.Done():
			return
		case <-w.stop:
			return
		}
	}
}

// send hands d to the client; false means the watch is over.
func (w *watcher) send(ctx context.Context, d delivery) bool {
	ev := storage.Event{Type: d.typ, Revision: d.rev, InitialEventsEnd: d.initEnd, Err: d.err}
	if d.obj != nil {
		ev.Object, ev.Encoded = d.obj.obj, d.obj.encoded
	}
	if d.prev != nil && d.typ == api.Modified {
		ev.PrevObject = d.prev.obj
	}
	select {
	case w.result <- ev:
	case <-ctx.Done():
		return false
	case <-w.stop:
		return false
	}
	if d.typ == api.Error {
		return false
	}
	w.lastRev = max(w.lastRev, d.rev)
	return true
}

// watcherSet holds the registered watchers, indexed so that the dispatcher finds the
// ones an event may concern without looking at the others: by an exact value of an
// indexed field, else by namespace, else in the unindexed set. Guarded by the
// cacher's mutex.
type watcherSet struct {
	fields    []string
	all       map[*watcher]struct{}
	unindexed map[*watcher]struct{}
	byNS      map[string]map[*watcher]struct{}
	byField   map[string]map[string]map[*watcher]struct{}
}

func newWatcherSet(fields []string) watcherSet {
	s := watcherSet{
		fields:    fields,
		all:       map[*watcher]struct{}{},
		unindexed: map[*watcher]struct{}{},
		byNS:      map[string]map[*watcher]struct{}{},
		byField:   map[string]map[string]map[*watcher]struct{}{},
	}
	for _, f := range fields {
		s.byField[f] = map[string]map[*watcher]struct{}{}
	}
	return s
}

func addTo(m map[string]map[*watcher]struct{}, k string, w *watcher) {
	set := m[k]
	if set == nil {
		set = map[*watcher]struct{}{}
		m[k] = set
	}
	set[w] = struct{}{}
}

func removeFrom(m map[string]map[*watcher]struct{}, k string, w *watcher) {
	if set := m[k]; set != nil {
		delete(set, w)
		if len(set) == 0 {
			delete(m, k)
		}
	}
}

func (s *watcherSet) add(w *watcher) {
	s.all[w] = struct{}{}
	if w.pred.Field != nil {
		for _, f := range s.fields {
			if v, ok := w.pred.Field.RequiresExactMatch(f); ok {
				w.field, w.value = f, v
				addTo(s.byField[f], v, w)
				return
			}
		}
	}
	if ns, ok := strings.CutSuffix(w.prefix, "/"); ok && ns != "" && !strings.Contains(ns, "/") {
		w.ns = ns
		addTo(s.byNS, ns, w)
		return
	}
	s.unindexed[w] = struct{}{}
}

// remove unregisters w and reports whether it was registered.
func (s *watcherSet) remove(w *watcher) bool {
	if _, ok := s.all[w]; !ok {
		return false
	}
	delete(s.all, w)
	switch {
	case w.field != "":
		removeFrom(s.byField[w.field], w.value, w)
	case w.ns != "":
		removeFrom(s.byNS, w.ns, w)
	default:
		delete(s.unindexed, w)
	}
	return true
}

func (s *watcherSet) removeAll() []*watcher {
	out := make([]*watcher, 0, len(s.all))
	for w := range s.all {
		out = append(out, w)
	}
	*s = newWatcherSet(s.fields)
	return out
}

// candidates appends to out the watchers e may concern: each at most once.
func (s *watcherSet) candidates(e *event, out []*watcher) []*watcher {
	for w := range s.unindexed {
		out = append(out, w)
	}
	for w := range s.byNS[e.cur.ns] {
		out = append(out, w)
	}
	for f, byValue := range s.byField {
		v := e.cur.fields[f]
		for w := range byValue[v] {
			out = append(out, w)
		}
		if e.prev != nil {
			if pv := e.prev.fields[f]; pv != v {
				for w := range byValue[pv] {
					out = append(out, w)
				}
			}
		}
	}
	return out
}

func (c *Cacher) removeWatcher(w *watcher) {
	c.mu.Lock()
	c.watchers.remove(w)
	c.mu.Unlock()
}

// resultBuffer is the size of a watcher's result channel: a few events in flight
// between the watcher's goroutine and its client, so that neither waits for the
// other on every event.
const resultBuffer = 16
