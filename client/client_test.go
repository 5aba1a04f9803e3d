package client

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"testing/synctest"
	"time"

	"go.uber.org/goleak"

	"github.com/orrery-dev/orrery/api"
	"github.com/orrery-dev/orrery/internal/kubeconfig"
)

func TestMain(m *testing.M) {
	goleak.VerifyTestMain(m)
}

// recorded is one request a test server saw.
type recorded struct {
	Method, Path, Query, ContentType, Auth, Body string
}

// recordingServer answers every request with the status and body reply returns, and
// records it.
func recordingServer(t *testing.T, reply func(r *http.Request) (int, string)) (*httptest.Server, func() []recorded) {
	t.Helper()
	var mu sync.Mutex
	var got []recorded
	srv := httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		mu.Lock()
		got = append(got, recorded{r.Method, r.URL.Path, r.URL.RawQuery, r.Header.Get("Content-Type"), r.Header.Get("Authorization"), string(body)})
		mu.Unlock()
		code, out := reply(r)
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(code)
		io.WriteString(w, out)
	}))
	t.Cleanup(srv.Close)
	return srv, func() []recorded {
		mu.Lock()
		defer mu.Unlock()
		return append([]recorded(nil), got...)
	}
}

func newTestClient(t *testing.T, srv *httptest.Server, cfg Config) *Client {
	t.Helper()
	cfg.Host = srv.URL
	cfg.Transport = srv.Client().Transport
	if cfg.BearerToken == "" {
		cfg.BearerToken = "tok"
	}
	c, err := New(cfg)
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	t.Cleanup(c.Close)
	return c
}

func TestLoadConfig(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	path := filepath.Join(dir, "kubeconfig")
	if err := os.WriteFile(filepath.Join(dir, "token"), []byte("file-token\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	cfg := kubeconfig.ForServer("orrery", "https://127.0.0.1:6443", []byte("CA"), "admin", "secret")
	cfg.Clusters = append(cfg.Clusters, kubeconfig.NamedCluster{Name: "other", Cluster: kubeconfig.Cluster{Server: "https://other:443", InsecureSkipTLSVerify: true}})
	cfg.Users = append(cfg.Users, kubeconfig.NamedUser{Name: "bob", User: kubeconfig.AuthInfo{TokenFile: "token"}})
	cfg.Contexts = append(cfg.Contexts, kubeconfig.NamedContext{Name: "bob@other", Context: kubeconfig.Context{Cluster: "other", AuthInfo: "bob", Namespace: "team"}})
	if err := kubeconfig.Write(path, cfg); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name    string
		context string
		want    Config
		wantErr bool
	}{
		{name: "current context", want: Config{Host: "https://127.0.0.1:6443", CAData: []byte("CA"), BearerToken: "secret"}},
		{name: "named context with a token file", context: "bob@other", want: Config{Host: "https://other:443", Insecure: true, BearerToken: "file-token", Namespace: "team"}},
		{name: "missing context", context: "nope", wantErr: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got, err := LoadConfig(path, tt.context)
			if (err != nil) != tt.wantErr {
				t.Fatalf("LoadConfig: got error %v, want error %v", err, tt.wantErr)
			}
			if err != nil {
				return
			}
			if got.Host != tt.want.Host || string(got.CAData) != string(tt.want.CAData) || got.Insecure != tt.want.Insecure ||
				got.BearerToken != tt.want.BearerToken || got.Namespace != tt.want.Namespace {
				t.Errorf("LoadConfig: got %+v, want %+v", got, tt.want)
			}
		})
	}
}

func TestNewRejectsBadConfig(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		cfg  Config
	}{
		{name: "no host", cfg: Config{}},
		{name: "host without scheme", cfg: Config{Host: "localhost:6443"}},
		{name: "cert without key", cfg: Config{Host: "https://h", CertData: []byte("x")}},
		{name: "CA that is not PEM", cfg: Config{Host: "https://h", CAData: []byte("not pem")}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			if _, err := New(tt.cfg); err == nil {
				t.Error("New: got nil error, want one")
			}
		})
	}
}

const podJSON = `{"kind":"Pod","apiVersion":"v1","metadata":{"name":"web","namespace":"default","resourceVersion":"7"}}`

func TestResourceRequests(t *testing.T) {
	t.Parallel()
	srv, requests := recordingServer(t, func(r *http.Request) (int, string) {
		if r.URL.Query().Get("watch") == "true" {
			return 200, `{"type":"ADDED","object":` + podJSON + "}\n"
		}
		if r.Method == http.MethodGet && strings.HasSuffix(r.URL.Path, "/pods") {
			return 200, `{"kind":"PodList","metadata":{"resourceVersion":"9","continue":"c1"},"items":[` + podJSON + `]}`
		}
		if r.Method == http.MethodDelete || strings.HasSuffix(r.URL.Path, "/binding") {
			return 200, `{"kind":"Status","apiVersion":"v1","status":"Success"}`
		}
		return 200, podJSON
	})
	// The request shapes of JSON; TestProtobufResponses covers protobuf.
	c := newTestClient(t, srv, Config{DisableProtobuf: true})
	pods := Resource[*api.Pod](c).Namespace("default")
	rs := Resource[*api.ReplicaSet](c).Namespace("prod")
	nodes := Resource[*api.Node](c)
	ctx := t.Context()
	web := &api.Pod{ObjectMeta: api.ObjectMeta{Name: "web"}}
	tests := []struct {
		name string
		call func() error
		want recorded
	}{
		{name: "get", call: func() error { _, err := pods.Get(ctx, "web"); return err },
			want: recorded{Method: "GET", Path: "/api/v1/namespaces/default/pods/web"}},
		{name: "list with options", call: func() error {
			l, err := pods.List(ctx, ListOptions{LabelSelector: "app=web", ResourceVersion: "0", Limit: 5})
			if err == nil && (l.ResourceVersion != "9" || l.Continue != "c1" || len(l.Items) != 1 || l.Items[0].Name != "web") {
				err = fmt.Errorf("list: got %+v", l)
			}
			return err
		}, want: recorded{Method: "GET", Path: "/api/v1/namespaces/default/pods", Query: "labelSelector=app%3Dweb&limit=5&resourceVersion=0"}},
		{name: "list across namespaces", call: func() error { _, err := Resource[*api.Pod](c).List(ctx, ListOptions{}); return err },
			want: recorded{Method: "GET", Path: "/api/v1/pods"}},
		{name: "watch", call: func() error {
			w, err := pods.Watch(ctx, ListOptions{ResourceVersion: "9", AllowWatchBookmarks: true})
			if err != nil {
				return err
			}
			defer w.Stop()
			if ev := <-w.ResultChan(); ev.Type != api.Added || ev.Object.(*api.Pod).Name != "web" {
				return fmt.Errorf("watch event: got %+v", ev)
			}
			return nil
		}, want: recorded{Method: "GET", Path: "/api/v1/namespaces/default/pods", Query: "allowWatchBookmarks=true&resourceVersion=9&watch=true"}},
		{name: "create", call: func() error { _, err := pods.Create(ctx, web); return err },
			want: recorded{Method: "POST", Path: "/api/v1/namespaces/default/pods", ContentType: "application/json", Body: `"name":"web"`}},
		{name: "update", call: func() error { _, err := pods.Update(ctx, web); return err },
			want: recorded{Method: "PUT", Path: "/api/v1/namespaces/default/pods/web", ContentType: "application/json"}},
		{name: "update status", call: func() error { _, err := pods.UpdateStatus(ctx, web); return err },
			want: recorded{Method: "PUT", Path: "/api/v1/namespaces/default/pods/web/status", ContentType: "application/json"}},
		{name: "patch", call: func() error {
			_, err := pods.Patch(ctx, "web", MergePatchType, []byte(`{"metadata":{"labels":{"a":"b"}}}`))
			return err
		}, want: recorded{Method: "PATCH", Path: "/api/v1/namespaces/default/pods/web", ContentType: "application/merge-patch+json", Body: `"labels"`}},
		{name: "patch status", call: func() error {
			_, err := pods.Patch(ctx, "web", JSONPatchType, []byte(`[]`), "status")
			return err
		}, want: recorded{Method: "PATCH", Path: "/api/v1/namespaces/default/pods/web/status", ContentType: "application/json-patch+json"}},
		{name: "delete with options", call: func() error {
			zero := int64(0)
			return pods.Delete(ctx, "web", &api.DeleteOptions{GracePeriodSeconds: &zero})
		}, want: recorded{Method: "DELETE", Path: "/api/v1/namespaces/default/pods/web", ContentType: "application/json", Body: `"gracePeriodSeconds":0`}},
		{name: "delete collection", call: func() error {
			return pods.DeleteCollection(ctx, nil, ListOptions{LabelSelector: "app=web"})
		}, want: recorded{Method: "DELETE", Path: "/api/v1/namespaces/default/pods", Query: "labelSelector=app%3Dweb"}},
		{name: "bind", call: func() error {
			return pods.Bind(ctx, &api.Binding{ObjectMeta: api.ObjectMeta{Name: "web"}, Target: api.ObjectReference{Kind: "Node", Name: "n1"}})
		}, want: recorded{Method: "POST", Path: "/api/v1/namespaces/default/pods/web/binding", ContentType: "application/json", Body: `"target":{"kind":"Node","name":"n1"}`}},
		{name: "group resource", call: func() error { _, err := rs.Get(ctx, "web"); return err },
			want: recorded{Method: "GET", Path: "/apis/apps/v1/namespaces/prod/replicasets/web"}},
		{name: "cluster-scoped resource ignores namespace", call: func() error { _, err := nodes.Namespace("x").Get(ctx, "n1"); return err },
			want: recorded{Method: "GET", Path: "/api/v1/nodes/n1"}},
	}
	// Subtests run in order: each looks at the last request recorded.
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if err := tt.call(); err != nil {
				t.Fatalf("call: %v", err)
			}
			all := requests()
			got := all[len(all)-1]
			if got.Method != tt.want.Method || got.Path != tt.want.Path || got.Query != tt.want.Query ||
				got.ContentType != tt.want.ContentType || !strings.Contains(got.Body, tt.want.Body) {
				t.Errorf("request: got %+v, want %+v", got, tt.want)
			}
			if got.Auth != "Bearer tok" {
				t.Errorf("Authorization: got %q, want %q", got.Auth, "Bearer tok")
			}
		})
	}
	if err := rs.Bind(ctx, &api.Binding{}); err == nil {
		t.Error("Bind on replicasets: got nil error, want one")
	}
}

func TestResourcePanicsOnWrongType(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		name string
		call func()
	}{
		{name: "unknown resource", call: func() { Resource[*api.Pod](nil) }},
		{name: "wrong kind", call: func() { Resource[*api.Node](nil) }},
	} {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			defer func() {
				if recover() == nil {
					t.Error("Resource: got no panic, want one")
				}
			}()
			tt.call()
		})
	}
}

func TestErrors(t *testing.T) {
	t.Parallel()
	statusJSON := func(code int, reason api.StatusReason, extra string) string {
		return fmt.Sprintf(`{"kind":"Status","apiVersion":"v1","status":"Failure","message":"m","reason":%q,"code":%d%s}`, reason, code, extra)
	}
	tests := []struct {
		name string
		code int
		body string
		is   func(error) bool
	}{
		{name: "not found", code: 404, body: statusJSON(404, api.StatusReasonNotFound, ""), is: IsNotFound},
		{name: "already exists", code: 409, body: statusJSON(409, api.StatusReasonAlreadyExists, ""), is: IsAlreadyExists},
		{name: "conflict", code: 409, body: statusJSON(409, api.StatusReasonConflict, ""), is: IsConflict},
		{name: "invalid", code: 422, body: statusJSON(422, api.StatusReasonInvalid, ""), is: IsInvalid},
		{name: "expired", code: 410, body: statusJSON(410, api.StatusReasonExpired, ""), is: IsExpired},
		{name: "gone without a status body", code: 410, body: "gone", is: IsExpired},
		{name: "forbidden", code: 403, body: statusJSON(403, api.StatusReasonForbidden, ""), is: IsForbidden},
		{name: "unauthorized without a body", code: 401, body: "", is: IsUnauthorized},
		{name: "bad request", code: 400, body: statusJSON(400, api.StatusReasonBadRequest, ""), is: IsBadRequest},
		{name: "timeout", code: 504, body: statusJSON(504, api.StatusReasonTimeout, ""), is: IsTimeout},
		{name: "too large resource version", code: 504, body: statusJSON(504, api.StatusReasonTimeout, `,"details":{"causes":[{"reason":"ResourceVersionTooLarge"}]}`), is: IsTooLargeResourceVersion},
		{name: "service unavailable from a proxy", code: 503, body: "<html>busy</html>", is: IsServiceUnavailable},
		{name: "too many requests without retry-after", code: 429, body: statusJSON(429, api.StatusReasonTooManyRequests, ""), is: IsTooManyRequests},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			srv, _ := recordingServer(t, func(*http.Request) (int, string) { return tt.code, tt.body })
			c := newTestClient(t, srv, Config{})
			_, err := Resource[*api.Pod](c).Namespace("default").Get(t.Context(), "web")
			if !tt.is(err) {
				t.Errorf("error %v (reason %q, code %d): predicate got false, want true", err, api.ReasonOf(err), api.CodeOf(err))
			}
			if got := api.CodeOf(err); got != int32(tt.code) {
				t.Errorf("code: got %d, want %d", got, tt.code)
			}
			if IsNotFound(nil) || IsConflict(errors.New("x")) {
				t.Error("predicates on non-Status errors: got true, want false")
			}
		})
	}
}

// fakeTransport answers from a script, one response per request, and counts requests.
type fakeTransport struct {
	mu    sync.Mutex
	calls int
	reply func(call int, r *http.Request) (*http.Response, error)
}

func (f *fakeTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	f.mu.Lock()
	f.calls++
	n := f.calls
	f.mu.Unlock()
	return f.reply(n, r)
}

func (f *fakeTransport) count() int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.calls
}

func response(code int, retryAfter, body string) *http.Response {
	h := http.Header{}
	if retryAfter != "" {
		h.Set("Retry-After", retryAfter)
	}
	return &http.Response{StatusCode: code, Header: h, Body: io.NopCloser(strings.NewReader(body))}
}

func TestRetries(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name        string
		maxRetries  int
		replies     []*http.Response
		wantCalls   int
		wantElapsed time.Duration
		wantErr     func(error) bool
	}{
		{
			name:      "429 with retry-after is retried after the delay",
			replies:   []*http.Response{response(429, "2", ""), response(503, "1", ""), response(200, "", podJSON)},
			wantCalls: 3, wantElapsed: 3 * time.Second,
		},
		{
			name:      "5xx without retry-after is not retried",
			replies:   []*http.Response{response(500, "", "")},
			wantCalls: 1, wantErr: func(err error) bool { return api.CodeOf(err) == 500 },
		},
		{
			name:      "4xx with retry-after is not retried",
			replies:   []*http.Response{response(409, "1", "")},
			wantCalls: 1, wantErr: IsConflict,
		},
		{
			name:       "retries run out",
			maxRetries: 2,
			replies:    []*http.Response{response(429, "1", ""), response(429, "1", ""), response(429, "1", "")},
			wantCalls:  3, wantElapsed: 2 * time.Second, wantErr: IsTooManyRequests,
		},
		{
			name:       "no retries",
			maxRetries: -1,
			replies:    []*http.Response{response(429, "1", "")},
			wantCalls:  1, wantErr: IsTooManyRequests,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			synctest.Test(t, func(t *testing.T) {
				ft := &fakeTransport{reply: func(n int, _ *http.Request) (*http.Response, error) { return tt.replies[n-1], nil }}
				c, err := New(Config{Host: "https://h", Transport: ft, MaxRetries: tt.maxRetries, QPS: -1})
				if err != nil {
					t.Fatal(err)
				}
				start := time.Now()
				_, err = Resource[*api.Pod](c).Namespace("default").Get(t.Context(), "web")
				if tt.wantErr == nil && err != nil {
					t.Fatalf("Get: %v", err)
				}
				if tt.wantErr != nil && !tt.wantErr(err) {
					t.Fatalf("Get: got error %v, want a different one", err)
				}
				if got := ft.count(); got != tt.wantCalls {
					t.Errorf("requests: got %d, want %d", got, tt.wantCalls)
				}
				if got := time.Since(start); got != tt.wantElapsed {
					t.Errorf("elapsed: got %v, want %v", got, tt.wantElapsed)
				}
			})
		})
	}
}

func TestRateLimit(t *testing.T) {
	t.Parallel()
	synctest.Test(t, func(t *testing.T) {
		ft := &fakeTransport{reply: func(int, *http.Request) (*http.Response, error) { return response(200, "", podJSON), nil }}
		c, err := New(Config{Host: "https://h", Transport: ft, QPS: 2, Burst: 1})
		if err != nil {
			t.Fatal(err)
		}
		start := time.Now()
		for range 5 {
			if _, err := c.Do(t.Context(), Request{Method: "GET", Path: "/api"}); err != nil {
				t.Fatal(err)
			}
		}
		if got, want := time.Since(start), 2*time.Second; got != want {
			t.Errorf("5 requests at 2 QPS, burst 1: got %v, want %v", got, want)
		}
	})
}

func TestTimeout(t *testing.T) {
	t.Parallel()
	synctest.Test(t, func(t *testing.T) {
		hang := func(_ int, r *http.Request) (*http.Response, error) {
			<-r.Context().Done()
			return nil, r.Context().Err()
		}
		c, err := New(Config{Host: "https://h", Transport: &fakeTransport{reply: hang}, Timeout: 5 * time.Second})
		if err != nil {
			t.Fatal(err)
		}
		start := time.Now()
		_, err = c.Do(t.Context(), Request{Method: "GET", Path: "/api"})
		if !errors.Is(err, context.DeadlineExceeded) {
			t.Errorf("Do on a hanging server: got %v, want DeadlineExceeded", err)
		}
		if got := time.Since(start); got != 5*time.Second {
			t.Errorf("elapsed: got %v, want 5s", got)
		}
		// A watch is not bounded by Timeout.
		pr, pw := io.Pipe()
		stream := func(int, *http.Request) (*http.Response, error) {
			return &http.Response{StatusCode: 200, Header: http.Header{}, Body: pr}, nil
		}
		c, _ = New(Config{Host: "https://h", Transport: &fakeTransport{reply: stream}, Timeout: 5 * time.Second})
		w, err := Resource[*api.Pod](c).Watch(t.Context(), ListOptions{})
		if err != nil {
			t.Fatal(err)
		}
		time.Sleep(time.Minute) // fake time: a watch outlives Timeout
		go pw.Write([]byte(`{"type":"ADDED","object":` + podJSON + "}\n"))
		if ev := <-w.ResultChan(); ev.Type != api.Added {
			t.Errorf("watch event after a minute: got %+v, want ADDED", ev)
		}
		w.Stop()
	})
}

func TestListDecodingKeepsOrder(t *testing.T) {
	t.Parallel()
	var b strings.Builder
	b.WriteString(`{"kind":"PodList","apiVersion":"v1","metadata":{"resourceVersion":"42"},"items":[`)
	const n = 1000
	for i := range n {
		if i > 0 {
			b.WriteByte(',')
		}
		fmt.Fprintf(&b, `{"metadata":{"name":"p%d","labels":{"i":"%d"}}}`, i, i)
	}
	b.WriteString(`]}`)
	tests := []struct {
		name, body string
		want       int
		wantErr    bool
	}{
		{name: "many items", body: b.String(), want: n},
		{name: "null items", body: `{"metadata":{"resourceVersion":"42"},"items":null}`},
		{name: "empty items", body: `{"items":[],"metadata":{"resourceVersion":"42"}}`},
		{name: "bad item", body: `{"metadata":{"resourceVersion":"42"},"items":[{"metadata":{"name":1}}]}`, wantErr: true},
		{name: "truncated", body: b.String()[:5000], wantErr: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			var meta api.ListMeta
			var items []*api.Pod
			err := decodeList(strings.NewReader(tt.body), &meta, &items)
			if (err != nil) != tt.wantErr {
				t.Fatalf("decodeList: got error %v, want error %v", err, tt.wantErr)
			}
			if err != nil {
				return
			}
			if meta.ResourceVersion != "42" || len(items) != tt.want {
				t.Fatalf("got rv %q and %d items, want 42 and %d", meta.ResourceVersion, len(items), tt.want)
			}
			for i, p := range items {
				if p.Name != fmt.Sprintf("p%d", i) {
					t.Fatalf("item %d: got %s, want p%d", i, p.Name, i)
				}
			}
		})
	}
}

// Example_typedClient shows the typed client against a server that knows one pod.
func Example_typedClient() {
	srv := httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/api/v1/namespaces/default/pods/web" {
			w.WriteHeader(404)
			json.NewEncoder(w).Encode(api.NewNotFound(api.GroupResource{Resource: "pods"}, "nope"))
			return
		}
		io.WriteString(w, podJSON)
	}))
	defer srv.Close()
	c, _ := New(Config{Host: srv.URL, Transport: srv.Client().Transport})
	defer c.Close()
	pods := Resource[*api.Pod](c).Namespace("default")
	pod, _ := pods.Get(context.Background(), "web")
	fmt.Println(pod.Name, pod.ResourceVersion)
	_, err := pods.Get(context.Background(), "nope")
	fmt.Println(IsNotFound(err), err)
	// Output:
	// web 7
	// true pods "nope" not found
}
