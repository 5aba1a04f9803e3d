package builtin_test

import (
	"fmt"

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
