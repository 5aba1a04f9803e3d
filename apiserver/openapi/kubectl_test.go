package openapi

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/orrery-dev/orrery/api/builtin"
)

// fakeServer is just enough of an apiserver for kubectl: legacy discovery built from
// api.Kinds, the OpenAPI documents, and one pod that can be read, created and patched.
// It records the requests it gets.
type fakeServer struct {
	docs *Docs
	pod  []byte // the stored pod's JSON

	mu       sync.Mutex
	requests []string // "METHOD path?query"
	bodies   map[string][]byte
}

func (f *fakeServer) record(r *http.Request, body []byte) {
	f.mu.Lock()
	defer f.mu.Unlock()
	line := r.Method + " " + r.URL.Path
	if r.URL.RawQuery != "" {
		line += "?" + r.URL.RawQuery
	}
	f.requests = append(f.requests, line)
	if len(body) > 0 {
		f.bodies[r.Method] = body
	}
}

func (f *fakeServer) recorded() ([]string, map[string][]byte) {
	f.mu.Lock()
	defer f.mu.Unlock()
	bodies := map[string][]byte{}
	for k, v := range f.bodies {
		bodies[k] = v
	}
	return append([]string(nil), f.requests...), bodies
}

func writeJSONBody(w http.ResponseWriter, code int, v any) {
	data, err := json.Marshal(v)
	if err != nil {
		http.Error(w, err.Error(), http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(code)
	w.Write(data)
}

func (f *fakeServer) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(r.Body)
	f.record(r, body)
	p := strings.TrimSuffix(r.URL.Path, "/")
	type gv struct {
		GroupVersion string `json:"groupVersion"`
		Version      string `json:"version"`
	}
	switch {
	case strings.HasPrefix(p, "/openapi/"):
		f.docs.ServeHTTP(w, r)
	case p == "/version":
		writeJSONBody(w, 200, map[string]string{"major": "1", "minor": "32", "gitVersion": "v1.32.0"})
	case p == "/api":
		writeJSONBody(w, 200, map[string]any{"kind": "APIVersions", "versions": []string{"v1"},
			"serverAddressByClientCIDRs": []map[string]string{{"clientCIDR": "0.0.0.0/0", "serverAddress": r.Host}}})
	case p == "/apis":
		var groups []map[string]any
		seen := map[string]bool{}
		for _, k := range builtin.Registry().Kinds() {
			if k.Group == "" || seen[k.Group] {
				continue
			}
			seen[k.Group] = true
			v := gv{k.Group + "/" + k.Version, k.Version}
			groups = append(groups, map[string]any{"name": k.Group, "versions": []gv{v}, "preferredVersion": v})
		}
		writeJSONBody(w, 200, map[string]any{"kind": "APIGroupList", "apiVersion": "v1", "groups": groups})
	case p == "/api/v1" || strings.Count(p, "/") == 3 && strings.HasPrefix(p, "/apis/"):
		var resources []map[string]any
		groupVersion := strings.TrimPrefix(strings.TrimPrefix(p, "/api/"), "/apis/")
		for _, k := range builtin.Registry().Kinds() {
			if k.APIVersion() != groupVersion {
				continue
			}
			resources = append(resources, map[string]any{"name": k.Resource, "singularName": k.SingularName,
				"namespaced": k.Namespaced, "kind": k.Kind, "shortNames": k.ShortNames,
				"verbs": []string{"create", "delete", "deletecollection", "get", "list", "patch", "update", "watch"}})
		}
		if resources == nil {
			http.NotFound(w, r)
			return
		}
		writeJSONBody(w, 200, map[string]any{"kind": "APIResourceList", "apiVersion": "v1", "groupVersion": groupVersion, "resources": resources})
	case r.Method == http.MethodGet && p == "/api/v1/namespaces/default/pods/web":
		w.Header().Set("Content-Type", "application/json")
		w.Write(f.pod)
	case r.Method == http.MethodPatch && p == "/api/v1/namespaces/default/pods/web":
		w.Header().Set("Content-Type", "application/json")
		w.Write(f.pod)
	case r.Method == http.MethodPost && p == "/api/v1/namespaces/default/pods":
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusCreated)
		w.Write(body)
	default:
		writeNotFound(w)
	}
}

// runKubectl runs the installed kubectl against url with a private home and cache.
func runKubectl(t *testing.T, url string, stdin []byte, args ...string) (stdout, stderr string) {
	t.Helper()
	kubectl, err := exec.LookPath("kubectl")
	if err != nil {
		t.Skip("kubectl is not installed")
	}
	home := t.TempDir()
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	all := append([]string{"--server=" + url, "--cache-dir=" + filepath.Join(home, "cache"), "--request-timeout=30s"}, args...)
	cmd := exec.CommandContext(ctx, kubectl, all...)
	cmd.Env = append(os.Environ(), "HOME="+home, "KUBECONFIG="+filepath.Join(home, "config"))
	cmd.Stdin = bytes.NewReader(stdin)
	var out, errOut bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errOut
	if err := cmd.Run(); err != nil {
		t.Fatalf("kubectl %s: %v\nstdout:\n%s\nstderr:\n%s", strings.Join(args, " "), err, out.String(), errOut.String())
	}
	return out.String(), errOut.String()
}

func newFakeServer(t *testing.T, pod []byte) (*fakeServer, string) {
	t.Helper()
	f := &fakeServer{docs: newDocs(t), pod: pod, bodies: map[string][]byte{}}
	srv := httptest.NewServer(f)
	t.Cleanup(srv.Close)
	return f, srv.URL
}

func TestKubectlExplain(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		args []string
		want []string
	}{
		{"pod containers", []string{"explain", "pods.spec.containers"}, []string{
			"KIND:       Pod", "VERSION:    v1", "FIELD: containers <[]Container>",
			"name\t<string> -required-", "ports\t<[]ContainerPort>", "resources\t<ResourceRequirements>"}},
		{"pod containers recursive", []string{"explain", "--recursive", "pods.spec.containers"}, []string{
			"env\t<[]EnvVar>", "valueFrom\t<EnvVarSource>", "configMapKeyRef\t<ConfigMapKeySelector>",
			"containerPort\t<integer> -required-", "protocol\t<string>", "enum: SCTP, TCP, UDP", "limits\t<map[string]Quantity>"}},
		{"replica set template", []string{"explain", "rs.spec.template.spec.restartPolicy"}, []string{
			"GROUP:      apps", "KIND:       ReplicaSet", "FIELD: restartPolicy <string>", "ENUM:", "OnFailure"}},
		{"lease", []string{"explain", "leases.spec"}, []string{
			"GROUP:      coordination.k8s.io", "renewTime\t<string>", "holderIdentity\t<string>"}},
		{"node status", []string{"explain", "nodes.status.conditions"}, []string{
			"KIND:       Node", "type\t<string> -required-", "lastHeartbeatTime\t<string>"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			_, url := newFakeServer(t, nil)
			out, _ := runKubectl(t, url, nil, tt.args...)
			for _, want := range tt.want {
				if !strings.Contains(out, want) {
					t.Errorf("output does not contain %q:\n%s", want, out)
				}
			}
		})
	}
}

const podManifest = `apiVersion: v1
kind: Pod
metadata:
  name: web
  namespace: default
spec:
  containers:
  - name: app
    image: nginx:1.27
    ports:
    - containerPort: 80
    env:
    - name: MODE
      value: prod
`

func TestKubectlCreateValidatesOnServer(t *testing.T) {
	t.Parallel()
	f, url := newFakeServer(t, nil)
	runKubectl(t, url, []byte(podManifest), "create", "-f", "-")
	requests, _ := f.recorded()
	var post string
	for _, r := range requests {
		if strings.HasPrefix(r, "POST ") {
			post = r
		}
		if strings.HasPrefix(r, "GET /openapi/v2") {
			t.Errorf("kubectl fell back to OpenAPI v2: %s", r)
		}
	}
	if !strings.Contains(post, "fieldValidation=Strict") {
		t.Errorf("POST = %q, want fieldValidation=Strict; requests:\n%s", post, strings.Join(requests, "\n"))
	}
}

// TestKubectlApplyComputesPatchFromOpenAPI applies a changed manifest over a pod whose
// last-applied configuration has two containers: the strategic merge patch kubectl
// computes from the v3 schema merges containers by name (deleting the one removed, with
// the $setElementOrder directive), and kubectl neither warns nor falls back to v2.
func TestKubectlApplyComputesPatchFromOpenAPI(t *testing.T) {
	t.Parallel()
	lastApplied := `{"apiVersion":"v1","kind":"Pod","metadata":{"name":"web","namespace":"default"},"spec":{"containers":[` +
		`{"name":"app","image":"nginx:1.26","ports":[{"containerPort":80}],"env":[{"name":"MODE","value":"prod"},{"name":"OLD","value":"x"}]},` +
		`{"name":"sidecar","image":"busybox"}]}}`
	current := map[string]any{
		"apiVersion": "v1", "kind": "Pod",
		"metadata": map[string]any{"name": "web", "namespace": "default", "uid": "u1", "resourceVersion": "7",
			"annotations": map[string]string{"kubectl.kubernetes.io/last-applied-configuration": lastApplied}},
		"spec": map[string]any{"containers": []map[string]any{
			{"name": "app", "image": "nginx:1.26", "ports": []map[string]any{{"containerPort": 80, "protocol": "TCP"}},
				"env": []map[string]string{{"name": "MODE", "value": "prod"}, {"name": "OLD", "value": "x"}}},
			{"name": "sidecar", "image": "busybox"}},
			"nodeName": "node-1"},
		"status": map[string]any{"phase": "Running", "conditions": []map[string]string{{"type": "Ready", "status": "True"}}},
	}
	pod, err := json.Marshal(current)
	if err != nil {
		t.Fatal(err)
	}
	f, url := newFakeServer(t, pod)
	out, errOut := runKubectl(t, url, []byte(podManifest), "apply", "-f", "-")
	if !strings.Contains(out, "pod/web configured") {
		t.Errorf("stdout = %q, want pod/web configured", out)
	}
	if strings.Contains(errOut, "warning") {
		t.Errorf("stderr has a warning:\n%s", errOut)
	}
	requests, bodies := f.recorded()
	var patchReq string
	for _, r := range requests {
		if strings.HasPrefix(r, "PATCH ") {
			patchReq = r
		}
		if strings.HasPrefix(r, "GET /openapi/v2") {
			t.Errorf("kubectl fell back to OpenAPI v2: %s", r)
		}
	}
	if !strings.Contains(patchReq, "fieldValidation=Strict") {
		t.Errorf("PATCH = %q, want fieldValidation=Strict", patchReq)
	}
	var got map[string]any
	if err := json.Unmarshal(bodies["PATCH"], &got); err != nil {
		t.Fatalf("patch body %q: %v", bodies["PATCH"], err)
	}
	spec, _ := got["spec"].(map[string]any)
	wantSpec := `{"$setElementOrder/containers":[{"name":"app"}],"containers":[` +
		`{"$setElementOrder/env":[{"name":"MODE"}],"env":[{"$patch":"delete","name":"OLD"}],"image":"nginx:1.27","name":"app"},` +
		`{"$patch":"delete","name":"sidecar"}]}`
	gotSpec, _ := json.Marshal(spec)
	if string(gotSpec) != wantSpec {
		t.Errorf("patch spec =\n%s\nwant\n%s", gotSpec, wantSpec)
	}
}
