package cacher

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/google/btree"
	"go.uber.org/zap"

	"github.com/orrery-dev/orrery/api"
	"github.com/orrery-dev/orrery/apiserver/storage"
)

// Storage is what a Cacher wraps: the storage of one resource that can be asked for
// progress notifications. *storage.Store implements it.
type Storage interface {
	storage.Interface
	// RequestProgress makes storage send a progress notification (a BOOKMARK event
	// carrying its current revision) to its ProgressNotify watches.
	RequestProgress(ctx context.Context) error
}

// The defaults of Config.
const (
	DefaultMinCapacity      = 100
	DefaultMaxCapacity      = 100 * 1024
	DefaultFreshnessWindow  = 75 * time.Second
	DefaultWatcherBuffer    = 100
	DefaultStallTimeout     = 250 * time.Millisecond
	DefaultStallRefill      = 50 * time.Millisecond
	DefaultBookmarkInterval = time.Minute
	DefaultReadWait         = 3 * time.Second
)

// Config says what a Cacher caches and how.
type Config struct {
	// Storage is the storage the cache is filled from and that writes go to. Required.
	Storage Storage
	// Resource names the resource in metrics and logs, e.g. "pods". Required.
	Resource string
	// TypeMeta, if set, is stamped on every object the cache holds, so that readers
	// never need to set the kind of the shared objects they are handed.
	TypeMeta api.TypeMeta
	// Attrs extracts the labels and fields that selectors are evaluated on; it must be
	// the resource's AttrFunc: the cacher evaluates every predicate with it (a
	// predicate's own Attrs is ignored). Nil means storage.MetaAttrs.
	Attrs storage.AttrFunc
	// IndexFields are the fields (as Attrs names them, e.g. "spec.nodeName") by which
	// the cache indexes objects and watchers: a LIST or WATCH whose field selector
	// requires an exact value of one of them touches only the matching objects and
	// watchers. The namespace is always indexed.
	IndexFields []string
	// MinCapacity and MaxCapacity bound the number of events the ring buffer holds.
	// Zero means DefaultMinCapacity and DefaultMaxCapacity.
	MinCapacity, MaxCapacity int
	// FreshnessWindow is how far back in time the buffer should reach: it doubles when
	// it fills faster, and halves when it holds much more. Zero means
	// DefaultFreshnessWindow.
	FreshnessWindow time.Duration
	// WatcherBuffer is the number of events buffered for each watcher. Zero means
	// DefaultWatcherBuffer.
	WatcherBuffer int
	// StallTimeout is the dispatcher's budget for waiting on watchers whose buffer is
	// full, shared by all of them (as kube-apiserver's dispatch timeout budget): every
	// wait draws from it, it refills by StallRefill each second up to StallTimeout, and
	// while it is empty a watcher whose buffer is full is closed at once (its client
	// resumes from its last resourceVersion). So slow watchers delay the others by at
	// most StallTimeout at once and StallRefill per second over time. Zero means
	// DefaultStallTimeout.
	StallTimeout time.Duration
	// StallRefill is how much the stall budget regains each second. Zero means
	// DefaultStallRefill.
	StallRefill time.Duration
	// BookmarkInterval is how often a watcher that allows bookmarks gets one. Zero
	// means DefaultBookmarkInterval.
	BookmarkInterval time.Duration
	// ReadWait bounds how long a read waits for the cache to reach the revision it
	// needs. Zero means DefaultReadWait.
	ReadWait time.Duration
	// Encode encodes an object in a format for Event.Encoded. Nil means
	// encoding/json.Marshal for JSON, and no other format.
	Encode func(api.Object, storage.Format) ([]byte, error)
	// Clock is the source of time. Nil means the system clock.
	Clock Clock
	// Metrics records the cache's metrics. Nil means none.
	Metrics *Metrics
	// Logger logs what an operator should know. Nil means no logs.
	Logger *zap.Logger
}

// Cacher is the watch cache of one resource; it implements storage.Interface over
// Config.Storage. Objects it returns from Get, List and Watch are shared with every
// other reader and must not be modified (copy them first).
type Cacher struct {
	st      Storage
	cfg     Config
	clock   Clock
	bounds  bounds
	tick    time.Duration
	encode  func(api.Object, storage.Format) ([]byte, error)
	attrs   storage.AttrFunc
	metrics resourceMetrics
	logger  *zap.Logger
	// budget is the stall budget; only the dispatcher (Run's goroutine) uses it.
	budget *budget

	// progress asks the dispatcher to send a bookmark to every watcher that allows them.
	progress chan struct{}
	// synced is closed once the cache has been filled for the first time.
	synced     chan struct{}
	syncedOnce sync.Once
	// wg counts the watcher goroutines.
	wg sync.WaitGroup

	mu sync.RWMutex
	// running and stopped: Run has been called; Run has returned. Guarded by mu.
	running, stopped bool
	// ready: the cache holds a state listed from storage and follows it. Guarded by mu.
	ready bool
	// rev is the revision the cache has reached: every change up to it is applied,
	// and none after it.
	rev int64
	// seq counts the changes applied (events); each event carries its number.
	seq uint64
	// revChanged is closed (and replaced) whenever rev, ready or stopped change.
	revChanged chan struct{}
	objs       map[string]*object
	// sorted holds the objects of objs in key order, for lists and watches of a range.
	sorted *btree.BTreeG[*object]
	// perNS counts the objects of each namespace ("" for cluster-scoped ones).
	perNS map[string]int
	// index maps an indexed field to its values, each to the keys of the objects that
	// have it.
	index  map[string]map[string]map[string]struct{}
	events *ring
	// watchers is the set of registered watchers (see watchers.go).
	watchers watcherSet
}

var _ storage.Interface = (*Cacher)(nil)

// New returns a Cacher for one resource. It serves reads from storage until Run has
// filled it.
func New(cfg Config) (*Cacher, error) {
	switch {
	case cfg.Storage == nil:
		return nil, errors.New("cacher: Config.Storage is required")
	case cfg.Resource == "":
		return nil, errors.New("cacher: Config.Resource is required")
	case cfg.MinCapacity < 0 || cfg.MaxCapacity < 0 || (cfg.MaxCapacity > 0 && cfg.MinCapacity > cfg.MaxCapacity):
		return nil, fmt.Errorf("cacher: capacity bounds %d..%d are not valid", cfg.MinCapacity, cfg.MaxCapacity)
	}
	def := func(v *time.Duration, d time.Duration) {
		if *v <= 0 {
			*v = d
		}
	}
	def(&cfg.FreshnessWindow, DefaultFreshnessWindow)
	def(&cfg.StallTimeout, DefaultStallTimeout)
	def(&cfg.StallRefill, DefaultStallRefill)
	def(&cfg.BookmarkInterval, DefaultBookmarkInterval)
	def(&cfg.ReadWait, DefaultReadWait)
	if cfg.MinCapacity == 0 {
		cfg.MinCapacity = DefaultMinCapacity
		if cfg.MaxCapacity > 0 {
			cfg.MinCapacity = min(DefaultMinCapacity, cfg.MaxCapacity)
		}
	}
	if cfg.MaxCapacity == 0 {
		cfg.MaxCapacity = max(DefaultMaxCapacity, cfg.MinCapacity)
	}
	if cfg.WatcherBuffer <= 0 {
		cfg.WatcherBuffer = DefaultWatcherBuffer
	}
	c := &Cacher{
		st:         cfg.Storage,
		cfg:        cfg,
		clock:      cfg.Clock,
		bounds:     bounds{min: cfg.MinCapacity, max: cfg.MaxCapacity, window: cfg.FreshnessWindow},
		tick:       min(max(cfg.BookmarkInterval/4, 10*time.Millisecond), time.Second),
		encode:     cfg.Encode,
		attrs:      cfg.Attrs,
		metrics:    cfg.Metrics.forResource(cfg.Resource),
		logger:     cfg.Logger,
		budget:     newBudget(cfg.StallTimeout, cfg.StallRefill),
		progress:   make(chan struct{}, 1),
		synced:     make(chan struct{}),
		revChanged: make(chan struct{}),
		objs:       map[string]*object{},
		sorted:     newTree(),
		perNS:      map[string]int{},
		index:      map[string]map[string]map[string]struct{}{},
		events:     newRing(cfg.MinCapacity, 0),
		watchers:   newWatcherSet(cfg.IndexFields),
	}
	if c.clock == nil {
		c.clock = realClock{}
	}
	if c.encode == nil {
		c.encode = func(obj api.Object, f storage.Format) ([]byte, error) {
			if f != storage.FormatJSON {
				return nil, fmt.Errorf("cacher: no encoder for format %d", f)
			}
			return json.Marshal(obj)
		}
	}
	if c.attrs == nil {
		c.attrs = storage.MetaAttrs
	}
	if c.logger == nil {
		c.logger = zap.NewNop()
	}
	c.logger = c.logger.With(zap.String("resource", cfg.Resource))
	for _, f := range cfg.IndexFields {
		c.index[f] = map[string]map[string]struct{}{}
	}
	c.metrics.setCapacity(cfg.MinCapacity)
	return c, nil
}

// Synced returns a channel that is closed once the cache has been filled from storage
// for the first time (the apiserver's readiness).
func (c *Cacher) Synced() <-chan struct{} { return c.synced }

// Run fills the cache from a consistent LIST, then follows storage with one watch,
// applying every change and dispatching it to the watchers. When the watch breaks it
// resumes from the last revision it reached; when that revision is no longer
// available it lists again and closes the watchers, which cannot be continued. Run
// returns when ctx ends, after every goroutine of the cacher (its storage watch, the
// dispatcher and the watchers, which it closes) has exited. Run may be called once.
func (c *Cacher) Run(ctx context.Context) error {
	c.mu.Lock()
	if c.running {
		c.mu.Unlock()
		return errors.New("cacher: Run called twice")
	}
	c.running = true
	c.mu.Unlock()
	defer c.shutdown()

	const minBackoff, maxBackoff = 100 * time.Millisecond, 10 * time.Second
	backoff := minBackoff
	relist := true
	for ctx.Err() == nil {
		var err error
		if relist {
			if err = c.relist(ctx); err == nil {
				relist = false
			}
		}
		if err == nil {
			start := c.clock.Now()
			relist, err = c.follow(ctx)
			if c.clock.Now().Sub(start) > time.Minute {
				backoff = minBackoff
			}
		}
		if ctx.Err() != nil {
			break
		}
		if err != nil {
			c.logger.Warn("watch cache lost its storage watch", zap.Bool("relist", relist), zap.Duration("retryAfter", backoff), zap.Error(err))
		}
		select {
		case <-ctx.Done():
		case <-c.clock.After(backoff):
		}
		backoff = min(2*backoff, maxBackoff)
	}
	return nil
}

// shutdown closes every watcher, waits for their goroutines and turns the cacher into
// a pass-through to storage.
func (c *Cacher) shutdown() {
	c.mu.Lock()
	c.stopped, c.ready = true, false
	ws := c.watchers.removeAll()
	c.bumpLocked()
	c.mu.Unlock()
	for _, w := range ws {
		w.kill()
	}
	c.wg.Wait()
}

// bumpLocked wakes everyone waiting for a change of rev or readiness.
func (c *Cacher) bumpLocked() {
	close(c.revChanged)
	c.revChanged = make(chan struct{})
}

// relist replaces the cache's state with a consistent LIST from storage. Watchers of
// the old state are closed: the changes between the old and the new state are not
// known, so they cannot be continued.
func (c *Cacher) relist(ctx context.Context) error {
	res, err := c.st.List(ctx, "", storage.ListOptions{})
	if err != nil {
		return fmt.Errorf("list %s: %w", c.cfg.Resource, err)
	}
	objs := make(map[string]*object, len(res.Items))
	sorted := newTree()
	perNS := map[string]int{}
	index := map[string]map[string]map[string]struct{}{}
	for _, f := range c.cfg.IndexFields {
		index[f] = map[string]map[string]struct{}{}
	}
	for _, item := range res.Items {
		c.stamp(item)
		m := item.GetObjectMeta()
		rv, _ := storage.ParseResourceVersion(m.ResourceVersion)
		o := c.newObject(storage.ObjectKey(m.Namespace, m.Name), item, rv)
		objs[o.key] = o
		sorted.ReplaceOrInsert(o)
		perNS[o.ns]++
		for f, byValue := range index {
			addToIndex(byValue, o.fields[f], o.key)
		}
	}

	c.mu.Lock()
	var closed []*watcher
	if c.ready {
		closed = c.watchers.removeAll()
	}
	c.objs, c.sorted, c.perNS, c.index = objs, sorted, perNS, index
	c.events = newRing(len(c.events.buf), res.ResourceVersion)
	c.rev = res.ResourceVersion
	c.ready = true
	c.bumpLocked()
	c.mu.Unlock()
	// Counted before the old watchers see their end, so that whoever reacts to it
	// finds the initialization already counted.
	c.metrics.initializedOnce()
	for _, w := range closed {
		w.kill()
	}
	c.syncedOnce.Do(func() { close(c.synced) })
	c.logger.Info("watch cache filled", zap.Int("objects", len(objs)), zap.Int64("revision", res.ResourceVersion), zap.Int("closedWatchers", len(closed)))
	return nil
}

// follow watches storage from the cache's revision and applies what it sees until the
// watch ends. It reports whether the cache must be listed again (the revision it
// needs has been compacted).
func (c *Cacher) follow(ctx context.Context) (relist bool, err error) {
	c.mu.RLock()
	from := c.rev
	c.mu.RUnlock()
	// The cache holds the last state of every key, so storage need not send the
	// previous values (etcd reads each one from its backend).
	w, err := c.st.Watch(ctx, "", storage.WatchOptions{ResourceVersion: from, ProgressNotify: true, WithoutPrevious: true})
	if err != nil {
		return false, err
	}
	defer w.Stop()
	d := newDispatcher(c)
	tick := c.clock.After(c.tick)
	for {
		select {
		case <-ctx.Done():
			return false, nil
		case ev, ok := <-w.ResultChan():
			if !ok {
				return false, errors.New("storage watch closed")
			}
			switch ev.Type {
			case api.Error:
				return storage.IsExpired(ev.Err), ev.Err
			case api.Bookmark:
				if !d.holding() {
					c.progressTo(ev.Revision)
				}
			default:
				d.apply(ev)
			}
		case <-tick:
			d.bookmarks(false)
			tick = c.clock.After(c.tick)
		case <-c.progress:
			d.bookmarks(true)
		}
	}
}

// progressTo records that storage has reached rev with no change the cache has not seen.
func (c *Cacher) progressTo(rev int64) {
	c.mu.Lock()
	if rev > c.rev {
		c.rev = rev
		c.bumpLocked()
	}
	c.mu.Unlock()
}

// stamp sets the configured kind on an object before the cache shares it.
func (c *Cacher) stamp(obj api.Object) {
	if c.cfg.TypeMeta != (api.TypeMeta{}) {
		*obj.GetTypeMeta() = c.cfg.TypeMeta
	}
}

func addToIndex(byValue map[string]map[string]struct{}, value, key string) {
	keys := byValue[value]
	if keys == nil {
		keys = map[string]struct{}{}
		byValue[value] = keys
	}
	keys[key] = struct{}{}
}

func removeFromIndex(byValue map[string]map[string]struct{}, value, key string) {
	if keys := byValue[value]; keys != nil {
		delete(keys, key)
		if len(keys) == 0 {
			delete(byValue, value)
		}
	}
}

func newTree() *btree.BTreeG[*object] {
	return btree.NewG(32, func(a, b *object) bool { return a.key < b.key })
}

// setLocked makes o the state of its key (nil prev: a new key).
func (c *Cacher) setLocked(o, prev *object) {
	c.objs[o.key] = o
	c.sorted.ReplaceOrInsert(o)
	if prev == nil {
		c.perNS[o.ns]++
	}
	for f, byValue := range c.index {
		if prev != nil {
			if prev.fields[f] == o.fields[f] {
				continue
			}
			removeFromIndex(byValue, prev.fields[f], o.key)
		}
		addToIndex(byValue, o.fields[f], o.key)
	}
}

// deleteLocked removes the state prev.
func (c *Cacher) deleteLocked(prev *object) {
	delete(c.objs, prev.key)
	c.sorted.Delete(prev)
	if c.perNS[prev.ns]--; c.perNS[prev.ns] <= 0 {
		delete(c.perNS, prev.ns)
	}
	for f, byValue := range c.index {
		removeFromIndex(byValue, prev.fields[f], prev.key)
	}
}

// countLocked returns the number of objects under prefix ("" or "<namespace>/").
func (c *Cacher) countLocked(prefix string) int {
	if prefix == "" {
		return len(c.objs)
	}
	return c.perNS[strings.TrimSuffix(prefix, "/")]
}

// rangeLocked calls fn with the objects under prefix in key order until it returns false.
func (c *Cacher) rangeLocked(prefix string, fn func(*object) bool) {
	if prefix == "" {
		c.sorted.Ascend(fn)
		return
	}
	c.rangeFromLocked(prefix, prefix, fn)
}

// rangeFromLocked is rangeLocked from the key start (under prefix) on.
func (c *Cacher) rangeFromLocked(prefix, start string, fn func(*object) bool) {
	c.sorted.AscendGreaterOrEqual(&object{key: start}, func(o *object) bool {
		return strings.HasPrefix(o.key, prefix) && fn(o)
	})
}

// indexedLocked returns, when pred requires an exact value of an indexed field, the
// objects under prefix that have it, in key order (not yet matched against the rest
// of pred); ok is false when no indexed field helps.
func (c *Cacher) indexedLocked(prefix string, pred storage.Predicate) (out []*object, ok bool) {
	if pred.Field == nil {
		return nil, false
	}
	for f, byValue := range c.index {
		v, exact := pred.Field.RequiresExactMatch(f)
		if !exact {
			continue
		}
		keys := byValue[v]
		out = make([]*object, 0, len(keys))
		for k := range keys {
			if strings.HasPrefix(k, prefix) {
				out = append(out, c.objs[k])
			}
		}
		slices.SortFunc(out, func(a, b *object) int { return strings.Compare(a.key, b.key) })
		return out, true
	}
	return nil, false
}

// selectLocked returns the objects under prefix that match pred, in key order, at most
// limit of them (0: all), and how many objects there are under prefix in all.
func (c *Cacher) selectLocked(prefix string, pred storage.Predicate, limit int) (out []*object, total int) {
	total = c.countLocked(prefix)
	filter := !pred.Empty()
	if cands, ok := c.indexedLocked(prefix, pred); ok {
		out = cands[:0]
		for _, o := range cands {
			if matches(pred, o) {
				out = append(out, o)
				if limit > 0 && len(out) == limit {
					break
				}
			}
		}
		return out, total
	}
	if !filter {
		n := total
		if limit > 0 {
			n = min(n, limit)
		}
		out = make([]*object, 0, n)
	}
	c.rangeLocked(prefix, func(o *object) bool {
		if filter && !matches(pred, o) {
			return true
		}
		out = append(out, o)
		return limit == 0 || len(out) < limit
	})
	return out, total
}

// await waits until ok holds (it is checked under the read lock), ctx ends or timeout
// passes, and reports whether ok holds. With progress, it asks storage for progress
// notifications while it waits, so that the cache learns storage's revision.
func (c *Cacher) await(ctx context.Context, timeout time.Duration, progress bool, ok func() bool) bool {
	start := c.clock.Now()
	deadline := c.clock.After(timeout)
	waited := false
	defer func() {
		if waited {
			c.metrics.observeReadWait(c.clock.Now().Sub(start).Seconds())
		}
	}()
	var again <-chan time.Time
	for {
		c.mu.RLock()
		done, changed, stopped := ok(), c.revChanged, c.stopped
		c.mu.RUnlock()
		if done {
			return true
		}
		if stopped {
			return false
		}
		if progress && again == nil {
			if err := c.st.RequestProgress(ctx); err != nil {
				c.logger.Debug("request progress", zap.Error(err))
			}
			again = c.clock.After(250 * time.Millisecond)
		}
		waited = true
		select {
		case <-changed:
		case <-again:
			again = nil
		case <-deadline:
			return false
		case <-ctx.Done():
			return false
		}
	}
}

// awaitReady waits for the cache to be filled; false means: serve from storage.
func (c *Cacher) awaitReady(ctx context.Context) bool {
	return c.await(ctx, c.cfg.ReadWait, false, func() bool { return c.ready })
}

// awaitRevision waits for the cache to reach rev.
func (c *Cacher) awaitRevision(ctx context.Context, rev int64) bool {
	return c.await(ctx, c.cfg.ReadWait, true, func() bool { return c.ready && c.rev >= rev })
}

// awaitFresh waits for the cache to reach storage's current revision, for a
// consistent read.
func (c *Cacher) awaitFresh(ctx context.Context) bool {
	if !c.awaitReady(ctx) {
		return false
	}
	cur, err := c.st.CurrentRevision(ctx)
	if err != nil {
		return false
	}
	return c.awaitRevision(ctx, cur)
}

func (c *Cacher) tooLarge(rev int64) error {
	c.mu.RLock()
	cur := c.rev
	c.mu.RUnlock()
	return &storage.Error{Code: storage.CodeTooLargeResourceVersion, ResourceVersion: rev, CurrentRevision: cur,
		Message: fmt.Sprintf("Too large resource version: %d, current: %d", rev, cur)}
}

// Create implements storage.Interface: it writes to storage.
func (c *Cacher) Create(ctx context.Context, key string, obj api.Object) (api.Object, error) {
	return c.st.Create(ctx, key, obj)
}

// GuaranteedUpdate implements storage.Interface: it writes to storage.
// The cached object, when there is one, is tried first (storage.UpdateOptions.Cached):
// most updates then need no read of storage before their write.
func (c *Cacher) GuaranteedUpdate(ctx context.Context, key string, opts storage.UpdateOptions, tryUpdate storage.UpdateFunc) (api.Object, error) {
	if opts.Cached == nil {
		c.mu.RLock()
		var o *object
		if c.ready {
			o = c.objs[key]
		}
		c.mu.RUnlock()
		if o != nil {
			opts.Cached = &storage.CachedState{Object: withResourceVersion(o.obj, ""), Revision: o.rev}
		}
	}
	return c.st.GuaranteedUpdate(ctx, key, opts, tryUpdate)
}

// Delete implements storage.Interface: it writes to storage.
func (c *Cacher) Delete(ctx context.Context, key string, opts storage.DeleteOptions) (api.Object, error) {
	return c.st.Delete(ctx, key, opts)
}

// CurrentRevision implements storage.Interface: it asks storage.
func (c *Cacher) CurrentRevision(ctx context.Context) (int64, error) {
	return c.st.CurrentRevision(ctx)
}

// Get implements storage.Interface. Without a resourceVersion it reads storage; with
// "0" it returns the cached state; with "N" the cached state once the cache has
// reached N (TooLargeResourceVersion if it does not within Config.ReadWait).
func (c *Cacher) Get(ctx context.Context, key string, opts storage.GetOptions) (api.Object, error) {
	if opts.ResourceVersion == "" {
		return c.st.Get(ctx, key, opts)
	}
	rev, err := storage.ParseResourceVersion(opts.ResourceVersion)
	if err != nil {
		return nil, err
	}
	if !c.awaitReady(ctx) {
		return c.st.Get(ctx, key, opts)
	}
	if rev > 0 && !c.awaitRevision(ctx, rev) {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		return nil, c.tooLarge(rev)
	}
	c.mu.RLock()
	o := c.objs[key]
	c.mu.RUnlock()
	if o == nil {
		return nil, &storage.Error{Code: storage.CodeNotFound, Key: key, Message: fmt.Sprintf("key %q not found", key)}
	}
	return o.obj, nil
}

// List implements storage.Interface.
//   - Continue tokens and ResourceVersionMatch Exact read storage.
//   - No resourceVersion: a consistent read, from the cache once it has reached
//     storage's current revision (learnt through a progress notification), from
//     storage if it does not within Config.ReadWait.
//   - "0": the cached state; Limit is ignored.
//   - "N": the cached state once the cache has reached N (TooLargeResourceVersion if
//     it does not within Config.ReadWait).
//
// A limited list from the cache returns a continue token at the cache's revision,
// which storage resumes.
func (c *Cacher) List(ctx context.Context, prefix string, opts storage.ListOptions) (*storage.ListResult, error) {
	if opts.Continue != "" {
		if res, ok, err := c.listContinued(prefix, opts); ok {
			return res, err
		}
		return c.st.List(ctx, prefix, opts)
	}
	if opts.ResourceVersionMatch != storage.MatchDefault && opts.ResourceVersionMatch != storage.MatchNotOlderThan {
		return c.st.List(ctx, prefix, opts)
	}
	rev, err := storage.ParseResourceVersion(opts.ResourceVersion)
	if err != nil {
		return nil, err
	}
	limit := opts.Limit
	switch {
	case opts.ResourceVersion == "":
		if !c.awaitFresh(ctx) {
			if err := ctx.Err(); err != nil {
				return nil, err
			}
			return c.st.List(ctx, prefix, opts)
		}
	case rev == 0:
		limit = 0
		if !c.awaitReady(ctx) {
			return c.st.List(ctx, prefix, opts)
		}
	default:
		if !c.awaitReady(ctx) {
			return c.st.List(ctx, prefix, opts)
		}
		if !c.awaitRevision(ctx, rev) {
			if err := ctx.Err(); err != nil {
				return nil, err
			}
			return nil, c.tooLarge(rev)
		}
	}
	return c.listCached(prefix, opts.Predicate, limit)
}

func (c *Cacher) listCached(prefix string, pred storage.Predicate, limit int64) (*storage.ListResult, error) {
	n := 0
	if limit > 0 {
		n = int(limit) + 1
	}
	c.mu.RLock()
	rev := c.rev
	objs, total := c.selectLocked(prefix, pred, n)
	c.mu.RUnlock()
	return page(objs, rev, limit, total, pred)
}

// page is a list of objs (at most limit+1, in key order) at revision rev; past the
// limit it continues, and with no predicate it says how many of the total remain.
func page(objs []*object, rev, limit int64, total int, pred storage.Predicate) (*storage.ListResult, error) {
	res := &storage.ListResult{ResourceVersion: rev, FromCache: true}
	more := limit > 0 && len(objs) > int(limit)
	if more {
		objs = objs[:limit]
	}
	res.Items = make([]api.Object, len(objs))
	res.Encoded = make([]storage.Encoded, len(objs))
	for i, o := range objs {
		res.Items[i], res.Encoded[i] = o.obj, o.encoded
	}
	if more {
		token, err := storage.EncodeContinue(objs[len(objs)-1].key+"\x00", rev)
		if err != nil {
			return nil, err
		}
		res.Continue = token
		if pred.Empty() {
			remaining := int64(total - len(objs))
			res.RemainingItemCount = &remaining
		}
	}
	return res, nil
}

// listContinued serves the page a continue token asks for from the cache when the
// cache's state is the state at the token's revision: the cache is at or past it and
// has seen no change of the resource after it (a quiet resource, as when kubectl
// pages through it). ok is false otherwise, and for anything storage must judge (a
// bad token, a resourceVersion beside it): the page then comes from etcd.
func (c *Cacher) listContinued(prefix string, opts storage.ListOptions) (res *storage.ListResult, ok bool, err error) {
	if opts.ResourceVersion != "" || opts.ResourceVersionMatch != storage.MatchDefault {
		return nil, false, nil
	}
	start, rev, err := storage.DecodeContinue(opts.Continue)
	if err != nil || !strings.HasPrefix(start, prefix) {
		return nil, false, nil
	}
	limit := max(opts.Limit, 0)
	pred := opts.Predicate
	c.mu.RLock()
	defer c.mu.RUnlock()
	if !c.ready || c.rev < rev || c.lastChangeLocked() > rev {
		return nil, false, nil
	}
	var objs []*object
	remaining := 0 // under prefix from start; used only without a predicate
	c.rangeFromLocked(prefix, start, func(o *object) bool {
		remaining++
		if limit > 0 && int64(len(objs)) > limit {
			return pred.Empty() // the page is full: only counting on
		}
		if matches(pred, o) {
			objs = append(objs, o)
		}
		return true
	})
	res, err = page(objs, rev, limit, remaining, pred)
	return res, true, err
}

// lastChangeLocked is the revision of the cache's last change of its objects: its
// newest event, or, with none, the revision it was listed at (or of its last evicted
// event).
func (c *Cacher) lastChangeLocked() int64 {
	if n := c.events.n; n > 0 {
		return c.events.at(n - 1).rev
	}
	return c.events.floor
}

// RequestProgress makes every watcher of the cache that allows bookmarks receive one
// at a revision at least storage's current one (or the cache's, if the cache does not
// catch up within Config.ReadWait).
func (c *Cacher) RequestProgress(ctx context.Context) error {
	if !c.awaitFresh(ctx) {
		if err := ctx.Err(); err != nil {
			return err
		}
	}
	select {
	case c.progress <- struct{}{}:
	default:
	}
	return nil
}
