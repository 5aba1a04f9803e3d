package apiserver

import (
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/orrery-dev/orrery/api"
	"github.com/orrery-dev/orrery/internal/testutil"
)

// TestEventsExpire: events are stored with a TTL (--event-ttl) and leave the server,
// and its watch cache, as DELETED events once it has passed; other kinds stay.
func TestEventsExpire(t *testing.T) {
	t.Parallel()
	ts := startServer(t, func(c *Config) { c.EventTTL = 2 * time.Second })
	events := "/api/v1/namespaces/default/events"
	list := ts.list(t, events)
	w := ts.watch(t, events+"?watch=true&resourceVersion="+list.Metadata.ResourceVersion)
	ev := &api.Event{
		ObjectMeta:     api.ObjectMeta{Name: "web.1"},
		InvolvedObject: api.ObjectReference{Kind: "Pod", Namespace: "default", Name: "web"},
		Reason:         "Scheduled", Message: "Successfully assigned default/web to node-1", Type: "Normal",
	}
	ev.Kind, ev.APIVersion = "Event", "v1"
	if r := ts.do(t, http.MethodPost, events, ev); r.code != http.StatusCreated {
		t.Fatalf("create event: got %d: %s", r.code, r.body)
	}
	ts.createPod(t, "default", "web", nil)
	if got := w.nextChange(t); got.Type != api.Added {
		t.Fatalf("got %s, want ADDED", got.Type)
	}
	start := time.Now()
	if got := w.nextChange(t); got.Type != api.Deleted {
		t.Fatalf("got %s, want DELETED once the event expired", got.Type)
	}
	if d := time.Since(start); d > waitTimeout {
		t.Errorf("event expired after %s", d)
	}
	if n := len(ts.list(t, events).Items); n != 0 {
		t.Errorf("events after expiry: got %d, want 0", n)
	}
	if r := ts.do(t, http.MethodGet, "/api/v1/namespaces/default/pods/web", nil); r.code != http.StatusOK {
		t.Errorf("pod after the event expired: got %d, want 200", r.code)
	}
}

// TestCorruptValueDoesNotStopTheServer: an undecodable value in etcd at start neither
// keeps the server from becoming ready nor breaks lists and watches of its resource;
// a GET of it is a 500 naming its key.
func TestCorruptValueDoesNotStopTheServer(t *testing.T) {
	t.Parallel()
	etcd := testutil.StartEtcd(t)
	if _, err := etcd.Client.Put(t.Context(), etcd.Prefix+"/pods/default/broken", `{"kind":"Pod","metadata":{"name":`); err != nil {
		t.Fatal(err)
	}
	ts := startServer(t, func(c *Config) { c.EtcdServers, c.EtcdPrefix = etcd.Endpoints(), etcd.Prefix })
	if r := ts.do(t, http.MethodGet, "/readyz", nil); r.code != http.StatusOK {
		t.Fatalf("/readyz: got %d: %s", r.code, r.body)
	}
	pods := "/api/v1/namespaces/default/pods"
	ts.createPod(t, "default", "a", nil)
	for _, q := range []string{"", "?resourceVersion=0", "?limit=1"} {
		got := ts.list(t, pods+q)
		if len(got.Items) != 1 || got.Items[0].Metadata.Name != "a" {
			t.Errorf("list %s: got %d items, want only pod a", q, len(got.Items))
		}
	}
	r := ts.do(t, http.MethodGet, pods+"/broken", nil)
	if r.code != http.StatusInternalServerError || !strings.Contains(string(r.body), "default/broken") {
		t.Errorf("GET of the corrupt pod: got %d %s, want 500 naming default/broken", r.code, r.body)
	}
	list := ts.list(t, pods)
	w := ts.watch(t, pods+"?watch=true&resourceVersion="+list.Metadata.ResourceVersion)
	ts.createPod(t, "default", "b", nil)
	if got := w.nextChange(t); got.Type != api.Added {
		t.Errorf("watch: got %s, want ADDED", got.Type)
	}
	metrics := ts.do(t, http.MethodGet, "/metrics", nil)
	if !strings.Contains(string(metrics.body), `apiserver_storage_decode_errors_total{resource="pods"}`) {
		t.Error("/metrics has no apiserver_storage_decode_errors_total for pods")
	}
}

// TestExactListAtAFutureRevision: 504 with Kubernetes' Timeout Status, not 500.
func TestExactListAtAFutureRevision(t *testing.T) {
	t.Parallel()
	ts := startServer(t)
	pods := "/api/v1/namespaces/default/pods"
	rv := rvOf(t, ts.list(t, pods).Metadata.ResourceVersion) + 1_000_000
	wantStatus(t, ts.do(t, http.MethodGet, fmt.Sprintf("%s?resourceVersionMatch=Exact&resourceVersion=%d", pods, rv), nil),
		504, api.StatusReasonTimeout, fmt.Sprintf("Timeout: Too large resource version: %d, current: ...", rv))
}

// TestWatchAheadOfTheServer: a watch from a resourceVersion the server has not reached
// waits for it, then answers 504.
func TestWatchAheadOfTheServer(t *testing.T) {
	t.Parallel()
	ts := startServer(t)
	pods := "/api/v1/namespaces/default/pods"
	rv := rvOf(t, ts.list(t, pods).Metadata.ResourceVersion) + 1_000_000
	start := time.Now()
	wantStatus(t, ts.do(t, http.MethodGet, fmt.Sprintf("%s?watch=true&resourceVersion=%d", pods, rv), nil),
		504, api.StatusReasonTimeout, fmt.Sprintf("Timeout: Too large resource version: %d, current: ...", rv))
	if d := time.Since(start); d < time.Second {
		t.Errorf("answered after %s, want after waiting for the cache", d)
	}
}
