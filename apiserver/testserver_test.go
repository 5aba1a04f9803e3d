package apiserver

import (
	"bufio"
	"bytes"
	"context"
	"crypto/tls"
	"crypto/x509"
	"encoding/json"
	"fmt"
	"io"
	"maps"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"go.uber.org/goleak"
	"go.uber.org/zap/zaptest"

	"github.com/orrery-dev/orrery/api"
	"github.com/orrery-dev/orrery/internal/testutil"
)

func TestMain(m *testing.M) {
	goleak.VerifyTestMain(m)
}

// waitTimeout bounds every wait of the tests for something the server does.
const waitTimeout = 30 * time.Second

// viewerToken is the bearer token of the read-only user "viewer" of every test server.
const viewerToken = "viewer-token"

// testServer is an apiserver started for one test function, with an HTTPS client that
// trusts its CA.
type testServer struct {
	srv    *Server
	client *http.Client
	base   string
	admin  string
	// etcd is the etcd the server stores its data in; nil when the server runs its own
	// embedded etcd (withEmbeddedEtcd).
	etcd *testutil.Etcd
	// stop cancels Run and returns its error, once Run has returned. Safe to call more
	// than once.
	stop func() error
}

// testEtcd stands for the test etcd in Config.EtcdServers until it is started.
const testEtcd = "test-etcd"

// serverOption changes the Config of a test server.
type serverOption func(*Config)

// withEmbeddedEtcd makes the server start its own embedded etcd in its data directory
// instead of using the test etcd.
func withEmbeddedEtcd() serverOption {
	return func(c *Config) { c.EtcdServers, c.EtcdPrefix = nil, "" }
}

// startServer runs an apiserver for t: data in a temporary directory, HTTPS on a free
// loopback port, a token file with the read-only user "viewer", storage in a test etcd
// (whose client the test may use to compact history), compaction off. t's cleanup
// stops the server and checks that Run returned nil.
func startServer(t testing.TB, opts ...serverOption) *testServer {
	t.Helper()
	dir := t.TempDir()
	tokenFile := filepath.Join(dir, "tokens.csv")
	if err := os.WriteFile(tokenFile, []byte(viewerToken+",viewer,viewer-uid,\"system:authenticated\"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	cfg := Config{
		DataDir:            filepath.Join(dir, "data"),
		BindAddress:        "127.0.0.1:0",
		TokenAuthFile:      tokenFile,
		EtcdServers:        []string{testEtcd},
		CompactionInterval: -1,
		Logger:             zaptest.NewLogger(t),
	}
	for _, o := range opts {
		o(&cfg)
	}
	ts := &testServer{}
	if slices.Equal(cfg.EtcdServers, []string{testEtcd}) {
		ts.etcd = testutil.StartEtcd(t)
		cfg.EtcdServers, cfg.EtcdPrefix = ts.etcd.Endpoints(), ts.etcd.Prefix
	}
	srv, err := New(cfg)
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	ts.srv = srv
	ctx, cancel := context.WithCancel(context.Background())
	runErr := make(chan error, 1)
	go func() { runErr <- srv.Run(ctx) }()
	var once sync.Once
	var stopErr error
	ts.stop = func() error {
		once.Do(func() {
			cancel()
			stopErr = <-runErr
		})
		return stopErr
	}
	t.Cleanup(func() {
		if ts.client != nil {
			ts.client.CloseIdleConnections()
		}
		if err := ts.stop(); err != nil {
			t.Errorf("Run: %v", err)
		}
	})
	select {
	case <-srv.Ready():
	case err := <-runErr:
		runErr <- err // for stop
		t.Fatalf("Run ended before the server was ready: %v", err)
	case <-time.After(waitTimeout):
		t.Fatalf("server not ready after %s", waitTimeout)
	}
	pool := x509.NewCertPool()
	if !pool.AppendCertsFromPEM(srv.CAPEM()) {
		t.Fatal("CAPEM holds no certificate")
	}
	ts.client = &http.Client{Transport: &http.Transport{
		TLSClientConfig:     &tls.Config{RootCAs: pool, MinVersion: tls.VersionTLS12},
		MaxIdleConnsPerHost: 16,
		ForceAttemptHTTP2:   true,
	}}
	ts.base = srv.URL()
	ts.admin = srv.AdminToken()
	return ts
}

// reqOption changes a request before it is sent.
type reqOption func(*http.Request)

// asUser sends the request with token (none when empty) instead of the admin's.
func asUser(token string) reqOption {
	return func(r *http.Request) {
		r.Header.Del("Authorization")
		if token != "" {
			r.Header.Set("Authorization", "Bearer "+token)
		}
	}
}

// header sets a request header.
func header(k, v string) reqOption { return func(r *http.Request) { r.Header.Set(k, v) } }

// response is a finished response.
type response struct {
	code   int
	header http.Header
	body   []byte
}

// newRequest builds a request as the admin. body is nil, a string, []byte, an
// io.Reader, or anything else, which is sent as its JSON.
func (ts *testServer) newRequest(t testing.TB, ctx context.Context, method, path string, body any, opts ...reqOption) *http.Request {
	t.Helper()
	var rd io.Reader
	switch b := body.(type) {
	case nil:
	case string:
		rd = strings.NewReader(b)
	case []byte:
		rd = bytes.NewReader(b)
	case io.Reader:
		rd = b
	default:
		data, err := json.Marshal(b)
		if err != nil {
			t.Fatal(err)
		}
		rd = bytes.NewReader(data)
	}
	req, err := http.NewRequestWithContext(ctx, method, ts.base+path, rd)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Authorization", "Bearer "+ts.admin)
	if body != nil {
		ct := "application/json"
		if method == http.MethodPatch {
			ct = "application/merge-patch+json"
		}
		req.Header.Set("Content-Type", ct)
	}
	for _, o := range opts {
		o(req)
	}
	return req
}

// do sends a request and reads the whole response.
func (ts *testServer) do(t testing.TB, method, path string, body any, opts ...reqOption) *response {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), waitTimeout)
	defer cancel()
	return ts.send(t, ts.newRequest(t, ctx, method, path, body, opts...))
}

func (ts *testServer) send(t testing.TB, req *http.Request) *response {
	t.Helper()
	resp, err := ts.client.Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", req.Method, req.URL.Path, err)
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatalf("%s %s: read body: %v", req.Method, req.URL.Path, err)
	}
	return &response{code: resp.StatusCode, header: resp.Header, body: data}
}

// wantCode fails t unless r has the code, and decodes its body into out (if not nil).
func wantCode(t testing.TB, r *response, code int, out any) {
	t.Helper()
	if r.code != code {
		t.Fatalf("got code %d, want %d; body: %s", r.code, code, r.body)
	}
	if out != nil {
		if err := json.Unmarshal(r.body, out); err != nil {
			t.Fatalf("decode %s: %v", r.body, err)
		}
	}
}

// wantStatus fails t unless r is a failure Status with the code and reason and a
// message equal to msg (or, for a msg ending in "...", starting with it).
func wantStatus(t testing.TB, r *response, code int, reason api.StatusReason, msg string) *api.Status {
	t.Helper()
	if r.code != code {
		t.Fatalf("got code %d, want %d; body: %s", r.code, code, r.body)
	}
	if ct := r.header.Get("Content-Type"); ct != "application/json" {
		t.Errorf("got Content-Type %q, want application/json", ct)
	}
	var st api.Status
	if err := json.Unmarshal(r.body, &st); err != nil {
		t.Fatalf("decode Status %s: %v", r.body, err)
	}
	if st.Kind != "Status" || st.APIVersion != "v1" || st.Status != api.StatusFailure || int(st.Code) != code {
		t.Errorf("got kind %q apiVersion %q status %q code %d, want Status v1 Failure %d", st.Kind, st.APIVersion, st.Status, st.Code, code)
	}
	if st.Reason != reason {
		t.Errorf("got reason %q, want %q (message %q)", st.Reason, reason, st.Message)
	}
	if prefix, ok := strings.CutSuffix(msg, "..."); ok {
		if !strings.HasPrefix(st.Message, prefix) {
			t.Errorf("got message %q, want one starting with %q", st.Message, prefix)
		}
	} else if st.Message != msg {
		t.Errorf("got message %q, want %q", st.Message, msg)
	}
	return &st
}

// listItem is what the tests look at of a listed object.
type listItem struct {
	Metadata api.ObjectMeta `json:"metadata"`
}

type objList struct {
	Kind     string       `json:"kind"`
	Metadata api.ListMeta `json:"metadata"`
	Items    []listItem   `json:"items"`
}

// list lists path (a collection URL with an optional query).
func (ts *testServer) list(t testing.TB, path string) objList {
	t.Helper()
	var l objList
	wantCode(t, ts.do(t, http.MethodGet, path, nil), http.StatusOK, &l)
	return l
}

// snapshot is the names and resourceVersions of the objects listed at path.
func (ts *testServer) snapshot(t testing.TB, path string) map[string]string {
	t.Helper()
	out := map[string]string{}
	for _, it := range ts.list(t, path).Items {
		out[it.Metadata.Name] = it.Metadata.ResourceVersion
	}
	return out
}

// wantUnchanged fails t unless the objects listed at path are still before.
func (ts *testServer) wantUnchanged(t testing.TB, path string, before map[string]string) {
	t.Helper()
	if got := ts.snapshot(t, path); !maps.Equal(got, before) {
		t.Errorf("store changed at %s: got %v, want %v", path, got, before)
	}
}

// names returns the sorted names of listed items.
func names(items []listItem) []string {
	out := make([]string, 0, len(items))
	for _, it := range items {
		out = append(out, it.Metadata.Name)
	}
	slices.Sort(out)
	return out
}

// newNamespace creates a namespace named after the test and returns its name.
func (ts *testServer) newNamespace(t testing.TB, name string) string {
	t.Helper()
	wantCode(t, ts.do(t, http.MethodPost, "/api/v1/namespaces", map[string]any{
		"apiVersion": "v1", "kind": "Namespace", "metadata": map[string]any{"name": name},
	}), http.StatusCreated, nil)
	return name
}

// podJSON is a valid pod manifest.
func podJSON(name string, labels map[string]string) map[string]any {
	return map[string]any{
		"apiVersion": "v1", "kind": "Pod",
		"metadata": map[string]any{"name": name, "labels": labels},
		"spec":     map[string]any{"containers": []any{map[string]any{"name": "app", "image": "nginx:1.27"}}},
	}
}

// createPod creates a pod in ns and returns it as stored.
func (ts *testServer) createPod(t testing.TB, ns, name string, labels map[string]string) *api.Pod {
	t.Helper()
	var pod api.Pod
	wantCode(t, ts.do(t, http.MethodPost, "/api/v1/namespaces/"+ns+"/pods", podJSON(name, labels)), http.StatusCreated, &pod)
	return &pod
}

// getPod reads a pod.
func (ts *testServer) getPod(t testing.TB, ns, name string) *api.Pod {
	t.Helper()
	var pod api.Pod
	wantCode(t, ts.do(t, http.MethodGet, "/api/v1/namespaces/"+ns+"/pods/"+name, nil), http.StatusOK, &pod)
	return &pod
}

// bindPod binds a pod to node.
func (ts *testServer) bindPod(t testing.TB, ns, name, node string) *response {
	t.Helper()
	return ts.do(t, http.MethodPost, "/api/v1/namespaces/"+ns+"/pods/"+name+"/binding", map[string]any{
		"apiVersion": "v1", "kind": "Binding",
		"metadata": map[string]any{"name": name},
		"target":   map[string]any{"kind": "Node", "name": node},
	})
}

// watchEvent is one decoded event of a watch stream.
type watchEvent struct {
	Type   api.EventType   `json:"type"`
	Object json.RawMessage `json:"object"`
}

// meta decodes the object's metadata.
func (e watchEvent) meta(t testing.TB) api.ObjectMeta {
	t.Helper()
	var it listItem
	if err := json.Unmarshal(e.Object, &it); err != nil {
		t.Fatalf("decode %s event object %s: %v", e.Type, e.Object, err)
	}
	return it.Metadata
}

// watchStream reads a watch response line by line in a goroutine it owns; close
// stops it.
type watchStream struct {
	ctx    context.Context
	resp   *http.Response
	cancel context.CancelFunc
	events chan watchEvent
	// err is set before events is closed: nil at a clean end of the stream.
	err  error
	done chan struct{}
}

// watch opens a watch (path carries the query) and fails t unless it answers 200.
func (ts *testServer) watch(t testing.TB, path string, opts ...reqOption) *watchStream {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	req := ts.newRequest(t, ctx, http.MethodGet, path, nil, opts...)
	resp, err := ts.client.Do(req)
	if err != nil {
		cancel()
		t.Fatalf("watch %s: %v", path, err)
	}
	if resp.StatusCode != http.StatusOK {
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		cancel()
		t.Fatalf("watch %s: got code %d, want 200; body: %s", path, resp.StatusCode, body)
	}
	if ct := resp.Header.Get("Content-Type"); ct != "application/json" {
		t.Errorf("watch: got Content-Type %q, want application/json", ct)
	}
	w := &watchStream{ctx: ctx, resp: resp, cancel: cancel, events: make(chan watchEvent, 1000), done: make(chan struct{})}
	go w.run()
	t.Cleanup(w.close)
	return w
}

func (w *watchStream) run() {
	defer close(w.done)
	defer close(w.events)
	sc := bufio.NewScanner(w.resp.Body)
	sc.Buffer(nil, 16<<20)
	for sc.Scan() {
		var ev watchEvent
		if err := json.Unmarshal(sc.Bytes(), &ev); err != nil {
			w.err = fmt.Errorf("decode watch line %q: %w", sc.Bytes(), err)
			return
		}
		select {
		case w.events <- ev:
		case <-w.ctx.Done():
			return
		}
	}
	w.err = sc.Err()
}

// close ends the watch and waits for its reader.
func (w *watchStream) close() {
	w.cancel()
	w.resp.Body.Close()
	<-w.done
}

// next returns the next event, failing t if none comes in time or the stream ends.
func (w *watchStream) next(t testing.TB) watchEvent {
	t.Helper()
	select {
	case ev, ok := <-w.events:
		if !ok {
			t.Fatalf("watch ended (err %v), want another event", w.err)
		}
		return ev
	case <-time.After(waitTimeout):
		t.Fatalf("no watch event after %s", waitTimeout)
	}
	return watchEvent{}
}

// nextChange is next, skipping BOOKMARK events.
func (w *watchStream) nextChange(t testing.TB) watchEvent {
	t.Helper()
	for {
		if ev := w.next(t); ev.Type != api.Bookmark {
			return ev
		}
	}
}

// wantEnd fails t unless the stream ends cleanly (EOF) in time with no other events
// than BOOKMARKs.
func (w *watchStream) wantEnd(t testing.TB) {
	t.Helper()
	timer := time.NewTimer(waitTimeout)
	defer timer.Stop()
	for {
		select {
		case ev, ok := <-w.events:
			if !ok {
				if w.err != nil {
					t.Fatalf("watch ended with %v, want a clean end", w.err)
				}
				return
			}
			if ev.Type != api.Bookmark {
				t.Fatalf("got %s event %s, want the end of the watch", ev.Type, ev.Object)
			}
		case <-timer.C:
			t.Fatalf("watch still open after %s", waitTimeout)
		}
	}
}

// wantEvent fails t unless ev has the type and names the object.
func wantEvent(t testing.TB, ev watchEvent, typ api.EventType, name string) api.ObjectMeta {
	t.Helper()
	m := ev.meta(t)
	if ev.Type != typ || m.Name != name {
		t.Fatalf("got event %s %q, want %s %q", ev.Type, m.Name, typ, name)
	}
	return m
}

// eventually waits until cond holds, checking it every few milliseconds, and fails t if
// it does not within waitTimeout. It is for conditions that no event announces.
func eventually(t testing.TB, what string, cond func() bool) {
	t.Helper()
	deadline := time.NewTimer(waitTimeout)
	defer deadline.Stop()
	tick := time.NewTicker(5 * time.Millisecond)
	defer tick.Stop()
	for !cond() {
		select {
		case <-deadline.C:
			t.Fatalf("%s: not after %s", what, waitTimeout)
		case <-tick.C:
		}
	}
}
