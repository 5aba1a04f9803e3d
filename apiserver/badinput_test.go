package apiserver

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/orrery-dev/orrery/api"
)

// TestBadInputNeverHurtsTheStore sends requests the server must refuse and checks the
// Status of each and that the store did not change.
func TestBadInputNeverHurtsTheStore(t *testing.T) {
	t.Parallel()
	ts := startServer(t)
	const ns = "bad-input"
	ts.newNamespace(t, ns)
	existing := ts.createPod(t, ns, "existing", map[string]string{"app": "web"})
	pods := "/api/v1/namespaces/" + ns + "/pods"

	// A valid pod whose body is just over the 3 MiB limit.
	big := podJSON("big", nil)
	big["metadata"].(map[string]any)["annotations"] = map[string]string{"pad": strings.Repeat("x", 3<<20)}
	bigBody, err := json.Marshal(big)
	if err != nil {
		t.Fatal(err)
	}
	existingJSON, err := json.Marshal(existing)
	if err != nil {
		t.Fatal(err)
	}
	// existingWith is the stored pod with one change made by fn, as a PUT body.
	existingWith := func(fn func(m map[string]any)) map[string]any {
		var m map[string]any
		if err := json.Unmarshal(existingJSON, &m); err != nil {
			t.Fatal(err)
		}
		fn(m)
		return m
	}
	withMeta := func(k string, v any) map[string]any {
		p := podJSON("p", nil)
		p["metadata"].(map[string]any)[k] = v
		return p
	}
	noContainers := podJSON("nocontainers", nil)
	noContainers["spec"] = map[string]any{"containers": []any{}}
	unknownField := podJSON("strict", nil)
	unknownField["spec"].(map[string]any)["foo"] = "bar"

	tests := []struct {
		name       string
		method     string
		path       string
		body       any
		opts       []reqOption
		wantCode   int
		wantReason api.StatusReason
		wantMsg    string
	}{
		{
			name: "body over the limit with a content length", method: http.MethodPost, path: pods, body: bigBody,
			wantCode: 413, wantReason: api.StatusReasonRequestEntityTooLarge, wantMsg: "Request entity too large: limit is 3145728",
		},
		{
			// A reader of unknown length is sent chunked: the limit applies while reading.
			name: "chunked body over the limit", method: http.MethodPost, path: pods, body: io.MultiReader(bytes.NewReader(bigBody)),
			wantCode: 413, wantReason: api.StatusReasonRequestEntityTooLarge, wantMsg: "Request entity too large: limit is 3145728",
		},
		{
			name: "malformed JSON", method: http.MethodPost, path: pods, body: `{"apiVersion":"v1","kind":"Pod","metadata":{`,
			wantCode: 400, wantReason: api.StatusReasonBadRequest,
			wantMsg: `the object provided is unrecognized (must be of type Pod): couldn't get version/kind; json parse error: unexpected end of JSON input ({"apiVersion":"v1","kind":"Pod ...)`,
		},
		{
			name: "malformed YAML", method: http.MethodPost, path: pods, body: "apiVersion: v1\nkind: Pod\nmetadata:\n  name: [unclosed\n",
			opts:     []reqOption{header("Content-Type", "application/yaml")},
			wantCode: 400, wantReason: api.StatusReasonBadRequest,
			wantMsg: "the object provided is unrecognized (must be of type Pod): error converting YAML to JSON: yaml: line 4: ...",
		},
		{
			name: "JSON that is not an object", method: http.MethodPost, path: pods, body: `["a pod?"]`,
			wantCode: 400, wantReason: api.StatusReasonBadRequest,
			wantMsg: "the object provided is unrecognized (must be of type Pod): couldn't get version/kind; json parse error: json: cannot unmarshal array into Go value of type ...",
		},
		{
			name: "kind of another resource", method: http.MethodPost, path: pods,
			body:     map[string]any{"apiVersion": "v1", "kind": "Node", "metadata": map[string]any{"name": "n"}},
			wantCode: 400, wantReason: api.StatusReasonBadRequest, wantMsg: "the kind in the data (Node) does not match the expected kind (Pod)",
		},
		{
			name: "apiVersion of another group", method: http.MethodPost, path: pods,
			body: func() any {
				p := podJSON("p", nil)
				p["apiVersion"] = "apps/v1"
				return p
			}(),
			wantCode: 400, wantReason: api.StatusReasonBadRequest,
			wantMsg: "the API version in the data (apps/v1) does not match the expected API version (v1)",
		},
		{
			name: "name in the body differs from the URL on PUT", method: http.MethodPut, path: pods + "/existing",
			body:     existingWith(func(m map[string]any) { m["metadata"].(map[string]any)["name"] = "other" }),
			wantCode: 400, wantReason: api.StatusReasonBadRequest,
			wantMsg: "the name of the object (other) does not match the name on the URL (existing)",
		},
		{
			name: "namespace in the body differs from the URL on POST", method: http.MethodPost, path: pods,
			body:     withMeta("namespace", "elsewhere"),
			wantCode: 400, wantReason: api.StatusReasonBadRequest,
			wantMsg: "the namespace of the provided object does not match the namespace sent on the request",
		},
		{
			name: "namespace in the body differs from the URL on PUT", method: http.MethodPut, path: pods + "/existing",
			body:     existingWith(func(m map[string]any) { m["metadata"].(map[string]any)["namespace"] = "default" }),
			wantCode: 400, wantReason: api.StatusReasonBadRequest,
			wantMsg: "the namespace of the provided object does not match the namespace sent on the request",
		},
		{
			name: "pod without containers", method: http.MethodPost, path: pods, body: noContainers,
			wantCode: 422, wantReason: api.StatusReasonInvalid, wantMsg: `Pod "nocontainers" is invalid: spec.containers: Required value`,
		},
		{
			name: "invalid name", method: http.MethodPost, path: pods, body: podJSON("Not_A_Name", nil),
			wantCode: 422, wantReason: api.StatusReasonInvalid, wantMsg: `Pod "Not_A_Name" is invalid: metadata.name: Invalid value: "Not_A_Name": ...`,
		},
		{
			name: "resourceVersion on create", method: http.MethodPost, path: pods, body: withMeta("resourceVersion", "5"),
			wantCode: 400, wantReason: api.StatusReasonBadRequest, wantMsg: "resourceVersion should not be set on objects to be created",
		},
		{
			name: "unknown field under Strict", method: http.MethodPost, path: pods + "?fieldValidation=Strict", body: unknownField,
			wantCode: 400, wantReason: api.StatusReasonBadRequest,
			wantMsg: `Pod in version "v1" cannot be handled as a Pod: strict decoding error: unknown field "spec.foo"`,
		},
		{
			name: "unknown fieldValidation", method: http.MethodPost, path: pods + "?fieldValidation=Loose", body: podJSON("p", nil),
			wantCode: 400, wantReason: api.StatusReasonBadRequest,
			wantMsg: `fieldValidation: Invalid value: "Loose": fieldValidation must be one of "Ignore", "Warn", or "Strict"`,
		},
		{
			name: "patch in an unknown format", method: http.MethodPatch, path: pods + "/existing", body: `{}`,
			opts:     []reqOption{header("Content-Type", "text/plain")},
			wantCode: 415, wantReason: api.StatusReasonUnsupportedMediaType,
			wantMsg: "the body of the request was in an unknown format - accepted media types include: application/json-patch+json, application/merge-patch+json, application/strategic-merge-patch+json ...",
		},
		{
			name: "malformed merge patch", method: http.MethodPatch, path: pods + "/existing", body: `{"metadata":`,
			wantCode: 400, wantReason: api.StatusReasonBadRequest, wantMsg: "...",
		},
		{
			name: "patch that makes the pod invalid", method: http.MethodPatch, path: pods + "/existing",
			body:     `{"metadata":{"labels":{"bad label":"x"}}}`,
			wantCode: 422, wantReason: api.StatusReasonInvalid, wantMsg: `Pod "existing" is invalid: metadata.labels: Invalid value: "bad label": ...`,
		},
		{
			name: "stale resourceVersion on PUT", method: http.MethodPut, path: pods + "/existing",
			body:     existingWith(func(m map[string]any) { m["metadata"].(map[string]any)["resourceVersion"] = "1" }),
			wantCode: 409, wantReason: api.StatusReasonConflict,
			wantMsg: `Operation cannot be fulfilled on pods "existing": the object has been modified; please apply your changes to the latest version and try again`,
		},
		{
			name: "negative limit", method: http.MethodGet, path: pods + "?limit=-1",
			wantCode: 400, wantReason: api.StatusReasonBadRequest, wantMsg: `limit: invalid value "-1"`,
		},
		{
			name: "malformed label selector", method: http.MethodGet, path: pods + "?labelSelector=a%20in%20(",
			wantCode: 400, wantReason: api.StatusReasonBadRequest, wantMsg: "unable to parse requirement: ...",
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			before := ts.snapshot(t, pods)
			r := ts.do(t, tc.method, tc.path, tc.body, tc.opts...)
			wantStatus(t, r, tc.wantCode, tc.wantReason, tc.wantMsg)
			ts.wantUnchanged(t, pods, before)
		})
	}

	t.Run("pod without containers names the field", func(t *testing.T) {
		r := ts.do(t, http.MethodPost, pods, noContainers)
		st := wantStatus(t, r, 422, api.StatusReasonInvalid, `Pod "nocontainers" is invalid: spec.containers: Required value`)
		want := api.StatusDetails{Name: "nocontainers", Kind: "Pod", Causes: []api.StatusCause{
			{Type: api.CauseTypeFieldValueRequired, Message: "Required value", Field: "spec.containers"},
		}}
		if st.Details == nil || st.Details.Name != want.Name || st.Details.Kind != want.Kind || len(st.Details.Causes) != 1 || st.Details.Causes[0] != want.Causes[0] {
			t.Errorf("got details %+v, want %+v", st.Details, want)
		}
	})

	t.Run("valid YAML creates", func(t *testing.T) {
		body := "apiVersion: v1\nkind: Pod\nmetadata:\n  name: from-yaml\n  labels:\n    app: yaml\nspec:\n  containers:\n  - name: app\n    image: nginx:1.27\n"
		var pod api.Pod
		wantCode(t, ts.do(t, http.MethodPost, pods, body, header("Content-Type", "application/yaml")), http.StatusCreated, &pod)
		if pod.Name != "from-yaml" || pod.Labels["app"] != "yaml" || len(pod.Spec.Containers) != 1 || pod.Spec.Containers[0].Image != "nginx:1.27" {
			t.Errorf("got %+v, want the pod of the YAML", pod)
		}
		if got := ts.getPod(t, ns, "from-yaml"); got.UID != pod.UID {
			t.Errorf("got uid %q stored, want %q", got.UID, pod.UID)
		}
	})

	t.Run("unknown fields are dropped with a warning", func(t *testing.T) {
		p := podJSON("warned", nil)
		p["spec"].(map[string]any)["foo"] = "bar"
		p["bogus"] = 1
		r := ts.do(t, http.MethodPost, pods, p)
		wantCode(t, r, http.StatusCreated, nil)
		got := r.header.Values("Warning")
		want := []string{`299 - "unknown field \"bogus\""`, `299 - "unknown field \"spec.foo\""`}
		if strings.Join(got, "\n") != strings.Join(want, "\n") {
			t.Errorf("got Warning headers %q, want %q", got, want)
		}
		get := ts.do(t, http.MethodGet, pods+"/warned", nil)
		wantCode(t, get, http.StatusOK, nil)
		if bytes.Contains(get.body, []byte("foo")) || bytes.Contains(get.body, []byte("bogus")) {
			t.Errorf("stored pod keeps unknown fields: %s", get.body)
		}
	})

	t.Run("unknown fields under Ignore give no warning", func(t *testing.T) {
		p := podJSON("ignored", nil)
		p["spec"].(map[string]any)["foo"] = "bar"
		r := ts.do(t, http.MethodPost, pods+"?fieldValidation=Ignore", p)
		wantCode(t, r, http.StatusCreated, nil)
		if got := r.header.Values("Warning"); len(got) != 0 {
			t.Errorf("got Warning headers %q, want none", got)
		}
	})
}

// TestInFlightLimits holds the only write slot and the only watch slot and checks that
// the next request of each kind is refused with 429 and changes nothing.
func TestInFlightLimits(t *testing.T) {
	t.Parallel()
	ts := startServer(t, func(c *Config) { c.MaxMutatingRequestsInFlight, c.MaxWatches = 1, 1 })
	pods := "/api/v1/namespaces/default/pods"
	const tooMany = "Too many requests, please try again later."

	t.Run("writes", func(t *testing.T) {
		before := ts.snapshot(t, pods)
		// The first POST holds the write slot while its body is still being sent.
		pr, pw := io.Pipe()
		held := make(chan *response, 1)
		ctx, cancel := context.WithTimeout(context.Background(), waitTimeout)
		defer cancel()
		req := ts.newRequest(t, ctx, http.MethodPost, pods, pr)
		body, err := json.Marshal(podJSON("held", nil))
		if err != nil {
			t.Fatal(err)
		}
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
		if _, err := pw.Write(body[:10]); err != nil {
			t.Fatal(err)
		}
		// The server takes the slot before it reads the body.
		eventually(t, "the held POST takes the write slot", func() bool { return len(ts.srv.writeSlots) == 1 })
		refused := ts.do(t, http.MethodPost, pods, podJSON("second", nil))
		st := wantStatus(t, refused, 429, api.StatusReasonTooManyRequests, tooMany)
		if got := refused.header.Get("Retry-After"); got != "1" {
			t.Errorf("got Retry-After %q, want 1", got)
		}
		if st.Details == nil || st.Details.RetryAfterSeconds != 1 {
			t.Errorf("got details %+v, want retryAfterSeconds 1", st.Details)
		}
		ts.wantUnchanged(t, pods, before)
		// Finish the first request: it succeeds.
		if _, err := pw.Write(body[10:]); err != nil {
			t.Fatal(err)
		}
		pw.Close()
		r := <-held
		wantCode(t, r, http.StatusCreated, nil)
		got := ts.snapshot(t, pods)
		if _, ok := got["held"]; !ok || len(got) != len(before)+1 {
			t.Errorf("got pods %v, want %v and held", got, before)
		}
		// The slot is free again.
		wantCode(t, ts.do(t, http.MethodDelete, pods+"/held", nil), http.StatusOK, nil)
	})

	t.Run("watches", func(t *testing.T) {
		w := ts.watch(t, pods+"?watch=true")
		r := ts.do(t, http.MethodGet, pods+"?watch=true", nil)
		wantStatus(t, r, 429, api.StatusReasonTooManyRequests, tooMany)
		if got := r.header.Get("Retry-After"); got != "1" {
			t.Errorf("got Retry-After %q, want 1", got)
		}
		// Reads other than watches are not limited by MaxWatches.
		ts.list(t, pods)
		w.close()
		// Once the first watch ended, a new one is admitted.
		eventually(t, "the closed watch frees its slot", func() bool { return ts.srv.watches.Load() == 0 })
		ts.watch(t, pods+"?watch=true").close()
	})
}
