package cacher

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"go.uber.org/zap"

	"github.com/orrery-dev/orrery/api"
	"github.com/orrery-dev/orrery/apiserver/storage"
)

// dispatcher applies the changes read from storage to the cache and fans each out to
// the watchers it concerns. It runs in Run's goroutine only.
type dispatcher struct {
	c       *Cacher
	cands   []*watcher
	blocked []pending
}

type pending struct {
	w *watcher
	d delivery
}

func newDispatcher(c *Cacher) *dispatcher { return &dispatcher{c: c} }

// apply applies one change and dispatches it.
func (d *dispatcher) apply(ev storage.Event) {
	c := d.c
	c.metrics.eventReceived()
	now := c.clock.Now()
	c.stamp(ev.Object)
	m := ev.Object.GetObjectMeta()
	cur := c.newObject(storage.ObjectKey(m.Namespace, m.Name), ev.Object, ev.Revision)

	c.mu.Lock()
	prev := c.objs[cur.key]
	e := &event{cur: cur, prev: prev, rev: ev.Revision, at: now}
	switch {
	case ev.Type == api.Deleted:
		e.typ = api.Deleted
		if prev != nil {
			c.deleteLocked(prev)
		}
	case prev == nil:
		e.typ = api.Added
		c.setLocked(cur, nil)
	default:
		e.typ = api.Modified
		c.setLocked(cur, prev)
	}
	if e.typ == api.Deleted && prev == nil {
		// Nothing the cache knew of: keep the event for watchers, with no previous state.
		e.prev = nil
	}
	if n := c.events.push(e, now, c.bounds); n > 0 {
		c.metrics.setCapacity(n)
	}
	if ev.Revision > c.rev {
		c.rev = ev.Revision
	}
	c.bumpLocked()
	d.cands = c.watchers.candidates(e, d.cands[:0])
	c.mu.Unlock()

	d.dispatch(e)
}

// dispatch hands e to every candidate watcher it concerns. A watcher whose buffer is
// full gets up to Config.StallTimeout (shared by all such watchers of this event) to
// make room; then it is closed, and its client resumes from its last revision.
func (d *dispatcher) dispatch(e *event) {
	blocked := d.blocked[:0]
	for i, w := range d.cands {
		d.cands[i] = nil
		dl, ok := w.classify(e)
		if !ok {
			continue
		}
		select {
		case w.in <- dl:
		default:
			blocked = append(blocked, pending{w, dl})
		}
	}
	if len(blocked) > 0 {
		d.waitBlocked(blocked)
	}
	clear(blocked)
	d.blocked = blocked[:0]
}

func (d *dispatcher) waitBlocked(blocked []pending) {
	c := d.c
	timeout := c.clock.After(c.cfg.StallTimeout)
	expired := false
	for _, p := range blocked {
		if !expired {
			select {
			case p.w.in <- p.d:
				continue
			case <-p.w.done:
				continue
			case <-timeout:
				expired = true
			}
		}
		select {
		case p.w.in <- p.d:
		case <-p.w.done:
		default:
			d.terminate(p.w)
		}
	}
}

// terminate closes a watcher that does not keep up.
func (d *dispatcher) terminate(w *watcher) {
	c := d.c
	c.mu.Lock()
	registered := c.watchers.remove(w)
	c.mu.Unlock()
	w.kill()
	if registered {
		c.metrics.watcherTerminated()
		c.logger.Debug("closed a watcher that did not keep up", zap.String("prefix", w.prefix), zap.String("field", w.field), zap.String("value", w.value))
	}
}

// fail ends, with an ERROR event carrying err, the watchers of the key that storage
// could not read (an Invalid error), as a storage watch of it would end.
func (d *dispatcher) fail(err error) {
	c := d.c
	var se *storage.Error
	key := ""
	if errors.As(err, &se) {
		key = se.Key
	}
	c.mu.Lock()
	var hit []*watcher
	for w := range c.watchers.all {
		if strings.HasPrefix(key, w.prefix) {
			hit = append(hit, w)
		}
	}
	for _, w := range hit {
		c.watchers.remove(w)
	}
	c.mu.Unlock()
	for _, w := range hit {
		select {
		case w.in <- delivery{typ: api.Error, err: err}:
		default:
			w.kill()
		}
	}
}

// bookmarks queues a bookmark at the cache's revision for the watchers that allow
// them and are due (or all of them, with force). Every change up to that revision
// has been dispatched, so the bookmark follows them in each watcher's buffer.
func (d *dispatcher) bookmarks(force bool) {
	c := d.c
	now := c.clock.Now().UnixNano()
	c.mu.RLock()
	rev := c.rev
	due := d.cands[:0]
	for w := range c.watchers.all {
		if w.progress && !w.queued.Load() && (force || now >= w.nextBookmark.Load()) {
			due = append(due, w)
		}
	}
	c.mu.RUnlock()
	for i, w := range due {
		due[i] = nil
		w.queued.Store(true)
		select {
		case w.in <- delivery{typ: api.Bookmark, rev: rev}:
		default:
			w.queued.Store(false)
		}
	}
	d.cands = due[:0]
}

// Watch implements storage.Interface, from the cache:
//   - ResourceVersion N within the cache's window: exactly the changes after N;
//   - N older than the window: one ERROR event with an Expired error ("too old
//     resource version: N (M)", M the oldest revision the cache can resume from),
//     then the end of the watch;
//   - 0: an ADDED event for every object in the cache, then the changes; with
//     InitialEventsEnd, the state is first brought up to storage's current revision
//     (as a consistent LIST) and the ADDED events are followed by a BOOKMARK carrying
//     InitialEventsEnd;
//   - with ProgressNotify: a BOOKMARK about every Config.BookmarkInterval, and one
//     shortly before ctx's deadline.
//
// Until the cache has been filled (within Config.ReadWait), and after Run has
// returned, the watch is served by storage.
func (c *Cacher) Watch(ctx context.Context, prefix string, opts storage.WatchOptions) (storage.Watcher, error) {
	if opts.ResourceVersion < 0 {
		return nil, &storage.Error{Code: storage.CodeBadRequest, Message: fmt.Sprintf("invalid resource version %d", opts.ResourceVersion)}
	}
	if !c.awaitReady(ctx) {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		return c.st.Watch(ctx, prefix, opts)
	}
	if opts.ResourceVersion == 0 && opts.InitialEventsEnd {
		// sendInitialEvents: the initial state is a consistent read, so that it is not
		// older than anything the client has seen. If the cache does not catch up in
		// time, it serves the state it has.
		c.awaitFresh(ctx)
	}
	deadline, _ := ctx.Deadline()
	w := c.newWatcher(prefix, opts, deadline)

	c.mu.Lock()
	if c.stopped || !c.ready {
		c.mu.Unlock()
		return c.st.Watch(ctx, prefix, opts)
	}
	rev := opts.ResourceVersion
	register := true
	switch {
	case rev == 0:
		objs, _ := c.selectLocked(prefix, w.pred, 0)
		w.initial = make([]delivery, 0, len(objs)+1)
		for _, o := range objs {
			w.initial = append(w.initial, delivery{typ: api.Added, obj: o, rev: o.rev})
		}
		if opts.InitialEventsEnd {
			w.initial = append(w.initial, delivery{typ: api.Bookmark, rev: c.rev, initEnd: true})
		}
		w.lastRev = c.rev
	case rev < c.events.floor:
		register = false
		w.initial = []delivery{{typ: api.Error, err: &storage.Error{Code: storage.CodeExpired, ResourceVersion: rev,
			Message: fmt.Sprintf("too old resource version: %d (%d)", rev, c.events.floor)}}}
	default:
		r := c.events
		for i := r.since(rev); i < r.n; i++ {
			if dl, ok := w.classify(r.at(i)); ok {
				w.initial = append(w.initial, dl)
			}
		}
		w.lastRev = rev
	}
	if register {
		c.watchers.add(w)
	}
	c.wg.Add(1)
	c.mu.Unlock()
	go func() {
		defer c.wg.Done()
		w.run(ctx)
	}()
	return w, nil
}
