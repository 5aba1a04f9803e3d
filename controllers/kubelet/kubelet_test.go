package kubelet_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"go.uber.org/goleak"

	"github.com/orrery-dev/orrery/api"
	"github.com/orrery-dev/orrery/client"
	"github.com/orrery-dev/orrery/controllers/kubelet"
	"github.com/orrery-dev/orrery/envtest"
	"github.com/orrery-dev/orrery/internal/testutil/controllertest"
	"github.com/orrery-dev/orrery/manager"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

func condition(p *api.Pod, t api.PodConditionType) api.ConditionStatus {
	for _, c := range p.Status.Conditions {
		if c.Type == t {
			return c.Status
		}
	}
	return ""
}

// TestNodesAndPods: simulated nodes register Ready with leases renewed on time; pods
// bound to them run with the status a kubelet writes; a pod that runs for a while
// succeeds; a deleted pod goes; a node marked down stops renewing its lease.
func TestNodesAndPods(t *testing.T) {
	t.Parallel()
	env := envtest.Start(t, envtest.Options{})
	c := env.Client()
	controllertest.Run(t, env.Config(), func(m *manager.Manager) error {
		_, err := kubelet.Setup(m, kubelet.Options{Nodes: 20, RenewInterval: time.Second, LeaseDuration: 4 * time.Second})
		return err
	})
	ctx := context.Background()
	nodes := client.Resource[*api.Node](c)
	controllertest.Eventually(t, func() string { return "20 nodes" }, func() bool {
		l, err := nodes.List(ctx, client.ListOptions{LabelSelector: "type=orrery-simulated"})
		return err == nil && len(l.Items) == 20
	})
	n0, err := nodes.Get(ctx, "orrery-node-0")
	if err != nil {
		t.Fatal(err)
	}
	if n0.Spec.PodCIDR == "" || n0.Labels["topology.kubernetes.io/zone"] != "zone-a" || n0.Status.Allocatable[api.ResourceCPU].String() != "32" {
		t.Errorf("node %+v", n0)
	}
	leases := client.Resource[*api.Lease](c).Namespace("kube-node-lease")
	renewed := func(name string) time.Time {
		l, err := leases.Get(ctx, name)
		if err != nil || l.Spec.RenewTime == nil {
			return time.Time{}
		}
		return l.Spec.RenewTime.Time
	}
	controllertest.Eventually(t, func() string { return "leases" }, func() bool {
		for i := range 20 {
			if renewed(fmt.Sprintf("orrery-node-%d", i)).IsZero() {
				return false
			}
		}
		return true
	})
	first := renewed("orrery-node-3")
	controllertest.Eventually(t, func() string { return "renewal" }, func() bool { return renewed("orrery-node-3").After(first) })

	pods := client.Resource[*api.Pod](c).Namespace("default")
	mk := func(name, node string, annotations map[string]string, policy api.RestartPolicy) {
		p := &api.Pod{ObjectMeta: api.ObjectMeta{Name: name, Annotations: annotations},
			Spec: api.PodSpec{NodeName: node, RestartPolicy: policy, Containers: []api.Container{{Name: "app", Image: "nginx:1.27"}}}}
		if _, err := pods.Create(ctx, p); err != nil {
			t.Fatal(err)
		}
	}
	mk("web", "orrery-node-1", nil, "")
	mk("job", "orrery-node-2", map[string]string{kubelet.AnnotationRunFor: "200ms"}, api.RestartPolicyNever)
	mk("bad", "orrery-node-2", map[string]string{kubelet.AnnotationRunFor: "100ms", kubelet.AnnotationExitCode: "1"}, api.RestartPolicyNever)
	controllertest.Eventually(t, func() string { p, _ := pods.Get(ctx, "web"); return fmt.Sprintf("%+v", p.Status) }, func() bool {
		p, err := pods.Get(ctx, "web")
		return err == nil && p.Status.Phase == api.PodRunning && condition(p, api.PodReady) == api.ConditionTrue
	})
	web, _ := pods.Get(ctx, "web")
	n0cidr, n1cidr := "", n1CIDR(t, nodes)
	if n, err := nodes.Get(ctx, "orrery-node-0"); err == nil {
		n0cidr = n.Spec.PodCIDR
	}
	if n0cidr == n1cidr {
		t.Errorf("nodes 0 and 1 share the pod CIDR %s", n0cidr)
	}
	cs := web.Status.ContainerStatuses
	if !strings.HasPrefix(web.Status.PodIP, strings.TrimSuffix(n1CIDR(t, nodes), "0/24")) || web.Status.HostIP == "" || web.Status.StartTime == nil ||
		len(cs) != 1 || !cs[0].Ready || cs[0].State.Running == nil || !strings.HasPrefix(cs[0].ContainerID, "orrery://") ||
		condition(web, api.ContainersReady) != api.ConditionTrue || condition(web, api.PodInitialized) != api.ConditionTrue {
		t.Errorf("running pod status %+v", web.Status)
	}
	controllertest.Eventually(t, func() string { return "job and bad finish" }, func() bool {
		j, err1 := pods.Get(ctx, "job")
		b, err2 := pods.Get(ctx, "bad")
		return err1 == nil && err2 == nil && j.Status.Phase == api.PodSucceeded && b.Status.Phase == api.PodFailed &&
			b.Status.ContainerStatuses[0].State.Terminated != nil && b.Status.ContainerStatuses[0].State.Terminated.ExitCode == 1
	})

	// Graceful deletion: the kubelet finishes it.
	if err := pods.Delete(ctx, "web", nil); err != nil {
		t.Fatal(err)
	}
	controllertest.Eventually(t, func() string { return "web gone" }, func() bool {
		_, err := pods.Get(ctx, "web")
		return client.IsNotFound(err)
	})

	// A node marked down stops renewing its lease.
	if _, err := nodes.Patch(ctx, "orrery-node-4", client.MergePatchType, []byte(`{"metadata":{"annotations":{"orrery.dev/simulate":"down"}}}`)); err != nil {
		t.Fatal(err)
	}
	before := renewed("orrery-node-4")
	deadline := time.Now().Add(3 * time.Second)
	for time.Now().Before(deadline) {
		if renewed("orrery-node-4").After(before.Add(1500 * time.Millisecond)) {
			t.Fatal("a node marked down renewed its lease")
		}
		<-time.After(100 * time.Millisecond)
	}
}

func n1CIDR(t *testing.T, nodes *client.ResourceClient[*api.Node]) string {
	n, err := nodes.Get(context.Background(), "orrery-node-1")
	if err != nil {
		t.Fatal(err)
	}
	return n.Spec.PodCIDR
}
