package cacher

import (
	"fmt"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/orrery-dev/orrery/api"
	"github.com/orrery-dev/orrery/api/labels"
	"github.com/orrery-dev/orrery/apiserver/storage"
	"github.com/orrery-dev/orrery/apiserver/storage/storagetest"
	"github.com/orrery-dev/orrery/internal/testutil"
)

// TestCorruptValueBeforeStartAndWhileRunning: an undecodable value in etcd neither keeps
// the cache from filling nor stops it: the cache passes over that key, everything else
// is served, and a GET of the key (from etcd) names it.
func TestCorruptValueBeforeStartAndWhileRunning(t *testing.T) {
	t.Parallel()
	etcd := testutil.StartEtcd(t)
	prefix := etcd.Prefix + "/widgets"
	reg := prometheus.NewRegistry()
	storeMetrics, err := storage.NewMetrics(reg)
	if err != nil {
		t.Fatal(err)
	}
	st, err := storage.New(storage.Config{Client: etcd.Client, Prefix: prefix, NewFunc: storagetest.NewWidget,
		Attrs: storagetest.WidgetAttrs, Metrics: storeMetrics})
	if err != nil {
		t.Fatal(err)
	}
	ctx := ctxFor(t)
	for i := range 3 {
		mustCreate(t, st, widget("ns", fmt.Sprintf("w%d", i), i, ""))
	}
	if _, err := etcd.Client.Put(ctx, prefix+"/ns/bad", "{not json"); err != nil {
		t.Fatal(err)
	}
	c := run(t, Config{Storage: st, Resource: "widgets", Attrs: storagetest.WidgetAttrs})

	listKeys := func() []string {
		t.Helper()
		res, err := c.List(ctx, "", storage.ListOptions{})
		if err != nil {
			t.Fatalf("List: %v", err)
		}
		if !res.FromCache {
			t.Error("list served by etcd, want the cache")
		}
		var keys []string
		for _, it := range res.Items {
			keys = append(keys, storage.ObjectKey(it.GetObjectMeta().Namespace, it.GetObjectMeta().Name))
		}
		return keys
	}
	if got, want := strings.Join(listKeys(), ","), "ns/w0,ns/w1,ns/w2"; got != want {
		t.Fatalf("list with a corrupt value at start: got %s, want %s", got, want)
	}
	if _, err := c.Get(ctx, "ns/bad", storage.GetOptions{}); !storage.IsInvalid(err) || !strings.Contains(err.Error(), "ns/bad") {
		t.Fatalf("Get of the corrupt key: got %v, want Invalid naming ns/bad", err)
	}
	start, err := c.CurrentRevision(ctx)
	if err != nil {
		t.Fatal(err)
	}
	w := watch(t, c, "", storage.WatchOptions{ResourceVersion: start})

	// While running: w1 becomes unreadable (DELETED for watchers), and a new object
	// still comes through after it.
	if _, err := etcd.Client.Put(ctx, prefix+"/ns/w1", `{"metadata":`); err != nil {
		t.Fatal(err)
	}
	rv := mustCreate(t, st, widget("ns", "w3", 3, ""))
	evs := collect(t, w, 2)
	if evs[0].Type != api.Deleted || evs[0].Key != "ns/w1" || evs[1] != (got{api.Added, "ns/w3", 3, rv}) {
		t.Fatalf("events: got %+v, want DELETED ns/w1 then ADDED ns/w3", evs)
	}
	if got, want := strings.Join(listKeys(), ","), "ns/w0,ns/w2,ns/w3"; got != want {
		t.Fatalf("list after a value became corrupt: got %s, want %s", got, want)
	}
	families, err := reg.Gather()
	if err != nil {
		t.Fatal(err)
	}
	var decodeErrors float64
	for _, f := range families {
		if f.GetName() == "apiserver_storage_decode_errors_total" {
			decodeErrors = f.GetMetric()[0].GetCounter().GetValue()
		}
	}
	if decodeErrors < 3 {
		t.Errorf("apiserver_storage_decode_errors_total: got %v, want at least 3 (list, get, watch)", decodeErrors)
	}
}

// TestCacheFillsInPages: the cache fills from more objects than one etcd response may
// carry.
func TestCacheFillsInPages(t *testing.T) {
	t.Parallel()
	etcd := testutil.StartEtcd(t)
	const objects, maxRecv = 200, 64 << 10
	st, err := storage.New(storage.Config{Client: etcd.SmallClient(t, maxRecv), Prefix: etcd.Prefix + "/widgets",
		NewFunc: storagetest.NewWidget, Attrs: storagetest.WidgetAttrs, PageSize: 50})
	if err != nil {
		t.Fatal(err)
	}
	padding := strings.Repeat("p", 600)
	for i := range objects {
		w := widget("ns", fmt.Sprintf("w%03d", i), i, "")
		w.Annotations = map[string]string{"padding": padding}
		mustCreate(t, st, w)
	}
	c := run(t, Config{Storage: st, Resource: "widgets", Attrs: storagetest.WidgetAttrs})
	res, err := c.List(ctxFor(t), "", storage.ListOptions{ResourceVersion: "0"})
	if err != nil || len(res.Items) != objects || !res.FromCache {
		t.Fatalf("list: got %d items (from cache %v), %v; want %d from the cache", len(res.Items), res.FromCache, err, objects)
	}
}

// TestWatchResourceVersionSemantics: while the cache lags behind etcd, a watch without
// a resourceVersion still starts from the current state; one that needs a revision the
// cache has not reached waits for it, then fails with TooLargeResourceVersion; one
// that takes any state starts from the cache's.
func TestWatchResourceVersionSemantics(t *testing.T) {
	t.Parallel()
	var cut *cuttable
	e := startCacher(t, func(cfg *Config) {
		cut = &cuttable{Store: cfg.Storage.(*storage.Store)}
		cfg.Storage, cfg.ReadWait = cut, 300*time.Millisecond
	})
	ctx := ctxFor(t)
	mustCreate(t, e.c, widget("ns", "a", 1, ""))
	if _, err := e.c.List(ctx, "", storage.ListOptions{}); err != nil { // caught up
		t.Fatal(err)
	}
	cut.cutAndHold()
	rvB := mustCreate(t, e.store, widget("ns", "b", 2, ""))

	initialKeys := func(opts storage.WatchOptions, n int) []string {
		t.Helper()
		w := watch(t, e.c, "", opts)
		var keys []string
		for _, ev := range collect(t, w, n) {
			keys = append(keys, ev.Key)
		}
		return keys
	}
	if got := strings.Join(initialKeys(storage.WatchOptions{}, 2), ","); got != "ns/a,ns/b" {
		t.Errorf("watch without a resourceVersion: initial state %s, want ns/a,ns/b", got)
	}
	if got := strings.Join(initialKeys(storage.WatchOptions{AnyInitialState: true, InitialEventsEnd: true}, 1), ","); got != "ns/a" {
		t.Errorf("watch from any state: initial state %s, want the cache's ns/a", got)
	}
	for name, opts := range map[string]storage.WatchOptions{
		"from a revision ahead":                         {ResourceVersion: rvB},
		"initial state not older than a revision ahead": {MinInitialRevision: rvB, InitialEventsEnd: true},
	} {
		w, err := e.c.Watch(ctx, "", opts)
		if err == nil {
			w.Stop()
		}
		if !storage.IsTooLargeResourceVersion(err) {
			t.Errorf("watch %s of the cache: got %v, want TooLargeResourceVersion", name, err)
		}
	}

	// Once the cache catches up, the same watches are served.
	cut.release()
	w := watch(t, e.c, "", storage.WatchOptions{MinInitialRevision: rvB, InitialEventsEnd: true})
	if evs := collect(t, w, 2); evs[1].Key != "ns/b" {
		t.Errorf("initial state not older than %d: got %+v", rvB, evs)
	}
	from := watch(t, e.c, "", storage.WatchOptions{ResourceVersion: rvB})
	rvC := mustCreate(t, e.c, widget("ns", "c", 3, ""))
	if ev := collect(t, from, 1)[0]; ev != (got{api.Added, "ns/c", 3, rvC}) {
		t.Errorf("watch from %d: got %+v, want ADDED ns/c", rvB, ev)
	}
}

// blockingSelector is a label selector whose first Matches call waits for release:
// a stand-in for the filtering of many events or objects.
type blockingSelector struct {
	labels.Selector
	entered, release chan struct{}
	first            atomic.Bool
}

func (s *blockingSelector) Matches(l labels.Set) bool {
	if s.first.CompareAndSwap(false, true) {
		close(s.entered)
		<-s.release
	}
	return s.Selector.Matches(l)
}

// TestWatchStartFiltersOutsideTheLock: a watch that starts by filtering the buffered
// events (or the current state) does so in its own goroutine, so that dispatch and
// other watches go on meanwhile.
func TestWatchStartFiltersOutsideTheLock(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name string
		from func(start int64) storage.WatchOptions
	}{
		{"replayed events", func(start int64) storage.WatchOptions { return storage.WatchOptions{ResourceVersion: start} }},
		{"initial state", func(int64) storage.WatchOptions { return storage.WatchOptions{AnyInitialState: true} }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			e := startCacher(t, nil)
			ctx := ctxFor(t)
			start, err := e.c.CurrentRevision(ctx)
			if err != nil {
				t.Fatal(err)
			}
			for i := range 20 {
				mustCreate(t, e.c, widget("ns", fmt.Sprintf("w%02d", i), i, ""))
			}
			if _, err := e.c.List(ctx, "", storage.ListOptions{}); err != nil { // caught up
				t.Fatal(err)
			}
			anything, err := labels.Parse("!missing")
			if err != nil {
				t.Fatal(err)
			}
			sel := &blockingSelector{Selector: anything, entered: make(chan struct{}), release: make(chan struct{})}
			var releaseOnce sync.Once
			release := func() { releaseOnce.Do(func() { close(sel.release) }) }
			defer release()
			opts := tc.from(start)
			opts.Predicate = storage.Predicate{Label: sel, Attrs: storagetest.WidgetAttrs}
			started := make(chan storage.Watcher, 1)
			go func() {
				w, err := e.c.Watch(ctx, "", opts)
				if err != nil {
					t.Errorf("Watch: %v", err)
					w = nil
				}
				started <- w
			}()
			select {
			case <-sel.entered:
			case <-time.After(waitTimeout):
				t.Fatal("the watch never filtered anything")
			}
			// The filtering watch is stuck in its selector; others are not.
			now, err := e.c.CurrentRevision(ctx)
			if err != nil {
				t.Fatal(err)
			}
			other := make(chan []got, 1)
			go func() {
				w, err := e.c.Watch(ctx, "", storage.WatchOptions{ResourceVersion: now})
				if err != nil {
					t.Errorf("Watch: %v", err)
					other <- nil
					return
				}
				defer w.Stop()
				other <- collect(t, w, 1)
			}()
			rv := mustCreate(t, e.store, widget("ns", "new", 99, ""))
			select {
			case evs := <-other:
				if len(evs) != 1 || evs[0] != (got{api.Added, "ns/new", 99, rv}) {
					t.Fatalf("other watcher: got %+v, want ADDED ns/new", evs)
				}
			case <-time.After(waitTimeout):
				t.Fatal("another watcher got nothing while a watch was filtering its start")
			}
			release()
			if w := <-started; w != nil {
				w.Stop()
			}
		})
	}
}

func TestBudget(t *testing.T) {
	t.Parallel()
	base := time.Unix(1000, 0)
	b := newBudget(250*time.Millisecond, 50*time.Millisecond)
	steps := []struct {
		name   string
		at     time.Duration // after base
		take   bool          // take, else give back unused
		unused time.Duration
		want   time.Duration // taken, or available after giving back
	}{
		{"full at first", 0, true, 0, 250 * time.Millisecond},
		{"a wait used 200ms", 200 * time.Millisecond, false, 50 * time.Millisecond, 60 * time.Millisecond},
		{"what is left and regained", 400 * time.Millisecond, true, 0, 70 * time.Millisecond},
		{"nothing used", 400 * time.Millisecond, false, 70 * time.Millisecond, 70 * time.Millisecond},
		{"regains 50ms a second up to the cap", 10 * time.Second, true, 0, 250 * time.Millisecond},
	}
	for _, s := range steps {
		now := base.Add(s.at)
		var got time.Duration
		if s.take {
			got = b.take(now)
		} else {
			b.giveBack(s.unused, now)
			got = b.avail
		}
		if got != s.want {
			t.Errorf("%s: got %s, want %s", s.name, got, s.want)
		}
	}
}
