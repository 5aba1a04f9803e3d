package cacher

import (
	"context"
	"fmt"
	"time"

	"go.uber.org/zap"

	"github.com/orrery-dev/orrery/api"
	"github.com/orrery-dev/orrery/apiserver/storage"
)

// dispatcher applies the changes read from storage to the cache and fans each out to
// the watchers it concerns. It runs in Run's goroutine only.
type dispatcher struct {
	c *Cacher
	// batch holds the changes of a revision whose last change has not come yet.
	batch []storage.Event
	// applied are the events of the revision just applied, with their candidates.
	applied []dispatch
	blocked []pending
	budget  *budget
}

// dispatch is one applied event and the watchers it may concern.
type dispatch struct {
	e     *event
	cands []*watcher
}

type pending struct {
	w *watcher
	d delivery
}

func newDispatcher(c *Cacher) *dispatcher {
	return &dispatcher{c: c, budget: c.budget}
}

// holding reports whether part of a revision is waiting for the rest of it.
func (d *dispatcher) holding() bool { return len(d.batch) > 0 }

// apply takes one change. The changes of one revision (Event.More) are applied
// together, under one hold of the lock, so that no reader sees a revision half done.
func (d *dispatcher) apply(ev storage.Event) {
	d.batch = append(d.batch, ev)
	if ev.More {
		return
	}
	d.flush()
}

// flush applies the held changes and dispatches them.
func (d *dispatcher) flush() {
	c := d.c
	now := c.clock.Now()
	objs := make([]*object, len(d.batch))
	for i, ev := range d.batch {
		c.metrics.eventReceived()
		m := ev.Object.GetObjectMeta()
		key := storage.ObjectKey(m.Namespace, m.Name)
		if ev.Type == api.Deleted {
			// Storage sends only the key: the last state is the cache's own (below).
			objs[i] = &object{key: key}
			continue
		}
		c.stamp(ev.Object)
		objs[i] = c.newObject(key, ev.Object, ev.Revision)
	}

	applied := d.applied[:0]
	c.mu.Lock()
	for i, ev := range d.batch {
		cur := objs[i]
		prev := c.objs[cur.key]
		if ev.Type == api.Deleted {
			if prev == nil {
				// A key the cache does not hold (its state never decoded): a
				// deletion of nothing, as a watch from storage drops it too.
				c.rev = max(c.rev, ev.Revision)
				continue
			}
			cur = prev.at(c, ev.Revision)
		}
		e := &event{cur: cur, prev: prev, rev: ev.Revision, at: now}
		switch {
		case ev.Type == api.Deleted:
			e.typ = api.Deleted
			c.deleteLocked(prev)
		case prev == nil:
			e.typ = api.Added
			c.setLocked(cur, nil)
		default:
			e.typ = api.Modified
			cur.shareFields(prev)
			c.setLocked(cur, prev)
		}
		c.seq++
		e.seq = c.seq
		if n := c.events.push(e, now, c.bounds); n > 0 {
			c.metrics.setCapacity(n)
		}
		if ev.Revision > c.rev {
			c.rev = ev.Revision
		}
		var cands []*watcher
		if n := len(applied); n < cap(applied) {
			cands = applied[:n+1][n].cands[:0] // the slice this slot held last time
		}
		applied = append(applied, dispatch{e: e, cands: c.watchers.candidates(e, cands)})
	}
	c.bumpLocked()
	c.mu.Unlock()

	clear(d.batch)
	d.batch = d.batch[:0]
	for i := range applied {
		d.dispatch(applied[i].e, applied[i].cands)
		clear(applied[i].cands)
	}
	d.applied = applied[:0]
}

// dispatch hands e to every candidate watcher it concerns. A watcher whose buffer is
// full is waited for out of the shared stall budget; when the budget runs out it is
// closed, and its client resumes from its last revision.
func (d *dispatcher) dispatch(e *event, cands []*watcher) {
	blocked := d.blocked[:0]
	for _, w := range cands {
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
	start := c.clock.Now()
	avail := d.budget.take(start)
	var timeout <-chan time.Time
	expired := avail <= 0
	if !expired {
		timeout = c.clock.After(avail)
	}
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
	end := c.clock.Now()
	d.budget.giveBack(avail-end.Sub(start), end)
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

// bookmarks queues a bookmark at the cache's revision for the watchers that allow
// them and are due (or all of them, with force). Every change up to that revision
// has been dispatched, so the bookmark follows them in each watcher's buffer.
func (d *dispatcher) bookmarks(force bool) {
	c := d.c
	now := c.clock.Now().UnixNano()
	var due []*watcher
	c.mu.RLock()
	rev := c.rev
	for w := range c.watchers.all {
		if w.progress && !w.queued.Load() && (force || now >= w.nextBookmark.Load()) {
			due = append(due, w)
		}
	}
	c.mu.RUnlock()
	for _, w := range due {
		w.queued.Store(true)
		select {
		case w.in <- delivery{typ: api.Bookmark, rev: rev}:
		default:
			w.queued.Store(false)
		}
	}
}

// budget is the dispatcher's shared allowance of time to wait for watchers whose
// buffer is full (see Config.StallTimeout). Its decisions are pure functions of the
// times it is given.
type budget struct {
	max    time.Duration
	refill time.Duration // regained per second
	avail  time.Duration
	last   time.Time // when avail was last brought up to date; zero: full
}

func newBudget(max, refill time.Duration) *budget {
	return &budget{max: max, refill: refill, avail: max}
}

// refresh adds what the budget regained since it was last brought up to date.
func (b *budget) refresh(now time.Time) {
	if !b.last.IsZero() && now.After(b.last) {
		gained := time.Duration(float64(now.Sub(b.last)) * float64(b.refill) / float64(time.Second))
		b.avail = min(b.max, b.avail+gained)
	}
	b.last = now
}

// take hands out all that is available at now.
func (b *budget) take(now time.Time) time.Duration {
	b.refresh(now)
	avail := b.avail
	b.avail = 0
	return avail
}

// giveBack returns what a wait did not use.
func (b *budget) giveBack(unused time.Duration, now time.Time) {
	b.refresh(now)
	if unused > 0 {
		b.avail = min(b.max, b.avail+unused)
	}
}

// Watch implements storage.Interface, from the cache:
//   - ResourceVersion N within the cache's window: exactly the changes after N (all of
//     them, also several at one revision); N ahead of the cache: the watch waits for
//     the cache to reach N, up to Config.ReadWait, else TooLargeResourceVersion;
//   - N older than the window: one ERROR event with an Expired error ("too old
//     resource version: N (M)", M the oldest revision the cache can resume from),
//     then the end of the watch;
//   - 0: an ADDED event for every object of the initial state, then the changes. The
//     initial state is storage's current one (the cache once it has caught up with
//     storage, else storage serves the watch), or with AnyInitialState the cache's, or
//     with MinInitialRevision one not older than that (TooLargeResourceVersion if the
//     cache does not reach it in time). With InitialEventsEnd the ADDED events are
//     followed by a BOOKMARK carrying InitialEventsEnd;
//   - with ProgressNotify: a BOOKMARK about every Config.BookmarkInterval, and one
//     shortly before ctx's deadline.
//
// Watch holds the cache's lock only to take the events (or objects) it replays and to
// register the watcher; the watcher's goroutine filters them.
//
// Until the cache has been filled (within Config.ReadWait), and after Run has
// returned, the watch is served by storage.
func (c *Cacher) Watch(ctx context.Context, prefix string, opts storage.WatchOptions) (storage.Watcher, error) {
	if opts.ResourceVersion < 0 || opts.MinInitialRevision < 0 {
		return nil, &storage.Error{Code: storage.CodeBadRequest, Message: fmt.Sprintf("invalid resource version %d", min(opts.ResourceVersion, opts.MinInitialRevision))}
	}
	if !c.awaitReady(ctx) {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		return c.st.Watch(ctx, prefix, opts)
	}
	switch rev := opts.ResourceVersion; {
	case rev == 0 && opts.AnyInitialState:
	case rev == 0 && opts.MinInitialRevision > 0:
		if !c.awaitRevision(ctx, opts.MinInitialRevision) {
			return nil, c.waitFailed(ctx, opts.MinInitialRevision)
		}
	case rev == 0:
		// A consistent initial state; storage serves it if the cache is behind.
		if !c.awaitFresh(ctx) {
			if err := ctx.Err(); err != nil {
				return nil, err
			}
			return c.st.Watch(ctx, prefix, opts)
		}
	default:
		if !c.awaitRevision(ctx, rev) {
			return nil, c.waitFailed(ctx, rev)
		}
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
		if cands, ok := c.indexedLocked(prefix, w.pred); ok {
			w.state = cands
		} else {
			w.state = make([]*object, 0, c.countLocked(prefix))
			c.rangeLocked(prefix, func(o *object) bool {
				w.state = append(w.state, o)
				return true
			})
		}
		w.initRev = c.rev
	case rev < c.events.floor:
		register = false
		w.initErr = &storage.Error{Code: storage.CodeExpired, ResourceVersion: rev,
			Message: fmt.Sprintf("too old resource version: %d (%d)", rev, c.events.floor)}
	default:
		w.replay = c.events.after(rev)
	}
	w.lastSeq = c.seq
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

// waitFailed is the error of a read that waited in vain for the cache to reach rev.
func (c *Cacher) waitFailed(ctx context.Context, rev int64) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	return c.tooLarge(rev)
}
