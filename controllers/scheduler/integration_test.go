package scheduler_test

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

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
	m := controllertest.Run(t, env.Config(), func(m *manager.Manager) error { _, err := scheduler.Setup(m, scheduler.Options{}); return err })
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
	want := "0/3 nodes are available: 1 node(s) had untolerated taint {dedicated: gpu}, 2 Insufficient cpu. " +
		"preemption: 0/3 nodes are available: 1 Preemption is not helpful for scheduling, 2 No preemption victims found for incoming pod."
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
	// kube-scheduler's metrics.
	families, err := m.Registry().Gather()
	if err != nil {
		t.Fatal(err)
	}
	have := map[string]bool{}
	for _, f := range families {
		have[f.GetName()] = true
	}
	for _, name := range []string{"scheduler_schedule_attempts_total", "scheduler_scheduling_attempt_duration_seconds",
		"scheduler_pending_pods", "scheduler_pod_scheduling_sli_duration_seconds", "scheduler_preemption_attempts_total"} {
		if !have[name] {
			t.Errorf("metric %s missing", name)
		}
	}

	// A node that fits: the unschedulable pod is tried again and placed.
	if _, err := nodes.Create(ctx, node("bigger", "32", "64Gi", nil)); err != nil {
		t.Fatal(err)
	}
	controllertest.Eventually(t, func() string { return "huge placed" }, func() bool {
		p, err := pods.Get(ctx, "huge")
		return err == nil && p.Spec.NodeName == "bigger"
	})
}

// TestPreemption: a pod of higher priority that fits nowhere evicts the fewest pods of
// lower priority from one node, is nominated to it, and is placed there once they
// are gone; pods of its own priority are never evicted.
func TestPreemption(t *testing.T) {
	t.Parallel()
	env := envtest.Start(t, envtest.Options{})
	c := env.Client()
	ctx := context.Background()
	for _, n := range []*api.Node{node("n1", "2", "8Gi", nil), node("n2", "2", "8Gi", nil)} {
		if _, err := client.Resource[*api.Node](c).Create(ctx, n); err != nil {
			t.Fatal(err)
		}
	}
	controllertest.ReadyPods(t, c) // stands in for the kubelets that finish the evictions
	controllertest.Run(t, env.Config(), func(m *manager.Manager) error { _, err := scheduler.Setup(m, scheduler.Options{}); return err })
	pods := client.Resource[*api.Pod](c).Namespace("default")
	withPrio := func(name, cpu string, prio int32, node string) *api.Pod {
		p := pod(name, cpu)
		p.Spec.Priority = &prio
		p.Spec.NodeName = node
		return p
	}
	// n1: two low pods (1 cpu each); n2: one pod of priority 100 and one low.
	for _, p := range []*api.Pod{withPrio("low-a", "1", 0, "n1"), withPrio("low-b", "1", 0, "n1"), withPrio("mid", "1500m", 100, "n2"), withPrio("low-c", "500m", 0, "n2")} {
		if _, err := pods.Create(ctx, p); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := pods.Create(ctx, withPrio("urgent", "1500m", 100, "")); err != nil {
		t.Fatal(err)
	}
	controllertest.Eventually(t, func() string { g, _ := pods.Get(ctx, "urgent"); return fmt.Sprintf("%+v", g.Status) }, func() bool {
		got, err := pods.Get(ctx, "urgent")
		return err == nil && got.Spec.NodeName != ""
	})
	got, _ := pods.Get(ctx, "urgent")
	if _, err := pods.Get(ctx, "mid"); err != nil {
		t.Errorf("a pod of the same priority was evicted: %v", err)
	}
	// Where mid runs, evicting low-c (0.5 cpu) frees 1 cpu only: not enough. The
	// other node's two low pods are the victims, and urgent goes there.
	mid, _ := pods.Get(ctx, "mid")
	if got.Spec.NodeName == mid.Spec.NodeName {
		t.Errorf("urgent placed with mid on %s", got.Spec.NodeName)
	}
	l, _ := pods.List(ctx, client.ListOptions{})
	var left []string
	for _, p := range l.Items {
		left = append(left, p.Name)
	}
	if len(l.Items) != 3 {
		t.Errorf("pods left %v; want mid, low-c and urgent", left)
	}
	ev, _ := client.Resource[*api.Event](c).Namespace("default").List(ctx, client.ListOptions{FieldSelector: "reason=Preempted"})
	if len(ev.Items) != 2 {
		t.Errorf("%d Preempted events, want 2", len(ev.Items))
	}
}

// BenchmarkSchedulingThroughAPI creates nodes and 10,000 pending pods through the
// apiserver (HTTPS), then starts the scheduler and reports pods/s from its start to
// the last binding seen by a watch:
//
//	go test -run '^$' -bench SchedulingThroughAPI -benchtime 1x ./controllers/scheduler/
func BenchmarkSchedulingThroughAPI(b *testing.B) {
	for _, nodes := range []int{1000, 5000} {
		b.Run(fmt.Sprintf("nodes=%d/pods=10000", nodes), func(b *testing.B) {
			for range b.N {
				benchThroughAPI(b, nodes, 10000)
			}
		})
	}
}

func benchThroughAPI(b *testing.B, nodeCount, podCount int) {
	env := envtest.Start(b, envtest.Options{})
	c := env.Client()
	ctx := context.Background()
	create := func(n int, fn func(i int) error) {
		var wg sync.WaitGroup
		for w := range 16 {
			wg.Go(func() {
				for i := w; i < n; i += 16 {
					if err := fn(i); err != nil {
						b.Error(err)
						return
					}
				}
			})
		}
		wg.Wait()
	}
	nodes := client.Resource[*api.Node](c)
	create(nodeCount, func(i int) error {
		_, err := nodes.Create(ctx, node(fmt.Sprintf("node-%d", i), "32", "256Gi", map[string]string{"topology.kubernetes.io/zone": fmt.Sprintf("zone-%d", i%3)}))
		return err
	})
	pods := client.Resource[*api.Pod](c).Namespace("default")
	create(podCount, func(i int) error {
		_, err := pods.Create(ctx, pod(fmt.Sprintf("pod-%d", i), "100m"))
		return err
	})
	w, err := pods.Watch(ctx, client.ListOptions{ResourceVersion: "0"})
	if err != nil {
		b.Fatal(err)
	}
	defer w.Stop()
	bound := map[string]bool{}
	start := time.Now()
	controllertest.Run(b, env.Config(), func(m *manager.Manager) error { _, err := scheduler.Setup(m, scheduler.Options{}); return err })
	for ev := range w.ResultChan() {
		if p, ok := ev.Object.(*api.Pod); ok && p.Spec.NodeName != "" {
			bound[p.Name] = true
			if len(bound) == podCount {
				break
			}
		}
	}
	took := time.Since(start)
	b.ReportMetric(float64(podCount)/took.Seconds(), "pods/s")
}
