package apiserver

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"path"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/orrery-dev/orrery/api"
)

// rsJSON is a valid ReplicaSet manifest with one container in its template.
func rsJSON(name string, replicas int) map[string]any {
	return map[string]any{
		"apiVersion": "apps/v1", "kind": "ReplicaSet",
		"metadata": map[string]any{"name": name},
		"spec": map[string]any{
			"replicas": replicas,
			"selector": map[string]any{"matchLabels": map[string]any{"app": name}},
			"template": map[string]any{
				"metadata": map[string]any{"labels": map[string]any{"app": name}},
				"spec": map[string]any{"containers": []any{
					map[string]any{"name": "app", "image": "nginx:1.27"},
					map[string]any{"name": "sidecar", "image": "busybox:1.36"},
				}},
			},
		},
	}
}

// toMap turns v into generic JSON.
func toMap(t *testing.T, v any) map[string]any {
	t.Helper()
	data, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	var m map[string]any
	if err := json.Unmarshal(data, &m); err != nil {
		t.Fatal(err)
	}
	return m
}

func TestObjectSemantics(t *testing.T) {
	t.Parallel()
	ts := startServer(t)

	t.Run("create sets system fields and defaults", func(t *testing.T) {
		t.Parallel()
		ns := ts.newNamespace(t, "create")
		start := time.Now().Add(-time.Second)
		r := ts.do(t, http.MethodPost, "/api/v1/namespaces/"+ns+"/pods", podJSON("web", nil))
		var pod api.Pod
		wantCode(t, r, http.StatusCreated, &pod)
		if pod.Kind != "Pod" || pod.APIVersion != "v1" {
			t.Errorf("got kind %q apiVersion %q, want Pod v1", pod.Kind, pod.APIVersion)
		}
		if len(pod.UID) != 36 || pod.ResourceVersion == "" || pod.Generation != 1 || pod.Namespace != ns {
			t.Errorf("got uid %q resourceVersion %q generation %d namespace %q, want a uuid, a resourceVersion, 1, %q",
				pod.UID, pod.ResourceVersion, pod.Generation, pod.Namespace, ns)
		}
		if ct := pod.CreationTimestamp.Time; ct.Before(start) || ct.After(time.Now().Add(time.Second)) {
			t.Errorf("got creationTimestamp %v, want about now", ct)
		}
		c := pod.Spec.Containers[0]
		if pod.Spec.RestartPolicy != api.RestartPolicyAlways || pod.Spec.DNSPolicy != api.DNSClusterFirst ||
			pod.Spec.SchedulerName != api.DefaultSchedulerName || pod.Spec.TerminationGracePeriodSeconds == nil ||
			*pod.Spec.TerminationGracePeriodSeconds != 30 || c.ImagePullPolicy != api.PullIfNotPresent {
			t.Errorf("defaults not filled: %+v", pod.Spec)
		}
		if pod.Status.Phase != api.PodPending || pod.Status.QOSClass != api.PodQOSBestEffort {
			t.Errorf("got status %+v, want Pending BestEffort", pod.Status)
		}
		if got := ts.getPod(t, ns, "web"); got.UID != pod.UID || got.ResourceVersion != pod.ResourceVersion {
			t.Errorf("GET: got uid %q rv %q, want %q %q", got.UID, got.ResourceVersion, pod.UID, pod.ResourceVersion)
		}
	})

	t.Run("generateName", func(t *testing.T) {
		t.Parallel()
		ns := ts.newNamespace(t, "generate-name")
		seen := map[string]bool{}
		for range 3 {
			p := podJSON("", nil)
			p["metadata"] = map[string]any{"generateName": "web-"}
			var pod api.Pod
			wantCode(t, ts.do(t, http.MethodPost, "/api/v1/namespaces/"+ns+"/pods", p), http.StatusCreated, &pod)
			if !strings.HasPrefix(pod.Name, "web-") || len(pod.Name) != len("web-")+5 || pod.GenerateName != "web-" {
				t.Errorf("got name %q generateName %q, want web- and 5 characters", pod.Name, pod.GenerateName)
			}
			seen[pod.Name] = true
		}
		if len(seen) != 3 {
			t.Errorf("got names %v, want 3 different ones", seen)
		}
	})

	t.Run("second create is AlreadyExists", func(t *testing.T) {
		t.Parallel()
		ns := ts.newNamespace(t, "already-exists")
		pods := "/api/v1/namespaces/" + ns + "/pods"
		ts.createPod(t, ns, "dup", nil)
		before := ts.snapshot(t, pods)
		st := wantStatus(t, ts.do(t, http.MethodPost, pods, podJSON("dup", nil)), 409, api.StatusReasonAlreadyExists, `pods "dup" already exists`)
		if st.Details == nil || st.Details.Name != "dup" || st.Details.Kind != "pods" {
			t.Errorf("got details %+v, want name dup kind pods", st.Details)
		}
		ts.wantUnchanged(t, pods, before)
	})

	t.Run("GET of a missing object is NotFound", func(t *testing.T) {
		t.Parallel()
		st := wantStatus(t, ts.do(t, http.MethodGet, "/apis/apps/v1/namespaces/default/replicasets/missing", nil),
			404, api.StatusReasonNotFound, `replicasets.apps "missing" not found`)
		if st.Details == nil || st.Details.Name != "missing" || st.Details.Group != "apps" || st.Details.Kind != "replicasets" {
			t.Errorf("got details %+v, want name missing group apps kind replicasets", st.Details)
		}
		wantStatus(t, ts.do(t, http.MethodGet, "/api/v1/namespaces/default/widgets", nil),
			404, api.StatusReasonNotFound, "the server could not find the requested resource")
	})

	t.Run("stale resourceVersion is Conflict", func(t *testing.T) {
		t.Parallel()
		ns := ts.newNamespace(t, "conflict")
		pods := "/api/v1/namespaces/" + ns + "/pods"
		old := ts.createPod(t, ns, "p", nil)
		wantCode(t, ts.do(t, http.MethodPatch, pods+"/p", `{"metadata":{"labels":{"v":"2"}}}`), http.StatusOK, nil)
		before := ts.snapshot(t, pods)
		old.Labels = map[string]string{"v": "stale"}
		st := wantStatus(t, ts.do(t, http.MethodPut, pods+"/p", old), 409, api.StatusReasonConflict,
			`Operation cannot be fulfilled on pods "p": the object has been modified; please apply your changes to the latest version and try again`)
		if !strings.Contains(st.Message, api.ConflictMessage) {
			t.Errorf("got message %q", st.Message)
		}
		ts.wantUnchanged(t, pods, before)
		if got := ts.getPod(t, ns, "p").Labels["v"]; got != "2" {
			t.Errorf("got label v=%q, want 2", got)
		}
	})

	t.Run("generation follows spec changes only", func(t *testing.T) {
		t.Parallel()
		ns := ts.newNamespace(t, "generation")
		path := "/apis/apps/v1/namespaces/" + ns + "/replicasets"
		var rs api.ReplicaSet
		wantCode(t, ts.do(t, http.MethodPost, path, rsJSON("rs", 1)), http.StatusCreated, &rs)
		steps := []struct {
			name   string
			change func(rs *api.ReplicaSet)
			status bool
			want   int64
		}{
			{"label change", func(rs *api.ReplicaSet) { rs.Labels = map[string]string{"x": "y"} }, false, 1},
			{"spec change", func(rs *api.ReplicaSet) { n := int32(4); rs.Spec.Replicas = &n }, false, 2},
			{"status change", func(rs *api.ReplicaSet) { rs.Status.Replicas = 4 }, true, 2},
			{"client sets generation", func(rs *api.ReplicaSet) { rs.Generation = 10 }, false, 2},
			{"another spec change", func(rs *api.ReplicaSet) { rs.Spec.MinReadySeconds = 5 }, false, 3},
		}
		for _, s := range steps {
			s.change(&rs)
			url := path + "/rs"
			if s.status {
				url += "/status"
			}
			wantCode(t, ts.do(t, http.MethodPut, url, rs), http.StatusOK, &rs)
			if rs.Generation != s.want {
				t.Errorf("after %s: got generation %d, want %d", s.name, rs.Generation, s.want)
			}
		}
	})

	t.Run("status subresource writes status only", func(t *testing.T) {
		t.Parallel()
		ns := ts.newNamespace(t, "status")
		pods := "/api/v1/namespaces/" + ns + "/pods"
		pod := ts.createPod(t, ns, "p", nil)
		pod.Status.Phase = api.PodRunning
		pod.Status.PodIP = "10.0.0.7"
		pod.Spec.Containers[0].Image = "nginx:9"
		var got api.Pod
		wantCode(t, ts.do(t, http.MethodPut, pods+"/p/status", pod), http.StatusOK, &got)
		if got.Status.Phase != api.PodRunning || got.Status.PodIP != "10.0.0.7" {
			t.Errorf("got status %+v, want Running 10.0.0.7", got.Status)
		}
		if img := got.Spec.Containers[0].Image; img != "nginx:1.27" {
			t.Errorf("status update changed the image to %q", img)
		}
		if got := ts.getPod(t, ns, "p"); got.Status.Phase != api.PodRunning || got.Spec.Containers[0].Image != "nginx:1.27" {
			t.Errorf("stored: got phase %q image %q, want Running nginx:1.27", got.Status.Phase, got.Spec.Containers[0].Image)
		}
		// GET of the status subresource is the whole object.
		var viaStatus api.Pod
		wantCode(t, ts.do(t, http.MethodGet, pods+"/p/status", nil), http.StatusOK, &viaStatus)
		if viaStatus.Status.Phase != api.PodRunning || viaStatus.Name != "p" {
			t.Errorf("GET status: got %+v", viaStatus.ObjectMeta)
		}

		// Through the main resource, status changes are ignored and the spec applies.
		cur := ts.getPod(t, ns, "p")
		cur.Status.Phase = api.PodFailed
		cur.Spec.Containers[0].Image = "nginx:1.28"
		wantCode(t, ts.do(t, http.MethodPut, pods+"/p", cur), http.StatusOK, &got)
		if got.Status.Phase != api.PodRunning || got.Spec.Containers[0].Image != "nginx:1.28" {
			t.Errorf("got phase %q image %q, want Running nginx:1.28", got.Status.Phase, got.Spec.Containers[0].Image)
		}
		// A status patch, too, leaves the spec alone.
		wantCode(t, ts.do(t, http.MethodPatch, pods+"/p/status",
			`{"status":{"phase":"Succeeded"},"spec":{"containers":[{"name":"app","image":"nginx:0"}]}}`), http.StatusOK, &got)
		if got.Status.Phase != api.PodSucceeded || got.Spec.Containers[0].Image != "nginx:1.28" {
			t.Errorf("status patch: got phase %q image %q, want Succeeded nginx:1.28", got.Status.Phase, got.Spec.Containers[0].Image)
		}
	})

	t.Run("patches", func(t *testing.T) {
		t.Parallel()
		ns := ts.newNamespace(t, "patches")
		pods := "/api/v1/namespaces/" + ns + "/pods"
		p := podJSON("p", map[string]string{"app": "web", "tier": "back"})
		p["spec"].(map[string]any)["containers"] = []any{
			map[string]any{"name": "app", "image": "nginx:1.27"},
			map[string]any{"name": "sidecar", "image": "busybox:1.36"},
		}
		wantCode(t, ts.do(t, http.MethodPost, pods, p), http.StatusCreated, nil)
		patch := func(t *testing.T, contentType, body string) *response {
			t.Helper()
			return ts.do(t, http.MethodPatch, pods+"/p", body, header("Content-Type", contentType))
		}
		steps := []struct {
			name        string
			contentType string
			body        string
			wantLabels  map[string]string
			wantImages  []string
		}{
			{"merge patch adds and removes labels", "application/merge-patch+json",
				`{"metadata":{"labels":{"tier":null,"env":"prod"}}}`,
				map[string]string{"app": "web", "env": "prod"}, []string{"nginx:1.27", "busybox:1.36"}},
			{"JSON patch", "application/json-patch+json",
				`[{"op":"test","path":"/metadata/labels/app","value":"web"},{"op":"add","path":"/metadata/labels/tier","value":"front"},{"op":"replace","path":"/spec/containers/0/image","value":"nginx:1.28"}]`,
				map[string]string{"app": "web", "env": "prod", "tier": "front"}, []string{"nginx:1.28", "busybox:1.36"}},
			{"strategic merge patch merges containers by name", "application/strategic-merge-patch+json",
				`{"spec":{"containers":[{"name":"sidecar","image":"busybox:1.37"}]}}`,
				map[string]string{"app": "web", "env": "prod", "tier": "front"}, []string{"nginx:1.28", "busybox:1.37"}},
			{"strategic merge patch of labels, as kubectl label", "application/strategic-merge-patch+json",
				`{"metadata":{"labels":{"env":null,"team":"a"}}}`,
				map[string]string{"app": "web", "tier": "front", "team": "a"}, []string{"nginx:1.28", "busybox:1.37"}},
			{"YAML merge patch", "application/merge-patch+json",
				"metadata:\n  annotations:\n    note: yaml\n",
				map[string]string{"app": "web", "tier": "front", "team": "a"}, []string{"nginx:1.28", "busybox:1.37"}},
		}
		var rv string
		for _, s := range steps {
			r := patch(t, s.contentType, s.body)
			var got api.Pod
			wantCode(t, r, http.StatusOK, &got)
			var images []string
			for _, c := range got.Spec.Containers {
				images = append(images, c.Image)
			}
			if fmt.Sprint(got.Labels) != fmt.Sprint(s.wantLabels) || !slices.Equal(images, s.wantImages) {
				t.Errorf("%s: got labels %v images %v, want %v %v", s.name, got.Labels, images, s.wantLabels, s.wantImages)
			}
			if got.ResourceVersion == rv {
				t.Errorf("%s: resourceVersion did not change", s.name)
			}
			rv = got.ResourceVersion
		}
		if got := ts.getPod(t, ns, "p").Annotations["note"]; got != "yaml" {
			t.Errorf("got annotation note=%q, want yaml", got)
		}

		before := ts.snapshot(t, pods)
		r := patch(t, "application/json-patch+json", `[{"op":"test","path":"/metadata/labels/app","value":"db"},{"op":"add","path":"/metadata/labels/hacked","value":"yes"}]`)
		st := wantStatus(t, r, 422, api.StatusReasonInvalid, "...")
		if !strings.Contains(st.Message, "test") {
			t.Errorf("got message %q, want it to name the failed test", st.Message)
		}
		wantStatus(t, patch(t, "application/json-patch+json", `{"op":"add"}`), 400, api.StatusReasonBadRequest, "...")
		// A patch may not rename the object.
		wantStatus(t, patch(t, "application/merge-patch+json", `{"metadata":{"name":"other"}}`), 400, api.StatusReasonBadRequest,
			"the name of the object (other) does not match the name on the URL (p)")
		// A patch with a stale resourceVersion conflicts.
		wantStatus(t, patch(t, "application/merge-patch+json", `{"metadata":{"resourceVersion":"1","labels":{"x":"y"}}}`), 409, api.StatusReasonConflict,
			`Operation cannot be fulfilled on pods "p": the object has been modified; please apply your changes to the latest version and try again`)
		wantStatus(t, ts.do(t, http.MethodPatch, pods+"/missing", `{}`), 404, api.StatusReasonNotFound, `pods "missing" not found`)
		ts.wantUnchanged(t, pods, before)
	})

	t.Run("binding", func(t *testing.T) {
		t.Parallel()
		ns := ts.newNamespace(t, "binding")
		pods := "/api/v1/namespaces/" + ns + "/pods"
		ts.createPod(t, ns, "p", nil)
		r := ts.bindPod(t, ns, "p", "node-1")
		var st api.Status
		wantCode(t, r, http.StatusCreated, &st)
		if st.Kind != "Status" || st.Status != api.StatusSuccess {
			t.Errorf("got %s, want a Success Status", r.body)
		}
		pod := ts.getPod(t, ns, "p")
		if pod.Spec.NodeName != "node-1" {
			t.Errorf("got nodeName %q, want node-1", pod.Spec.NodeName)
		}
		if i := slices.IndexFunc(pod.Status.Conditions, func(c api.PodCondition) bool { return c.Type == api.PodScheduled }); i < 0 || pod.Status.Conditions[i].Status != api.ConditionTrue {
			t.Errorf("got conditions %+v, want PodScheduled True", pod.Status.Conditions)
		}
		before := ts.snapshot(t, pods)
		wantStatus(t, ts.bindPod(t, ns, "p", "node-2"), 409, api.StatusReasonConflict,
			`Operation cannot be fulfilled on pods/binding "p": pod p is already assigned to node "node-1"`)
		ts.wantUnchanged(t, pods, before)
		wantStatus(t, ts.bindPod(t, ns, "missing", "node-1"), 404, api.StatusReasonNotFound, `pods "missing" not found`)
		// The Binding must name a node.
		wantStatus(t, ts.do(t, http.MethodPost, pods+"/p/binding", map[string]any{"metadata": map[string]any{"name": "p"}, "target": map[string]any{}}),
			422, api.StatusReasonInvalid, `Binding "p" is invalid: target.name: Required value`)
		ts.wantUnchanged(t, pods, before)
	})

	t.Run("scale", func(t *testing.T) {
		t.Parallel()
		ns := ts.newNamespace(t, "scale")
		rsPath := "/apis/apps/v1/namespaces/" + ns + "/replicasets"
		wantCode(t, ts.do(t, http.MethodPost, rsPath, rsJSON("rs", 2)), http.StatusCreated, nil)
		var sc api.Scale
		wantCode(t, ts.do(t, http.MethodGet, rsPath+"/rs/scale", nil), http.StatusOK, &sc)
		if sc.Kind != "Scale" || sc.APIVersion != "autoscaling/v1" || sc.Name != "rs" || sc.Namespace != ns ||
			sc.Spec.Replicas != 2 || sc.Status.Selector != "app=rs" || sc.ResourceVersion == "" {
			t.Errorf("got %+v, want the Scale of rs with 2 replicas and selector app=rs", sc)
		}
		sc.Spec.Replicas = 3
		wantCode(t, ts.do(t, http.MethodPut, rsPath+"/rs/scale", sc), http.StatusOK, &sc)
		if sc.Spec.Replicas != 3 {
			t.Errorf("PUT: got replicas %d, want 3", sc.Spec.Replicas)
		}
		wantCode(t, ts.do(t, http.MethodPatch, rsPath+"/rs/scale", `{"spec":{"replicas":5}}`), http.StatusOK, &sc)
		if sc.Spec.Replicas != 5 {
			t.Errorf("PATCH: got replicas %d, want 5", sc.Spec.Replicas)
		}
		var rs api.ReplicaSet
		wantCode(t, ts.do(t, http.MethodGet, rsPath+"/rs", nil), http.StatusOK, &rs)
		if rs.Spec.Replicas == nil || *rs.Spec.Replicas != 5 || rs.Generation != 3 || rs.ResourceVersion != sc.ResourceVersion {
			t.Errorf("got replicas %v generation %d rv %q, want 5, 3, %q", rs.Spec.Replicas, rs.Generation, rs.ResourceVersion, sc.ResourceVersion)
		}
		before := ts.snapshot(t, rsPath)
		stale := sc
		stale.ResourceVersion, stale.Spec.Replicas = "1", 9
		wantStatus(t, ts.do(t, http.MethodPut, rsPath+"/rs/scale", stale), 409, api.StatusReasonConflict,
			`Operation cannot be fulfilled on replicasets.apps "rs": the object has been modified; please apply your changes to the latest version and try again`)
		wantStatus(t, ts.do(t, http.MethodPatch, rsPath+"/rs/scale", `{"spec":{"replicas":-1}}`), 422, api.StatusReasonInvalid,
			`Scale.autoscaling "rs" is invalid: spec.replicas: Invalid value: -1: must be greater than or equal to 0`)
		wantStatus(t, ts.do(t, http.MethodGet, rsPath+"/missing/scale", nil), 404, api.StatusReasonNotFound, `replicasets.apps "missing" not found`)
		ts.wantUnchanged(t, rsPath, before)
	})

	t.Run("graceful delete of a bound pod", func(t *testing.T) {
		t.Parallel()
		ns := ts.newNamespace(t, "graceful")
		pods := "/api/v1/namespaces/" + ns + "/pods"
		ts.createPod(t, ns, "p", nil)
		wantCode(t, ts.bindPod(t, ns, "p", "node-1"), http.StatusCreated, nil)
		var marked api.Pod
		wantCode(t, ts.do(t, http.MethodDelete, pods+"/p", nil), http.StatusOK, &marked)
		if marked.Kind != "Pod" || marked.DeletionTimestamp == nil || marked.DeletionGracePeriodSeconds == nil || *marked.DeletionGracePeriodSeconds != 30 {
			t.Fatalf("got kind %q deletionTimestamp %v grace %v, want a Pod marked with 30 s", marked.Kind, marked.DeletionTimestamp, marked.DeletionGracePeriodSeconds)
		}
		if d := time.Until(marked.DeletionTimestamp.Time); d < 25*time.Second || d > 31*time.Second {
			t.Errorf("got deletionTimestamp %v from now, want about 30 s", d)
		}
		if got := ts.getPod(t, ns, "p"); got.DeletionTimestamp == nil {
			t.Error("the marked pod lost its deletionTimestamp")
		}
		// A second graceful delete changes nothing.
		before := ts.snapshot(t, pods)
		wantCode(t, ts.do(t, http.MethodDelete, pods+"/p", nil), http.StatusOK, nil)
		ts.wantUnchanged(t, pods, before)
		// A wrong resourceVersion precondition is a conflict.
		wantStatus(t, ts.do(t, http.MethodDelete, pods+"/p", map[string]any{"preconditions": map[string]any{"resourceVersion": "1"}}),
			409, api.StatusReasonConflict,
			fmt.Sprintf(`Operation cannot be fulfilled on pods "p": Precondition failed: ResourceVersion in precondition: 1, ResourceVersion in object meta: %s`, before["p"]))
		ts.wantUnchanged(t, pods, before)
		// Grace period 0 deletes at once, and answers with the pod's last state.
		r := ts.do(t, http.MethodDelete, pods+"/p?gracePeriodSeconds=0", nil)
		var gone api.Pod
		wantCode(t, r, http.StatusOK, &gone)
		if gone.Kind != "Pod" || gone.Name != "p" || gone.UID != marked.UID {
			t.Errorf("got %s, want pod p", r.body)
		}
		wantStatus(t, ts.do(t, http.MethodGet, pods+"/p", nil), 404, api.StatusReasonNotFound, `pods "p" not found`)
	})

	t.Run("delete of an unbound pod is immediate", func(t *testing.T) {
		t.Parallel()
		ns := ts.newNamespace(t, "unbound")
		pods := "/api/v1/namespaces/" + ns + "/pods"
		pod := ts.createPod(t, ns, "p", nil)
		var gone api.Pod
		wantCode(t, ts.do(t, http.MethodDelete, pods+"/p", nil), http.StatusOK, &gone)
		if gone.Kind != "Pod" || gone.UID != pod.UID {
			t.Errorf("got kind %q uid %q, want the deleted Pod %q", gone.Kind, gone.UID, pod.UID)
		}
		wantStatus(t, ts.do(t, http.MethodDelete, pods+"/p", nil), 404, api.StatusReasonNotFound, `pods "p" not found`)
	})

	t.Run("delete with a wrong uid precondition", func(t *testing.T) {
		t.Parallel()
		ns := ts.newNamespace(t, "precondition")
		pods := "/api/v1/namespaces/" + ns + "/pods"
		pod := ts.createPod(t, ns, "p", nil)
		before := ts.snapshot(t, pods)
		wantStatus(t, ts.do(t, http.MethodDelete, pods+"/p", map[string]any{"preconditions": map[string]any{"uid": "wrong"}}),
			409, api.StatusReasonConflict,
			fmt.Sprintf(`Operation cannot be fulfilled on pods "p": Precondition failed: UID in precondition: wrong, UID in object meta: %s`, pod.UID))
		ts.wantUnchanged(t, pods, before)
		wantCode(t, ts.do(t, http.MethodDelete, pods+"/p", map[string]any{"preconditions": map[string]any{"uid": pod.UID}}), http.StatusOK, nil)
		wantStatus(t, ts.do(t, http.MethodGet, pods+"/p", nil), 404, api.StatusReasonNotFound, `pods "p" not found`)
	})

	t.Run("finalizers hold an object until the last is removed", func(t *testing.T) {
		t.Parallel()
		ns := ts.newNamespace(t, "finalizers")
		pods := "/api/v1/namespaces/" + ns + "/pods"
		p := podJSON("p", nil)
		p["metadata"].(map[string]any)["finalizers"] = []string{"example.com/a", "example.com/b"}
		wantCode(t, ts.do(t, http.MethodPost, pods, p), http.StatusCreated, nil)
		var marked api.Pod
		wantCode(t, ts.do(t, http.MethodDelete, pods+"/p", nil), http.StatusOK, &marked)
		if marked.DeletionTimestamp == nil || len(marked.Finalizers) != 2 {
			t.Fatalf("got deletionTimestamp %v finalizers %v, want marked with both finalizers", marked.DeletionTimestamp, marked.Finalizers)
		}
		// No new finalizers on an object being deleted.
		wantStatus(t, ts.do(t, http.MethodPatch, pods+"/p", `{"metadata":{"finalizers":["example.com/a","example.com/b","example.com/c"]}}`),
			422, api.StatusReasonInvalid, `Pod "p" is invalid: metadata.finalizers: Forbidden: no new finalizers can be added if the object is being deleted, found new finalizers ["example.com/c"]`)
		wantCode(t, ts.do(t, http.MethodPatch, pods+"/p", `{"metadata":{"finalizers":["example.com/b"]}}`), http.StatusOK, nil)
		if got := ts.getPod(t, ns, "p"); !slices.Equal(got.Finalizers, []string{"example.com/b"}) {
			t.Fatalf("got finalizers %v, want example.com/b", got.Finalizers)
		}
		cur := ts.getPod(t, ns, "p")
		cur.Finalizers = nil
		wantCode(t, ts.do(t, http.MethodPut, pods+"/p", cur), http.StatusOK, nil)
		wantStatus(t, ts.do(t, http.MethodGet, pods+"/p", nil), 404, api.StatusReasonNotFound, `pods "p" not found`)
	})

	t.Run("create in a missing namespace", func(t *testing.T) {
		t.Parallel()
		wantStatus(t, ts.do(t, http.MethodPost, "/api/v1/namespaces/nowhere/pods", podJSON("p", nil)),
			404, api.StatusReasonNotFound, `namespaces "nowhere" not found`)
		if got := ts.list(t, "/api/v1/namespaces/nowhere/pods"); len(got.Items) != 0 {
			t.Errorf("got %d pods, want none", len(got.Items))
		}
	})

	t.Run("create in a terminating namespace", func(t *testing.T) {
		t.Parallel()
		ns := ts.newNamespace(t, "terminating")
		pods := "/api/v1/namespaces/" + ns + "/pods"
		ts.createPod(t, ns, "before", nil)
		var nsObj api.Namespace
		wantCode(t, ts.do(t, http.MethodDelete, "/api/v1/namespaces/"+ns, nil), http.StatusOK, &nsObj)
		if nsObj.Status.Phase != api.NamespaceTerminating || nsObj.DeletionTimestamp == nil {
			t.Fatalf("got phase %q deletionTimestamp %v, want Terminating", nsObj.Status.Phase, nsObj.DeletionTimestamp)
		}
		before := ts.snapshot(t, pods)
		st := wantStatus(t, ts.do(t, http.MethodPost, pods, podJSON("after", nil)), 403, api.StatusReasonForbidden,
			fmt.Sprintf(`pods "after" is forbidden: unable to create new content in namespace %s because it is being terminated`, ns))
		if st.Details == nil || len(st.Details.Causes) != 1 || st.Details.Causes[0].Type != "NamespaceTerminating" {
			t.Errorf("got details %+v, want a NamespaceTerminating cause", st.Details)
		}
		ts.wantUnchanged(t, pods, before)
	})

	t.Run("deletecollection with a label selector", func(t *testing.T) {
		t.Parallel()
		ns := ts.newNamespace(t, "deletecollection")
		pods := "/api/v1/namespaces/" + ns + "/pods"
		for _, n := range []string{"a1", "a2", "a3"} {
			ts.createPod(t, ns, n, map[string]string{"app": "a"})
		}
		ts.createPod(t, ns, "b1", map[string]string{"app": "b"})
		other := ts.newNamespace(t, "deletecollection-other")
		ts.createPod(t, other, "a9", map[string]string{"app": "a"})
		var st api.Status
		wantCode(t, ts.do(t, http.MethodDelete, pods+"?labelSelector=app%3Da", nil), http.StatusOK, &st)
		if st.Status != api.StatusSuccess {
			t.Errorf("got %+v, want Success", st)
		}
		if got := names(ts.list(t, pods).Items); !slices.Equal(got, []string{"b1"}) {
			t.Errorf("got pods %v, want b1", got)
		}
		if got := names(ts.list(t, "/api/v1/namespaces/"+other+"/pods").Items); !slices.Equal(got, []string{"a9"}) {
			t.Errorf("other namespace: got pods %v, want a9", got)
		}
	})

	t.Run("concurrent patches all apply", func(t *testing.T) {
		t.Parallel()
		ns := ts.newNamespace(t, "concurrent")
		pods := "/api/v1/namespaces/" + ns + "/pods"
		ts.createPod(t, ns, "p", nil)
		const n = 8
		codes := make(chan int, n)
		ctx, cancel := context.WithTimeout(context.Background(), waitTimeout)
		defer cancel()
		var wg sync.WaitGroup
		for i := range n {
			req := ts.newRequest(t, ctx, http.MethodPatch, pods+"/p", fmt.Sprintf(`{"metadata":{"labels":{"l%d":"x"}}}`, i))
			wg.Go(func() {
				resp, err := ts.client.Do(req)
				if err != nil {
					codes <- -1
					return
				}
				resp.Body.Close()
				codes <- resp.StatusCode
			})
		}
		wg.Wait()
		close(codes)
		for c := range codes {
			if c != http.StatusOK {
				t.Errorf("got code %d, want 200", c)
			}
		}
		if got := ts.getPod(t, ns, "p").Labels; len(got) != n {
			t.Errorf("got labels %v, want all %d", got, n)
		}
	})

	t.Run("verbs and resources that do not exist", func(t *testing.T) {
		t.Parallel()
		ns := ts.newNamespace(t, "method")
		pods := "/api/v1/namespaces/" + ns + "/pods"
		ts.createPod(t, ns, "p", nil)
		before := ts.snapshot(t, pods)
		const notAllowed = "the server does not allow this method on the requested resource"
		wantStatus(t, ts.do(t, http.MethodPost, pods+"/p/status", podJSON("p", nil)), 405, api.StatusReasonMethodNotAllowed, notAllowed)
		wantStatus(t, ts.do(t, http.MethodGet, pods+"/p/binding", nil), 405, api.StatusReasonMethodNotAllowed, notAllowed)
		wantStatus(t, ts.do(t, http.MethodGet, pods+"/p/scale", nil), 404, api.StatusReasonNotFound, "the server could not find the requested resource")
		wantStatus(t, ts.do(t, http.MethodPut, pods+"/missing", podJSON("missing", nil)), 404, api.StatusReasonNotFound, `pods "missing" not found`)
		// Namespaced resources need a namespace for one object; cluster-scoped ones refuse one.
		wantStatus(t, ts.do(t, http.MethodGet, "/api/v1/pods/p", nil), 404, api.StatusReasonNotFound, "the server could not find the requested resource")
		wantStatus(t, ts.do(t, http.MethodGet, "/api/v1/namespaces/"+ns+"/nodes", nil), 404, api.StatusReasonNotFound, "the server could not find the requested resource")
		ts.wantUnchanged(t, pods, before)
	})

	t.Run("PUT creates a Lease", func(t *testing.T) {
		t.Parallel()
		ns := ts.newNamespace(t, "leases")
		path := "/apis/coordination.k8s.io/v1/namespaces/" + ns + "/leases/holder"
		lease := map[string]any{
			"apiVersion": "coordination.k8s.io/v1", "kind": "Lease",
			"metadata": map[string]any{"name": "holder"},
			"spec":     map[string]any{"holderIdentity": "a", "leaseDurationSeconds": 15},
		}
		var got api.Lease
		wantCode(t, ts.do(t, http.MethodPut, path, lease), http.StatusCreated, &got)
		if got.UID == "" || got.ResourceVersion == "" || got.Spec.HolderIdentity == nil || *got.Spec.HolderIdentity != "a" {
			t.Errorf("got %+v, want the created lease", got)
		}
		lease["metadata"].(map[string]any)["resourceVersion"] = got.ResourceVersion
		lease["spec"].(map[string]any)["holderIdentity"] = "b"
		wantCode(t, ts.do(t, http.MethodPut, path, lease), http.StatusOK, &got)
		if *got.Spec.HolderIdentity != "b" {
			t.Errorf("got holder %q, want b", *got.Spec.HolderIdentity)
		}
	})

	t.Run("dryRun creates, changes and deletes nothing", func(t *testing.T) {
		t.Parallel()
		ns := ts.newNamespace(t, "dry-run")
		pods := "/api/v1/namespaces/" + ns + "/pods"
		ts.createPod(t, ns, "kept", nil)
		before := ts.snapshot(t, pods)
		var pod api.Pod
		wantCode(t, ts.do(t, http.MethodPost, pods+"?dryRun=All", podJSON("dry", nil)), http.StatusCreated, &pod)
		if pod.Name != "dry" || pod.UID == "" || pod.Spec.RestartPolicy != api.RestartPolicyAlways {
			t.Errorf("got %+v, want the pod as it would be stored", pod.ObjectMeta)
		}
		wantStatus(t, ts.do(t, http.MethodGet, pods+"/dry", nil), 404, api.StatusReasonNotFound, `pods "dry" not found`)
		wantStatus(t, ts.do(t, http.MethodPost, pods+"?dryRun=All", podJSON("kept", nil)), 409, api.StatusReasonAlreadyExists, `pods "kept" already exists`)
		wantCode(t, ts.do(t, http.MethodPatch, pods+"/kept?dryRun=All", `{"metadata":{"labels":{"x":"y"}}}`), http.StatusOK, &pod)
		if pod.Labels["x"] != "y" {
			t.Errorf("dry-run patch: got labels %v, want x=y", pod.Labels)
		}
		wantCode(t, ts.do(t, http.MethodDelete, pods+"/kept?dryRun=All", nil), http.StatusOK, nil)
		wantCode(t, ts.do(t, http.MethodDelete, pods+"?dryRun=All", nil), http.StatusOK, nil)
		ts.wantUnchanged(t, pods, before)
		if got := ts.getPod(t, ns, "kept").Labels["x"]; got != "" {
			t.Errorf("dry-run patch was stored: label x=%q", got)
		}
	})
}

func TestList(t *testing.T) {
	t.Parallel()
	ts := startServer(t)

	t.Run("selectors", func(t *testing.T) {
		t.Parallel()
		ns := ts.newNamespace(t, "selectors")
		pods := "/api/v1/namespaces/" + ns + "/pods"
		ts.createPod(t, ns, "web-1", map[string]string{"app": "web", "tier": "front"})
		ts.createPod(t, ns, "web-2", map[string]string{"app": "web"})
		ts.createPod(t, ns, "db-1", map[string]string{"app": "db"})
		ts.createPod(t, ns, "plain", nil)
		wantCode(t, ts.bindPod(t, ns, "web-1", "node-1"), http.StatusCreated, nil)
		wantCode(t, ts.bindPod(t, ns, "db-1", "node-2"), http.StatusCreated, nil)
		wantCode(t, ts.do(t, http.MethodPatch, pods+"/web-2/status", `{"status":{"phase":"Running"}}`), http.StatusOK, nil)
		tests := []struct {
			name  string
			query string
			want  []string
		}{
			{"everything", "", []string{"db-1", "plain", "web-1", "web-2"}},
			{"label equals", "labelSelector=app%3Dweb", []string{"web-1", "web-2"}},
			{"label not equals", "labelSelector=app!%3Dweb", []string{"db-1", "plain"}},
			{"label in", "labelSelector=app%20in%20(db,web),tier", []string{"web-1"}},
			{"label absent", "labelSelector=!app", []string{"plain"}},
			{"nodeName", "fieldSelector=spec.nodeName%3Dnode-1", []string{"web-1"}},
			{"unbound", "fieldSelector=spec.nodeName%3D", []string{"plain", "web-2"}},
			{"phase", "fieldSelector=status.phase%3DPending", []string{"db-1", "plain", "web-1"}},
			{"phase not", "fieldSelector=status.phase!%3DPending", []string{"web-2"}},
			{"name", "fieldSelector=metadata.name%3Ddb-1", []string{"db-1"}},
			{"fields and labels", "fieldSelector=status.phase%3DPending&labelSelector=app", []string{"db-1", "web-1"}},
			{"two fields", "fieldSelector=status.phase%3DPending,spec.nodeName%3Dnode-2", []string{"db-1"}},
		}
		for _, tc := range tests {
			t.Run(tc.name, func(t *testing.T) {
				l := ts.list(t, pods+"?"+tc.query)
				if l.Kind != "PodList" {
					t.Errorf("got kind %q, want PodList", l.Kind)
				}
				if got := names(l.Items); !slices.Equal(got, tc.want) {
					t.Errorf("got %v, want %v", got, tc.want)
				}
			})
		}
		// Across all namespaces, with a field selector on the namespace.
		all := ts.list(t, "/api/v1/pods?fieldSelector=metadata.namespace%3D"+ns+",spec.nodeName%3Dnode-2")
		if got := names(all.Items); !slices.Equal(got, []string{"db-1"}) {
			t.Errorf("all namespaces: got %v, want db-1", got)
		}
		wantStatus(t, ts.do(t, http.MethodGet, pods+"?fieldSelector=spec.foo%3Dbar", nil), 400, api.StatusReasonBadRequest,
			"field label not supported: spec.foo")
		wantStatus(t, ts.do(t, http.MethodGet, "/apis/apps/v1/replicasets?fieldSelector=spec.nodeName%3Dx", nil), 400, api.StatusReasonBadRequest,
			"field label not supported: spec.nodeName")
	})

	t.Run("paging", func(t *testing.T) {
		t.Parallel()
		ns := ts.newNamespace(t, "paging")
		pods := "/api/v1/namespaces/" + ns + "/pods"
		var want []string
		for i := range 8 {
			n := fmt.Sprintf("p-%d", i)
			labels := map[string]string{"even": strconv.FormatBool(i%2 == 0)}
			ts.createPod(t, ns, n, labels)
			want = append(want, n)
		}
		for _, tc := range []struct {
			name     string
			query    string
			limit    int
			want     []string
			wantLens []int
		}{
			{"no selector", "", 3, want, []int{3, 3, 2}},
			{"exact pages", "", 4, want, []int{4, 4}},
			{"with a selector", "&labelSelector=even%3Dtrue", 3, []string{"p-0", "p-2", "p-4", "p-6"}, []int{3, 1}},
		} {
			t.Run(tc.name, func(t *testing.T) {
				var got []string
				var lens []int
				var rv string
				cont := ""
				for page := 0; ; page++ {
					q := fmt.Sprintf("?limit=%d%s", tc.limit, tc.query)
					if cont != "" {
						q += "&continue=" + cont
					}
					l := ts.list(t, pods+q)
					if page == 0 {
						rv = l.Metadata.ResourceVersion
					} else if l.Metadata.ResourceVersion != rv {
						t.Errorf("page %d: got resourceVersion %q, want the first page's %q", page, l.Metadata.ResourceVersion, rv)
					}
					for _, it := range l.Items {
						got = append(got, it.Metadata.Name)
					}
					lens = append(lens, len(l.Items))
					if tc.query == "" && l.Metadata.Continue != "" {
						rest := len(tc.want) - len(got)
						if l.Metadata.RemainingItemCount == nil || *l.Metadata.RemainingItemCount != int64(rest) {
							t.Errorf("page %d: got remainingItemCount %v, want %d", page, l.Metadata.RemainingItemCount, rest)
						}
					}
					cont = l.Metadata.Continue
					if cont == "" {
						break
					}
					if page > 10 {
						t.Fatal("paging does not end")
					}
					// Writes between pages do not show: every page reads the first one's revision.
					if page == 0 {
						ts.createPod(t, ns, "z-late", map[string]string{"even": "true"})
						defer ts.do(t, http.MethodDelete, pods+"/z-late", nil)
					}
				}
				if !slices.Equal(got, tc.want) {
					t.Errorf("got %v, want every object once: %v", got, tc.want)
				}
				if !slices.Equal(lens, tc.wantLens) {
					t.Errorf("got page sizes %v, want %v", lens, tc.wantLens)
				}
			})
		}
		wantStatus(t, ts.do(t, http.MethodGet, pods+"?limit=2&continue=garbage", nil), 400, api.StatusReasonBadRequest, "continue key is not valid: ...")
	})

	t.Run("resourceVersion", func(t *testing.T) {
		t.Parallel()
		ns := ts.newNamespace(t, "resource-version")
		pods := "/api/v1/namespaces/" + ns + "/pods"
		for _, n := range []string{"a", "b", "c"} {
			ts.createPod(t, ns, n, nil)
		}
		// rv=0 is "any state": the watch cache may lag the writes just made. A
		// consistent list (rv unset) waits until the cache has caught up with etcd;
		// after it, rv=0 sees all three.
		ts.list(t, pods)
		l := ts.list(t, pods+"?limit=2&resourceVersion=0")
		if len(l.Items) != 3 || l.Metadata.Continue != "" {
			t.Errorf("rv=0: got %d items continue %q, want all 3 and no continue", len(l.Items), l.Metadata.Continue)
		}
		cur, err := strconv.ParseInt(l.Metadata.ResourceVersion, 10, 64)
		if err != nil {
			t.Fatalf("list resourceVersion %q: %v", l.Metadata.ResourceVersion, err)
		}
		// Not older than an rv the server has: served.
		if got := ts.list(t, pods+"?resourceVersion="+l.Metadata.ResourceVersion); len(got.Items) != 3 {
			t.Errorf("rv=%d: got %d items, want 3", cur, len(got.Items))
		}
		if got := ts.list(t, pods+"?resourceVersion="+l.Metadata.ResourceVersion+"&resourceVersionMatch=NotOlderThan"); len(got.Items) != 3 {
			t.Errorf("NotOlderThan: got %d items, want 3", len(got.Items))
		}
		// Exact at an older revision: the state then.
		a := ts.getPod(t, ns, "a")
		if got := names(ts.list(t, pods+"?resourceVersionMatch=Exact&resourceVersion="+a.ResourceVersion).Items); !slices.Equal(got, []string{"a"}) {
			t.Errorf("Exact at a's rv: got %v, want [a]", got)
		}
		before := ts.snapshot(t, pods)
		future := cur + 1_000_000
		r := ts.do(t, http.MethodGet, fmt.Sprintf("%s?resourceVersion=%d", pods, future), nil)
		st := wantStatus(t, r, 504, api.StatusReasonTimeout, fmt.Sprintf("Timeout: Too large resource version: %d, current: ...", future))
		if got := r.header.Get("Retry-After"); got != "1" {
			t.Errorf("got Retry-After %q, want 1", got)
		}
		if st.Details == nil || st.Details.RetryAfterSeconds != 1 || len(st.Details.Causes) != 1 || st.Details.Causes[0].Type != api.CauseTypeResourceVersionTooLarge {
			t.Errorf("got details %+v, want retryAfterSeconds 1 and a ResourceVersionTooLarge cause", st.Details)
		}
		wantStatus(t, ts.do(t, http.MethodGet, pods+"?resourceVersion=abc", nil), 400, api.StatusReasonBadRequest, `invalid resource version "abc"`)
		wantStatus(t, ts.do(t, http.MethodGet, pods+"?resourceVersionMatch=Exact", nil), 422, api.StatusReasonInvalid,
			`ListOptions.meta.k8s.io "" is invalid: resourceVersionMatch: Forbidden: resourceVersionMatch "Exact" is forbidden for resourceVersion ""`)
		wantStatus(t, ts.do(t, http.MethodGet, pods+"?resourceVersionMatch=NotOlderThan", nil), 422, api.StatusReasonInvalid,
			`ListOptions.meta.k8s.io "" is invalid: resourceVersionMatch: Forbidden: resourceVersionMatch is forbidden unless resourceVersion is provided`)
		ts.wantUnchanged(t, pods, before)
	})
}

func TestNamespaceFinalize(t *testing.T) {
	ts := startServer(t)
	ns := ts.newNamespace(t, "finalize-me")
	// Deleting marks it Terminating: the "kubernetes" finalizer waits for the namespace
	// controller.
	wantCode(t, ts.do(t, http.MethodDelete, "/api/v1/namespaces/"+ns, nil), http.StatusOK, nil)
	var got api.Namespace
	wantCode(t, ts.do(t, http.MethodGet, "/api/v1/namespaces/"+ns, nil), http.StatusOK, &got)
	if got.Status.Phase != api.NamespaceTerminating || got.DeletionTimestamp == nil {
		t.Fatalf("after delete: phase %q deletionTimestamp %v; want Terminating with a deletionTimestamp", got.Status.Phase, got.DeletionTimestamp)
	}
	// The finalize subresource changes spec.finalizers only; emptied, the namespace goes.
	got.Spec.Finalizers = nil
	got.Labels = map[string]string{"ignored": "yes"}
	wantCode(t, ts.do(t, http.MethodPut, "/api/v1/namespaces/"+ns+"/finalize", got), http.StatusOK, nil)
	wantStatus(t, ts.do(t, http.MethodGet, "/api/v1/namespaces/"+ns, nil), http.StatusNotFound, api.StatusReasonNotFound, `namespaces "`+ns+`" not found`)
	wantStatus(t, ts.do(t, http.MethodGet, "/api/v1/namespaces/"+ns+"/finalize", nil), http.StatusMethodNotAllowed, api.StatusReasonMethodNotAllowed, "the server does not allow this method on the requested resource")
}

// TestDeleteAnswer checks what a DELETE that removes the object at once answers: the
// deleted object for pods, as Kubernetes does, and a Success Status naming the object
// for other kinds.
func TestDeleteAnswer(t *testing.T) {
	t.Parallel()
	ts := startServer(t)
	ns := ts.newNamespace(t, "delete-answer")
	pods := "/api/v1/namespaces/" + ns + "/pods"
	rss := "/apis/apps/v1/namespaces/" + ns + "/replicasets"
	// created is what a test case made: the object's URL and uid.
	type created struct{ path, uid string }
	tests := []struct {
		name   string
		create func(t *testing.T) created
		query  string
		// wantObject is the kind and apiVersion of the deleted object the answer must
		// be; empty for a Status.
		wantObject api.TypeMeta
		// wantDetails is the Status's details, for a Status answer (without the uid,
		// which is the created object's).
		wantDetails api.StatusDetails
	}{
		{
			name: "unbound pod",
			create: func(t *testing.T) created {
				p := ts.createPod(t, ns, "unbound", nil)
				return created{pods + "/unbound", p.UID}
			},
			wantObject: api.TypeMeta{Kind: "Pod", APIVersion: "v1"},
		},
		{
			name: "bound pod with gracePeriodSeconds=0",
			create: func(t *testing.T) created {
				p := ts.createPod(t, ns, "bound", nil)
				wantCode(t, ts.bindPod(t, ns, "bound", "node-1"), http.StatusCreated, nil)
				return created{pods + "/bound", p.UID}
			},
			query:      "?gracePeriodSeconds=0",
			wantObject: api.TypeMeta{Kind: "Pod", APIVersion: "v1"},
		},
		{
			name: "node",
			create: func(t *testing.T) created {
				var n api.Node
				wantCode(t, ts.do(t, http.MethodPost, "/api/v1/nodes", map[string]any{
					"apiVersion": "v1", "kind": "Node", "metadata": map[string]any{"name": "delete-answer"},
				}), http.StatusCreated, &n)
				return created{"/api/v1/nodes/delete-answer", n.UID}
			},
			wantDetails: api.StatusDetails{Name: "delete-answer", Kind: "nodes"},
		},
		{
			name: "replicaset",
			create: func(t *testing.T) created {
				var rs api.ReplicaSet
				wantCode(t, ts.do(t, http.MethodPost, rss, rsJSON("rs", 0)), http.StatusCreated, &rs)
				return created{rss + "/rs", rs.UID}
			},
			wantDetails: api.StatusDetails{Name: "rs", Group: "apps", Kind: "replicasets"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			c := tt.create(t)
			r := ts.do(t, http.MethodDelete, c.path+tt.query, nil)
			if tt.wantObject.Kind != "" {
				var got struct {
					api.TypeMeta
					Metadata api.ObjectMeta `json:"metadata"`
				}
				wantCode(t, r, http.StatusOK, &got)
				if got.TypeMeta != tt.wantObject || got.Metadata.Name != path.Base(c.path) || got.Metadata.UID != c.uid {
					t.Errorf("got %s, want the deleted %s %s with uid %s", r.body, tt.wantObject.Kind, path.Base(c.path), c.uid)
				}
			} else {
				var got api.Status
				wantCode(t, r, http.StatusOK, &got)
				want := tt.wantDetails
				want.UID = c.uid
				if got.Kind != "Status" || got.APIVersion != "v1" || got.Status != api.StatusSuccess || got.Details == nil ||
					!reflect.DeepEqual(*got.Details, want) {
					t.Errorf("got %s, want a Success Status with details %+v", r.body, want)
				}
			}
			if r := ts.do(t, http.MethodGet, c.path, nil); r.code != http.StatusNotFound {
				t.Errorf("GET after the delete: got code %d, want 404", r.code)
			}
		})
	}
}
