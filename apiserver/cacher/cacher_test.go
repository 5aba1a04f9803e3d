package cacher

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/prometheus/client_golang/prometheus"
	dto "github.com/prometheus/client_model/go"

	"github.com/orrery-dev/orrery/api"
	"github.com/orrery-dev/orrery/api/fields"
	"github.com/orrery-dev/orrery/api/labels"
	"github.com/orrery-dev/orrery/apiserver/storage"
	"github.com/orrery-dev/orrery/apiserver/storage/storagetest"
)

func widget(ns, name string, value int, node string) *storagetest.Widget {
	return &storagetest.Widget{
		TypeMeta:   api.TypeMeta{Kind: "Widget", APIVersion: "test/v1"},
		ObjectMeta: api.ObjectMeta{Namespace: ns, Name: name, UID: ns + "-" + name},
		Spec:       storagetest.WidgetSpec{Value: value, Node: node},
	}
}

func mustCreate(t testing.TB, s storage.Interface, w *storagetest.Widget) int64 {
	t.Helper()
	out, err := s.Create(ctxFor(t), storage.ObjectKey(w.Namespace, w.Name), w)
	if err != nil {
		t.Fatalf("create %s/%s: %v", w.Namespace, w.Name, err)
	}
	return rvOf(t, out)
}

func mustUpdate(t testing.TB, s storage.Interface, key string, fn func(*storagetest.Widget)) int64 {
	t.Helper()
	out, err := s.GuaranteedUpdate(ctxFor(t), key, storage.UpdateOptions{}, func(cur api.Object) (api.Object, error) {
		fn(cur.(*storagetest.Widget))
		return cur, nil
	})
	if err != nil {
		t.Fatalf("update %s: %v", key, err)
	}
	return rvOf(t, out)
}

func mustDelete(t testing.TB, s storage.Interface, key string) {
	t.Helper()
	if _, err := s.Delete(ctxFor(t), key, storage.DeleteOptions{}); err != nil {
		t.Fatalf("delete %s: %v", key, err)
	}
}

func rvOf(t testing.TB, obj api.Object) int64 {
	t.Helper()
	n, err := strconv.ParseInt(obj.GetObjectMeta().ResourceVersion, 10, 64)
	if err != nil {
		t.Fatalf("resourceVersion %q: %v", obj.GetObjectMeta().ResourceVersion, err)
	}
	return n
}

// got is a watch event reduced to what the tests compare.
type got struct {
	Type  api.EventType
	Key   string
	Value int
	RV    int64
}

func reduce(ev storage.Event) got {
	if ev.Object == nil {
		return got{Type: ev.Type, RV: ev.Revision}
	}
	w := ev.Object.(*storagetest.Widget)
	return got{Type: ev.Type, Key: storage.ObjectKey(w.Namespace, w.Name), Value: w.Spec.Value, RV: ev.Revision}
}

// next returns the next event that is not a BOOKMARK; ok is false if the watch closed.
func next(t testing.TB, w storage.Watcher) (storage.Event, bool) {
	t.Helper()
	timer := time.NewTimer(waitTimeout)
	defer timer.Stop()
	for {
		select {
		case ev, ok := <-w.ResultChan():
			if ok && ev.Type == api.Bookmark {
				continue
			}
			return ev, ok
		case <-timer.C:
			t.Fatalf("no event within %s", waitTimeout)
		}
	}
}

// collect reads n events (bookmarks aside) from w.
func collect(t testing.TB, w storage.Watcher, n int) []got {
	t.Helper()
	var out []got
	for len(out) < n {
		ev, ok := next(t, w)
		if !ok {
			t.Fatalf("watch closed after %d of %d events: %v", len(out), n, out)
		}
		if ev.Type == api.Error {
			t.Fatalf("ERROR event after %d of %d events: %v", len(out), n, ev.Err)
		}
		out = append(out, reduce(ev))
	}
	return out
}

// expectClosed fails unless w's channel closes (after at most bookmarks) within the wait.
func expectClosed(t testing.TB, w storage.Watcher) {
	t.Helper()
	if ev, ok := next(t, w); ok {
		t.Fatalf("watch open: got %+v, want the channel closed", reduce(ev))
	}
}

func watch(t testing.TB, s storage.Interface, prefix string, opts storage.WatchOptions) storage.Watcher {
	t.Helper()
	w, err := s.Watch(ctxFor(t), prefix, opts)
	if err != nil {
		t.Fatalf("Watch: %v", err)
	}
	t.Cleanup(w.Stop)
	return w
}

func TestWatchTooOldIsExpired(t *testing.T) {
	t.Parallel()
	e := startCacher(t, func(cfg *Config) { cfg.MinCapacity, cfg.MaxCapacity = 10, 10 })
	var rvs []int64
	for i := range 25 {
		rvs = append(rvs, mustCreate(t, e.c, widget("ns", fmt.Sprintf("w%02d", i), i, "")))
	}
	// The buffer holds the last 10 events: a watch from the 15th revision on is served,
	// an older one is expired.
	floor := rvs[14]
	tests := []struct {
		name  string
		from  int64
		wantN int
	}{
		{"oldest servable", floor, 10},
		{"within", rvs[20], 4},
		{"newest", rvs[24], 0},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			w := watch(t, e.c, "", storage.WatchOptions{ResourceVersion: tc.from})
			evs := collect(t, w, tc.wantN)
			for i, ev := range evs {
				if want := tc.from + 1 + int64(i); ev.RV != want || ev.Type != api.Added {
					t.Errorf("event %d: got %+v, want ADDED at %d", i, ev, want)
				}
			}
		})
	}
	w := watch(t, e.c, "", storage.WatchOptions{ResourceVersion: floor - 1})
	ev, ok := next(t, w)
	if !ok || ev.Type != api.Error || !storage.IsExpired(ev.Err) {
		t.Fatalf("watch from %d: got %+v (open %v), want ERROR Expired", floor-1, ev, ok)
	}
	if got, want := ev.Err.Error(), fmt.Sprintf("too old resource version: %d (%d)", floor-1, floor); got != want {
		t.Errorf("message: got %q, want %q", got, want)
	}
	expectClosed(t, w)
}

func TestConsistentListReadsYourWrites(t *testing.T) {
	t.Parallel()
	e := startCacher(t, nil)
	ctx := ctxFor(t)
	for i := range 30 {
		rv := mustCreate(t, e.c, widget("ns", fmt.Sprintf("w%02d", i), i, ""))
		res, err := e.c.List(ctx, "ns/", storage.ListOptions{})
		if err != nil {
			t.Fatalf("List: %v", err)
		}
		if !res.FromCache {
			t.Errorf("list %d: served from etcd, want from the cache", i)
		}
		if res.ResourceVersion < rv || len(res.Items) != i+1 {
			t.Fatalf("list after write %d at %d: got %d items at %d", i, rv, len(res.Items), res.ResourceVersion)
		}
		// A write to another resource in the same etcd moves etcd's revision on; the
		// cache learns it through a progress notification.
		if _, err := e.etcd.Client.Put(ctx, e.etcd.Prefix+"/other/x", strconv.Itoa(i)); err != nil {
			t.Fatalf("put: %v", err)
		}
	}
}

func TestListFromCache(t *testing.T) {
	t.Parallel()
	e := startCacher(t, nil)
	ctx := ctxFor(t)
	for i := range 20 {
		mustCreate(t, e.c, widget([]string{"a", "b"}[i%2], fmt.Sprintf("w%02d", i), i, []string{"n1", "n2", "n3"}[i%3]))
	}
	last := mustCreate(t, e.c, widget("c", "last", 0, ""))
	// Not older than the last write: the cache has it, and so have the lists at "0".
	if _, err := e.c.List(ctx, "", storage.ListOptions{ResourceVersion: strconv.FormatInt(last, 10)}); err != nil {
		t.Fatalf("List: %v", err)
	}
	onN1 := storage.Predicate{Field: fields.OneTermEqualSelector("spec.node", "n1"), Attrs: storagetest.WidgetAttrs}
	tests := []struct {
		name      string
		prefix    string
		opts      storage.ListOptions
		wantKeys  int
		fromCache bool
		continues bool
	}{
		{"rv 0 ignores limit", "", storage.ListOptions{ResourceVersion: "0", Limit: 5}, 21, true, false},
		{"not older than", "a/", storage.ListOptions{ResourceVersion: strconv.FormatInt(last, 10), ResourceVersionMatch: storage.MatchNotOlderThan}, 10, true, false},
		{"indexed field", "", storage.ListOptions{ResourceVersion: "0", Predicate: onN1}, 7, true, false},
		{"indexed field in a namespace", "b/", storage.ListOptions{Predicate: onN1}, 3, true, false},
		{"consistent page", "", storage.ListOptions{Limit: 4}, 4, true, true},
		{"exact from etcd", "", storage.ListOptions{ResourceVersion: strconv.FormatInt(last, 10), ResourceVersionMatch: storage.MatchExact}, 21, false, false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			res, err := e.c.List(ctx, tc.prefix, tc.opts)
			if err != nil {
				t.Fatalf("List: %v", err)
			}
			if len(res.Items) != tc.wantKeys || res.FromCache != tc.fromCache || (res.Continue != "") != tc.continues {
				t.Errorf("got %d items, from cache %v, continue %q; want %d, %v, continue %v", len(res.Items), res.FromCache, res.Continue, tc.wantKeys, tc.fromCache, tc.continues)
			}
			if tc.fromCache != (len(res.Encoded) == len(res.Items)) {
				t.Errorf("got %d encodings for %d items", len(res.Encoded), len(res.Items))
			}
			for i, it := range res.Items {
				if tc.fromCache {
					data, err := res.Encoded[i](storage.FormatJSON)
					var back storagetest.Widget
					if err != nil || json.Unmarshal(data, &back) != nil || back.Name != it.GetObjectMeta().Name || back.Kind != "Widget" {
						t.Errorf("encoding of item %d: %s, %v", i, data, err)
					}
				}
				if !strings.HasPrefix(storage.ObjectKey(it.GetObjectMeta().Namespace, it.GetObjectMeta().Name), tc.prefix) {
					t.Errorf("item %s/%s outside %q", it.GetObjectMeta().Namespace, it.GetObjectMeta().Name, tc.prefix)
				}
				if tm := *it.GetTypeMeta(); tm.Kind != "Widget" || tm.APIVersion != "test/v1" {
					t.Errorf("item type meta: got %+v, want Widget test/v1", tm)
				}
			}
		})
	}
	// A resourceVersion the cache does not reach is TooLargeResourceVersion after the wait.
	e2 := startCacher(t, func(cfg *Config) { cfg.ReadWait = 200 * time.Millisecond })
	_, err := e2.c.List(ctx, "", storage.ListOptions{ResourceVersion: strconv.FormatInt(last+1000, 10)})
	if !storage.IsTooLargeResourceVersion(err) {
		t.Fatalf("list at a future revision: got %v, want TooLargeResourceVersion", err)
	}
	if _, err := e2.c.Get(ctx, "a/w00", storage.GetOptions{ResourceVersion: strconv.FormatInt(last+1000, 10)}); !storage.IsTooLargeResourceVersion(err) {
		t.Fatalf("get at a future revision: got %v, want TooLargeResourceVersion", err)
	}
}

func TestStalledWatcherIsClosedOthersGetEverything(t *testing.T) {
	t.Parallel()
	reg := prometheus.NewRegistry()
	metrics, err := NewMetrics(reg)
	if err != nil {
		t.Fatal(err)
	}
	const stall = 100 * time.Millisecond
	e := startCacher(t, func(cfg *Config) {
		// The budget refills fully within 100 ms: once the stalled watcher has used it
		// up and been closed, momentary backlogs of the others are waited for.
		cfg.WatcherBuffer, cfg.StallTimeout, cfg.StallRefill, cfg.Metrics = 5, stall, time.Second, metrics
	})
	ctx := ctxFor(t)
	start, err := e.c.CurrentRevision(ctx)
	if err != nil {
		t.Fatal(err)
	}
	stalled := watch(t, e.c, "", storage.WatchOptions{ResourceVersion: start})
	const watchers, events = 100, 60
	results := make([][]got, watchers)
	var wg sync.WaitGroup
	for i := range watchers {
		w := watch(t, e.c, "", storage.WatchOptions{ResourceVersion: start})
		wg.Go(func() { results[i] = collect(t, w, events) })
	}
	var want []got
	closedAt := make(chan time.Time, 1)
	var fullAt time.Time
	for i := range events {
		rv := mustCreate(t, e.store, widget("ns", fmt.Sprintf("w%02d", i), i, ""))
		want = append(want, got{Type: api.Added, Key: fmt.Sprintf("ns/w%02d", i), Value: i, RV: rv})
		if i == 5 {
			// The stalled watcher's buffer (5) and its hand-off slot are full by now.
			fullAt = time.Now()
			go func() {
				// Read nothing until the watch is closed.
				<-stalled.(*watcher).done
				closedAt <- time.Now()
			}()
		}
	}
	wg.Wait()
	for i, r := range results {
		if diff := cmp.Diff(want, r); diff != "" {
			t.Fatalf("watcher %d (-want +got):\n%s", i, diff)
		}
	}
	select {
	case at := <-closedAt:
		// Bounded: the stall budget after the buffer filled, plus scheduling slack.
		if d := at.Sub(fullAt); d > stall+5*time.Second {
			t.Errorf("stalled watcher closed %s after its buffer filled, want within %s", d, stall)
		}
	case <-time.After(waitTimeout):
		t.Fatal("stalled watcher not closed")
	}
	// Its client sees some events, then the end of the stream.
	n := 0
	for range stalled.ResultChan() {
		n++
	}
	if n >= events {
		t.Errorf("stalled watcher got all %d events, want it closed early", n)
	}
	if got := metricValue(t, metrics.terminated.WithLabelValues("widgets")); got != 1 {
		t.Errorf("apiserver_terminated_watchers_total: got %v, want 1", got)
	}
}

func TestEachObjectIsEncodedOnce(t *testing.T) {
	t.Parallel()
	// Half the watchers want JSON, half another format (protobuf, here JSON behind a
	// prefix): each object is encoded once per format.
	var encodings [storage.NumFormats]atomic.Int64
	e := startCacher(t, func(cfg *Config) {
		cfg.Encode = func(obj api.Object, f storage.Format) ([]byte, error) {
			encodings[f].Add(1)
			data, err := json.Marshal(obj)
			if f == storage.FormatProtobuf {
				data = append([]byte("pb:"), data...)
			}
			return data, err
		}
	})
	ctx := ctxFor(t)
	start, err := e.c.CurrentRevision(ctx)
	if err != nil {
		t.Fatal(err)
	}
	const watchers, events = 50, 20
	var ws []storage.Watcher
	for range watchers {
		ws = append(ws, watch(t, e.c, "", storage.WatchOptions{ResourceVersion: start}))
	}
	for i := range events {
		mustCreate(t, e.store, widget("ns", fmt.Sprintf("w%02d", i), i, ""))
	}
	var wg sync.WaitGroup
	var first sync.Map
	for i, w := range ws {
		wg.Go(func() {
			for range events {
				ev, ok := next(t, w)
				if !ok || ev.Encoded == nil {
					t.Errorf("watcher %d: got %+v (open %v), want an event with Encoded", i, ev, ok)
					return
				}
				format := storage.Format(i % 2)
				data, err := ev.Encoded(format)
				if err != nil {
					t.Errorf("Encoded: %v", err)
					return
				}
				if format == storage.FormatProtobuf {
					data = bytes.TrimPrefix(data, []byte("pb:"))
				}
				var back storagetest.Widget
				if err := json.Unmarshal(data, &back); err != nil || back.ResourceVersion != strconv.FormatInt(ev.Revision, 10) || back.Kind != "Widget" {
					t.Errorf("encoding %s: does not carry rv %d and kind (%v)", data, ev.Revision, err)
				}
				// Every watcher gets the very same bytes of its format.
				p, _ := first.LoadOrStore(fmt.Sprint(ev.Revision, format), &data[0])
				if p.(*byte) != &data[0] {
					t.Errorf("watcher %d: event %d encoded separately", i, ev.Revision)
				}
			}
		})
	}
	wg.Wait()
	for f := range storage.NumFormats {
		if got := encodings[f].Load(); got != events {
			t.Errorf("encodings in format %d for %d events and %d watchers: got %d, want %d", f, events, watchers, got, events)
		}
	}
}

func TestIndexedFieldSelectorTransitions(t *testing.T) {
	t.Parallel()
	e := startCacher(t, nil)
	ctx := ctxFor(t)
	start, err := e.c.CurrentRevision(ctx)
	if err != nil {
		t.Fatal(err)
	}
	onA := storage.Predicate{Field: fields.OneTermEqualSelector("spec.node", "a"), Attrs: storagetest.WidgetAttrs}
	red, _ := labels.Parse("color=red")
	redInNS := storage.Predicate{Label: red, Attrs: storagetest.WidgetAttrs}
	wa := watch(t, e.c, "", storage.WatchOptions{ResourceVersion: start, Predicate: onA})
	wr := watch(t, e.c, "ns/", storage.WatchOptions{ResourceVersion: start, Predicate: redInNS})
	if w := wa.(*watcher); w.field != "spec.node" || w.value != "a" {
		t.Fatalf("watcher on spec.node=a indexed under %q=%q", w.field, w.value)
	}
	if w := wr.(*watcher); w.ns != "ns" {
		t.Fatalf("watcher of ns/ indexed under namespace %q", w.ns)
	}
	setNode := func(n string) func(*storagetest.Widget) { return func(w *storagetest.Widget) { w.Spec.Node = n } }
	setColor := func(c string) func(*storagetest.Widget) {
		return func(w *storagetest.Widget) { w.Labels = map[string]string{"color": c} }
	}
	mustCreate(t, e.c, widget("ns", "x", 1, "b"))          // neither
	r2 := mustUpdate(t, e.c, "ns/x", setNode("a"))         // a: ADDED
	r3 := mustUpdate(t, e.c, "ns/x", setColor("red"))      // a: MODIFIED, red: ADDED
	r4 := mustUpdate(t, e.c, "ns/x", setNode("b"))         // a: DELETED, red: MODIFIED
	r5 := mustUpdate(t, e.c, "ns/x", setColor("blue"))     // red: DELETED
	r6 := mustCreate(t, e.c, widget("other", "y", 2, "a")) // a: ADDED
	mustDelete(t, e.c, "other/y")                          // a: DELETED
	r7, err := e.c.CurrentRevision(ctx)
	if err != nil {
		t.Fatal(err)
	}
	wantA := []got{{api.Added, "ns/x", 1, r2}, {api.Modified, "ns/x", 1, r3}, {api.Deleted, "ns/x", 1, r4}, {api.Added, "other/y", 2, r6}, {api.Deleted, "other/y", 2, r7}}
	wantRed := []got{{api.Added, "ns/x", 1, r3}, {api.Modified, "ns/x", 1, r4}, {api.Deleted, "ns/x", 1, r5}}
	if diff := cmp.Diff(wantA, collect(t, wa, len(wantA))); diff != "" {
		t.Errorf("spec.node=a (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff(wantRed, collect(t, wr, len(wantRed))); diff != "" {
		t.Errorf("color=red in ns (-want +got):\n%s", diff)
	}
}

func TestBookmarks(t *testing.T) {
	t.Parallel()
	e := startCacher(t, func(cfg *Config) { cfg.BookmarkInterval = 100 * time.Millisecond })
	mustCreate(t, e.c, widget("ns", "a", 1, ""))
	mustCreate(t, e.c, widget("ns", "b", 2, ""))
	last := mustCreate(t, e.c, widget("other", "c", 3, ""))
	// A consistent list: the cache has caught up with the writes.
	if _, err := e.c.List(ctxFor(t), "", storage.ListOptions{}); err != nil {
		t.Fatal(err)
	}

	// sendInitialEvents: the state, the initial-events-end bookmark, then periodic ones.
	w := watch(t, e.c, "ns/", storage.WatchOptions{InitialEventsEnd: true, ProgressNotify: true})
	var types []api.EventType
	for len(types) < 4 {
		select {
		case ev := <-w.ResultChan():
			types = append(types, ev.Type)
			if ev.Type == api.Bookmark && len(types) == 3 && (!ev.InitialEventsEnd || ev.Revision < last) {
				t.Errorf("third event: got %+v, want the initial-events-end bookmark at >= %d", ev, last)
			}
		case <-time.After(waitTimeout):
			t.Fatalf("got %v, want 2 ADDED and 2 BOOKMARK", types)
		}
	}
	if want := []api.EventType{api.Added, api.Added, api.Bookmark, api.Bookmark}; !cmp.Equal(types, want) {
		t.Errorf("got %v, want %v", types, want)
	}

	// Without ProgressNotify there are no bookmarks: the next event is the change.
	quiet := watch(t, e.c, "ns/", storage.WatchOptions{ResourceVersion: last})
	timer := time.NewTimer(500 * time.Millisecond)
	defer timer.Stop()
	select {
	case ev := <-quiet.ResultChan():
		t.Fatalf("got %+v from a watch without bookmarks and without changes", ev)
	case <-timer.C:
	}

	// A watch whose deadline is near gets a bookmark shortly before it, not an
	// interval later.
	e2 := startCacher(t, func(cfg *Config) { cfg.BookmarkInterval = time.Hour })
	ctx, cancel := context.WithTimeout(ctxFor(t), bookmarkBeforeTimeout+time.Second)
	defer cancel()
	w2, err := e2.c.Watch(ctx, "", storage.WatchOptions{ResourceVersion: 1, ProgressNotify: true})
	if err != nil {
		t.Fatal(err)
	}
	defer w2.Stop()
	select {
	case ev := <-w2.ResultChan():
		if ev.Type != api.Bookmark {
			t.Fatalf("got %+v, want a BOOKMARK before the deadline", ev)
		}
	case <-ctx.Done():
		t.Fatal("no bookmark before the deadline")
	}
}

func TestMetricsAreRegistered(t *testing.T) {
	t.Parallel()
	reg := prometheus.NewRegistry()
	metrics, err := NewMetrics(reg)
	if err != nil {
		t.Fatal(err)
	}
	e := startCacher(t, func(cfg *Config) { cfg.Metrics = metrics })
	mustCreate(t, e.c, widget("ns", "a", 1, ""))
	if _, err := e.c.List(ctxFor(t), "", storage.ListOptions{}); err != nil {
		t.Fatal(err)
	}
	want := map[string]bool{
		"apiserver_watch_cache_capacity":              true,
		"apiserver_watch_cache_events_received_total": true,
		"apiserver_watch_cache_initialized_total":     true,
	}
	families, err := reg.Gather()
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range families {
		delete(want, f.GetName())
	}
	if len(want) != 0 {
		t.Errorf("metrics missing: %v", want)
	}
	if got := metricValue(t, metrics.capacity.WithLabelValues("widgets")); got != DefaultMinCapacity {
		t.Errorf("capacity: got %v, want %d", got, DefaultMinCapacity)
	}
	if got := metricValue(t, metrics.initialized.WithLabelValues("widgets")); got != 1 {
		t.Errorf("initializations: got %v, want 1", got)
	}
	if _, err := NewMetrics(reg); err == nil {
		t.Error("registering the metrics twice: got nil error")
	}
}

func TestRunTwiceAndAfterStop(t *testing.T) {
	t.Parallel()
	e := startCacher(t, nil)
	if err := e.c.Run(ctxFor(t)); err == nil {
		t.Fatal("second Run: got nil error")
	}
	c, err := New(Config{Storage: e.store, Resource: "widgets", Attrs: storagetest.WidgetAttrs})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(ctxFor(t))
	done := make(chan error, 1)
	go func() { done <- c.Run(ctx) }()
	<-c.Synced()
	w := watch(t, c, "", storage.WatchOptions{})
	cancel()
	if err := <-done; err != nil {
		t.Fatalf("Run: %v", err)
	}
	expectClosed(t, w)
	// After Run, requests pass through to storage.
	mustCreate(t, c, widget("ns", "a", 1, ""))
	res, err := c.List(ctxFor(t), "", storage.ListOptions{ResourceVersion: "0"})
	if err != nil || len(res.Items) != 1 || res.FromCache {
		t.Fatalf("list after Run: got %+v, %v; want 1 item from storage", res, err)
	}
}

func TestNewValidates(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		cfg  Config
	}{
		{"no storage", Config{Resource: "x"}},
		{"no resource", Config{Storage: (*storage.Store)(nil)}},
		{"min above max", Config{Storage: (*storage.Store)(nil), Resource: "x", MinCapacity: 10, MaxCapacity: 5}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			if _, err := New(tc.cfg); err == nil {
				t.Error("got nil error")
			}
		})
	}
}

// metricValue reads a counter or gauge.
func metricValue(t testing.TB, c prometheus.Collector) float64 {
	t.Helper()
	ch := make(chan prometheus.Metric, 1)
	c.Collect(ch)
	var m dto.Metric
	if err := (<-ch).Write(&m); err != nil {
		t.Fatalf("read metric: %v", err)
	}
	return m.GetCounter().GetValue() + m.GetGauge().GetValue()
}

// TestListContinuesFromCache pages through a resource: while nothing changes, every
// page comes from the cache at the first page's revision; after a change the next
// page comes from etcd at that same revision. Either way the pages hold every object
// once, as they were at the first page's revision, and count what remains.
func TestListContinuesFromCache(t *testing.T) {
	t.Parallel()
	e := startCacher(t, nil)
	ctx := ctxFor(t)
	for i := range 10 {
		mustCreate(t, e.c, widget([]string{"a", "b"}[i%2], fmt.Sprintf("w%02d", i), i, ""))
	}
	list := func(prefix string, opts storage.ListOptions) *storage.ListResult {
		t.Helper()
		res, err := e.c.List(ctx, prefix, opts)
		if err != nil {
			t.Fatalf("List: %v", err)
		}
		return res
	}
	keys := func(res *storage.ListResult) (out []string) {
		for _, it := range res.Items {
			m := it.GetObjectMeta()
			out = append(out, storage.ObjectKey(m.Namespace, m.Name)+"="+m.ResourceVersion)
		}
		return out
	}
	all := keys(list("", storage.ListOptions{}))

	first := list("", storage.ListOptions{Limit: 3})
	var got []string
	got = append(got, keys(first)...)
	second := list("", storage.ListOptions{Limit: 3, Continue: first.Continue})
	if !second.FromCache || second.ResourceVersion != first.ResourceVersion || second.RemainingItemCount == nil || *second.RemainingItemCount != 4 {
		t.Errorf("second page: from cache %v, rv %d (first %d), remaining %v; want from cache at the first's rv, 4 remaining",
			second.FromCache, second.ResourceVersion, first.ResourceVersion, second.RemainingItemCount)
	}
	got = append(got, keys(second)...)

	// A change: the rest comes from etcd, still at the first page's revision.
	mustUpdate(t, e.c, "a/w00", func(w *storagetest.Widget) { w.Spec.Value = 100 })
	last := mustCreate(t, e.c, widget("a", "w05x", 0, ""))
	list("", storage.ListOptions{ResourceVersion: strconv.FormatInt(last, 10)}) // the cache has seen them
	third := list("", storage.ListOptions{Limit: 3, Continue: second.Continue})
	if third.FromCache || third.ResourceVersion != first.ResourceVersion {
		t.Errorf("third page after a change: from cache %v, rv %d; want from etcd at %d", third.FromCache, third.ResourceVersion, first.ResourceVersion)
	}
	got = append(got, keys(third)...)
	for next := third.Continue; next != ""; {
		res := list("", storage.ListOptions{Limit: 3, Continue: next})
		got, next = append(got, keys(res)...), res.Continue
	}
	if diff := cmp.Diff(all, got); diff != "" {
		t.Errorf("pages (-all at the first revision +pages):\n%s", diff)
	}

	// In a namespace, with a label selector: from the cache again once nothing changes.
	even, _ := labels.Parse("parity!=odd")
	p := list("a/", storage.ListOptions{Limit: 2, Predicate: storage.Predicate{Label: even, Attrs: storagetest.WidgetAttrs}})
	q := list("a/", storage.ListOptions{Limit: 2, Continue: p.Continue, Predicate: storage.Predicate{Label: even, Attrs: storagetest.WidgetAttrs}})
	if !q.FromCache || q.RemainingItemCount != nil || len(q.Items) != 2 || !strings.HasPrefix(keys(q)[0], "a/") {
		t.Errorf("namespaced, filtered page: from cache %v, remaining %v, items %v", q.FromCache, q.RemainingItemCount, keys(q))
	}
	// A token outside the prefix, or beside a resourceVersion, is storage's to refuse.
	if _, err := e.c.List(ctx, "b/", storage.ListOptions{Limit: 2, Continue: p.Continue}); err == nil {
		t.Error("a token of a/ was accepted for b/")
	}
	if _, err := e.c.List(ctx, "", storage.ListOptions{Limit: 2, Continue: p.Continue, ResourceVersion: "5"}); err == nil {
		t.Error("a token beside a resourceVersion was accepted")
	}
}
