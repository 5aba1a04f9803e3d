package cacher

import (
	"context"
	"fmt"
	"sync"
	"testing"

	"github.com/google/go-cmp/cmp"
	clientv3 "go.etcd.io/etcd/client/v3"

	"github.com/orrery-dev/orrery/api"
	"github.com/orrery-dev/orrery/api/labels"
	"github.com/orrery-dev/orrery/apiserver/storage"
	"github.com/orrery-dev/orrery/apiserver/storage/storagetest"
)

// cuttable is a Store whose watches can be cut, and the cacher's new ones (those with
// ProgressNotify) held back, as when the cacher's connection to etcd breaks.
type cuttable struct {
	*storage.Store
	mu      sync.Mutex
	watches []*cutWatcher
	held    chan struct{} // while not nil, Watch waits for it to close
}

type cutWatcher struct {
	inner   storage.Watcher
	out     chan storage.Event
	cut     chan struct{}
	cutOnce sync.Once
	done    chan struct{}
}

func (s *cuttable) Watch(ctx context.Context, prefix string, opts storage.WatchOptions) (storage.Watcher, error) {
	s.mu.Lock()
	held := s.held
	s.mu.Unlock()
	if held != nil && opts.ProgressNotify {
		select {
		case <-held:
		case <-ctx.Done():
			return nil, ctx.Err()
		}
	}
	inner, err := s.Store.Watch(ctx, prefix, opts)
	if err != nil {
		return nil, err
	}
	w := &cutWatcher{inner: inner, out: make(chan storage.Event), cut: make(chan struct{}), done: make(chan struct{})}
	go w.run()
	s.mu.Lock()
	s.watches = append(s.watches, w)
	s.mu.Unlock()
	return w, nil
}

// cutAndHold ends every open watch and holds new ones back until release.
func (s *cuttable) cutAndHold() {
	s.mu.Lock()
	s.held = make(chan struct{})
	ws := s.watches
	s.watches = nil
	s.mu.Unlock()
	for _, w := range ws {
		w.cutOnce.Do(func() { close(w.cut) })
	}
}

func (s *cuttable) release() {
	s.mu.Lock()
	close(s.held)
	s.held = nil
	s.mu.Unlock()
}

func (w *cutWatcher) run() {
	defer close(w.done)
	defer close(w.out)
	for {
		select {
		case ev, ok := <-w.inner.ResultChan():
			if !ok {
				return
			}
			select {
			case w.out <- ev:
			case <-w.cut:
				return
			}
		case <-w.cut:
			return
		}
	}
}

func (w *cutWatcher) ResultChan() <-chan storage.Event { return w.out }

func (w *cutWatcher) Stop() {
	w.cutOnce.Do(func() { close(w.cut) })
	w.inner.Stop()
	<-w.done
}

// startCuttable starts a Cacher over a cuttable Store.
func startCuttable(t *testing.T, metrics *Metrics) (*env, *cuttable) {
	t.Helper()
	var cut *cuttable
	e := startCacher(t, func(cfg *Config) {
		cut = &cuttable{Store: cfg.Storage.(*storage.Store)}
		cfg.Storage, cfg.Metrics = cut, metrics
	})
	return e, cut
}

func TestBrokenWatchResumesWithoutLoss(t *testing.T) {
	t.Parallel()
	metrics, err := NewMetrics(nil)
	if err != nil {
		t.Fatal(err)
	}
	e, cut := startCuttable(t, metrics)
	ctx := ctxFor(t)
	start, err := e.c.CurrentRevision(ctx)
	if err != nil {
		t.Fatal(err)
	}
	even, _ := labels.Parse("parity=even")
	preds := []storage.Predicate{{}, {Label: even, Attrs: storagetest.WidgetAttrs}}
	var ws []storage.Watcher
	for _, p := range preds {
		ws = append(ws, watch(t, e.c, "", storage.WatchOptions{ResourceVersion: start, Predicate: p}))
	}
	var all, evens []got
	write := func(i int) {
		w := widget("ns", fmt.Sprintf("w%02d", i), i, "")
		w.Labels = map[string]string{"parity": []string{"even", "odd"}[i%2]}
		g := got{Type: api.Added, Key: "ns/" + w.Name, Value: i, RV: mustCreate(t, e.store, w)}
		all = append(all, g)
		if i%2 == 0 {
			evens = append(evens, g)
		}
	}
	for i := range 10 {
		write(i)
	}
	collect(t, ws[0], 10) // the cache has seen them
	cut.cutAndHold()
	for i := 10; i < 30; i++ {
		write(i)
	}
	cut.release()
	for i := 30; i < 40; i++ {
		write(i)
	}
	if diff := cmp.Diff(all[10:], collect(t, ws[0], 30)); diff != "" {
		t.Errorf("unfiltered watcher (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff(evens, collect(t, ws[1], len(evens))); diff != "" {
		t.Errorf("filtered watcher (-want +got):\n%s", diff)
	}
	if got := metricValue(t, metrics.initialized.WithLabelValues("widgets")); got != 1 {
		t.Errorf("initializations: got %v, want 1 (resumed without a relist)", got)
	}
}

func TestBrokenWatchPastCompactionClosesWatchers(t *testing.T) {
	t.Parallel()
	metrics, err := NewMetrics(nil)
	if err != nil {
		t.Fatal(err)
	}
	e, cut := startCuttable(t, metrics)
	if e.etcd.External {
		t.Skip("compacts etcd, which is shared")
	}
	ctx := ctxFor(t)
	start, err := e.c.CurrentRevision(ctx)
	if err != nil {
		t.Fatal(err)
	}
	w := watch(t, e.c, "", storage.WatchOptions{ResourceVersion: start})
	before := mustCreate(t, e.store, widget("ns", "a", 1, ""))
	collect(t, w, 1)
	cut.cutAndHold()
	mustCreate(t, e.store, widget("ns", "b", 2, ""))
	mustDelete(t, e.store, "ns/a")
	cur := mustCreate(t, e.store, widget("ns", "c", 3, ""))
	if _, err := e.etcd.Client.Compact(ctx, cur, clientv3.WithCompactPhysical()); err != nil {
		t.Fatalf("compact: %v", err)
	}
	cut.release()
	// The changes while the watch was cut are gone: the cache lists again and closes
	// the watcher rather than skip them.
	expectClosed(t, w)
	if got := metricValue(t, metrics.initialized.WithLabelValues("widgets")); got != 2 {
		t.Errorf("initializations: got %v, want 2", got)
	}
	// The client's re-watch from its last revision is too old; it lists again and
	// watches from there.
	old := watch(t, e.c, "", storage.WatchOptions{ResourceVersion: before})
	if ev, ok := next(t, old); !ok || ev.Type != api.Error || !storage.IsExpired(ev.Err) {
		t.Fatalf("re-watch from %d: got %+v (open %v), want ERROR Expired", before, ev, ok)
	}
	fresh := watch(t, e.c, "", storage.WatchOptions{})
	want := []got{{api.Added, "ns/b", 2, cur - 2}, {api.Added, "ns/c", 3, cur}}
	if diff := cmp.Diff(want, collect(t, fresh, 2)); diff != "" {
		t.Errorf("state after the relist (-want +got):\n%s", diff)
	}
	d := mustCreate(t, e.store, widget("ns", "d", 4, ""))
	if diff := cmp.Diff([]got{{api.Added, "ns/d", 4, d}}, collect(t, fresh, 1)); diff != "" {
		t.Errorf("change after the relist (-want +got):\n%s", diff)
	}
}
