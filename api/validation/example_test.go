package validation_test

import (
	"fmt"
	"time"

	"github.com/orrery-dev/orrery/api"
	"github.com/orrery-dev/orrery/api/validation"
)

func Example() {
	pod := &api.Pod{
		ObjectMeta: api.ObjectMeta{Name: "web", Namespace: "default"},
		Spec: api.PodSpec{Containers: []api.Container{
			{Name: "web", Ports: []api.ContainerPort{{ContainerPort: 80}}},
		}},
	}
	validation.DefaultPod(pod)
	validation.PrepareForCreate(&pod.ObjectMeta, time.Date(2024, 5, 1, 10, 0, 0, 0, time.UTC), "5f3c2a1b")
	errs := validation.ValidatePod(pod)
	for _, err := range errs {
		fmt.Println(err)
	}
	fmt.Println(errs.ToStatus("", "Pod", pod.Name).Message)
	fmt.Println(pod.Spec.RestartPolicy, pod.Spec.Containers[0].Ports[0].Protocol, pod.Generation)
	// Output:
	// spec.containers[0].image: Required value
	// Pod "web" is invalid: spec.containers[0].image: Required value
	// Always TCP 1
}
