package builtin_test

import (
	"fmt"
	"time"

	"github.com/orrery-dev/orrery/api"
	"github.com/orrery-dev/orrery/api/builtin"
)

func ExampleRegistry() {
	pod := &api.Pod{
		ObjectMeta: api.ObjectMeta{Name: "web", Namespace: "default"},
		Spec:       api.PodSpec{NodeName: "node-1"},
		Status:     api.PodStatus{Phase: api.PodRunning},
	}
	reg := builtin.Registry()
	kind, _ := reg.Of(pod)
	fields := kind.SelectableFields(pod)
	fmt.Println(fields["spec.nodeName"], fields["status.phase"], fields["metadata.namespace"])
	// Output: node-1 Running default
}

func ExampleHumanDuration() {
	for _, d := range []time.Duration{45 * time.Second, 3*time.Minute + 2*time.Second, 5 * time.Hour, 50 * time.Hour, 400 * 24 * time.Hour} {
		fmt.Println(builtin.HumanDuration(d))
	}
	// Output:
	// 45s
	// 3m2s
	// 5h
	// 2d2h
	// 400d
}
