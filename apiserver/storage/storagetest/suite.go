package storagetest

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	clientv3 "go.etcd.io/etcd/client/v3"

	"github.com/orrery-dev/orrery/api"
	"github.com/orrery-dev/orrery/api/fields"
	"github.com/orrery-dev/orrery/api/labels"
	"github.com/orrery-dev/orrery/apiserver/storage"
)

// Harness is what the suite tests: a storage of Widgets (storage.Config.NewFunc
// NewWidget, Attrs WidgetAttrs) and the etcd beneath it.
type Harness struct {
	Store storage.Interface
	// Client reaches the etcd the store keeps its data in.
	Client *clientv3.Client
	// EtcdPrefix is the etcd key prefix of the stored widgets, ending in "/".
	EtcdPrefix string
	// RequestProgress, if set, makes the store's ProgressNotify watches send a bookmark.
	RequestProgress func(ctx context.Context) error
	// SharedEtcd reports that the etcd is shared with others: the suite then skips the
	// tests that compact it.
	SharedEtcd bool
}

// Factory makes a fresh Harness for one test.
type Factory func(t *testing.T) Harness

// waitTimeout bounds every wait for an event in the suite.
const waitTimeout = 30 * time.Second

// Run runs the conformance suite.
func Run(t *testing.T, newHarness Factory) {
	tests := []struct {
		name string
		fn   func(*testing.T, Harness)
	}{
		{"CreateTwiceIsAlreadyExists", testCreateTwice},
		{"CreateWithResourceVersionIsBadRequest", testCreateWithRV},
		{"GetMissingAndTooLarge", testGet},
		{"StaleUpdateIsConflictAndStoresNothing", testStaleUpdate},
		{"ConcurrentGuaranteedUpdatesLoseNothing", testConcurrentUpdates},
		{"UpdateWithoutChangeKeepsResourceVersion", testNoopUpdate},
		{"UpdatePreconditionsAndCreateOnUpdate", testUpdatePreconditions},
		{"DeletePreconditions", testDeletePreconditions},
		{"WatchFromEveryRevision", testWatchFromEveryRevision},
		{"WatchFromZeroSendsCurrentState", testWatchFromZero},
		{"WatchSelectorTransitions", testWatchSelectorTransitions},
		{"WatchCompactedIsExpired", testWatchCompacted},
		{"WatchProgressNotify", testWatchProgress},
		{"ListPagingConsistentUnderWrites", testListPaging},
		{"ListSelectors", testListSelectors},
		{"ListExactAndCompacted", testListExact},
		{"ListContinueTokens", testListContinueTokens},
		{"CorruptValueFailsOnlyItsRequests", testCorruptValue},
		{"TransactionEventsAllDelivered", testTransactionEvents},
		{"ListExactFutureIsTooLarge", testListExactFuture},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			tc.fn(t, newHarness(t))
		})
	}
}

func ctxFor(t *testing.T) context.Context {
	ctx, cancel := context.WithTimeout(t.Context(), 2*time.Minute)
	t.Cleanup(cancel)
	return ctx
}

func mustCreate(t *testing.T, s storage.Interface, w *Widget) *Widget {
	t.Helper()
	out, err := s.Create(ctxFor(t), storage.ObjectKey(w.Namespace, w.Name), w)
	if err != nil {
		t.Fatalf("Create %s/%s: %v", w.Namespace, w.Name, err)
	}
	return out.(*Widget)
}

func mustGet(t *testing.T, s storage.Interface, key string) *Widget {
	t.Helper()
	out, err := s.Get(ctxFor(t), key, storage.GetOptions{})
	if err != nil {
		t.Fatalf("Get %s: %v", key, err)
	}
	return out.(*Widget)
}

func rv(t *testing.T, obj api.Object) int64 {
	t.Helper()
	n, err := strconv.ParseInt(obj.GetObjectMeta().ResourceVersion, 10, 64)
	if err != nil || n <= 0 {
		t.Fatalf("resourceVersion %q of %s is not a positive revision", obj.GetObjectMeta().ResourceVersion, obj.GetObjectMeta().Name)
	}
	return n
}

func setValue(v int) storage.UpdateFunc {
	return func(cur api.Object) (api.Object, error) {
		cur.(*Widget).Spec.Value = v
		return cur, nil
	}
}

func testCreateTwice(t *testing.T, h Harness) {
	created := mustCreate(t, h.Store, widget("ns", "a", 1, nil))
	rv(t, created)
	_, err := h.Store.Create(ctxFor(t), "ns/a", widget("ns", "a", 2, nil))
	if !storage.IsAlreadyExists(err) {
		t.Fatalf("second Create: got %v, want AlreadyExists", err)
	}
	got := mustGet(t, h.Store, "ns/a")
	if got.Spec.Value != 1 || got.ResourceVersion != created.ResourceVersion {
		t.Errorf("after second Create: got value %d rv %s, want 1 rv %s", got.Spec.Value, got.ResourceVersion, created.ResourceVersion)
	}
}

func testCreateWithRV(t *testing.T, h Harness) {
	w := widget("ns", "a", 1, nil)
	w.ResourceVersion = "5"
	if _, err := h.Store.Create(ctxFor(t), "ns/a", w); !storage.IsBadRequest(err) {
		t.Fatalf("Create with resourceVersion: got %v, want BadRequest", err)
	}
}

func testGet(t *testing.T, h Harness) {
	ctx := ctxFor(t)
	if _, err := h.Store.Get(ctx, "ns/missing", storage.GetOptions{}); !storage.IsNotFound(err) {
		t.Fatalf("Get missing: got %v, want NotFound", err)
	}
	w := mustCreate(t, h.Store, widget("ns", "a", 1, nil))
	got, err := h.Store.Get(ctx, "ns/a", storage.GetOptions{ResourceVersion: w.ResourceVersion})
	if err != nil || got.GetObjectMeta().ResourceVersion != w.ResourceVersion {
		t.Fatalf("Get at own rv: got %v, %v", got, err)
	}
	future := strconv.FormatInt(rv(t, w)+1000, 10)
	if _, err := h.Store.Get(ctx, "ns/a", storage.GetOptions{ResourceVersion: future}); !storage.IsTooLargeResourceVersion(err) {
		t.Fatalf("Get at future rv: got %v, want TooLargeResourceVersion", err)
	}
	if _, err := h.Store.Get(ctx, "ns/a", storage.GetOptions{ResourceVersion: "x"}); !storage.IsBadRequest(err) {
		t.Fatalf("Get at rv x: got %v, want BadRequest", err)
	}
}

func testStaleUpdate(t *testing.T, h Harness) {
	ctx := ctxFor(t)
	first := mustCreate(t, h.Store, widget("ns", "a", 1, nil))
	second, err := h.Store.GuaranteedUpdate(ctx, "ns/a", storage.UpdateOptions{}, setValue(2))
	if err != nil {
		t.Fatalf("update: %v", err)
	}
	// A client that read the first version sends its change with that resourceVersion.
	_, err = h.Store.GuaranteedUpdate(ctx, "ns/a", storage.UpdateOptions{}, func(api.Object) (api.Object, error) {
		stale := widget("ns", "a", 3, nil)
		stale.ResourceVersion = first.ResourceVersion
		return stale, nil
	})
	if !storage.IsConflict(err) {
		t.Fatalf("stale update: got %v, want Conflict", err)
	}
	if got := err.Error(); got != api.ConflictMessage {
		t.Errorf("stale update message: got %q, want %q", got, api.ConflictMessage)
	}
	got := mustGet(t, h.Store, "ns/a")
	if got.Spec.Value != 2 || got.ResourceVersion != second.GetObjectMeta().ResourceVersion {
		t.Errorf("after stale update: got value %d rv %s, want 2 rv %s", got.Spec.Value, got.ResourceVersion, second.GetObjectMeta().ResourceVersion)
	}
}

func testConcurrentUpdates(t *testing.T, h Harness) {
	ctx := ctxFor(t)
	mustCreate(t, h.Store, widget("ns", "counter", 0, nil))
	const n = 50
	var wg sync.WaitGroup
	errs := make(chan error, n)
	for range n {
		wg.Go(func() {
			_, err := h.Store.GuaranteedUpdate(ctx, "ns/counter", storage.UpdateOptions{}, func(cur api.Object) (api.Object, error) {
				cur.(*Widget).Spec.Value++
				return cur, nil
			})
			errs <- err
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Fatalf("concurrent update: %v", err)
		}
	}
	if got := mustGet(t, h.Store, "ns/counter").Spec.Value; got != n {
		t.Fatalf("counter after %d concurrent increments: got %d, want %d", n, got, n)
	}
}

func testNoopUpdate(t *testing.T, h Harness) {
	w := mustCreate(t, h.Store, widget("ns", "a", 1, nil))
	out, err := h.Store.GuaranteedUpdate(ctxFor(t), "ns/a", storage.UpdateOptions{}, setValue(1))
	if err != nil {
		t.Fatalf("update: %v", err)
	}
	if got, want := out.GetObjectMeta().ResourceVersion, w.ResourceVersion; got != want {
		t.Errorf("no-op update resourceVersion: got %s, want %s", got, want)
	}
}

func testUpdatePreconditions(t *testing.T, h Harness) {
	ctx := ctxFor(t)
	w := mustCreate(t, h.Store, widget("ns", "a", 1, nil))
	wrong := "other-uid"
	_, err := h.Store.GuaranteedUpdate(ctx, "ns/a", storage.UpdateOptions{Preconditions: &storage.Preconditions{UID: &wrong}}, setValue(2))
	if !storage.IsConflict(err) {
		t.Fatalf("update with wrong uid: got %v, want Conflict", err)
	}
	staleRV := "1"
	_, err = h.Store.GuaranteedUpdate(ctx, "ns/a", storage.UpdateOptions{Preconditions: &storage.Preconditions{ResourceVersion: &staleRV}}, setValue(2))
	if !storage.IsConflict(err) {
		t.Fatalf("update with stale rv precondition: got %v, want Conflict", err)
	}
	if got := mustGet(t, h.Store, "ns/a"); got.Spec.Value != 1 || got.ResourceVersion != w.ResourceVersion {
		t.Fatalf("failed preconditions changed the object: %+v", got)
	}
	if _, err := h.Store.GuaranteedUpdate(ctx, "ns/missing", storage.UpdateOptions{}, setValue(2)); !storage.IsNotFound(err) {
		t.Fatalf("update of missing key: got %v, want NotFound", err)
	}
	out, err := h.Store.GuaranteedUpdate(ctx, "ns/b", storage.UpdateOptions{IgnoreNotFound: true}, func(cur api.Object) (api.Object, error) {
		if cur != nil {
			return nil, fmt.Errorf("create-on-update got %v, want nil", cur)
		}
		return widget("ns", "b", 7, nil), nil
	})
	if err != nil {
		t.Fatalf("create-on-update: %v", err)
	}
	if got := mustGet(t, h.Store, "ns/b"); got.Spec.Value != 7 || got.ResourceVersion != out.GetObjectMeta().ResourceVersion {
		t.Fatalf("create-on-update stored %+v, returned rv %s", got, out.GetObjectMeta().ResourceVersion)
	}
}

func testDeletePreconditions(t *testing.T, h Harness) {
	ctx := ctxFor(t)
	w := mustCreate(t, h.Store, widget("ns", "a", 1, nil))
	wrong := "other-uid"
	_, err := h.Store.Delete(ctx, "ns/a", storage.DeleteOptions{Preconditions: &storage.Preconditions{UID: &wrong}})
	if !storage.IsConflict(err) {
		t.Fatalf("delete with wrong uid: got %v, want Conflict", err)
	}
	if got := mustGet(t, h.Store, "ns/a"); got.ResourceVersion != w.ResourceVersion {
		t.Fatalf("failed delete changed the object")
	}
	refuse := fmt.Errorf("refused")
	_, err = h.Store.Delete(ctx, "ns/a", storage.DeleteOptions{Validate: func(api.Object) error { return refuse }})
	if err != refuse {
		t.Fatalf("delete refused by Validate: got %v, want %v", err, refuse)
	}
	mustGet(t, h.Store, "ns/a")
	uid := w.UID
	deleted, err := h.Store.Delete(ctx, "ns/a", storage.DeleteOptions{Preconditions: &storage.Preconditions{UID: &uid}})
	if err != nil {
		t.Fatalf("delete: %v", err)
	}
	if got := deleted.(*Widget); got.Spec.Value != 1 || got.UID != uid {
		t.Errorf("delete returned %+v, want the last state", got)
	}
	if _, err := h.Store.Get(ctx, "ns/a", storage.GetOptions{}); !storage.IsNotFound(err) {
		t.Fatalf("Get after delete: got %v, want NotFound", err)
	}
	if _, err := h.Store.Delete(ctx, "ns/a", storage.DeleteOptions{}); !storage.IsNotFound(err) {
		t.Fatalf("delete missing: got %v, want NotFound", err)
	}
}

// seen is a watch event reduced to what the suite compares.
type seen struct {
	Type  api.EventType
	Key   string
	Value int
	RV    int64
}

func summarize(t *testing.T, ev storage.Event) seen {
	t.Helper()
	if ev.Type == api.Error {
		t.Fatalf("unexpected ERROR event: %v", ev.Err)
	}
	w := ev.Object.(*Widget)
	got := seen{Type: ev.Type, Key: storage.ObjectKey(w.Namespace, w.Name), Value: w.Spec.Value, RV: rv(t, w)}
	if got.RV != ev.Revision {
		t.Fatalf("event %s %s: object rv %d, event revision %d", ev.Type, got.Key, got.RV, ev.Revision)
	}
	return got
}

// collect reads n events from w, failing the test if they do not come in time.
func collect(t *testing.T, w storage.Watcher, n int) []seen {
	t.Helper()
	var out []seen
	timer := time.NewTimer(waitTimeout)
	defer timer.Stop()
	for len(out) < n {
		select {
		case ev, ok := <-w.ResultChan():
			if !ok {
				t.Fatalf("watch closed after %d of %d events: %v", len(out), n, out)
			}
			if ev.Type == api.Bookmark {
				continue
			}
			out = append(out, summarize(t, ev))
		case <-timer.C:
			t.Fatalf("got %d of %d events in %s: %v", len(out), n, waitTimeout, out)
		}
	}
	return out
}

// expectOnlyMarker creates marker and fails if w delivers any other event before the
// marker's ADDED event, which it returns.
func expectOnlyMarker(t *testing.T, h Harness, w storage.Watcher, marker *Widget) seen {
	t.Helper()
	mustCreate(t, h.Store, marker)
	got := collect(t, w, 1)
	if got[0].Key != storage.ObjectKey(marker.Namespace, marker.Name) {
		t.Fatalf("unexpected event before the marker: %+v", got[0])
	}
	return got[0]
}

func testWatchFromEveryRevision(t *testing.T, h Harness) {
	ctx := ctxFor(t)
	// A script of changes; record each resulting event with its revision.
	var history []seen
	record := func(typ api.EventType, obj api.Object, value int) {
		m := obj.GetObjectMeta()
		history = append(history, seen{Type: typ, Key: storage.ObjectKey(m.Namespace, m.Name), Value: value, RV: rv(t, obj)})
	}
	start, err := h.Store.CurrentRevision(ctx)
	if err != nil {
		t.Fatalf("CurrentRevision: %v", err)
	}
	for i := range 5 {
		w := mustCreate(t, h.Store, widget("ns", "w"+strconv.Itoa(i), i, nil))
		record(api.Added, w, i)
	}
	for i := range 5 {
		out, err := h.Store.GuaranteedUpdate(ctx, "ns/w"+strconv.Itoa(i), storage.UpdateOptions{}, setValue(10+i))
		if err != nil {
			t.Fatalf("update: %v", err)
		}
		record(api.Modified, out, 10+i)
	}
	for _, i := range []int{3, 0} {
		out, err := h.Store.Delete(ctx, "ns/w"+strconv.Itoa(i), storage.DeleteOptions{})
		if err != nil {
			t.Fatalf("delete: %v", err)
		}
		cur, err := h.Store.CurrentRevision(ctx)
		if err != nil {
			t.Fatalf("CurrentRevision: %v", err)
		}
		history = append(history, seen{Type: api.Deleted, Key: "ns/w" + strconv.Itoa(i), Value: out.(*Widget).Spec.Value, RV: cur})
	}
	// From every revision in the script, the watch gives exactly the later events. Each
	// round ends with a marker write, which later rounds see too.
	end := history[len(history)-1].RV
	for from := start; from <= end; from++ {
		var want []seen
		for _, ev := range history {
			if ev.RV > from {
				want = append(want, ev)
			}
		}
		w, err := h.Store.Watch(ctx, "ns/", storage.WatchOptions{ResourceVersion: from})
		if err != nil {
			t.Fatalf("Watch from %d: %v", from, err)
		}
		got := collect(t, w, len(want))
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("watch from %d (-want +got):\n%s", from, diff)
		}
		marker := expectOnlyMarker(t, h, w, widget("ns", fmt.Sprintf("marker-%d", from), 0, nil))
		history = append(history, marker)
		w.Stop()
	}
}

func testWatchFromZero(t *testing.T, h Harness) {
	ctx := ctxFor(t)
	mustCreate(t, h.Store, widget("ns", "a", 1, nil))
	mustCreate(t, h.Store, widget("ns", "b", 2, nil))
	mustCreate(t, h.Store, widget("other", "c", 3, nil))
	w, err := h.Store.Watch(ctx, "ns/", storage.WatchOptions{})
	if err != nil {
		t.Fatalf("Watch: %v", err)
	}
	defer w.Stop()
	got := collect(t, w, 2)
	for i, key := range []string{"ns/a", "ns/b"} {
		if got[i].Type != api.Added || got[i].Key != key {
			t.Errorf("initial event %d: got %+v, want ADDED %s", i, got[i], key)
		}
	}
	if _, err := h.Store.GuaranteedUpdate(ctx, "ns/a", storage.UpdateOptions{}, setValue(5)); err != nil {
		t.Fatalf("update: %v", err)
	}
	if got := collect(t, w, 1)[0]; got.Type != api.Modified || got.Key != "ns/a" || got.Value != 5 {
		t.Errorf("after update: got %+v, want MODIFIED ns/a 5", got)
	}
}

func testWatchSelectorTransitions(t *testing.T, h Harness) {
	ctx := ctxFor(t)
	sel, err := labels.Parse("app=web")
	if err != nil {
		t.Fatalf("parse selector: %v", err)
	}
	fsel, err := fields.Parse("spec.node!=bad")
	if err != nil {
		t.Fatalf("parse field selector: %v", err)
	}
	w, err := h.Store.Watch(ctx, "", storage.WatchOptions{
		ResourceVersion: 1,
		Predicate:       storage.Predicate{Label: sel, Field: fsel, Attrs: WidgetAttrs},
	})
	if err != nil {
		t.Fatalf("Watch: %v", err)
	}
	defer w.Stop()
	setLabel := func(v string) storage.UpdateFunc {
		return func(cur api.Object) (api.Object, error) {
			cur.(*Widget).Labels = map[string]string{"app": v}
			return cur, nil
		}
	}
	mustCreate(t, h.Store, widget("ns", "a", 1, map[string]string{"app": "db"}))  // no match: nothing
	mustUpdate(t, h, "ns/a", setLabel("web"))                                     // starts matching: ADDED
	mustUpdate(t, h, "ns/a", setValue(2))                                         // still matches: MODIFIED
	mustUpdate(t, h, "ns/a", setLabel("db"))                                      // stops matching: DELETED
	mustUpdate(t, h, "ns/a", setValue(3))                                         // no match: nothing
	mustCreate(t, h.Store, widget("ns", "b", 1, map[string]string{"app": "web"})) // ADDED
	mustUpdate(t, h, "ns/b", func(cur api.Object) (api.Object, error) {           // field stops matching: DELETED
		cur.(*Widget).Spec.Node = "bad"
		return cur, nil
	})
	mustCreate(t, h.Store, widget("ns", "c", 1, map[string]string{"app": "web"})) // ADDED
	if _, err := h.Store.Delete(ctx, "ns/c", storage.DeleteOptions{}); err != nil {
		t.Fatalf("delete: %v", err)
	} // DELETED
	got := collect(t, w, 7)
	want := []struct {
		typ   api.EventType
		key   string
		value int
	}{
		{api.Added, "ns/a", 1}, {api.Modified, "ns/a", 2}, {api.Deleted, "ns/a", 2},
		{api.Added, "ns/b", 1}, {api.Deleted, "ns/b", 1},
		{api.Added, "ns/c", 1}, {api.Deleted, "ns/c", 1},
	}
	for i, wnt := range want {
		if got[i].Type != wnt.typ || got[i].Key != wnt.key || got[i].Value != wnt.value {
			t.Errorf("event %d: got %+v, want %s %s value %d", i, got[i], wnt.typ, wnt.key, wnt.value)
		}
	}
}

func mustUpdate(t *testing.T, h Harness, key string, fn storage.UpdateFunc) api.Object {
	t.Helper()
	out, err := h.Store.GuaranteedUpdate(ctxFor(t), key, storage.UpdateOptions{}, fn)
	if err != nil {
		t.Fatalf("update %s: %v", key, err)
	}
	return out
}

func compact(t *testing.T, h Harness, rev int64) {
	t.Helper()
	if _, err := h.Client.Compact(ctxFor(t), rev, clientv3.WithCompactPhysical()); err != nil {
		t.Fatalf("compact to %d: %v", rev, err)
	}
}

func testWatchCompacted(t *testing.T, h Harness) {
	if h.SharedEtcd {
		t.Skip("compacts etcd, which is shared")
	}
	ctx := ctxFor(t)
	first := mustCreate(t, h.Store, widget("ns", "a", 1, nil))
	mustUpdate(t, h, "ns/a", setValue(2))
	last := mustUpdate(t, h, "ns/a", setValue(3))
	// Revisions before last are gone; a watch from first needs first+1, which is.
	compact(t, h, rv(t, last))
	w, err := h.Store.Watch(ctx, "ns/", storage.WatchOptions{ResourceVersion: rv(t, first)})
	if err != nil {
		t.Fatalf("Watch: %v", err)
	}
	defer w.Stop()
	select {
	case ev, ok := <-w.ResultChan():
		if !ok || ev.Type != api.Error || !storage.IsExpired(ev.Err) {
			t.Fatalf("watch from compacted revision: got %+v (open %v), want ERROR Expired", ev, ok)
		}
		want := fmt.Sprintf("too old resource version: %d (%d)", rv(t, first), rv(t, last))
		if ev.Err.Error() != want {
			t.Errorf("Expired message: got %q, want %q", ev.Err.Error(), want)
		}
	case <-time.After(waitTimeout):
		t.Fatal("no event from a watch at a compacted revision")
	}
	select {
	case ev, ok := <-w.ResultChan():
		if ok {
			t.Fatalf("watch went on after ERROR: %+v", ev)
		}
	case <-time.After(waitTimeout):
		t.Fatal("watch not closed after ERROR")
	}
}

func testWatchProgress(t *testing.T, h Harness) {
	if h.RequestProgress == nil {
		t.Skip("the store cannot be asked for progress")
	}
	ctx := ctxFor(t)
	w0 := mustCreate(t, h.Store, widget("ns", "a", 1, nil))
	w, err := h.Store.Watch(ctx, "ns/", storage.WatchOptions{ResourceVersion: rv(t, w0), ProgressNotify: true})
	if err != nil {
		t.Fatalf("Watch: %v", err)
	}
	defer w.Stop()
	// Writes elsewhere move the revision on while this watch sees nothing.
	other := mustCreate(t, h.Store, widget("elsewhere", "x", 1, nil))
	deadline := time.After(waitTimeout)
	for {
		if err := h.RequestProgress(ctx); err != nil {
			t.Fatalf("RequestProgress: %v", err)
		}
		select {
		case ev := <-w.ResultChan():
			if ev.Type != api.Bookmark {
				t.Fatalf("got %+v, want only BOOKMARK", ev)
			}
			if ev.Revision >= rv(t, other) {
				return
			}
		case <-deadline:
			t.Fatalf("no bookmark at revision >= %d", rv(t, other))
		case <-time.After(100 * time.Millisecond):
			// Ask again: the request may have raced the watch's start.
		}
	}
}

func testListPaging(t *testing.T, h Harness) {
	ctx := ctxFor(t)
	const n, limit = 1000, 37
	createMany(t, h, "ns", n)
	// Writers change every object and add new ones while the pages are read.
	writeCtx, stopWriters := context.WithCancel(ctx)
	var wg sync.WaitGroup
	for wr := range 4 {
		wg.Go(func() {
			for i := 0; writeCtx.Err() == nil; i++ {
				key := fmt.Sprintf("ns/obj-%04d", (i*4+wr)%n)
				h.Store.GuaranteedUpdate(writeCtx, key, storage.UpdateOptions{}, setValue(-1))
				h.Store.Create(writeCtx, fmt.Sprintf("ns/new-%d-%d", wr, i), widget("ns", fmt.Sprintf("new-%d-%d", wr, i), -1, nil))
			}
		})
	}
	defer func() { stopWriters(); wg.Wait() }()

	var keys []string
	var listRV int64
	token := ""
	pages := 0
	for {
		res, err := h.Store.List(ctx, "ns/", storage.ListOptions{Limit: limit, Continue: token})
		if err != nil {
			t.Fatalf("List page %d: %v", pages, err)
		}
		pages++
		if pages == 1 {
			listRV = res.ResourceVersion
		} else if res.ResourceVersion != listRV {
			t.Fatalf("page %d read at %d, first page at %d", pages, res.ResourceVersion, listRV)
		}
		if res.Continue != "" && len(res.Items) != limit {
			t.Fatalf("page %d has %d items, want %d", pages, len(res.Items), limit)
		}
		for _, it := range res.Items {
			w := it.(*Widget)
			if rv(t, w) > listRV {
				t.Fatalf("item %s at rv %d is newer than the list's %d", w.Name, rv(t, w), listRV)
			}
			keys = append(keys, fmt.Sprintf("%s/%s@%s=%d", w.Namespace, w.Name, w.ResourceVersion, w.Spec.Value))
		}
		if res.Continue == "" {
			break
		}
		token = res.Continue
	}
	stopWriters()
	wg.Wait()
	// The list is the state at listRV: compare with an exact list at that revision.
	want, err := h.Store.List(ctx, "ns/", storage.ListOptions{ResourceVersion: strconv.FormatInt(listRV, 10), ResourceVersionMatch: storage.MatchExact})
	if err != nil {
		t.Fatalf("exact list: %v", err)
	}
	var wantKeys []string
	for _, it := range want.Items {
		w := it.(*Widget)
		wantKeys = append(wantKeys, fmt.Sprintf("%s/%s@%s=%d", w.Namespace, w.Name, w.ResourceVersion, w.Spec.Value))
	}
	if !slices.IsSorted(keys) {
		t.Errorf("paged keys are not in key order")
	}
	if diff := cmp.Diff(wantKeys, keys); diff != "" {
		t.Errorf("paged list differs from the state at %d (-want +got):\n%s", listRV, diff)
	}
	if got := len(keys); got < n {
		t.Errorf("paged list has %d items, want at least %d", got, n)
	}
	if wantPages := (len(keys) + limit - 1) / limit; pages != wantPages {
		t.Errorf("got %d pages, want %d", pages, wantPages)
	}
}

func createMany(t *testing.T, h Harness, ns string, n int) {
	t.Helper()
	ctx := ctxFor(t)
	var wg sync.WaitGroup
	errs := make(chan error, n)
	sem := make(chan struct{}, 32)
	for i := range n {
		sem <- struct{}{}
		wg.Go(func() {
			defer func() { <-sem }()
			w := widget(ns, fmt.Sprintf("obj-%04d", i), i, map[string]string{"parity": []string{"even", "odd"}[i%2]})
			if i%3 == 0 {
				w.Spec.Node = "node-a"
			}
			_, err := h.Store.Create(ctx, storage.ObjectKey(ns, w.Name), w)
			errs <- err
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Fatalf("create: %v", err)
		}
	}
}

func testListSelectors(t *testing.T, h Harness) {
	ctx := ctxFor(t)
	createMany(t, h, "ns", 100)
	createMany(t, h, "other", 10)
	odd, _ := labels.Parse("parity=odd")
	onA := fields.OneTermEqualSelector("spec.node", "node-a")
	tests := []struct {
		name   string
		prefix string
		pred   storage.Predicate
		limit  int64
		want   func(i int) bool
		wantN  int
	}{
		{"all in ns", "ns/", storage.Predicate{}, 0, func(int) bool { return true }, 100},
		{"labels", "ns/", storage.Predicate{Label: odd, Attrs: WidgetAttrs}, 0, func(i int) bool { return i%2 == 1 }, 50},
		{"fields", "ns/", storage.Predicate{Field: onA, Attrs: WidgetAttrs}, 0, func(i int) bool { return i%3 == 0 }, 34},
		{"both, paged by 7", "ns/", storage.Predicate{Label: odd, Field: onA, Attrs: WidgetAttrs}, 7, func(i int) bool { return i%2 == 1 && i%3 == 0 }, 17},
		{"labels across namespaces, paged by 5", "", storage.Predicate{Label: odd, Attrs: WidgetAttrs}, 5, func(i int) bool { return i%2 == 1 }, 55},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var got []*Widget
			token := ""
			for {
				res, err := h.Store.List(ctx, tc.prefix, storage.ListOptions{Predicate: tc.pred, Limit: tc.limit, Continue: token})
				if err != nil {
					t.Fatalf("List: %v", err)
				}
				if tc.limit > 0 && res.Continue != "" && int64(len(res.Items)) != tc.limit {
					t.Fatalf("page of %d items, want %d", len(res.Items), tc.limit)
				}
				if !tc.pred.Empty() && res.RemainingItemCount != nil {
					t.Errorf("remainingItemCount set on a filtered list")
				}
				for _, it := range res.Items {
					got = append(got, it.(*Widget))
				}
				if res.Continue == "" {
					break
				}
				token = res.Continue
			}
			if len(got) != tc.wantN {
				t.Errorf("got %d items, want %d", len(got), tc.wantN)
			}
			for _, w := range got {
				if !tc.want(w.Spec.Value) {
					t.Errorf("item %s/%s should not match", w.Namespace, w.Name)
				}
			}
		})
	}
}

func testListExact(t *testing.T, h Harness) {
	ctx := ctxFor(t)
	a := mustCreate(t, h.Store, widget("ns", "a", 1, nil))
	mustUpdate(t, h, "ns/a", setValue(2))
	mustCreate(t, h.Store, widget("ns", "b", 1, nil))
	res, err := h.Store.List(ctx, "ns/", storage.ListOptions{ResourceVersion: a.ResourceVersion, ResourceVersionMatch: storage.MatchExact})
	if err != nil {
		t.Fatalf("exact list: %v", err)
	}
	if len(res.Items) != 1 || res.Items[0].(*Widget).Spec.Value != 1 || res.ResourceVersion != rv(t, a) {
		t.Fatalf("exact list at %s: got %d items at %d, want only a with value 1", a.ResourceVersion, len(res.Items), res.ResourceVersion)
	}
	cur, err := h.Store.CurrentRevision(ctx)
	if err != nil {
		t.Fatalf("CurrentRevision: %v", err)
	}
	future := strconv.FormatInt(cur+100, 10)
	if _, err := h.Store.List(ctx, "ns/", storage.ListOptions{ResourceVersion: future}); !storage.IsTooLargeResourceVersion(err) {
		t.Fatalf("list not older than a future rv: got %v, want TooLargeResourceVersion", err)
	}
	res, err = h.Store.List(ctx, "ns/", storage.ListOptions{ResourceVersion: a.ResourceVersion, ResourceVersionMatch: storage.MatchNotOlderThan})
	if err != nil || len(res.Items) != 2 {
		t.Fatalf("list not older than %s: got %v, %v; want 2 items", a.ResourceVersion, res, err)
	}
	if h.SharedEtcd {
		return
	}
	compact(t, h, cur)
	if _, err := h.Store.List(ctx, "ns/", storage.ListOptions{ResourceVersion: a.ResourceVersion, ResourceVersionMatch: storage.MatchExact}); !storage.IsExpired(err) {
		t.Fatalf("exact list at a compacted revision: got %v, want Expired", err)
	}
}

func testListContinueTokens(t *testing.T, h Harness) {
	ctx := ctxFor(t)
	createMany(t, h, "ns", 10)
	res, err := h.Store.List(ctx, "ns/", storage.ListOptions{Limit: 3})
	if err != nil {
		t.Fatalf("List: %v", err)
	}
	if res.RemainingItemCount == nil || *res.RemainingItemCount != 7 {
		t.Errorf("remainingItemCount: got %v, want 7", res.RemainingItemCount)
	}
	for _, bad := range []string{"garbage!", "eyJ2IjoieCJ9", res.Continue + "x"} {
		if _, err := h.Store.List(ctx, "ns/", storage.ListOptions{Limit: 3, Continue: bad}); !storage.IsBadRequest(err) {
			t.Errorf("continue %q: got %v, want BadRequest", bad, err)
		}
	}
	if _, err := h.Store.List(ctx, "other/", storage.ListOptions{Limit: 3, Continue: res.Continue}); !storage.IsBadRequest(err) {
		t.Errorf("continue token of another prefix: got %v, want BadRequest", err)
	}
	if h.SharedEtcd {
		return
	}
	mustUpdate(t, h, "ns/obj-0000", setValue(100))
	cur, err := h.Store.CurrentRevision(ctx)
	if err != nil {
		t.Fatalf("CurrentRevision: %v", err)
	}
	compact(t, h, cur)
	if _, err := h.Store.List(ctx, "ns/", storage.ListOptions{Limit: 3, Continue: res.Continue}); !storage.IsExpired(err) {
		t.Fatalf("continue after compaction: got %v, want Expired", err)
	}
}

// testCorruptValue: a stored value that does not decode fails the requests for its own
// key, and only those. Lists and watches pass over it, as if the object were absent:
// an object whose value becomes unreadable is DELETED for watchers, and appears again
// when a readable value is written.
func testCorruptValue(t *testing.T, h Harness) {
	ctx := ctxFor(t)
	mustCreate(t, h.Store, widget("ns", "good", 1, nil))
	victim := mustCreate(t, h.Store, widget("ns", "victim", 2, nil))
	w, err := h.Store.Watch(ctx, "ns/", storage.WatchOptions{ResourceVersion: rv(t, victim)})
	if err != nil {
		t.Fatalf("Watch: %v", err)
	}
	defer w.Stop()
	const corrupt = `{"metadata": {"name": 5}`
	for _, key := range []string{"ns/bad", "ns/victim"} {
		if _, err := h.Client.Put(ctx, h.EtcdPrefix+key, corrupt); err != nil {
			t.Fatalf("put corrupt value: %v", err)
		}
	}
	for _, key := range []string{"ns/bad", "ns/victim"} {
		if _, err := h.Store.Get(ctx, key, storage.GetOptions{}); !storage.IsInvalid(err) || !containsKey(err, key) {
			t.Fatalf("Get of a corrupt value: got %v, want Invalid naming %s", err, key)
		}
	}
	if _, err := h.Store.GuaranteedUpdate(ctx, "ns/bad", storage.UpdateOptions{}, setValue(2)); !storage.IsInvalid(err) {
		t.Fatalf("update of a corrupt value: got %v, want Invalid", err)
	}
	listKeys := func(opts storage.ListOptions) []string {
		t.Helper()
		var keys []string
		for {
			res, err := h.Store.List(ctx, "ns/", opts)
			if err != nil {
				t.Fatalf("List %+v over corrupt values: %v", opts, err)
			}
			for _, it := range res.Items {
				keys = append(keys, storage.ObjectKey(it.GetObjectMeta().Namespace, it.GetObjectMeta().Name))
			}
			if res.Continue == "" {
				return keys
			}
			opts = storage.ListOptions{Limit: opts.Limit, Continue: res.Continue}
		}
	}
	for _, opts := range []storage.ListOptions{{}, {Limit: 1}, {ResourceVersion: "0"}} {
		if got := listKeys(opts); !slices.Equal(got, []string{"ns/good"}) {
			t.Errorf("List %+v: got %v, want only ns/good", opts, got)
		}
	}
	// The watch goes on: the victim's last readable state is DELETED, the new corrupt
	// key is not seen.
	if got := collect(t, w, 1)[0]; got.Type != api.Deleted || got.Key != "ns/victim" || got.Value != 2 {
		t.Fatalf("watch after the victim's value became unreadable: got %+v, want DELETED ns/victim 2", got)
	}
	fixed := widget("ns", "bad", 7, nil)
	data, err := json.Marshal(fixed)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := h.Client.Put(ctx, h.EtcdPrefix+"ns/bad", string(data)); err != nil {
		t.Fatalf("put fixed value: %v", err)
	}
	if got := collect(t, w, 1)[0]; got.Type == api.Deleted || got.Key != "ns/bad" || got.Value != 7 {
		t.Fatalf("watch after a readable value was written: got %+v, want ns/bad 7 appearing", got)
	}
	// A watch from the current state starts without the unreadable object.
	w0, err := h.Store.Watch(ctx, "ns/", storage.WatchOptions{})
	if err != nil {
		t.Fatalf("Watch: %v", err)
	}
	defer w0.Stop()
	var initial []string
	for _, ev := range collect(t, w0, 2) {
		initial = append(initial, ev.Key)
	}
	if !slices.Equal(initial, []string{"ns/bad", "ns/good"}) {
		t.Errorf("initial state of a watch: got %v, want ns/bad and ns/good", initial)
	}
	// The rest of the store is unaffected.
	if got := mustGet(t, h.Store, "ns/good"); got.Spec.Value != 1 {
		t.Fatalf("good object: got value %d, want 1", got.Spec.Value)
	}
	mustUpdate(t, h, "ns/good", setValue(2))
	mustCreate(t, h.Store, widget("other", "x", 1, nil))
	res, err := h.Store.List(ctx, "other/", storage.ListOptions{})
	if err != nil || len(res.Items) != 1 {
		t.Fatalf("list elsewhere: got %v, %v", res, err)
	}
}

// testTransactionEvents: a transaction that writes several keys makes several changes
// at one revision; a watch delivers every one of them, in key order, and a watch
// from that revision none of them.
func testTransactionEvents(t *testing.T, h Harness) {
	ctx := ctxFor(t)
	first := mustCreate(t, h.Store, widget("ns", "a", 1, nil))
	w, err := h.Store.Watch(ctx, "", storage.WatchOptions{ResourceVersion: rv(t, first)})
	if err != nil {
		t.Fatalf("Watch: %v", err)
	}
	defer w.Stop()
	var ops []clientv3.Op
	for i, name := range []string{"b", "c", "d"} {
		data, err := json.Marshal(widget("ns", name, i+2, nil))
		if err != nil {
			t.Fatal(err)
		}
		ops = append(ops, clientv3.OpPut(h.EtcdPrefix+"ns/"+name, string(data)))
	}
	resp, err := h.Client.Txn(ctx).Then(ops...).Commit()
	if err != nil {
		t.Fatalf("txn: %v", err)
	}
	txnRev := resp.Header.Revision
	want := []seen{{api.Added, "ns/b", 2, txnRev}, {api.Added, "ns/c", 3, txnRev}, {api.Added, "ns/d", 4, txnRev}}
	if diff := cmp.Diff(want, collect(t, w, 3)); diff != "" {
		t.Fatalf("events of one transaction (-want +got):\n%s", diff)
	}
	after, err := h.Store.Watch(ctx, "", storage.WatchOptions{ResourceVersion: txnRev})
	if err != nil {
		t.Fatalf("Watch: %v", err)
	}
	defer after.Stop()
	marker := expectOnlyMarker(t, h, after, widget("ns", "marker", 9, nil))
	if got := collect(t, w, 1)[0]; got != marker {
		t.Fatalf("after the transaction: got %+v, want %+v", got, marker)
	}
}

// testListExactFuture: an exact list at a revision storage has not reached is
// TooLargeResourceVersion (504), as is a watch whose initial state must be newer than
// storage's.
func testListExactFuture(t *testing.T, h Harness) {
	ctx := ctxFor(t)
	created := mustCreate(t, h.Store, widget("ns", "a", 1, nil))
	future := rv(t, created) + 1000
	_, err := h.Store.List(ctx, "", storage.ListOptions{ResourceVersion: strconv.FormatInt(future, 10), ResourceVersionMatch: storage.MatchExact})
	if !storage.IsTooLargeResourceVersion(err) {
		t.Fatalf("exact list at a future revision: got %v, want TooLargeResourceVersion", err)
	}
	w, err := h.Store.Watch(ctx, "", storage.WatchOptions{MinInitialRevision: future, InitialEventsEnd: true})
	if err == nil {
		w.Stop()
	}
	if !storage.IsTooLargeResourceVersion(err) {
		t.Fatalf("watch with an initial state not older than a future revision: got %v, want TooLargeResourceVersion", err)
	}
}

func containsKey(err error, key string) bool {
	var se *storage.Error
	return errors.As(err, &se) && se.Key == key && strings.Contains(err.Error(), key)
}
