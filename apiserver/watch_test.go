package apiserver

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/orrery-dev/orrery/api"
)

// rvOf parses a resourceVersion.
func rvOf(t *testing.T, rv string) int64 {
	t.Helper()
	n, err := strconv.ParseInt(rv, 10, 64)
	if err != nil {
		t.Fatalf("resourceVersion %q: %v", rv, err)
	}
	return n
}

func TestWatch(t *testing.T) {
	t.Parallel()
	ts := startServer(t, func(c *Config) { c.WatchBookmarkInterval = 500 * time.Millisecond })

	t.Run("changes in order", func(t *testing.T) {
		t.Parallel()
		ns := ts.newNamespace(t, "watch-order")
		other := ts.newNamespace(t, "watch-order-other")
		pods := "/api/v1/namespaces/" + ns + "/pods"
		rv := ts.list(t, pods).Metadata.ResourceVersion
		w := ts.watch(t, pods+"?watch=true&resourceVersion="+rv)
		created := ts.createPod(t, ns, "p", nil)
		ts.createPod(t, other, "elsewhere", nil)
		var patched api.Pod
		wantCode(t, ts.do(t, http.MethodPatch, pods+"/p", `{"metadata":{"labels":{"step":"2"}}}`), http.StatusOK, &patched)
		wantCode(t, ts.do(t, http.MethodDelete, pods+"/p", nil), http.StatusOK, nil)
		ts.createPod(t, ns, "marker", nil)

		m := wantEvent(t, w.next(t), api.Added, "p")
		if m.ResourceVersion != created.ResourceVersion || m.UID != created.UID {
			t.Errorf("ADDED: got rv %q uid %q, want %q %q", m.ResourceVersion, m.UID, created.ResourceVersion, created.UID)
		}
		ev := w.next(t)
		m = wantEvent(t, ev, api.Modified, "p")
		if m.ResourceVersion != patched.ResourceVersion || m.Labels["step"] != "2" {
			t.Errorf("MODIFIED: got rv %q labels %v, want %q step=2", m.ResourceVersion, m.Labels, patched.ResourceVersion)
		}
		var obj map[string]any
		if err := json.Unmarshal(ev.Object, &obj); err != nil || obj["kind"] != "Pod" || obj["apiVersion"] != "v1" {
			t.Errorf("event object: got %s, want a Pod with its kind and apiVersion", ev.Object)
		}
		m = wantEvent(t, w.next(t), api.Deleted, "p")
		if rvOf(t, m.ResourceVersion) <= rvOf(t, patched.ResourceVersion) {
			t.Errorf("DELETED: got rv %q, want one after %q", m.ResourceVersion, patched.ResourceVersion)
		}
		wantEvent(t, w.next(t), api.Added, "marker")
	})

	t.Run("from a resourceVersion", func(t *testing.T) {
		t.Parallel()
		ns := ts.newNamespace(t, "watch-from-rv")
		pods := "/api/v1/namespaces/" + ns + "/pods"
		a := ts.createPod(t, ns, "a", nil)
		ts.createPod(t, ns, "b", nil)
		wantCode(t, ts.do(t, http.MethodPatch, pods+"/a", `{"metadata":{"labels":{"x":"y"}}}`), http.StatusOK, nil)
		w := ts.watch(t, pods+"?watch=true&resourceVersion="+a.ResourceVersion)
		wantEvent(t, w.next(t), api.Added, "b")
		wantEvent(t, w.next(t), api.Modified, "a")
		// Nothing else came before the next change.
		ts.createPod(t, ns, "marker", nil)
		wantEvent(t, w.next(t), api.Added, "marker")
	})

	t.Run("without a resourceVersion the current state comes first", func(t *testing.T) {
		t.Parallel()
		ns := ts.newNamespace(t, "watch-initial")
		pods := "/api/v1/namespaces/" + ns + "/pods"
		ts.createPod(t, ns, "x", nil)
		ts.createPod(t, ns, "y", nil)
		for _, q := range []string{"?watch=true", "?watch=1&resourceVersion=0"} {
			w := ts.watch(t, pods+q)
			wantEvent(t, w.next(t), api.Added, "x")
			wantEvent(t, w.next(t), api.Added, "y")
			w.close()
		}
		// The legacy /watch/ prefix is the same.
		w := ts.watch(t, "/api/v1/watch/namespaces/"+ns+"/pods")
		wantEvent(t, w.next(t), api.Added, "x")
		wantEvent(t, w.next(t), api.Added, "y")
		ts.createPod(t, ns, "z", nil)
		wantEvent(t, w.next(t), api.Added, "z")
	})

	t.Run("selector transitions", func(t *testing.T) {
		t.Parallel()
		ns := ts.newNamespace(t, "watch-selector")
		pods := "/api/v1/namespaces/" + ns + "/pods"
		rv := ts.list(t, pods).Metadata.ResourceVersion
		byLabel := ts.watch(t, pods+"?watch=true&labelSelector=app%3Dweb&resourceVersion="+rv)
		byNode := ts.watch(t, pods+"?watch=true&fieldSelector=spec.nodeName%3Dnode-1&resourceVersion="+rv)
		ts.createPod(t, ns, "p", map[string]string{"app": "db"})
		wantCode(t, ts.do(t, http.MethodPatch, pods+"/p", `{"metadata":{"labels":{"app":"web"}}}`), http.StatusOK, nil)
		wantCode(t, ts.do(t, http.MethodPatch, pods+"/p", `{"metadata":{"labels":{"app":"web","more":"x"}}}`), http.StatusOK, nil)
		wantCode(t, ts.do(t, http.MethodPatch, pods+"/p", `{"metadata":{"labels":{"app":"db"}}}`), http.StatusOK, nil)
		wantCode(t, ts.bindPod(t, ns, "p", "node-1"), http.StatusCreated, nil)
		ts.createPod(t, ns, "marker", map[string]string{"app": "web"})
		wantCode(t, ts.do(t, http.MethodDelete, pods+"/p?gracePeriodSeconds=0", nil), http.StatusOK, nil)
		ts.createPod(t, ns, "marker2", map[string]string{"app": "web"})
		wantCode(t, ts.bindPod(t, ns, "marker2", "node-1"), http.StatusCreated, nil)

		wantEvent(t, byLabel.next(t), api.Added, "p")
		if m := wantEvent(t, byLabel.next(t), api.Modified, "p"); m.Labels["more"] != "x" {
			t.Errorf("got labels %v, want more=x", m.Labels)
		}
		if m := wantEvent(t, byLabel.next(t), api.Deleted, "p"); m.Labels["app"] != "web" {
			t.Errorf("DELETED by a label change: got labels %v, want the last matching state (app=web)", m.Labels)
		}
		wantEvent(t, byLabel.next(t), api.Added, "marker")
		wantEvent(t, byLabel.next(t), api.Added, "marker2")

		wantEvent(t, byNode.next(t), api.Added, "p")
		wantEvent(t, byNode.next(t), api.Deleted, "p")
		wantEvent(t, byNode.next(t), api.Added, "marker2")
	})

	t.Run("timeoutSeconds ends the stream", func(t *testing.T) {
		t.Parallel()
		ns := ts.newNamespace(t, "watch-timeout")
		ts.createPod(t, ns, "p", nil)
		w := ts.watch(t, "/api/v1/namespaces/"+ns+"/pods?watch=true&timeoutSeconds=1")
		wantEvent(t, w.next(t), api.Added, "p")
		w.wantEnd(t)
	})

	t.Run("sendInitialEvents", func(t *testing.T) {
		t.Parallel()
		ns := ts.newNamespace(t, "watch-initial-events")
		pods := "/api/v1/namespaces/" + ns + "/pods"
		ts.createPod(t, ns, "a", nil)
		b := ts.createPod(t, ns, "b", nil)
		w := ts.watch(t, pods+"?watch=true&sendInitialEvents=true&resourceVersionMatch=NotOlderThan&allowWatchBookmarks=true")
		wantEvent(t, w.next(t), api.Added, "a")
		wantEvent(t, w.next(t), api.Added, "b")
		ev := w.next(t)
		if ev.Type != api.Bookmark {
			t.Fatalf("got %s %s, want the BOOKMARK that ends the initial events", ev.Type, ev.Object)
		}
		var bm struct {
			Kind       string         `json:"kind"`
			APIVersion string         `json:"apiVersion"`
			Metadata   api.ObjectMeta `json:"metadata"`
		}
		if err := json.Unmarshal(ev.Object, &bm); err != nil {
			t.Fatal(err)
		}
		if bm.Kind != "Pod" || bm.APIVersion != "v1" || bm.Metadata.Annotations[InitialEventsEndAnnotation] != "true" ||
			rvOf(t, bm.Metadata.ResourceVersion) < rvOf(t, b.ResourceVersion) || bm.Metadata.Name != "" {
			t.Errorf("got bookmark %s, want an empty Pod with the annotation and a resourceVersion not older than %s", ev.Object, b.ResourceVersion)
		}
		ts.createPod(t, ns, "c", nil)
		wantEvent(t, w.nextChange(t), api.Added, "c")

		// With a resourceVersion: the state not older than it.
		w2 := ts.watch(t, pods+"?watch=true&sendInitialEvents=true&resourceVersionMatch=NotOlderThan&allowWatchBookmarks=true&resourceVersion="+b.ResourceVersion)
		for _, n := range []string{"a", "b", "c"} {
			wantEvent(t, w2.next(t), api.Added, n)
		}
		if ev := w2.next(t); ev.Type != api.Bookmark {
			t.Errorf("got %s, want BOOKMARK", ev.Type)
		}
		future := rvOf(t, b.ResourceVersion) + 1_000_000
		wantStatus(t, ts.do(t, http.MethodGet, fmt.Sprintf("%s?watch=true&sendInitialEvents=true&resourceVersionMatch=NotOlderThan&allowWatchBookmarks=true&resourceVersion=%d", pods, future), nil),
			504, api.StatusReasonTimeout, fmt.Sprintf("Timeout: Too large resource version: %d, current: ...", future))

		// The parameters sendInitialEvents needs.
		wantStatus(t, ts.do(t, http.MethodGet, pods+"?watch=true&sendInitialEvents=true&resourceVersionMatch=NotOlderThan", nil), 422, api.StatusReasonInvalid,
			`ListOptions.meta.k8s.io "" is invalid: allowWatchBookmarks: Forbidden: sendInitialEvents requires setting allowWatchBookmarks to true`)
		wantStatus(t, ts.do(t, http.MethodGet, pods+"?watch=true&sendInitialEvents=true&allowWatchBookmarks=true", nil), 422, api.StatusReasonInvalid,
			`ListOptions.meta.k8s.io "" is invalid: resourceVersionMatch: Forbidden: sendInitialEvents requires setting resourceVersionMatch to NotOlderThan`)
	})

	t.Run("bookmarks", func(t *testing.T) {
		t.Parallel()
		ns := ts.newNamespace(t, "watch-bookmarks")
		pods := "/api/v1/namespaces/" + ns + "/pods"
		p := ts.createPod(t, ns, "p", nil)
		w := ts.watch(t, pods+"?watch=true&allowWatchBookmarks=true&resourceVersion="+p.ResourceVersion)
		// The watch cache sends a bookmark every WatchBookmarkInterval while nothing changes.
		ev := w.next(t)
		if ev.Type != api.Bookmark {
			t.Fatalf("got %s %s, want a BOOKMARK", ev.Type, ev.Object)
		}
		if m := ev.meta(t); m.Name != "" || rvOf(t, m.ResourceVersion) < rvOf(t, p.ResourceVersion) {
			t.Errorf("got bookmark %s, want only a resourceVersion not older than %s", ev.Object, p.ResourceVersion)
		}
	})

	t.Run("watch errors before the stream", func(t *testing.T) {
		t.Parallel()
		pods := "/api/v1/namespaces/default/pods"
		wantStatus(t, ts.do(t, http.MethodGet, pods+"?watch=true&resourceVersion=x", nil), 400, api.StatusReasonBadRequest, `invalid resource version "x"`)
		wantStatus(t, ts.do(t, http.MethodGet, pods+"?watch=true&timeoutSeconds=soon", nil), 400, api.StatusReasonBadRequest, `timeoutSeconds: invalid value "soon"`)
		wantStatus(t, ts.do(t, http.MethodGet, pods+"?watch=true&fieldSelector=spec.foo%3Dx", nil), 400, api.StatusReasonBadRequest, "field label not supported: spec.foo")
	})
}

// TestCompactedHistory compacts etcd under the server and checks what clients holding
// old resourceVersions get: 410 for a continue token or an exact list, an ERROR event
// for a watch.
// TestCompactedHistory covers reads served by etcd (the watch cache serves its own
// window: TestWatchCacheWindow).
func TestCompactedHistory(t *testing.T) {
	t.Parallel()
	ts := startServer(t, func(c *Config) { c.DisableWatchCache = true })
	if ts.etcd.External {
		t.Skip("compaction would affect the others sharing the external etcd")
	}
	const ns = "compacted"
	ts.newNamespace(t, ns)
	pods := "/api/v1/namespaces/" + ns + "/pods"
	for i := range 4 {
		ts.createPod(t, ns, fmt.Sprintf("p-%d", i), nil)
	}
	page := ts.list(t, pods+"?limit=2")
	if page.Metadata.Continue == "" {
		t.Fatal("first page has no continue token")
	}
	old := page.Metadata.ResourceVersion
	for i := range 3 {
		wantCode(t, ts.do(t, http.MethodPatch, pods+"/p-0", fmt.Sprintf(`{"metadata":{"labels":{"n":"%d"}}}`, i)), http.StatusOK, nil)
	}
	current := ts.list(t, pods).Metadata.ResourceVersion
	ctx, cancel := context.WithTimeout(context.Background(), waitTimeout)
	defer cancel()
	if _, err := ts.etcd.Client.Compact(ctx, rvOf(t, current)); err != nil {
		t.Fatalf("compact: %v", err)
	}
	before := ts.snapshot(t, pods)

	t.Run("continue", func(t *testing.T) {
		wantStatus(t, ts.do(t, http.MethodGet, pods+"?limit=2&continue="+page.Metadata.Continue, nil), 410, api.StatusReasonExpired,
			"The provided continue parameter is too old to display a consistent list result. You can start a new list without the continue parameter...")
	})

	t.Run("exact list", func(t *testing.T) {
		wantStatus(t, ts.do(t, http.MethodGet, pods+"?resourceVersionMatch=Exact&resourceVersion="+old, nil), 410, api.StatusReasonExpired, "...")
	})

	t.Run("watch", func(t *testing.T) {
		w := ts.watch(t, pods+"?watch=true&resourceVersion="+old)
		ev := w.next(t)
		if ev.Type != api.Error {
			t.Fatalf("got %s %s, want ERROR", ev.Type, ev.Object)
		}
		var st api.Status
		if err := json.Unmarshal(ev.Object, &st); err != nil {
			t.Fatal(err)
		}
		want := fmt.Sprintf("too old resource version: %s (%s)", old, current)
		if st.Kind != "Status" || st.APIVersion != "v1" || st.Status != api.StatusFailure || st.Code != 410 || st.Reason != api.StatusReasonExpired || st.Message != want {
			t.Errorf("got %s, want a Status 410 Expired %q", ev.Object, want)
		}
		w.wantEnd(t)
	})

	t.Run("from the compaction on, all is well", func(t *testing.T) {
		w := ts.watch(t, pods+"?watch=true&resourceVersion="+current)
		ts.createPod(t, ns, "after", nil)
		wantEvent(t, w.next(t), api.Added, "after")
		before["after"] = ts.getPod(t, ns, "after").ResourceVersion
	})
	ts.wantUnchanged(t, pods, before)
}

// TestPeriodicCompaction runs the server's own compactor at a short interval and waits
// until an old resourceVersion has expired for lists and watches.
func TestPeriodicCompaction(t *testing.T) {
	t.Parallel()
	ts := startServer(t, func(c *Config) { c.CompactionInterval, c.DisableWatchCache = 50*time.Millisecond, true })
	if ts.etcd.External {
		t.Skip("compaction would affect the others sharing the external etcd")
	}
	const ns = "periodic"
	ts.newNamespace(t, ns)
	pods := "/api/v1/namespaces/" + ns + "/pods"
	old := ts.createPod(t, ns, "p", nil).ResourceVersion
	var patched api.Pod
	wantCode(t, ts.do(t, http.MethodPatch, pods+"/p", `{"metadata":{"labels":{"x":"y"}}}`), http.StatusOK, &patched)
	// Each compaction step writes a key, so history moves on even while nothing else
	// does. Once the revision of the patch is gone, a watch from old (which starts at
	// old+1, at most the patch's revision) cannot be served either.
	eventually(t, "resourceVersion "+patched.ResourceVersion+" is compacted", func() bool {
		r := ts.do(t, http.MethodGet, pods+"?resourceVersionMatch=Exact&resourceVersion="+patched.ResourceVersion, nil)
		if r.code != http.StatusOK && r.code != http.StatusGone {
			t.Fatalf("got %d %s, want 200 or 410", r.code, r.body)
		}
		return r.code == http.StatusGone
	})
	w := ts.watch(t, pods+"?watch=true&resourceVersion="+old)
	ev := w.next(t)
	var st api.Status
	if err := json.Unmarshal(ev.Object, &st); err != nil {
		t.Fatal(err)
	}
	if ev.Type != api.Error || st.Code != 410 || st.Reason != api.StatusReasonExpired || !strings.HasPrefix(st.Message, "too old resource version: "+old+" (") {
		t.Errorf("got %s %s, want ERROR 410 Expired", ev.Type, ev.Object)
	}
	w.wantEnd(t)
	// The current state is still there.
	if got := ts.getPod(t, ns, "p"); got.Labels["x"] != "y" {
		t.Errorf("got labels %v, want x=y", got.Labels)
	}
}

// TestWatchCacheWindow: through the watch cache, a watch from a resourceVersion older
// than the cache's window answers HTTP 200, one ERROR event with a 410 Expired
// Status, and the end of the stream; one inside the window gets the later events.
func TestWatchCacheWindow(t *testing.T) {
	t.Parallel()
	ts := startServer(t)
	ns := ts.newNamespace(t, "window")
	pods := "/api/v1/namespaces/" + ns + "/pods"
	p := ts.createPod(t, ns, "p", nil)

	// Revision 1 predates the cache, which started from a list after the built-in
	// namespaces were written.
	w := ts.watch(t, pods+"?watch=true&resourceVersion=1")
	ev := w.next(t)
	if ev.Type != api.Error {
		t.Fatalf("got %s %s, want ERROR", ev.Type, ev.Object)
	}
	var st api.Status
	if err := json.Unmarshal(ev.Object, &st); err != nil {
		t.Fatal(err)
	}
	if st.Code != http.StatusGone || st.Reason != api.StatusReasonExpired || !strings.HasPrefix(st.Message, "too old resource version: 1 (") {
		t.Errorf("got Status %+v, want 410 Expired \"too old resource version: 1 (...)\"", st)
	}
	w.wantEnd(t)

	w = ts.watch(t, pods+"?watch=true&resourceVersion="+p.ResourceVersion)
	ts.createPod(t, ns, "q", nil)
	wantEvent(t, w.next(t), api.Added, "q")
}
