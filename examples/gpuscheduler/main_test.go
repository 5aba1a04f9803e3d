package main

import (
	"context"
	"testing"

	"go.uber.org/goleak"

	"github.com/orrery-dev/orrery/api"
	"github.com/orrery-dev/orrery/client"
	"github.com/orrery-dev/orrery/envtest"
	"github.com/orrery-dev/orrery/internal/testutil/controllertest"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

func TestGPUNodes(t *testing.T) {
	env := envtest.Start(t, envtest.Options{})
	c := env.Client()
	ctx := context.Background()
	res := api.ResourceList{api.ResourceCPU: api.MustParseQuantity("8"), api.ResourceMemory: api.MustParseQuantity("32Gi"),
		api.ResourcePods: api.MustParseQuantity("110"), "example.com/gpu": api.MustParseQuantity("4")}
	for _, n := range []*api.Node{
		{ObjectMeta: api.ObjectMeta{Name: "gpu-node", Labels: map[string]string{"gpu": "true"}}, Status: api.NodeStatus{Allocatable: res, Capacity: res}},
		{ObjectMeta: api.ObjectMeta{Name: "cpu-node"}, Status: api.NodeStatus{Allocatable: res, Capacity: res}},
	} {
		if _, err := client.Resource[*api.Node](c).Create(ctx, n); err != nil {
			t.Fatal(err)
		}
	}
	controllertest.Run(t, env.Config(), setup)
	pods := client.Resource[*api.Pod](c).Namespace("default")
	mk := func(name string, gpu bool) {
		p := &api.Pod{ObjectMeta: api.ObjectMeta{Name: name}, Spec: api.PodSpec{Containers: []api.Container{{Name: "c", Image: "i"}}}}
		if gpu {
			p.Spec.Containers[0].Resources.Requests = api.ResourceList{"example.com/gpu": api.MustParseQuantity("1")}
			p.Spec.Containers[0].Resources.Limits = api.ResourceList{"example.com/gpu": api.MustParseQuantity("1")}
		}
		if _, err := pods.Create(ctx, p); err != nil {
			t.Fatal(err)
		}
	}
	for _, name := range []string{"train-0", "train-1"} {
		mk(name, true)
	}
	for _, name := range []string{"web-0", "web-1"} {
		mk(name, false)
	}
	want := map[string]string{"train-0": "gpu-node", "train-1": "gpu-node", "web-0": "cpu-node", "web-1": "cpu-node"}
	controllertest.Eventually(t, func() string { return "placement" }, func() bool {
		for name, node := range want {
			p, err := pods.Get(ctx, name)
			if err != nil || p.Spec.NodeName != node {
				return false
			}
		}
		return true
	})
}
