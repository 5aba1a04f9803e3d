package kubelet_test

import (
	"context"
	"testing"
	"time"

	"github.com/orrery-dev/orrery/api"
	"github.com/orrery-dev/orrery/client"
	"github.com/orrery-dev/orrery/controllers/kubelet"
	"github.com/orrery-dev/orrery/envtest"
	"github.com/orrery-dev/orrery/internal/testutil/controllertest"
	"github.com/orrery-dev/orrery/manager"
)

// TestFiveThousandNodes runs 5,000 simulated nodes in one process: every node
// registers, and every Lease is created and then renewed twice (every 10 s), as a
// watch on kube-node-lease sees it.
func TestFiveThousandNodes(t *testing.T) {
	const n = 5000
	env := envtest.Start(t, envtest.Options{})
	c := env.Client()
	// Generous: make test runs other packages beside it on the same cores.
	const deadline = 5 * time.Minute
	ctx, cancel := context.WithTimeout(context.Background(), deadline)
	defer cancel()
	w, err := client.Resource[*api.Lease](c).Namespace("kube-node-lease").Watch(ctx, client.ListOptions{})
	if err != nil {
		t.Fatal(err)
	}
	defer w.Stop()
	controllertest.Run(t, env.Config(), func(m *manager.Manager) error {
		_, err := kubelet.Setup(m, kubelet.Options{Nodes: n})
		return err
	})
	writes := map[string]int{}
	done := 0
	for done < n {
		select {
		case ev, ok := <-w.ResultChan():
			if !ok {
				t.Fatalf("the lease watch ended with %d of %d leases renewed twice", done, n)
			}
			l, ok := ev.Object.(*api.Lease)
			if !ok {
				continue
			}
			writes[l.Name]++
			if writes[l.Name] == 3 {
				done++
			}
		case <-ctx.Done():
			t.Fatalf("%d of %d leases created and renewed twice within %v", done, n, deadline)
		}
	}
	l, err := client.Resource[*api.Node](c).List(ctx, client.ListOptions{LabelSelector: "type=orrery-simulated", ResourceVersion: "0"})
	if err != nil {
		t.Fatal(err)
	}
	ready := 0
	for _, node := range l.Items {
		for _, cond := range node.Status.Conditions {
			if cond.Type == api.NodeReady && cond.Status == api.ConditionTrue {
				ready++
			}
		}
	}
	if ready != n {
		t.Errorf("%d of %d nodes Ready", ready, n)
	}
}
