package scheduler_test

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"go.uber.org/goleak"

	"github.com/orrery-dev/orrery/api"
	"github.com/orrery-dev/orrery/client"
	"github.com/orrery-dev/orrery/controllers/scheduler"
	"github.com/orrery-dev/orrery/envtest"
	"github.com/orrery-dev/orrery/internal/testutil/controllertest"
	"github.com/orrery-dev/orrery/manager"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

func node(name string, cpu, memory string, labels map[string]string, taints ...api.Taint) *api.Node {
	res := api.ResourceList{api.ResourceCPU: api.MustParseQuantity(cpu), api.ResourceMemory: api.MustParseQuantity(memory), api.ResourcePods: api.MustParseQuantity("110")}
	return &api.Node{ObjectMeta: api.ObjectMeta{Name: name, Labels: labels},
		Spec:   api.NodeSpec{Taints: taints},
		Status: api.NodeStatus{Capacity: res, Allocatable: res}}
}

func pod(name, cpu string) *api.Pod {
	c := api.Container{Name: "app", Image: "nginx"}
	if cpu != "" {
		c.Resources.Requests = api.ResourceList{api.ResourceCPU: api.MustParseQuantity(cpu)}
	}
	return &api.Pod{ObjectMeta: api.ObjectMeta{Name: name, Namespace: "default"}, Spec: api.PodSpec{Containers: []api.Container{c}}}
}

// TestBindsAndExplains: pods created through the API are bound to nodes that fit,
// with a Scheduled event; a pod that fits nowhere gets PodScheduled=False with
// kube-scheduler's message and a FailedScheduling event, and is placed once a node
// that fits appears.
func TestBindsAndExplains(t *testing.T) {
	t.Parallel()
	env := envtest.Start(t, envtest.Options{})
	c := env.Client()
	ctx := context.Background()
	nodes := client.Resource[*api.Node](c)
	for _, n := range []*api.Node{
		node("small", "1", "4Gi", nil),
		node("big", "8", "16Gi", nil),
		node("tainted", "32", "64Gi", nil, api.Taint{Key: "dedicated", Value: "gpu", Effect: api.TaintEffectNoSchedule}),
	} {
		if _, err := nodes.Create(ctx, n); err != nil {
			t.Fatal(err)
		}
	}
	controllertest.Run(t, env.Config(), func(m *manager.Manager) error { _, err := scheduler.Setup(m, scheduler.Options{}); return err })
	pods := client.Resource[*api.Pod](c).Namespace("default")
	for i := range 5 {
		if _, err := pods.Create(ctx, pod(fmt.Sprintf("web-%d", i), "500m")); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := pods.Create(ctx, pod("huge", "16")); err != nil {
		t.Fatal(err)
	}
	controllertest.Eventually(t, func() string { return "5 pods bound" }, func() bool {
		l, err := pods.List(ctx, client.ListOptions{FieldSelector: "spec.nodeName!="})
		return err == nil && len(l.Items) == 5
	})
	l, _ := pods.List(ctx, client.ListOptions{FieldSelector: "spec.nodeName!="})
	for _, p := range l.Items {
		if p.Spec.NodeName == "tainted" {
			t.Errorf("pod %s on the tainted node", p.Name)
		}
	}
	want := "0/3 nodes are available: 1 node(s) had untolerated taint {dedicated: gpu}, 2 Insufficient cpu."
	controllertest.Eventually(t, func() string { p, _ := pods.Get(ctx, "huge"); return fmt.Sprintf("%+v", p.Status.Conditions) }, func() bool {
		p, err := pods.Get(ctx, "huge")
		if err != nil {
			return false
		}
		for _, c := range p.Status.Conditions {
			if c.Type == api.PodScheduled && c.Status == api.ConditionFalse && c.Reason == "Unschedulable" && c.Message == want {
				return true
			}
		}
		return false
	})
	events := client.Resource[*api.Event](c).Namespace("default")
	controllertest.Eventually(t, func() string { return "events" }, func() bool {
		failed, err1 := events.List(ctx, client.ListOptions{FieldSelector: "involvedObject.name=huge,reason=FailedScheduling"})
		ok, err2 := events.List(ctx, client.ListOptions{FieldSelector: "involvedObject.name=web-0,reason=Scheduled"})
		return err1 == nil && err2 == nil && len(failed.Items) == 1 && failed.Items[0].Message == want &&
			len(ok.Items) == 1 && strings.HasPrefix(ok.Items[0].Message, "Successfully assigned default/web-0 to ") &&
			ok.Items[0].Source.Component == "default-scheduler"
	})
	// A node that fits: the unschedulable pod is tried again and placed.
	if _, err := nodes.Create(ctx, node("bigger", "32", "64Gi", nil)); err != nil {
		t.Fatal(err)
	}
	controllertest.Eventually(t, func() string { return "huge placed" }, func() bool {
		p, err := pods.Get(ctx, "huge")
		return err == nil && p.Spec.NodeName == "bigger"
	})
}
