package apiserver

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"slices"
	"strings"
	"testing"

	"github.com/orrery-dev/orrery/api"
)

func TestAuthentication(t *testing.T) {
	t.Parallel()
	ts := startServer(t)
	const ns = "authn"
	ts.newNamespace(t, ns)
	pods := "/api/v1/namespaces/" + ns + "/pods"
	ts.createPod(t, ns, "p", nil)

	credentials := []struct {
		name string
		opt  reqOption
	}{
		{"no Authorization header", asUser("")},
		{"wrong token", asUser("not-a-token")},
		{"empty bearer token", header("Authorization", "Bearer ")},
		{"basic auth", header("Authorization", "Basic YWRtaW46YWRtaW4=")},
		{"admin token with another scheme", func(r *http.Request) { r.Header.Set("Authorization", "Token "+ts.admin) }},
	}
	requests := []struct {
		method, path string
		body         any
	}{
		{http.MethodGet, pods, nil},
		{http.MethodGet, pods + "/p", nil},
		{http.MethodGet, pods + "?watch=true", nil},
		{http.MethodPost, pods, podJSON("intruder", nil)},
		{http.MethodPatch, pods + "/p", `{"metadata":{"labels":{"x":"y"}}}`},
		{http.MethodDelete, pods + "/p", nil},
		{http.MethodDelete, pods, nil},
		{http.MethodGet, "/api", nil},
		{http.MethodGet, "/metrics", nil},
	}
	for _, c := range credentials {
		for _, rq := range requests {
			t.Run(c.name+" "+rq.method+" "+rq.path, func(t *testing.T) {
				before := ts.snapshot(t, pods)
				r := ts.do(t, rq.method, rq.path, rq.body, c.opt)
				wantStatus(t, r, 401, api.StatusReasonUnauthorized, "Unauthorized")
				ts.wantUnchanged(t, pods, before)
			})
		}
	}

	t.Run("public paths need no token", func(t *testing.T) {
		for _, p := range []string{"/healthz", "/livez", "/readyz", "/version"} {
			if r := ts.do(t, http.MethodGet, p, nil, asUser("")); r.code != http.StatusOK {
				t.Errorf("GET %s: got %d %s, want 200", p, r.code, r.body)
			}
		}
	})
}

func TestAuthorization(t *testing.T) {
	t.Parallel()
	ts := startServer(t)
	const ns = "authz"
	ts.newNamespace(t, ns)
	pods := "/api/v1/namespaces/" + ns + "/pods"
	rsPath := "/apis/apps/v1/namespaces/" + ns + "/replicasets"
	pod := ts.createPod(t, ns, "p", nil)
	wantCode(t, ts.do(t, http.MethodPost, rsPath, rsJSON("rs", 1)), http.StatusCreated, nil)
	viewer := asUser(viewerToken)

	tests := []struct {
		name     string
		method   string
		path     string
		body     any
		wantMsg  string
		wantName string
	}{
		{"create", http.MethodPost, pods, podJSON("q", nil),
			`pods is forbidden: User "viewer" cannot create resource "pods" in API group "" in the namespace "authz"`, ""},
		{"update", http.MethodPut, pods + "/p", pod,
			`pods "p" is forbidden: User "viewer" cannot update resource "pods" in API group "" in the namespace "authz"`, "p"},
		{"patch", http.MethodPatch, pods + "/p", `{"metadata":{"labels":{"x":"y"}}}`,
			`pods "p" is forbidden: User "viewer" cannot patch resource "pods" in API group "" in the namespace "authz"`, "p"},
		{"delete", http.MethodDelete, pods + "/p", nil,
			`pods "p" is forbidden: User "viewer" cannot delete resource "pods" in API group "" in the namespace "authz"`, "p"},
		{"deletecollection", http.MethodDelete, pods, nil,
			`pods is forbidden: User "viewer" cannot deletecollection resource "pods" in API group "" in the namespace "authz"`, ""},
		{"status", http.MethodPut, pods + "/p/status", pod,
			`pods "p" is forbidden: User "viewer" cannot update resource "pods/status" in API group "" in the namespace "authz"`, "p"},
		{"binding", http.MethodPost, pods + "/p/binding", map[string]any{"target": map[string]any{"name": "n"}},
			`pods "p" is forbidden: User "viewer" cannot create resource "pods/binding" in API group "" in the namespace "authz"`, "p"},
		{"scale", http.MethodPatch, rsPath + "/rs/scale", `{"spec":{"replicas":3}}`,
			`replicasets.apps "rs" is forbidden: User "viewer" cannot patch resource "replicasets/scale" in API group "apps" in the namespace "authz"`, "rs"},
		{"cluster scope", http.MethodDelete, "/api/v1/namespaces/" + ns, nil,
			`namespaces "authz" is forbidden: User "viewer" cannot delete resource "namespaces" in API group "" at the cluster scope`, "authz"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			beforePods, beforeRS := ts.snapshot(t, pods), ts.snapshot(t, rsPath)
			st := wantStatus(t, ts.do(t, tc.method, tc.path, tc.body, viewer), 403, api.StatusReasonForbidden, tc.wantMsg)
			if tc.wantName != "" && (st.Details == nil || st.Details.Name != tc.wantName) {
				t.Errorf("got details %+v, want name %q", st.Details, tc.wantName)
			}
			ts.wantUnchanged(t, pods, beforePods)
			ts.wantUnchanged(t, rsPath, beforeRS)
		})
	}

	t.Run("the viewer reads", func(t *testing.T) {
		var got api.Pod
		wantCode(t, ts.do(t, http.MethodGet, pods+"/p", nil, viewer), http.StatusOK, &got)
		if got.UID != pod.UID {
			t.Errorf("got uid %q, want %q", got.UID, pod.UID)
		}
		var l objList
		wantCode(t, ts.do(t, http.MethodGet, "/api/v1/pods", nil, viewer), http.StatusOK, &l)
		if !slices.Contains(names(l.Items), "p") {
			t.Errorf("list: got %v, want p among them", names(l.Items))
		}
		wantCode(t, ts.do(t, http.MethodGet, rsPath+"/rs/scale", nil, viewer), http.StatusOK, nil)
		wantCode(t, ts.do(t, http.MethodGet, "/apis/apps/v1", nil, viewer), http.StatusOK, nil)
		w := ts.watch(t, pods+"?watch=true", viewer)
		wantEvent(t, w.next(t), api.Added, "p")
	})
}

func TestTables(t *testing.T) {
	t.Parallel()
	ts := startServer(t)
	const ns = "tables"
	ts.newNamespace(t, ns)
	pods := "/api/v1/namespaces/" + ns + "/pods"
	const asTable = "application/json;as=Table;v=v1;g=meta.k8s.io"
	ts.createPod(t, ns, "a", nil)
	ts.createPod(t, ns, "b", nil)
	wantCode(t, ts.bindPod(t, ns, "b", "node-1"), http.StatusCreated, nil)
	wantCode(t, ts.do(t, http.MethodPatch, pods+"/b/status", `{"status":{"phase":"Running","podIP":"10.0.0.9"}}`), http.StatusOK, nil)

	wantColumns := []string{"Name", "Ready", "Status", "Restarts", "Age", "IP", "Node", "Nominated Node", "Readiness Gates"}
	wantPriorities := []int32{0, 0, 0, 0, 0, 1, 1, 1, 1}
	checkColumns := func(t *testing.T, tbl api.Table) {
		t.Helper()
		var got []string
		var prio []int32
		for _, c := range tbl.ColumnDefinitions {
			got = append(got, c.Name)
			prio = append(prio, c.Priority)
		}
		if !slices.Equal(got, wantColumns) || !slices.Equal(prio, wantPriorities) {
			t.Errorf("got columns %v priorities %v, want %v %v", got, prio, wantColumns, wantPriorities)
		}
	}

	t.Run("list", func(t *testing.T) {
		for _, accept := range []string{asTable, asTable + ",application/json", "application/json;as=Table;v=v1beta1;g=meta.k8s.io"} {
			var tbl api.Table
			wantCode(t, ts.do(t, http.MethodGet, pods, nil, header("Accept", accept)), http.StatusOK, &tbl)
			wantVersion := "meta.k8s.io/v1"
			if strings.Contains(accept, "v1beta1") {
				wantVersion = "meta.k8s.io/v1beta1"
			}
			if tbl.Kind != "Table" || tbl.APIVersion != wantVersion || tbl.ResourceVersion == "" {
				t.Errorf("Accept %s: got kind %q apiVersion %q rv %q, want Table %s with a resourceVersion", accept, tbl.Kind, tbl.APIVersion, tbl.ResourceVersion, wantVersion)
			}
			checkColumns(t, tbl)
			if len(tbl.Rows) != 2 {
				t.Fatalf("got %d rows, want 2", len(tbl.Rows))
			}
			want := [][]any{
				{"a", "0/1", "Pending", "0", nil, "<none>", "<none>", "<none>", "<none>"},
				{"b", "0/1", "Running", "0", nil, "10.0.0.9", "node-1", "<none>", "<none>"},
			}
			for i, row := range tbl.Rows {
				if len(row.Cells) != len(wantColumns) {
					t.Fatalf("row %d: got %d cells, want %d", i, len(row.Cells), len(wantColumns))
				}
				for j, w := range want[i] {
					if w != nil && fmt.Sprint(row.Cells[j]) != w {
						t.Errorf("row %d %s: got %v, want %v", i, wantColumns[j], row.Cells[j], w)
					}
				}
				var obj struct {
					Kind     string         `json:"kind"`
					Metadata api.ObjectMeta `json:"metadata"`
				}
				if err := json.Unmarshal(row.Object, &obj); err != nil || obj.Kind != "PartialObjectMetadata" || obj.Metadata.Name != want[i][0] {
					t.Errorf("row %d: got object %s, want the PartialObjectMetadata of %v", i, row.Object, want[i][0])
				}
			}
		}
	})

	t.Run("one object", func(t *testing.T) {
		var tbl api.Table
		wantCode(t, ts.do(t, http.MethodGet, pods+"/b", nil, header("Accept", asTable)), http.StatusOK, &tbl)
		checkColumns(t, tbl)
		if len(tbl.Rows) != 1 || tbl.Rows[0].Cells[0] != "b" {
			t.Errorf("got rows %+v, want one for b", tbl.Rows)
		}
	})

	t.Run("replicasets", func(t *testing.T) {
		wantCode(t, ts.do(t, http.MethodPost, "/apis/apps/v1/namespaces/"+ns+"/replicasets", rsJSON("rs", 2)), http.StatusCreated, nil)
		var tbl api.Table
		wantCode(t, ts.do(t, http.MethodGet, "/apis/apps/v1/namespaces/"+ns+"/replicasets", nil, header("Accept", asTable)), http.StatusOK, &tbl)
		var got []string
		for _, c := range tbl.ColumnDefinitions {
			got = append(got, c.Name)
		}
		if want := []string{"Name", "Desired", "Current", "Ready", "Age"}; len(got) < len(want) || !slices.Equal(got[:len(want)], want) {
			t.Errorf("got columns %v, want them to start with %v", got, want)
		}
		if len(tbl.Rows) != 1 || tbl.Rows[0].Cells[0] != "rs" || fmt.Sprint(tbl.Rows[0].Cells[1]) != "2" {
			t.Errorf("got rows %+v, want rs desiring 2", tbl.Rows)
		}
	})

	t.Run("watch", func(t *testing.T) {
		w := ts.watch(t, pods+"?watch=true", header("Accept", asTable))
		ts.createPod(t, ns, "c", nil)
		wantCode(t, ts.do(t, http.MethodPatch, pods+"/c", `{"metadata":{"labels":{"x":"y"}}}`), http.StatusOK, nil)
		for i, want := range []struct {
			typ  api.EventType
			name string
		}{{api.Added, "a"}, {api.Added, "b"}, {api.Added, "c"}, {api.Modified, "c"}} {
			ev := w.next(t)
			var tbl api.Table
			if err := json.Unmarshal(ev.Object, &tbl); err != nil {
				t.Fatal(err)
			}
			if ev.Type != want.typ || tbl.Kind != "Table" || tbl.APIVersion != "meta.k8s.io/v1" || len(tbl.Rows) != 1 || tbl.Rows[0].Cells[0] != want.name {
				t.Fatalf("event %d: got %s %s, want %s of a Table with one row for %s", i, ev.Type, ev.Object, want.typ, want.name)
			}
			if i == 0 {
				checkColumns(t, tbl)
			} else if tbl.ColumnDefinitions != nil {
				t.Errorf("event %d: got columnDefinitions %v, want them only in the first event", i, tbl.ColumnDefinitions)
			}
		}
	})
}

func TestDiscoveryAndMetrics(t *testing.T) {
	t.Parallel()
	ts := startServer(t)

	get := func(t *testing.T, path string, out any) {
		t.Helper()
		wantCode(t, ts.do(t, http.MethodGet, path, nil), http.StatusOK, out)
	}

	t.Run("api", func(t *testing.T) {
		var v apiVersions
		get(t, "/api", &v)
		if v.Kind != "APIVersions" || !slices.Equal(v.Versions, []string{"v1"}) || len(v.ServerAddressByClientCIDRs) != 1 ||
			v.ServerAddressByClientCIDRs[0].ServerAddress != strings.TrimPrefix(ts.base, "https://") {
			t.Errorf("got %+v", v)
		}
	})

	t.Run("apis", func(t *testing.T) {
		var l apiGroupList
		get(t, "/apis", &l)
		groups := map[string]apiGroup{}
		for _, g := range l.Groups {
			groups[g.Name] = g
		}
		for _, name := range []string{"apps", "coordination.k8s.io"} {
			g, ok := groups[name]
			if !ok || g.PreferredVersion.GroupVersion != name+"/v1" || len(g.Versions) != 1 || g.Versions[0].Version != "v1" {
				t.Errorf("group %s: got %+v, want v1 served and preferred", name, g)
			}
		}
		if l.Kind != "APIGroupList" || l.APIVersion != "v1" {
			t.Errorf("got kind %q apiVersion %q", l.Kind, l.APIVersion)
		}
		var g apiGroup
		get(t, "/apis/apps", &g)
		if g.Kind != "APIGroup" || g.Name != "apps" || g.PreferredVersion.GroupVersion != "apps/v1" {
			t.Errorf("/apis/apps: got %+v", g)
		}
	})

	resources := func(t *testing.T, path, wantGV string) map[string]apiResource {
		t.Helper()
		var l apiResourceList
		get(t, path, &l)
		if l.Kind != "APIResourceList" || l.GroupVersion != wantGV {
			t.Errorf("%s: got kind %q groupVersion %q, want APIResourceList %s", path, l.Kind, l.GroupVersion, wantGV)
		}
		out := map[string]apiResource{}
		for _, r := range l.Resources {
			out[r.Name] = r
		}
		return out
	}
	allVerbs := []string{"create", "delete", "deletecollection", "get", "list", "patch", "update", "watch"}

	t.Run("core v1", func(t *testing.T) {
		rs := resources(t, "/api/v1", "v1")
		pods := rs["pods"]
		if pods.Kind != "Pod" || pods.SingularName != "pod" || !pods.Namespaced || !slices.Equal(pods.ShortNames, []string{"po"}) ||
			!slices.Equal(pods.Categories, []string{"all"}) || !slices.Equal(pods.Verbs, allVerbs) {
			t.Errorf("pods: got %+v", pods)
		}
		if st := rs["pods/status"]; st.Kind != "Pod" || !slices.Equal(st.Verbs, []string{"get", "patch", "update"}) {
			t.Errorf("pods/status: got %+v", st)
		}
		if b := rs["pods/binding"]; b.Kind != "Binding" || !slices.Equal(b.Verbs, []string{"create"}) || !b.Namespaced {
			t.Errorf("pods/binding: got %+v", b)
		}
		for _, name := range []string{"nodes", "namespaces", "events"} {
			if _, ok := rs[name]; !ok {
				t.Errorf("%s missing from /api/v1", name)
			}
		}
		if ns := rs["namespaces"]; ns.Namespaced {
			t.Errorf("namespaces: got namespaced, want cluster-scoped")
		}
	})

	t.Run("apps v1", func(t *testing.T) {
		rs := resources(t, "/apis/apps/v1", "apps/v1")
		if r := rs["replicasets"]; r.Kind != "ReplicaSet" || !slices.Equal(r.ShortNames, []string{"rs"}) || !slices.Equal(r.Verbs, allVerbs) {
			t.Errorf("replicasets: got %+v", r)
		}
		if sc := rs["replicasets/scale"]; sc.Group != "autoscaling" || sc.Version != "v1" || sc.Kind != "Scale" || !slices.Equal(sc.Verbs, []string{"get", "patch", "update"}) {
			t.Errorf("replicasets/scale: got %+v", sc)
		}
		if _, ok := resources(t, "/apis/coordination.k8s.io/v1", "coordination.k8s.io/v1")["leases"]; !ok {
			t.Error("leases missing")
		}
	})

	t.Run("unknown paths", func(t *testing.T) {
		for _, p := range []string{"/apis/nope/v1", "/apis/nope", "/api/v2", "/nothing", "/apis/apps/v2/replicasets"} {
			wantStatus(t, ts.do(t, http.MethodGet, p, nil), 404, api.StatusReasonNotFound, "the server could not find the requested resource")
		}
	})

	t.Run("version and health", func(t *testing.T) {
		var v versionInfo
		get(t, "/version", &v)
		if v.Major != "1" || !strings.HasPrefix(v.GitVersion, "v1.") || v.GoVersion == "" || v.Platform == "" {
			t.Errorf("got %+v", v)
		}
		for _, p := range []string{"/healthz", "/readyz", "/livez"} {
			r := ts.do(t, http.MethodGet, p, nil)
			if r.code != http.StatusOK || string(r.body) != "ok" {
				t.Errorf("%s: got %d %q, want 200 ok", p, r.code, r.body)
			}
			r = ts.do(t, http.MethodGet, p+"?verbose", nil)
			if r.code != http.StatusOK || !strings.HasSuffix(string(r.body), p[1:]+" check passed\n") {
				t.Errorf("%s?verbose: got %d %q", p, r.code, r.body)
			}
		}
	})

	t.Run("metrics", func(t *testing.T) {
		const ns = "metrics"
		ts.newNamespace(t, ns)
		ts.createPod(t, ns, "p", nil)
		ts.do(t, http.MethodGet, "/api/v1/namespaces/"+ns+"/pods/missing", nil)
		w := ts.watch(t, "/api/v1/namespaces/"+ns+"/pods?watch=true")
		wantEvent(t, w.next(t), api.Added, "p")
		r := ts.do(t, http.MethodGet, "/metrics", nil)
		if r.code != http.StatusOK {
			t.Fatalf("got %d %s", r.code, r.body)
		}
		text := string(r.body)
		for _, want := range []string{
			`apiserver_request_total{code="201",resource="pods",source="",verb="create"} 1`,
			`apiserver_request_total{code="404",resource="pods",source="",verb="get"} 1`,
			`apiserver_request_total{code="201",resource="namespaces",source="",verb="create"} 1`,
			`apiserver_registered_watchers{resource="pods"} 1`,
			`apiserver_request_duration_seconds_count{resource="pods",verb="create"} 1`,
			`apiserver_current_inflight_requests{request_kind="readOnly"} 1`,
			`etcd_request_duration_seconds_count{operation="create",type="pods"} 1`,
			`etcd_request_duration_seconds_bucket{operation="get",type="pods",le="`,
		} {
			if !strings.Contains(text, want) {
				t.Errorf("metrics lack %q", want)
			}
		}
		w.close()
		eventually(t, "the watcher gauge drops", func() bool {
			r := ts.do(t, http.MethodGet, "/metrics", nil)
			return strings.Contains(string(r.body), `apiserver_registered_watchers{resource="pods"} 0`)
		})
	})
}

// TestShutdown cancels Run while a watch is open and a write is in flight: the watch
// ends, the write completes, and Run returns nil. The server runs its own embedded
// etcd, so this also covers that path of Run.
func TestShutdown(t *testing.T) {
	t.Parallel()
	ts := startServer(t, withEmbeddedEtcd())
	pods := "/api/v1/namespaces/default/pods"
	w := ts.watch(t, pods+"?watch=true")

	pr, pw := io.Pipe()
	ctx, cancel := context.WithTimeout(context.Background(), waitTimeout)
	defer cancel()
	req := ts.newRequest(t, ctx, http.MethodPost, pods, pr)
	held := make(chan *response, 1)
	go func() {
		resp, err := ts.client.Do(req)
		if err != nil {
			held <- &response{code: -1, body: []byte(err.Error())}
			return
		}
		defer resp.Body.Close()
		data, _ := io.ReadAll(resp.Body)
		held <- &response{code: resp.StatusCode, header: resp.Header, body: data}
	}()
	body, err := json.Marshal(podJSON("in-flight", nil))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := pw.Write(body[:10]); err != nil {
		t.Fatal(err)
	}
	eventually(t, "the POST is being served", func() bool { return len(ts.srv.writeSlots) == 1 })

	stopped := make(chan error, 1)
	go func() { stopped <- ts.stop() }()
	// Shutdown begins: the open watch ends.
	w.wantEnd(t)
	// The request in flight still completes.
	if _, err := pw.Write(body[10:]); err != nil {
		t.Fatal(err)
	}
	pw.Close()
	r := <-held
	var pod api.Pod
	wantCode(t, r, http.StatusCreated, &pod)
	if pod.Name != "in-flight" || pod.UID == "" {
		t.Errorf("got %+v, want the created pod", pod.ObjectMeta)
	}
	if err := <-stopped; err != nil {
		t.Errorf("Run: got %v, want nil", err)
	}
	// Nothing is served any more.
	ts.client.CloseIdleConnections()
	req = ts.newRequest(t, ctx, http.MethodGet, "/healthz", nil)
	if resp, err := ts.client.Do(req); err == nil {
		resp.Body.Close()
		t.Errorf("GET /healthz after shutdown: got %d, want a refused connection", resp.StatusCode)
	}
}

// TestDefaultTolerationSeconds checks that the configured seconds reach the pods'
// strategy, and that they are refused beside a registry they cannot tune.
func TestDefaultTolerationSeconds(t *testing.T) {
	t.Parallel()
	notReady, unreachable := int64(20), int64(40)
	c, err := Config{DataDir: t.TempDir(), DefaultNotReadyTolerationSeconds: &notReady, DefaultUnreachableTolerationSeconds: &unreachable}.withDefaults()
	if err != nil {
		t.Fatal(err)
	}
	pods, _ := c.Registry.ByResource("", "pods")
	p := &api.Pod{}
	pods.PrepareForCreate(p)
	var got []int64
	for _, tol := range p.Spec.Tolerations {
		got = append(got, *tol.TolerationSeconds)
	}
	if !slices.Equal(got, []int64{20, 40}) {
		t.Errorf("tolerationSeconds = %v, want [20 40]", got)
	}
	if _, err := (Config{DataDir: t.TempDir(), Registry: api.NewRegistry(), DefaultNotReadyTolerationSeconds: &notReady}).withDefaults(); err == nil {
		t.Error("default toleration seconds beside a Registry of the program's own were accepted")
	}
	negative := int64(-1)
	if _, err := (Config{DataDir: t.TempDir(), DefaultNotReadyTolerationSeconds: &negative}).withDefaults(); err == nil {
		t.Error("negative default toleration seconds were accepted")
	}
}

// TestPprof: the process's profiles are served to system:masters only.
func TestPprof(t *testing.T) {
	t.Parallel()
	ts := startServer(t)
	if r := ts.do(t, http.MethodGet, "/debug/pprof/heap", nil, asUser(viewerToken)); r.code != http.StatusForbidden {
		t.Errorf("heap profile for a viewer: %d, want 403", r.code)
	}
	if r := ts.do(t, http.MethodGet, "/debug/pprof/goroutine?debug=1", nil); r.code != http.StatusOK || !strings.Contains(string(r.body), "goroutine profile:") {
		t.Errorf("goroutine profile: %d %.100s", r.code, r.body)
	}
	if r := ts.do(t, http.MethodGet, "/debug/pprof/profile?seconds=1", nil); r.code != http.StatusOK || len(r.body) == 0 {
		t.Errorf("CPU profile: %d, %d bytes", r.code, len(r.body))
	}
	if r := ts.do(t, http.MethodGet, "/debug/pprof/", nil); r.code != http.StatusOK || !strings.Contains(string(r.body), "heap") {
		t.Errorf("index: %d %.100s", r.code, r.body)
	}
	if r := ts.do(t, http.MethodGet, "/debug/pprof/nothing", nil); r.code != http.StatusNotFound {
		t.Errorf("unknown profile: %d, want 404", r.code)
	}
}

// TestStorageEncoding: objects of kinds with a protobuf message are kept in etcd in
// Kubernetes' protobuf encoding; a JSON value an earlier version stored is still read,
// and is rewritten as protobuf on its next update.
func TestStorageEncoding(t *testing.T) {
	t.Parallel()
	ts := startServer(t)
	ctx := t.Context()
	key := ts.etcd.Prefix + "/pods/default/"
	stored := func(name string) []byte {
		t.Helper()
		resp, err := ts.etcd.Client.Get(ctx, key+name)
		if err != nil || len(resp.Kvs) != 1 {
			t.Fatalf("etcd get %s: %v", name, err)
		}
		return resp.Kvs[0].Value
	}
	if r := ts.do(t, http.MethodPost, "/api/v1/namespaces/default/pods", `{"metadata":{"name":"new"},"spec":{"containers":[{"name":"a","image":"b"}]}}`); r.code != http.StatusCreated {
		t.Fatalf("create: %d %s", r.code, r.body)
	}
	if v := stored("new"); !strings.HasPrefix(string(v), "k8s\x00") {
		t.Errorf("a new pod is stored as %.40q, want protobuf", v)
	}
	old := `{"kind":"Pod","apiVersion":"v1","metadata":{"name":"old","namespace":"default","uid":"u-old","creationTimestamp":"2026-01-01T00:00:00Z","labels":{"a":"b"}},"spec":{"containers":[{"name":"a","image":"b"}]},"status":{"phase":"Pending"}}`
	if _, err := ts.etcd.Client.Put(ctx, key+"old", old); err != nil {
		t.Fatal(err)
	}
	r := ts.do(t, http.MethodGet, "/api/v1/namespaces/default/pods/old", nil)
	var p api.Pod
	if r.code != http.StatusOK || json.Unmarshal(r.body, &p) != nil || p.Labels["a"] != "b" || p.UID != "u-old" || p.Spec.Containers[0].Image != "b" {
		t.Fatalf("get of a pod stored as JSON: %d %s", r.code, r.body)
	}
	if r := ts.do(t, http.MethodPatch, "/api/v1/namespaces/default/pods/old", `{"metadata":{"labels":{"c":"d"}}}`, header("Content-Type", "application/merge-patch+json")); r.code != http.StatusOK {
		t.Fatalf("patch: %d %s", r.code, r.body)
	}
	if v := stored("old"); !strings.HasPrefix(string(v), "k8s\x00") {
		t.Errorf("an updated pod is stored as %.40q, want protobuf", v)
	}
	r = ts.do(t, http.MethodGet, "/api/v1/namespaces/default/pods/old", nil)
	if err := json.Unmarshal(r.body, &p); err != nil || p.Labels["a"] != "b" || p.Labels["c"] != "d" || p.CreationTimestamp.Year() != 2026 {
		t.Errorf("pod after the rewrite: %s", r.body)
	}
}
