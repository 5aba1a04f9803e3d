package api

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
)

// roundTripCases pair Kubernetes-shaped JSON samples with the type they decode into and
// the paths of the fields Orrery does not model, which are dropped on decode.
var roundTripCases = []struct {
	file    string
	newObj  func() any
	dropped []string
}{
	{"pod.json", func() any { return &Pod{} }, []string{
		"spec.volumes[*].projected",
	}},
	{"podlist.json", func() any { return &PodList{} }, nil},
	{"node.json", func() any { return &Node{} }, nil},
	{"namespace.json", func() any { return &Namespace{} }, nil},
	{"event.json", func() any { return &Event{} }, nil},
	{"legacy_event.json", func() any { return &Event{} }, nil},
	{"replicaset.json", func() any { return &ReplicaSet{} }, []string{
		// ObjectMeta leaves out a zero creationTimestamp; Kubernetes writes null.
		"spec.template.metadata.creationTimestamp",
	}},
	{"lease.json", func() any { return &Lease{} }, nil},
}

func TestJSONRoundTrip(t *testing.T) {
	t.Parallel()
	for _, tt := range roundTripCases {
		t.Run(tt.file, func(t *testing.T) {
			t.Parallel()
			data, err := os.ReadFile(filepath.Join("testdata", tt.file))
			if err != nil {
				t.Fatal(err)
			}
			obj := tt.newObj()
			if err := json.Unmarshal(data, obj); err != nil {
				t.Fatalf("decode: %v", err)
			}
			encoded, err := json.Marshal(obj)
			if err != nil {
				t.Fatalf("encode: %v", err)
			}
			want := decodeGeneric(t, data)
			for _, p := range tt.dropped {
				dropPath(want, strings.Split(p, "."))
			}
			got := decodeGeneric(t, encoded)
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("re-encoded JSON differs from the Kubernetes sample (-want +got):\n%s", diff)
			}
		})
	}
}

func decodeGeneric(t *testing.T, data []byte) map[string]any {
	t.Helper()
	var m map[string]any
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	if err := dec.Decode(&m); err != nil {
		t.Fatalf("decode generic: %v", err)
	}
	return m
}

// dropPath deletes the field at path from a decoded JSON value; a "[*]" suffix on a
// step walks every element of a list.
func dropPath(v any, path []string) {
	m, ok := v.(map[string]any)
	if !ok || len(path) == 0 {
		return
	}
	step, all := strings.CutSuffix(path[0], "[*]")
	if len(path) == 1 && !all {
		delete(m, step)
		return
	}
	next := m[step]
	if all {
		list, _ := next.([]any)
		for _, e := range list {
			dropPath(e, path[1:])
		}
		return
	}
	dropPath(next, path[1:])
}

func TestJSONExactEncoding(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		obj  any
		want string
	}{
		{
			name: "not found status",
			obj:  NewNotFound(GroupResource{Resource: "pods"}, "web"),
			want: `{"kind":"Status","apiVersion":"v1","metadata":{},"status":"Failure","message":"pods \"web\" not found","reason":"NotFound","details":{"name":"web","kind":"pods"},"code":404}`,
		},
		{
			name: "expired status",
			obj:  NewExpired("too old resource version: 5 (120)"),
			want: `{"kind":"Status","apiVersion":"v1","metadata":{},"status":"Failure","message":"too old resource version: 5 (120)","reason":"Expired","code":410}`,
		},
		{
			name: "pod condition keeps null probe time",
			obj:  PodCondition{Type: PodReady, Status: ConditionTrue, LastTransitionTime: NewTime(time.Date(2024, 5, 1, 10, 0, 0, 0, time.UTC))},
			want: `{"type":"Ready","status":"True","lastProbeTime":null,"lastTransitionTime":"2024-05-01T10:00:00Z"}`,
		},
		{
			name: "container keeps empty resources",
			obj:  Container{Name: "c", Image: "busybox"},
			want: `{"name":"c","image":"busybox","resources":{}}`,
		},
		{
			name: "empty pod list keeps items",
			obj:  &PodList{TypeMeta: TypeMeta{Kind: "PodList", APIVersion: "v1"}, ListMeta: ListMeta{ResourceVersion: "7"}},
			want: `{"kind":"PodList","apiVersion":"v1","metadata":{"resourceVersion":"7"},"items":null}`,
		},
		{
			name: "replica set status always has replicas",
			obj:  ReplicaSetStatus{},
			want: `{"replicas":0}`,
		},
		{
			name: "scale",
			obj: &Scale{TypeMeta: TypeMeta{Kind: "Scale", APIVersion: "autoscaling/v1"},
				ObjectMeta: ObjectMeta{Name: "web", Namespace: "default"},
				Spec:       ScaleSpec{Replicas: 3}, Status: ScaleStatus{Replicas: 2, Selector: "app=web"}},
			want: `{"kind":"Scale","apiVersion":"autoscaling/v1","metadata":{"name":"web","namespace":"default"},"spec":{"replicas":3},"status":{"replicas":2,"selector":"app=web"}}`,
		},
		{
			name: "binding",
			obj: &Binding{TypeMeta: TypeMeta{Kind: "Binding", APIVersion: "v1"},
				ObjectMeta: ObjectMeta{Name: "web", Namespace: "default"},
				Target:     ObjectReference{Kind: "Node", Name: "node-1"}},
			want: `{"kind":"Binding","apiVersion":"v1","metadata":{"name":"web","namespace":"default"},"target":{"kind":"Node","name":"node-1"}}`,
		},
		{
			name: "delete options",
			obj: func() any {
				grace := int64(0)
				policy := DeletePropagationForeground
				uid := "u1"
				return &DeleteOptions{TypeMeta: TypeMeta{Kind: "DeleteOptions", APIVersion: "v1"},
					GracePeriodSeconds: &grace, Preconditions: &Preconditions{UID: &uid},
					PropagationPolicy: &policy, DryRun: []string{"All"}}
			}(),
			want: `{"kind":"DeleteOptions","apiVersion":"v1","gracePeriodSeconds":0,"preconditions":{"uid":"u1"},"propagationPolicy":"Foreground","dryRun":["All"]}`,
		},
		{
			name: "watch event",
			obj:  WatchEvent{Type: Bookmark, Object: json.RawMessage(`{"kind":"Pod","apiVersion":"v1","metadata":{"resourceVersion":"12"}}`)},
			want: `{"type":"BOOKMARK","object":{"kind":"Pod","apiVersion":"v1","metadata":{"resourceVersion":"12"}}}`,
		},
		{
			name: "table",
			obj: &Table{TypeMeta: TypeMeta{Kind: "Table", APIVersion: "meta.k8s.io/v1"},
				ListMeta:          ListMeta{ResourceVersion: "9"},
				ColumnDefinitions: []TableColumnDefinition{{Name: "Name", Type: "string", Format: "name", Description: "Name must be unique within a namespace."}},
				Rows:              []TableRow{{Cells: []any{"web", int64(3)}, Object: json.RawMessage(`{"kind":"PartialObjectMetadata"}`)}}},
			want: `{"kind":"Table","apiVersion":"meta.k8s.io/v1","metadata":{"resourceVersion":"9"},"columnDefinitions":[{"name":"Name","type":"string","format":"name","description":"Name must be unique within a namespace.","priority":0}],"rows":[{"cells":["web",3],"object":{"kind":"PartialObjectMetadata"}}]}`,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got, err := json.Marshal(tt.obj)
			if err != nil {
				t.Fatal(err)
			}
			if string(got) != tt.want {
				t.Errorf("Marshal =\n%s\nwant\n%s", got, tt.want)
			}
		})
	}
}

// semanticOpts compare decoded objects as the wire does: times at their wire
// precision, nil and empty collections alike, quantities by amount.
var semanticOpts = cmp.Options{
	cmp.Comparer(func(a, b Time) bool { return a.Truncate(time.Second).Equal(b.Truncate(time.Second)) }),
	cmp.Comparer(func(a, b MicroTime) bool {
		return a.Truncate(time.Microsecond).Equal(b.Truncate(time.Microsecond))
	}),
	// A pointer to a zero time encodes as null, which decodes as nil, as in Kubernetes.
	cmp.Comparer(func(a, b *Time) bool {
		return derefTime(a).Truncate(time.Second).Equal(derefTime(b).Truncate(time.Second))
	}),
	cmp.Comparer(func(a, b *MicroTime) bool {
		return derefTime(a).Truncate(time.Microsecond).Equal(derefTime(b).Truncate(time.Microsecond))
	}),
	cmpopts.EquateEmpty(),
}

func derefTime[T Time | MicroTime](p *T) time.Time {
	switch p := any(p).(type) {
	case *Time:
		if p != nil {
			return p.Time
		}
	case *MicroTime:
		if p != nil {
			return p.Time
		}
	}
	return time.Time{}
}

// FuzzDecode decodes arbitrary bytes as every kind and list: decoding never panics,
// whatever decodes re-encodes to JSON that decodes to an equal object, and from then on
// the encoding is stable. (The first encoding may differ from the second: a pointer to
// a zero time is written as null and read back as nil.)
func FuzzDecode(f *testing.F) {
	for _, tt := range roundTripCases {
		data, err := os.ReadFile(filepath.Join("testdata", tt.file))
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data)
	}
	for _, s := range []string{`{}`, `null`, `[]`, `{"metadata":null}`, `{"spec":{"containers":[{}]}}`,
		`{"status":{"capacity":{"cpu":"1e99"}}}`, `{"metadata":{"creationTimestamp":"2024-01-01T00:00:00.5Z"}}`,
		`{"spec":{"renewTime":"2024-01-01T00:00:00.1234567Z"}}`, `{"items":[{}, null]}`} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		for _, k := range testKinds() {
			check := func(name string, fresh func() any) {
				first := fresh()
				if err := json.Unmarshal(data, first); err != nil {
					return
				}
				b1, err := json.Marshal(first)
				if err != nil {
					t.Fatalf("%s: encode after decode: %v", name, err)
				}
				second := fresh()
				if err := json.Unmarshal(b1, second); err != nil {
					t.Fatalf("%s: re-decode of %s: %v", name, b1, err)
				}
				if diff := cmp.Diff(first, second, semanticOpts); diff != "" {
					t.Fatalf("%s: re-decoded object differs (-first +second):\n%s", name, diff)
				}
				b2, err := json.Marshal(second)
				if err != nil {
					t.Fatalf("%s: re-encode: %v", name, err)
				}
				third := fresh()
				if err := json.Unmarshal(b2, third); err != nil {
					t.Fatalf("%s: decode of %s: %v", name, b2, err)
				}
				b3, err := json.Marshal(third)
				if err != nil {
					t.Fatalf("%s: encode: %v", name, err)
				}
				if !bytes.Equal(b2, b3) {
					t.Fatalf("%s: encoding is not stable:\n%s\n%s", name, b2, b3)
				}
			}
			// Decode into zero values: New presets TypeMeta, which input may clear.
			objType, listType := reflect.TypeOf(k.New()).Elem(), reflect.TypeOf(k.NewList()).Elem()
			check(k.Kind, func() any { return reflect.New(objType).Interface() })
			check(k.ListKind, func() any { return reflect.New(listType).Interface() })
		}
	})
}
