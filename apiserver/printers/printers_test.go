package printers

import (
	"bytes"
	"encoding/json"
	"errors"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/orrery-dev/orrery/api"
)

// twoPods are the pods of the golden Table: one running, one crash looping.
func twoPods() []api.Object {
	return []api.Object{
		&api.Pod{
			TypeMeta: api.TypeMeta{Kind: "Pod", APIVersion: "v1"},
			ObjectMeta: api.ObjectMeta{
				Name: "web-0", Namespace: "default", UID: "5f2b8c1e-0000-4000-8000-000000000000",
				ResourceVersion: "101", CreationTimestamp: ago(5 * time.Minute),
				Labels: map[string]string{"app": "web"},
				OwnerReferences: []api.OwnerReference{{
					APIVersion: "apps/v1", Kind: "ReplicaSet", Name: "web",
					UID: "9a0e7f3c-0000-4000-8000-000000000000", Controller: ptr(true), BlockOwnerDeletion: ptr(true),
				}},
			},
			Spec: api.PodSpec{NodeName: "node-a", Containers: []api.Container{{Name: "nginx", Image: "nginx:1.25"}}},
			Status: api.PodStatus{
				Phase: api.PodRunning, PodIP: "10.244.0.5", PodIPs: []api.PodIP{{IP: "10.244.0.5"}},
				ContainerStatuses: []api.ContainerStatus{{Name: "nginx", Ready: true, State: running()}},
			},
		},
		&api.Pod{
			ObjectMeta: api.ObjectMeta{
				Name: "web-1", Namespace: "default", UID: "5f2b8c1e-0000-4000-8000-000000000001",
				ResourceVersion: "117", CreationTimestamp: ago(2*time.Minute + 3*time.Second),
				Labels: map[string]string{"app": "web"},
			},
			Spec: api.PodSpec{NodeName: "node-b", Containers: []api.Container{{Name: "nginx", Image: "nginx:1.25"}}},
			Status: api.PodStatus{
				Phase: api.PodRunning, PodIPs: []api.PodIP{{IP: "10.244.1.7"}},
				ContainerStatuses: []api.ContainerStatus{{
					Name: "nginx", State: waiting("CrashLoopBackOff"), RestartCount: 4,
					LastTerminationState: finished(30 * time.Second),
				}},
			},
		},
	}
}

// TestTableGolden checks that a Table of two pods encodes byte for byte as Kubernetes
// encodes it. The golden file was produced with k8s.io/apimachinery's metav1.Table and
// the column descriptions of k8s.io/api v0.37.2.
func TestTableGolden(t *testing.T) {
	t.Parallel()
	table, err := Table(kindOf("Pod"), twoPods(), Options{Now: now})
	if err != nil {
		t.Fatal(err)
	}
	table.ResourceVersion = "120" // the caller's part
	got, err := json.Marshal(table)
	if err != nil {
		t.Fatal(err)
	}
	want, err := os.ReadFile("testdata/two_pods_table.golden.json")
	if err != nil {
		t.Fatal(err)
	}
	want = bytes.TrimSpace(want)
	if !bytes.Equal(got, want) {
		t.Errorf("Table JSON differs from Kubernetes'\n got: %s\nwant: %s", got, want)
	}
}

// TestColumnsGolden compares every kind's column definitions with Kubernetes' (names,
// types, formats, priorities and descriptions), recorded in testdata from k8s.io/api.
func TestColumnsGolden(t *testing.T) {
	t.Parallel()
	raw, err := os.ReadFile("testdata/columns.golden.json")
	if err != nil {
		t.Fatal(err)
	}
	var want map[string][]api.TableColumnDefinition
	if err := json.Unmarshal(raw, &want); err != nil {
		t.Fatal(err)
	}
	for _, kind := range []string{"Pod", "Node", "ReplicaSet", "Namespace", "Event", "Lease", ""} {
		t.Run("kind="+kind, func(t *testing.T) {
			t.Parallel()
			table, err := Table(kindOf(kind), nil, Options{Now: now})
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(want[kind], table.ColumnDefinitions); diff != "" {
				t.Errorf("columns (-want +got):\n%s", diff)
			}
		})
	}
}

func TestTableIncludeObject(t *testing.T) {
	t.Parallel()
	pod := &api.Pod{
		ObjectMeta: api.ObjectMeta{Name: "web", Namespace: "default", ResourceVersion: "7", CreationTimestamp: ago(time.Hour)},
		Spec:       api.PodSpec{Containers: []api.Container{{Name: "c", Image: "nginx"}}},
	}
	tests := []struct {
		name       string
		policy     IncludeObjectPolicy
		apiVersion string
		want       string
	}{
		{
			name:   "absent means metadata",
			policy: "",
			want:   `{"kind":"PartialObjectMetadata","apiVersion":"meta.k8s.io/v1","metadata":{"name":"web","namespace":"default","resourceVersion":"7","creationTimestamp":"2024-05-01T11:00:00Z"}}`,
		},
		{
			name:   "metadata",
			policy: IncludeMetadata,
			want:   `{"kind":"PartialObjectMetadata","apiVersion":"meta.k8s.io/v1","metadata":{"name":"web","namespace":"default","resourceVersion":"7","creationTimestamp":"2024-05-01T11:00:00Z"}}`,
		},
		{
			name:       "metadata in a v1beta1 table",
			policy:     IncludeMetadata,
			apiVersion: TableAPIVersionV1beta1,
			want:       `{"kind":"PartialObjectMetadata","apiVersion":"meta.k8s.io/v1beta1","metadata":{"name":"web","namespace":"default","resourceVersion":"7","creationTimestamp":"2024-05-01T11:00:00Z"}}`,
		},
		{
			name:   "object gets its kind and apiVersion",
			policy: IncludeObject,
			want:   `{"kind":"Pod","apiVersion":"v1","metadata":{"name":"web","namespace":"default","resourceVersion":"7","creationTimestamp":"2024-05-01T11:00:00Z"},"spec":{"containers":[{"name":"c","image":"nginx","resources":{}}]},"status":{}}`,
		},
		{
			name:   "none is null",
			policy: IncludeNone,
			want:   `null`,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			table, err := Table(kindOf("Pod"), []api.Object{pod}, Options{Now: now, IncludeObject: tt.policy, APIVersion: tt.apiVersion})
			if err != nil {
				t.Fatal(err)
			}
			if got := string(table.Rows[0].Object); got != tt.want {
				t.Errorf("row object\n got: %s\nwant: %s", got, tt.want)
			}
		})
	}
	if pod.Kind != "" || pod.APIVersion != "" {
		t.Errorf("Table set the caller's pod's TypeMeta to %+v", pod.TypeMeta)
	}
}

func TestTableObjectOfEveryKind(t *testing.T) {
	t.Parallel()
	tests := []struct {
		kind, wantAPIVersion string
		obj                  api.Object
	}{
		{"Pod", "v1", &api.Pod{}},
		{"Node", "v1", &api.Node{}},
		{"Namespace", "v1", &api.Namespace{}},
		{"Event", "v1", &api.Event{}},
		{"ReplicaSet", "apps/v1", &api.ReplicaSet{}},
		{"Lease", "coordination.k8s.io/v1", &api.Lease{}},
		{"Binding", "", &api.Binding{}},
	}
	for _, tt := range tests {
		t.Run(tt.kind, func(t *testing.T) {
			t.Parallel()
			table, err := Table(kindOf(tt.kind), []api.Object{tt.obj}, Options{Now: now, IncludeObject: IncludeObject})
			if err != nil {
				t.Fatal(err)
			}
			var got api.TypeMeta
			if err := json.Unmarshal(table.Rows[0].Object, &got); err != nil {
				t.Fatal(err)
			}
			want := api.TypeMeta{Kind: tt.kind, APIVersion: tt.wantAPIVersion}
			if tt.wantAPIVersion == "" {
				want = api.TypeMeta{} // a kind api does not know is encoded as it is
			}
			if got != want {
				t.Errorf("object TypeMeta = %+v, want %+v", got, want)
			}
		})
	}
}

func TestTableShape(t *testing.T) {
	t.Parallel()
	binding := &api.Binding{ObjectMeta: api.ObjectMeta{Name: "b", CreationTimestamp: api.NewTime(time.Date(2024, 4, 30, 23, 1, 2, 0, time.FixedZone("CEST", 2*3600)))}}
	tests := []struct {
		name string
		kind string
		objs []api.Object
		opts Options
		want string
	}{
		{
			name: "empty pod list has empty rows",
			kind: "Pod",
			opts: Options{NoHeaders: true},
			want: `{"kind":"Table","apiVersion":"meta.k8s.io/v1","metadata":{},"columnDefinitions":null,"rows":[]}`,
		},
		{
			name: "empty list of an unknown kind has null rows",
			kind: "Binding",
			opts: Options{NoHeaders: true},
			want: `{"kind":"Table","apiVersion":"meta.k8s.io/v1","metadata":{},"columnDefinitions":null,"rows":null}`,
		},
		{
			name: "v1beta1 table",
			kind: "Lease",
			opts: Options{NoHeaders: true, APIVersion: TableAPIVersionV1beta1},
			want: `{"kind":"Table","apiVersion":"meta.k8s.io/v1beta1","metadata":{},"columnDefinitions":null,"rows":[]}`,
		},
		{
			name: "unknown kind prints name and creation time in UTC",
			kind: "Binding",
			objs: []api.Object{binding, &api.Binding{ObjectMeta: api.ObjectMeta{Name: "never"}}},
			opts: Options{NoHeaders: true, IncludeObject: IncludeNone},
			want: `{"kind":"Table","apiVersion":"meta.k8s.io/v1","metadata":{},"columnDefinitions":null,"rows":[` +
				`{"cells":["b","2024-04-30T21:01:02Z"],"object":null},` +
				`{"cells":["never","0001-01-01T00:00:00Z"],"object":null}]}`,
		},
		{
			name: "succeeded pod row carries its condition",
			kind: "Pod",
			objs: []api.Object{pod(1, 0, api.PodSucceeded, nil, []api.ContainerStatus{{Name: "c", State: terminated("Completed", 0, 0)}})},
			opts: Options{NoHeaders: true, IncludeObject: IncludeNone},
			want: `{"kind":"Table","apiVersion":"meta.k8s.io/v1","metadata":{},"columnDefinitions":null,"rows":[` +
				`{"cells":["web","0/1","Completed","0","60m","\u003cnone\u003e","\u003cnone\u003e","\u003cnone\u003e","\u003cnone\u003e"],` +
				`"conditions":[{"type":"Completed","status":"True","reason":"Succeeded","message":"The pod has completed successfully."}],"object":null}]}`,
		},
		{
			name: "integer cells are numbers",
			kind: "ReplicaSet",
			objs: []api.Object{&api.ReplicaSet{ObjectMeta: api.ObjectMeta{Name: "rs"}, Spec: api.ReplicaSetSpec{Replicas: ptr[int32](2)}, Status: api.ReplicaSetStatus{Replicas: 2, ReadyReplicas: 1}}},
			opts: Options{NoHeaders: true, IncludeObject: IncludeNone},
			want: `{"kind":"Table","apiVersion":"meta.k8s.io/v1","metadata":{},"columnDefinitions":null,"rows":[` +
				`{"cells":["rs",2,2,1,"\u003cunknown\u003e","","","\u003cnone\u003e"],"object":null}]}`,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			tt.opts.Now = now
			table, err := Table(kindOf(tt.kind), tt.objs, tt.opts)
			if err != nil {
				t.Fatal(err)
			}
			got, err := json.Marshal(table)
			if err != nil {
				t.Fatal(err)
			}
			if string(got) != tt.want {
				t.Errorf("Table JSON\n got: %s\nwant: %s", got, tt.want)
			}
		})
	}
}

func TestTableColumnsMatchCells(t *testing.T) {
	t.Parallel()
	objs := map[string]api.Object{
		"Pod": &api.Pod{}, "Node": &api.Node{}, "ReplicaSet": &api.ReplicaSet{},
		"Namespace": &api.Namespace{}, "Event": &api.Event{}, "Lease": &api.Lease{}, "Binding": &api.Binding{},
	}
	for kind, obj := range objs {
		t.Run(kind, func(t *testing.T) {
			t.Parallel()
			table, err := Table(kindOf(kind), []api.Object{obj}, Options{Now: now})
			if err != nil {
				t.Fatal(err)
			}
			cols, cells := table.ColumnDefinitions, table.Rows[0].Cells
			if len(cols) != len(cells) {
				t.Fatalf("%d columns, %d cells", len(cols), len(cells))
			}
			for i, c := range cols {
				switch c.Type {
				case "integer":
					if _, ok := cells[i].(int64); !ok {
						t.Errorf("column %q is %s but cell is %T", c.Name, c.Type, cells[i])
					}
				case "string", "date":
					// Event COUNT is typed "string" but holds an integer, as in Kubernetes.
					if _, ok := cells[i].(string); !ok && !(kind == "Event" && c.Name == "Count") {
						t.Errorf("column %q is %s but cell is %T", c.Name, c.Type, cells[i])
					}
				default:
					t.Errorf("column %q has type %q", c.Name, c.Type)
				}
			}
		})
	}
}

func TestTableErrors(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name       string
		kind       string
		objs       []api.Object
		opts       Options
		wantCode   int32
		wantReason api.StatusReason
		wantMsg    string
	}{
		{
			name: "unknown includeObject, even without rows",
			kind: "Pod", opts: Options{IncludeObject: "Everything"},
			wantCode: 400, wantReason: api.StatusReasonBadRequest,
			wantMsg: `Unable to convert to Table as requested: includeObject: Invalid value: "Everything": must be 'Metadata', 'Object', 'None', or empty`,
		},
		{
			name: "includeObject is case sensitive",
			kind: "Pod", objs: []api.Object{&api.Pod{}}, opts: Options{IncludeObject: "object"},
			wantCode: 400, wantReason: api.StatusReasonBadRequest,
			wantMsg: `Unable to convert to Table as requested: includeObject: Invalid value: "object": must be 'Metadata', 'Object', 'None', or empty`,
		},
		{
			name: "unknown table version",
			kind: "Pod", opts: Options{APIVersion: "meta.k8s.io/v2"},
			wantCode: 406, wantReason: api.StatusReasonNotAcceptable,
			wantMsg: "no Table exists in group version meta.k8s.io/v2",
		},
		{
			name:    "object of another kind",
			kind:    "Pod",
			objs:    []api.Object{&api.Pod{}, &api.Node{}},
			wantMsg: "printers: Pod table: object 1: got *api.Node, want *api.Pod",
		},
		{
			name:    "nil object",
			kind:    "Node",
			objs:    []api.Object{nil},
			wantMsg: "printers: Node table: object 0 is nil",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			tt.opts.Now = now
			table, err := Table(kindOf(tt.kind), tt.objs, tt.opts)
			if err == nil {
				t.Fatalf("Table() = %+v, want an error", table)
			}
			if err.Error() != tt.wantMsg {
				t.Errorf("error %q, want %q", err, tt.wantMsg)
			}
			var status *api.Status
			if !errors.As(err, &status) {
				if tt.wantCode != 0 {
					t.Fatalf("error %T is not a *api.Status", err)
				}
				return
			}
			if status.Code != tt.wantCode || status.Reason != tt.wantReason {
				t.Errorf("status %d %s, want %d %s", status.Code, status.Reason, tt.wantCode, tt.wantReason)
			}
		})
	}
}

func TestTableNoHeaders(t *testing.T) {
	t.Parallel()
	objs := twoPods()
	with, err := Table(kindOf("Pod"), objs, Options{Now: now})
	if err != nil {
		t.Fatal(err)
	}
	without, err := Table(kindOf("Pod"), objs, Options{Now: now, NoHeaders: true})
	if err != nil {
		t.Fatal(err)
	}
	if without.ColumnDefinitions != nil {
		t.Errorf("NoHeaders: got %d columns, want none", len(without.ColumnDefinitions))
	}
	if diff := cmp.Diff(with.Rows, without.Rows); diff != "" {
		t.Errorf("NoHeaders changed the rows (-with +without):\n%s", diff)
	}
}

func TestTableDefaultClock(t *testing.T) {
	t.Parallel()
	lease := &api.Lease{ObjectMeta: api.ObjectMeta{Name: "l", CreationTimestamp: api.NewTime(time.Now().Add(-time.Hour))}}
	table, err := Table(kindOf("Lease"), []api.Object{lease}, Options{})
	if err != nil {
		t.Fatal(err)
	}
	// An hour, measured with the real clock; the test would need a minute to see "61m".
	if got := table.Rows[0].Cells[2]; got != "60m" {
		t.Errorf("AGE with the zero clock = %v, want 60m", got)
	}
}

func TestTableDoesNotModifyObjects(t *testing.T) {
	t.Parallel()
	objs := twoPods()
	before, err := json.Marshal(objs)
	if err != nil {
		t.Fatal(err)
	}
	for _, policy := range []IncludeObjectPolicy{IncludeNone, IncludeMetadata, IncludeObject} {
		if _, err := Table(kindOf("Pod"), objs, Options{Now: now, IncludeObject: policy}); err != nil {
			t.Fatal(err)
		}
	}
	after, err := json.Marshal(objs)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(before, after) {
		t.Errorf("objects changed:\nbefore %s\n after %s", before, after)
	}
	if !strings.Contains(string(after), `"name":"web-1"`) {
		t.Fatal("unexpected encoding of the test pods")
	}
}
