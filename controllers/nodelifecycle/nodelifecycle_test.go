package nodelifecycle_test

import (
	"context"
	"fmt"
	"slices"
	"testing"
	"time"

	"go.uber.org/goleak"

	"github.com/orrery-dev/orrery/api"
	"github.com/orrery-dev/orrery/client"
	"github.com/orrery-dev/orrery/controllers/kubelet"
	"github.com/orrery-dev/orrery/controllers/nodelifecycle"
	"github.com/orrery-dev/orrery/controllers/replicaset"
	"github.com/orrery-dev/orrery/controllers/scheduler"
	"github.com/orrery-dev/orrery/envtest"
	"github.com/orrery-dev/orrery/internal/testutil/controllertest"
	"github.com/orrery-dev/orrery/manager"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

func hasTaint(n *api.Node, key string, effect api.TaintEffect) bool {
	return slices.ContainsFunc(n.Spec.Taints, func(t api.Taint) bool { return t.Key == key && t.Effect == effect })
}

// TestNodeDown: a simulated node marked down goes Ready=Unknown with the unreachable
// taints after the grace period; its pods, tolerating the taint for 2 s, are evicted
// then and replaced on other nodes by the ReplicaSet controller and the scheduler;
// when the node comes back the taints go.
func TestNodeDown(t *testing.T) {
	t.Parallel()
	env := envtest.Start(t, envtest.Options{})
	c := env.Client()
	m := controllertest.Run(t, env.Config(),
		func(m *manager.Manager) error {
			_, err := kubelet.Setup(m, kubelet.Options{Nodes: 3, RenewInterval: 200 * time.Millisecond, LeaseDuration: 2 * time.Second})
			return err
		},
		func(m *manager.Manager) error {
			_, err := nodelifecycle.Setup(m, nodelifecycle.Options{GracePeriod: 2 * time.Second, MonitorPeriod: 200 * time.Millisecond, EvictionRate: 10})
			return err
		},
		func(m *manager.Manager) error { _, err := replicaset.Setup(m, replicaset.Options{}); return err },
		func(m *manager.Manager) error { _, err := scheduler.Setup(m, scheduler.Options{}); return err })
	ctx := context.Background()
	two := int64(2)
	replicas := int32(6)
	rs := &api.ReplicaSet{ObjectMeta: api.ObjectMeta{Name: "web", Namespace: "default"},
		Spec: api.ReplicaSetSpec{Replicas: &replicas, Selector: &api.LabelSelector{MatchLabels: map[string]string{"app": "web"}},
			Template: api.PodTemplateSpec{ObjectMeta: api.ObjectMeta{Labels: map[string]string{"app": "web"}},
				Spec: api.PodSpec{Containers: []api.Container{{Name: "app", Image: "nginx"}},
					Tolerations: []api.Toleration{{Key: nodelifecycle.TaintUnreachable, Operator: api.TolerationOpExists, Effect: api.TaintEffectNoExecute, TolerationSeconds: &two}}}}}}
	if _, err := client.Resource[*api.ReplicaSet](c).Namespace("default").Create(ctx, rs); err != nil {
		t.Fatal(err)
	}
	pods := client.Resource[*api.Pod](c).Namespace("default")
	runningOn := func() map[string]int {
		l, err := pods.List(ctx, client.ListOptions{LabelSelector: "app=web"})
		out := map[string]int{}
		if err != nil {
			return out
		}
		for _, p := range l.Items {
			if p.Status.Phase == api.PodRunning && p.DeletionTimestamp == nil {
				out[p.Spec.NodeName]++
			}
		}
		return out
	}
	controllertest.Eventually(t, func() string { return fmt.Sprint(runningOn()) }, func() bool {
		n := 0
		for _, v := range runningOn() {
			n += v
		}
		return n == 6
	})
	// The node to take down: one running some of the pods (on a loaded machine a node
	// may have missed its short grace period while they were scheduled).
	victim := ""
	for node, n := range runningOn() {
		if n > 0 && (victim == "" || node < victim) {
			victim = node
		}
	}
	nodes := client.Resource[*api.Node](c)
	if _, err := nodes.Patch(ctx, victim, client.MergePatchType, []byte(`{"metadata":{"annotations":{"orrery.dev/simulate":"down"}}}`)); err != nil {
		t.Fatal(err)
	}
	controllertest.Eventually(t, func() string {
		n, _ := nodes.Get(ctx, victim)
		return fmt.Sprintf("%+v %+v", n.Status.Conditions, n.Spec.Taints)
	}, func() bool {
		n, err := nodes.Get(ctx, victim)
		if err != nil {
			return false
		}
		ready := ""
		for _, c := range n.Status.Conditions {
			if c.Type == api.NodeReady {
				ready = string(c.Status) + "/" + c.Message
			}
		}
		return ready == "Unknown/Kubelet stopped posting node status." &&
			hasTaint(n, nodelifecycle.TaintUnreachable, api.TaintEffectNoExecute) && hasTaint(n, nodelifecycle.TaintUnreachable, api.TaintEffectNoSchedule)
	})
	// Evicted after 2 s, replaced elsewhere: 6 running on the other nodes.
	controllertest.Eventually(t, func() string { return fmt.Sprint(runningOn()) }, func() bool {
		r := runningOn()
		return r[victim] == 0 && r["orrery-node-0"]+r["orrery-node-1"]+r["orrery-node-2"] == 6
	})
	// kube-controller-manager's metrics: three nodes, one down, a NoExecute taint (at
	// least: on a loaded machine another node may miss its short grace period too), the
	// node's pods deleted by the taint eviction controller.
	metrics := func() string {
		return fmt.Sprintf("size %v unhealthy %v health %v evictions %v deletions %v", sum(t, m, "node_collector_zone_size"),
			sum(t, m, "node_collector_unhealthy_nodes_in_zone"), sum(t, m, "node_collector_zone_health"),
			sum(t, m, "node_collector_evictions_total"), sum(t, m, "taint_eviction_controller_pod_deletions_total"))
	}
	controllertest.Eventually(t, metrics, func() bool {
		return sum(t, m, "node_collector_zone_size") == 3 && sum(t, m, "node_collector_unhealthy_nodes_in_zone") == 1 &&
			sum(t, m, "node_collector_evictions_total") >= 1 && sum(t, m, "taint_eviction_controller_pod_deletions_total") >= 1
	})
	// Back: Ready again, taints gone.
	if _, err := nodes.Patch(ctx, victim, client.MergePatchType, []byte(`{"metadata":{"annotations":{"orrery.dev/simulate":null}}}`)); err != nil {
		t.Fatal(err)
	}
	controllertest.Eventually(t, func() string { n, _ := nodes.Get(ctx, victim); return fmt.Sprintf("%+v", n.Spec.Taints) }, func() bool {
		n, err := nodes.Get(ctx, victim)
		return err == nil && len(n.Spec.Taints) == 0
	})
	controllertest.Eventually(t, metrics, func() bool {
		return sum(t, m, "node_collector_unhealthy_nodes_in_zone") == 0 && sum(t, m, "node_collector_zone_health") == 300
	})
}

// sum is the sum of the samples of the metric name in m's registry.
func sum(t *testing.T, m *manager.Manager, name string) float64 {
	t.Helper()
	families, err := m.Registry().Gather()
	if err != nil {
		t.Fatal(err)
	}
	total := 0.0
	for _, f := range families {
		if f.GetName() != name {
			continue
		}
		for _, s := range f.GetMetric() {
			switch {
			case s.Gauge != nil:
				total += s.GetGauge().GetValue()
			case s.Counter != nil:
				total += s.GetCounter().GetValue()
			}
		}
	}
	return total
}

// TestEveryNodeDown: a node down alone gets the NoExecute taint; while every node of
// the cluster is down no node keeps or gets one (a partition must not empty the cluster); once one is back, the one
// still down gets it.
func TestEveryNodeDown(t *testing.T) {
	t.Parallel()
	env := envtest.Start(t, envtest.Options{})
	c := env.Client()
	controllertest.Run(t, env.Config(),
		func(m *manager.Manager) error {
			_, err := kubelet.Setup(m, kubelet.Options{Nodes: 2, RenewInterval: 200 * time.Millisecond, LeaseDuration: 2 * time.Second})
			return err
		},
		func(m *manager.Manager) error {
			_, err := nodelifecycle.Setup(m, nodelifecycle.Options{GracePeriod: 2 * time.Second, MonitorPeriod: 200 * time.Millisecond, EvictionRate: 10})
			return err
		})
	ctx := context.Background()
	nodes := client.Resource[*api.Node](c)
	controllertest.Eventually(t, func() string { return "2 nodes" }, func() bool {
		l, err := nodes.List(ctx, client.ListOptions{})
		return err == nil && len(l.Items) == 2
	})
	simulate := func(name, patch string) {
		t.Helper()
		if _, err := nodes.Patch(ctx, name, client.MergePatchType, []byte(`{"metadata":{"annotations":{"orrery.dev/simulate":`+patch+`}}}`)); err != nil {
			t.Fatal(err)
		}
	}
	taints := func(name string) string {
		n, err := nodes.Get(ctx, name)
		if err != nil {
			return err.Error()
		}
		return fmt.Sprintf("%+v", n.Spec.Taints)
	}
	unreachable := func(name string, noExecute bool) bool {
		n, err := nodes.Get(ctx, name)
		return err == nil && hasTaint(n, nodelifecycle.TaintUnreachable, api.TaintEffectNoSchedule) &&
			hasTaint(n, nodelifecycle.TaintUnreachable, api.TaintEffectNoExecute) == noExecute
	}
	// One node (of one zone) down while the other is up: tainted at the normal rate.
	simulate("orrery-node-0", `"down"`)
	controllertest.Eventually(t, func() string { return taints("orrery-node-0") }, func() bool {
		return unreachable("orrery-node-0", true)
	})
	// Both down: the NoExecute taint is lifted and none is added.
	simulate("orrery-node-1", `"down"`)
	controllertest.Eventually(t, func() string { return taints("orrery-node-0") + " " + taints("orrery-node-1") }, func() bool {
		return unreachable("orrery-node-0", false) && unreachable("orrery-node-1", false)
	})
	simulate("orrery-node-1", "null")
	controllertest.Eventually(t, func() string { return taints("orrery-node-0") }, func() bool {
		return unreachable("orrery-node-0", true)
	})
}
