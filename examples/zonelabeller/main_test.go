package main

import (
	"context"
	"testing"
	"time"

	"go.uber.org/goleak"

	"github.com/orrery-dev/orrery/api"
	"github.com/orrery-dev/orrery/client"
	"github.com/orrery-dev/orrery/envtest"
	"github.com/orrery-dev/orrery/manager"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

func TestZoneLabeller(t *testing.T) {
	env := envtest.Start(t, envtest.Options{})
	c := env.Client()
	m, err := manager.New(manager.Options{Client: c})
	if err != nil {
		t.Fatal(err)
	}
	if err := setup(m); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(t.Context())
	done := make(chan error, 1)
	go func() { done <- m.Run(ctx) }()
	defer func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("Run: %v", err)
		}
	}()

	nodes, pods := client.Resource[*api.Node](c), client.Resource[*api.Pod](c).Namespace("default")
	node, err := nodes.Create(ctx, &api.Node{ObjectMeta: api.ObjectMeta{Name: "n1", Labels: map[string]string{zoneLabel: "zone-a"}}})
	if err != nil {
		t.Fatal(err)
	}
	pod := &api.Pod{ObjectMeta: api.ObjectMeta{Name: "web", Namespace: "default"},
		Spec: api.PodSpec{Containers: []api.Container{{Name: "app", Image: "nginx"}}}}
	if _, err := pods.Create(ctx, pod); err != nil {
		t.Fatal(err)
	}
	if err := pods.Bind(ctx, &api.Binding{ObjectMeta: api.ObjectMeta{Name: "web", Namespace: "default"},
		Target: api.ObjectReference{Kind: "Node", Name: "n1"}}); err != nil {
		t.Fatal(err)
	}
	waitForZone := func(want string, present bool) {
		t.Helper()
		deadline := time.Now().Add(30 * time.Second)
		tick := time.NewTicker(20 * time.Millisecond)
		defer tick.Stop()
		for {
			p, err := pods.Get(ctx, "web")
			if err != nil {
				t.Fatal(err)
			}
			if got, ok := p.Labels[zoneLabel]; ok == present && got == want {
				return
			}
			if time.Now().After(deadline) {
				t.Fatalf("pod labels %v; want %s=%q (present %v)", p.Labels, zoneLabel, want, present)
			}
			<-tick.C
		}
	}
	waitForZone("zone-a", true) // the pod was bound: it gets its node's zone

	node.Labels[zoneLabel] = "zone-b" // the node moves: its pods follow
	if node, err = nodes.Update(ctx, node); err != nil {
		t.Fatal(err)
	}
	waitForZone("zone-b", true)

	delete(node.Labels, zoneLabel) // no zone: the label goes
	if _, err = nodes.Update(ctx, node); err != nil {
		t.Fatal(err)
	}
	waitForZone("", false)
}
