package podgc_test

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	"go.uber.org/goleak"

	"github.com/orrery-dev/orrery/api"
	"github.com/orrery-dev/orrery/client"
	"github.com/orrery-dev/orrery/controllers/podgc"
	"github.com/orrery-dev/orrery/envtest"
	"github.com/orrery-dev/orrery/internal/testutil/controllertest"
	"github.com/orrery-dev/orrery/manager"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

// clock is a settable clock for the collector's quarantine.
type clock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *clock) Now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.now }
func (c *clock) advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
}

func TestCollect(t *testing.T) {
	t.Parallel()
	env := envtest.Start(t, envtest.Options{})
	c := env.Client()
	ctx := context.Background()
	clk := &clock{now: time.Unix(1_000_000, 0)}
	var gc *podgc.Collector
	controllertest.Run(t, env.Config(), func(m *manager.Manager) error {
		var err error
		gc, err = podgc.Setup(m, podgc.Options{TerminatedPodThreshold: 2, Period: time.Hour, Now: clk.Now})
		return err
	})
	nodes := client.Resource[*api.Node](c)
	pods := client.Resource[*api.Pod](c).Namespace("default")
	for _, n := range []*api.Node{
		{ObjectMeta: api.ObjectMeta{Name: "alive"}},
		{ObjectMeta: api.ObjectMeta{Name: "out"}, Spec: api.NodeSpec{Taints: []api.Taint{{Key: podgc.TaintOutOfService, Effect: api.TaintEffectNoExecute}}}},
	} {
		if _, err := nodes.Create(ctx, n); err != nil {
			t.Fatal(err)
		}
	}
	newPod := func(name, node string) *api.Pod {
		p, err := pods.Create(ctx, &api.Pod{ObjectMeta: api.ObjectMeta{Name: name},
			Spec: api.PodSpec{NodeName: node, Containers: []api.Container{{Name: "c", Image: "i"}}}})
		if err != nil {
			t.Fatal(err)
		}
		return p
	}
	newPod("on-alive", "alive")
	newPod("on-gone", "gone")
	newPod("on-out", "out")
	if err := pods.Delete(ctx, "on-out", nil); err != nil { // graceful: it waits for a kubelet that is not there
		t.Fatal(err)
	}
	for i := range 4 {
		p := newPod(fmt.Sprintf("done-%d", i), "alive")
		p.Status.Phase = api.PodSucceeded
		if _, err := pods.UpdateStatus(ctx, p); err != nil {
			t.Fatal(err)
		}
	}
	exists := func(name string) bool {
		_, err := pods.Get(ctx, name)
		return err == nil
	}
	// Wait for the caches to see everything, then collect.
	var lastErr error
	controllertest.Eventually(t, func() string {
		return fmt.Sprintf("done-0 %v done-1 %v on-out %v; last error %v", exists("done-0"), exists("done-1"), exists("on-out"), lastErr)
	}, func() bool {
		lastErr = gc.Collect(ctx) // the first pass notes the missing node
		return !exists("done-0") && !exists("done-1") && !exists("on-out")
	})
	if !exists("done-2") || !exists("done-3") {
		t.Error("the newest terminated pods were deleted; the threshold keeps 2")
	}
	if !exists("on-gone") {
		t.Error("a pod of a missing node was deleted before the quarantine")
	}
	clk.advance(41 * time.Second)
	if err := gc.Collect(ctx); err != nil {
		t.Fatal(err)
	}
	if exists("on-gone") || !exists("on-alive") {
		t.Errorf("after the quarantine: on-gone exists %v (want false), on-alive %v (want true)", exists("on-gone"), exists("on-alive"))
	}
}
