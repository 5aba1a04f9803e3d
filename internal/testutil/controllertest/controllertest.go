// Package controllertest helps the controllers' tests: it runs controllers on a
// manager against a test apiserver and stands in for the kubelets that would run
// their pods, through the API like any other component.
package controllertest

import (
	"context"
	"testing"
	"time"

	"github.com/orrery-dev/orrery/api"
	"github.com/orrery-dev/orrery/client"
	"github.com/orrery-dev/orrery/informer"
	"github.com/orrery-dev/orrery/manager"
)

// WaitTimeout bounds each wait of the tests.
const WaitTimeout = 60 * time.Second

// Eventually checks cond every 10 ms until it holds, or fails the test after
// WaitTimeout with what describes.
func Eventually(t testing.TB, what func() string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(WaitTimeout)
	tick := time.NewTicker(10 * time.Millisecond)
	defer tick.Stop()
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("not within %v: %s", WaitTimeout, what())
		}
		<-tick.C
	}
}

// Run makes a manager with a client of cfg, lets setup add controllers to it, and runs
// it until the test ends.
func Run(t testing.TB, cfg client.Config, setup ...func(*manager.Manager) error) *manager.Manager {
	t.Helper()
	c, err := client.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(c.Close)
	m, err := manager.New(manager.Options{Client: c, GracefulShutdownTimeout: 5 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range setup {
		if err := s(m); err != nil {
			t.Fatal(err)
		}
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- m.Run(ctx) }()
	t.Cleanup(func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("manager Run: %v", err)
		}
	})
	return m
}

// ReadyPods stands in for kubelets: every pod that is not being deleted turns Running
// and Ready (once), and a pod being deleted (a bound pod waits for its kubelet) is
// removed at once, until the test ends.
func ReadyPods(t testing.TB, c *client.Client) {
	t.Helper()
	pods := client.Resource[*api.Pod](c)
	inf, err := informer.New(informer.Config[*api.Pod]{ListerWatcher: pods})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	ready := func(p *api.Pod) {
		if p.DeletionTimestamp != nil {
			zero := int64(0)
			if err := pods.Namespace(p.Namespace).Delete(ctx, p.Name, &api.DeleteOptions{GracePeriodSeconds: &zero}); err != nil && ctx.Err() == nil && !client.IsNotFound(err) {
				t.Errorf("finish deleting pod %s: %v", p.Name, err)
			}
			return
		}
		if p.Status.Phase == api.PodRunning {
			return
		}
		now := api.NewTime(time.Now())
		cp := p.DeepCopy()
		cp.Status.Phase = api.PodRunning
		cp.Status.StartTime = &now
		cp.Status.Conditions = []api.PodCondition{
			{Type: api.PodReady, Status: api.ConditionTrue, LastTransitionTime: now},
			{Type: api.ContainersReady, Status: api.ConditionTrue, LastTransitionTime: now},
		}
		if _, err := pods.Namespace(p.Namespace).UpdateStatus(ctx, cp); err != nil && ctx.Err() == nil && !client.IsNotFound(err) && !client.IsConflict(err) {
			t.Errorf("mark pod %s ready: %v", p.Name, err)
		}
	}
	if _, err := inf.AddHandler(informer.HandlerFuncs[*api.Pod]{
		AddFunc:    func(p *api.Pod, _ bool) { ready(p) },
		UpdateFunc: func(_, p *api.Pod) { ready(p) },
	}); err != nil {
		t.Fatal(err)
	}
	done := make(chan struct{})
	go func() {
		defer close(done)
		_ = inf.Run(ctx)
	}()
	t.Cleanup(func() {
		cancel()
		<-done
	})
}
