package integration

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/orrery-dev/orrery/api"
	"github.com/orrery-dev/orrery/apiserver"
	"github.com/orrery-dev/orrery/client"
	"github.com/orrery-dev/orrery/informer"
	"github.com/orrery-dev/orrery/watch"
)

// churn creates the pods prefix-0 .. prefix-(n-1) from workers goroutines, patches each
// once and deletes every other one: 2.5 n writes, interleaved across pods.
func churn(t *testing.T, c *client.Client, prefix string, n, workers int) {
	t.Helper()
	pods := client.Resource[*api.Pod](c).Namespace("default")
	ctx := t.Context()
	var wg sync.WaitGroup
	for w := range workers {
		wg.Go(func() {
			for i := w; i < n; i += workers {
				name := fmt.Sprintf("%s-%d", prefix, i)
				if _, err := pods.Create(ctx, newPod(name)); err != nil {
					t.Errorf("create %s: %v", name, err)
					return
				}
				patch := fmt.Appendf(nil, `{"metadata":{"labels":{"step":"%d"}}}`, i)
				if _, err := pods.Patch(ctx, name, client.MergePatchType, patch); err != nil {
					t.Errorf("patch %s: %v", name, err)
					return
				}
				if i%2 == 0 {
					if err := pods.Delete(ctx, name, deleteNow); err != nil {
						t.Errorf("delete %s: %v", name, err)
						return
					}
				}
			}
		})
	}
	wg.Wait()
	if t.Failed() {
		t.FailNow()
	}
}

// storeState is the key → resourceVersion map of an informer's store.
func storeState(inf *informer.SharedInformer[*api.Pod]) map[string]string {
	out := map[string]string{}
	for _, p := range inf.Store().List() {
		out[key(p)] = p.ResourceVersion
	}
	return out
}

// converged waits until the informer's store and every handler's state equal the
// server's pods, and checks that no handler saw an impossible sequence.
func converged(t *testing.T, c *client.Client, inf *informer.SharedInformer[*api.Pod], handlers ...*history) {
	t.Helper()
	var want map[string]string
	desc := func() string { return "store: " + diff(storeState(inf), want) }
	eventually(t, desc, func() bool {
		want = serverState(t, c)
		return diff(storeState(inf), want) == diff(want, want)
	})
	for i, h := range handlers {
		eventually(t, func() string {
			got, _, _ := h.snapshot()
			return fmt.Sprintf("handler %d: %s", i, diff(got, want))
		}, func() bool {
			got, _, _ := h.snapshot()
			return diff(got, want) == diff(want, want)
		})
		if _, violations, _ := h.snapshot(); len(violations) > 0 {
			t.Errorf("handler %d saw impossible sequences: %v", i, violations)
		}
	}
}

// runFactory starts f until the test ends and waits for its caches.
func runFactory(t *testing.T, f *informer.Factory) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	t.Cleanup(func() { cancel(); f.Shutdown() })
	f.Start(ctx)
	if err := f.WaitForCacheSync(t.Context()); err != nil {
		t.Fatal(err)
	}
}

func TestInformerConvergesUnderConcurrentWrites(t *testing.T) {
	t.Parallel()
	s := startServer(t, apiserver.Config{DataDir: t.TempDir(), BindAddress: "127.0.0.1:0"})
	c := newClient(t, s)
	f, err := informer.NewFactory(informer.FactoryConfig{Client: c})
	if err != nil {
		t.Fatal(err)
	}
	inf := informer.For[*api.Pod](f, informer.Scope{Namespace: "default"})
	if again := informer.For[*api.Pod](f, informer.Scope{Namespace: "default"}); again != inf {
		t.Error("For twice with one scope: got two informers, want one shared")
	}
	if other := informer.For[*api.Pod](f, informer.Scope{Namespace: "default", LabelSelector: "app=load"}); other == inf {
		t.Error("For with another selector: got the same informer, want another")
	}
	fast := newHistory()
	slow := newHistory()
	slow.block = make(chan struct{})
	if _, err := inf.AddHandler(fast); err != nil {
		t.Fatal(err)
	}
	slowReg, _ := inf.AddHandler(slow)
	// One pod in the initial list, on which the slow handler gets stuck.
	if _, err := client.Resource[*api.Pod](c).Create(t.Context(), newPod("first")); err != nil {
		t.Fatal(err)
	}
	runFactory(t, f)

	churn(t, c, "load", 800, 16) // 2,000 writes
	// The slow handler is stuck in its first call: the fast one must converge anyway.
	converged(t, c, inf, fast)
	if slowReg.HasSynced() {
		t.Error("handler stuck on the initial list: HasSynced got true, want false")
	}
	close(slow.block)
	converged(t, c, inf, fast, slow)
	if _, _, n := fast.snapshot(); n < 2000 {
		t.Errorf("fast handler events: got %d, want at least 2000 (every write)", n)
	}
	// A handler added now gets the current state as synthetic adds.
	late := newHistory()
	reg, _ := inf.AddHandler(late)
	eventually(t, func() string { return "late handler never synced" }, reg.HasSynced)
	converged(t, c, inf, late)
	// The label-selected informer of the same factory holds the same pods.
	selected := informer.For[*api.Pod](f, informer.Scope{Namespace: "default", LabelSelector: "app=load"})
	eventually(t, func() string { return "selected informer: " + diff(storeState(selected), storeState(inf)) },
		func() bool { return diff(storeState(selected), storeState(inf)) == "0 differences: []" })
}

func TestInformerSurvivesApiserverRestart(t *testing.T) {
	t.Parallel()
	cfg := apiserver.Config{DataDir: t.TempDir(), BindAddress: freeAddress(t)}
	s1 := startServer(t, cfg)
	c := newClient(t, s1)
	inf, err := informer.New(informer.Config[*api.Pod]{
		ListerWatcher:    client.Resource[*api.Pod](c).Namespace("default"),
		DisableWatchList: true, // the other tests sync with streaming lists
	})
	if err != nil {
		t.Fatal(err)
	}
	h := newHistory()
	inf.AddHandler(h)
	ctx, cancel := context.WithCancel(context.Background())
	var wg sync.WaitGroup
	wg.Go(func() { inf.Run(ctx) })
	t.Cleanup(func() { cancel(); wg.Wait() })

	churn(t, c, "before", 200, 8)
	converged(t, c, inf, h)

	s1.stop() // open watches end; the informer's re-watches are refused
	s2 := startServer(t, cfg)
	if s2.srv.URL() != s1.srv.URL() {
		t.Fatalf("restarted server URL: got %s, want %s", s2.srv.URL(), s1.srv.URL())
	}
	// Delete some pods from before the restart and write new ones.
	pods := client.Resource[*api.Pod](c).Namespace("default")
	for i := 1; i < 200; i += 4 {
		if err := pods.Delete(t.Context(), fmt.Sprintf("before-%d", i), deleteNow); err != nil {
			t.Fatalf("delete after restart: %v", err)
		}
	}
	churn(t, c, "after", 200, 8)
	converged(t, c, inf, h)
}

// gatedLW passes lists and watches through, except that while the gate is shut the
// open watch is ended and new ones wait: a network partition the test controls.
type gatedLW struct {
	lw informer.ListerWatcher[*api.Pod]

	mu    sync.Mutex
	open  chan struct{} // closed while the gate is open
	watch watch.Interface
}

func (g *gatedLW) List(ctx context.Context, opts client.ListOptions) (*client.List[*api.Pod], error) {
	return g.lw.List(ctx, opts)
}

func (g *gatedLW) Watch(ctx context.Context, opts client.ListOptions) (watch.Interface, error) {
	g.mu.Lock()
	open := g.open
	g.mu.Unlock()
	select {
	case <-open:
	case <-ctx.Done():
		return nil, ctx.Err()
	}
	w, err := g.lw.Watch(ctx, opts)
	g.mu.Lock()
	g.watch = w
	g.mu.Unlock()
	return w, err
}

func (g *gatedLW) shut() {
	g.mu.Lock()
	defer g.mu.Unlock()
	g.open = make(chan struct{})
	if g.watch != nil {
		g.watch.Stop()
	}
}

func (g *gatedLW) reopen() {
	g.mu.Lock()
	defer g.mu.Unlock()
	close(g.open)
}

func TestInformerRecoversFromPartition(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		// disableWatchCache makes the server watch etcd directly, so that a watch from a
		// compacted resourceVersion gets 410 Expired.
		disableWatchCache bool
		want410           bool
	}{
		{name: "etcd watch expires", disableWatchCache: true, want410: true},
		{name: "watch cache", disableWatchCache: false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			testPartition(t, apiserver.Config{
				DataDir: t.TempDir(), BindAddress: "127.0.0.1:0",
				CompactionInterval: 200 * time.Millisecond, DisableWatchCache: tt.disableWatchCache,
			}, tt.want410)
		})
	}
}

// testPartition cuts an informer off from the server while pods it knows are deleted
// and others come and go, until etcd's history is compacted past what it has seen;
// then it reconnects and must converge, having seen a 410 when want410.
func testPartition(t *testing.T, cfg apiserver.Config, want410 bool) {
	s := startServer(t, cfg)
	c := newClient(t, s)
	pods := client.Resource[*api.Pod](c).Namespace("default")
	open := make(chan struct{})
	close(open)
	lw := &gatedLW{lw: pods, open: open}
	var mu sync.Mutex
	var watchErrs []error
	inf, err := informer.New(informer.Config[*api.Pod]{
		ListerWatcher: lw,
		OnWatchError:  func(err error) { mu.Lock(); watchErrs = append(watchErrs, err); mu.Unlock() },
	})
	if err != nil {
		t.Fatal(err)
	}
	h := newHistory()
	inf.AddHandler(h)
	ctx, cancel := context.WithCancel(context.Background())
	var wg sync.WaitGroup
	wg.Go(func() { inf.Run(ctx) })
	t.Cleanup(func() { cancel(); wg.Wait() })

	churn(t, c, "before", 100, 8)
	converged(t, c, inf, h)

	lw.shut()
	rv := inf.LastSyncResourceVersion()
	// While the informer is cut off, pods it knows are deleted and others come and go,
	// until the server has compacted the history past what the informer has seen.
	for i := 1; i < 100; i += 2 {
		if err := pods.Delete(t.Context(), fmt.Sprintf("before-%d", i), deleteNow); err != nil {
			t.Fatal(err)
		}
	}
	churn(t, c, "during", 100, 8)
	n := 0
	eventually(t, func() string { return "history at " + rv + " never compacted" }, func() bool {
		// Keep writing so that each compaction step moves past rv.
		n++
		if _, err := pods.Create(t.Context(), newPod(fmt.Sprintf("tick-%d", n))); err != nil {
			t.Fatal(err)
		}
		_, err := pods.List(t.Context(), client.ListOptions{ResourceVersion: rv, ResourceVersionMatch: "Exact"})
		return client.IsExpired(err)
	})
	if got := inf.LastSyncResourceVersion(); got != rv {
		t.Fatalf("informer moved on while cut off: got rv %s, want %s", got, rv)
	}
	lw.reopen()
	converged(t, c, inf, h)
	mu.Lock()
	defer mu.Unlock()
	expired := false
	for _, err := range watchErrs {
		expired = expired || client.IsExpired(err) || strings.Contains(err.Error(), "too old resource version")
	}
	if expired != want410 {
		t.Errorf("watch errors: got %v, want a 410 Expired: %v", watchErrs, want410)
	}
}
