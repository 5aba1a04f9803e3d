package informer

import (
	"testing"
	"unsafe"

	"github.com/google/go-cmp/cmp"

	"github.com/orrery-dev/orrery/api"
	"github.com/orrery-dev/orrery/apiserver/protobuf"
)

func samplePod(name string) *api.Pod {
	q, _ := api.ParseQuantity("250m")
	conds := make([]api.PodCondition, 0, 8)
	conds = append(conds, api.PodCondition{Type: api.PodReady, Status: api.ConditionTrue})
	return &api.Pod{
		ObjectMeta: api.ObjectMeta{Name: name, Namespace: string([]byte("team-a")), Labels: map[string]string{string([]byte("app")): string([]byte("web"))}},
		Spec: api.PodSpec{Containers: append(make([]api.Container, 0, 4), api.Container{
			Name: "app", Image: string([]byte("registry.example/web:1")),
			Resources: api.ResourceRequirements{Requests: api.ResourceList{"cpu": q}},
		})},
		Status: api.PodStatus{Conditions: conds},
	}
}

func TestCompactKeepsContentAndSharesStrings(t *testing.T) {
	t.Parallel()
	c := newCompactor()
	a, b := samplePod("a"), samplePod("b")
	want := samplePod("a")
	c.compact(a)
	c.compact(b)
	if diff := cmp.Diff(want, a); diff != "" {
		t.Errorf("compacted pod differs (-want +got):\n%s", diff)
	}
	if got := cap(a.Status.Conditions); got != 1 {
		t.Errorf("conditions capacity: got %d, want 1", got)
	}
	if got := cap(a.Spec.Containers); got != 1 {
		t.Errorf("containers capacity: got %d, want 1", got)
	}
	same := func(x, y string) bool { return unsafe.StringData(x) == unsafe.StringData(y) }
	if !same(a.Namespace, b.Namespace) || !same(a.Spec.Containers[0].Image, b.Spec.Containers[0].Image) {
		t.Error("namespace and image of two pods: got separate copies, want one shared string")
	}
	var keyA, keyB, valA, valB string
	for k, v := range a.Labels {
		keyA, valA = k, v
	}
	for k, v := range b.Labels {
		keyB, valB = k, v
	}
	if !same(keyA, keyB) || !same(valA, valB) {
		t.Error("label key and value of two pods: got separate copies, want shared strings")
	}
}

func TestCompactTableIsBounded(t *testing.T) {
	t.Parallel()
	c := &compactor{strings: protobuf.NewStrings(10)}
	for i := range 100 {
		c.compact(samplePod(string(rune('a' + i%26))))
	}
	if got := c.strings.Len(); got > 10 {
		t.Errorf("table size: got %d, want at most 10", got)
	}
}
