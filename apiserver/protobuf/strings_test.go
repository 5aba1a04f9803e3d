package protobuf

import (
	"encoding/json"
	"reflect"
	"slices"
	"testing"
	"unsafe"

	"github.com/google/go-cmp/cmp"

	"github.com/orrery-dev/orrery/api"
	"github.com/orrery-dev/orrery/api/builtin"
	"github.com/orrery-dev/orrery/api/protoschema"
)

// TestStringsAreShared: two pods decoded through one Strings equal those decoded
// without it, and share their recurring strings, but not their names, uids and
// resourceVersions.
func TestStringsAreShared(t *testing.T) {
	t.Parallel()
	podMsg := builtin.Registry().Protobuf("v1", "Pod")
	encode := func(name string) []byte {
		var p api.Pod
		if err := json.Unmarshal([]byte(richPod), &p); err != nil {
			t.Fatal(err)
		}
		p.Name, p.UID, p.ResourceVersion = name, "uid-"+name, "77"
		data, err := Marshal("v1", "Pod", podMsg, &p)
		if err != nil {
			t.Fatal(err)
		}
		return data
	}
	strs := NewStrings(0)
	var plain, shared [2]api.Pod
	for i, name := range []string{"a", "b"} {
		data := encode(name)
		if err := Unmarshal(data, podMsg, &plain[i]); err != nil {
			t.Fatal(err)
		}
		if err := UnmarshalWith(data, podMsg, &shared[i], strs); err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(plain[i], shared[i]); diff != "" {
			t.Errorf("decoded with shared strings (-without +with):\n%s", diff)
		}
	}
	same := func(a, b string) bool { return unsafe.StringData(a) == unsafe.StringData(b) }
	a, b := &shared[0], &shared[1]
	for what, pair := range map[string][2]string{
		"namespace":   {a.Namespace, b.Namespace},
		"image":       {a.Spec.Containers[0].Image, b.Spec.Containers[0].Image},
		"owner's uid": {a.OwnerReferences[0].UID, b.OwnerReferences[0].UID},
		"node":        {a.Spec.NodeName, b.Spec.NodeName},
		"condition":   {string(a.Status.Conditions[0].Type), string(b.Status.Conditions[0].Type)},
		"label value": {a.Labels["app"], b.Labels["app"]},
	} {
		if !same(pair[0], pair[1]) {
			t.Errorf("%s %q is not shared", what, pair[0])
		}
	}
	// Equal quantities share their parsed value.
	nano := func(q api.Quantity) uintptr { return reflect.ValueOf(q).Field(0).Pointer() }
	if qa, qb := a.Spec.Containers[0].Resources.Requests["cpu"], b.Spec.Containers[0].Resources.Requests["cpu"]; nano(qa) != nano(qb) || qa.String() != "250m" {
		t.Errorf("quantity %s is not shared", qa.String())
	}
	if same(plain[0].Namespace, plain[1].Namespace) {
		t.Error("strings decoded without a Strings are shared")
	}
	if same(a.ResourceVersion, b.ResourceVersion) {
		t.Error("resourceVersion was looked up")
	}
}

func TestStringsTableIsBounded(t *testing.T) {
	t.Parallel()
	s := NewStrings(2)
	x := s.string([]byte("x"))
	s.string([]byte("y"))
	if got := s.string([]byte("x")); unsafe.StringData(got) != unsafe.StringData(x) {
		t.Error("x is not shared while the table has room")
	}
	s.string([]byte("z")) // full: starts over
	if len(s.table) != 1 {
		t.Errorf("table holds %d strings after starting over, want 1", len(s.table))
	}
	long := make([]byte, maxSharedLen+1)
	s.string(long)
	if _, ok := s.table[string(long)]; ok {
		t.Error("a long string was kept")
	}
	var none *Strings
	if got := none.string([]byte("x")); got != "x" {
		t.Errorf("nil Strings: %q", got)
	}
}

// TestRepeatedFieldsInRuns: a list's elements are decoded whether they come
// together, as Kubernetes writes them, or split by other fields, in order, into a
// slice no larger than they need.
func TestRepeatedFieldsInRuns(t *testing.T) {
	t.Parallel()
	meta := newPB().str(1, "a").str(14, "f1").str(14, "f2").str(3, "ns").str(14, "f3").str(14, "f4").str(14, "f5")
	var m api.ObjectMeta
	if err := UnmarshalMessage(meta.b, protoschema.ObjectMeta, &m); err != nil {
		t.Fatal(err)
	}
	if want := []string{"f1", "f2", "f3", "f4", "f5"}; !slices.Equal(m.Finalizers, want) || cap(m.Finalizers) != len(want) || m.Name != "a" || m.Namespace != "ns" {
		t.Errorf("decoded %+v (finalizers cap %d), want finalizers %q", m, cap(m.Finalizers), want)
	}
	// A run cut short by a truncated element fails as a whole message would.
	if err := UnmarshalMessage(append(newPB().str(14, "f1").b, 14<<3|2, 5, 'x'), protoschema.ObjectMeta, &api.ObjectMeta{}); err == nil {
		t.Error("a truncated element decoded")
	}
}
