package record_test

import (
	"context"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/orrery-dev/orrery/api"
	"github.com/orrery-dev/orrery/client"
	"github.com/orrery-dev/orrery/client/record"
	"github.com/orrery-dev/orrery/envtest"
)

// TestRecordToTheAPIServer records events about a pod through a real apiserver: a
// repeat patches the stored event, and kubectl describe shows it.
func TestRecordToTheAPIServer(t *testing.T) {
	env := envtest.Start(t, envtest.Options{})
	c := env.Client()
	ctx := t.Context()
	p, err := client.Resource[*api.Pod](c).Namespace("default").Create(ctx, &api.Pod{
		ObjectMeta: api.ObjectMeta{Name: "web", Namespace: "default"},
		Spec:       api.PodSpec{Containers: []api.Container{{Name: "app", Image: "nginx"}}},
	})
	if err != nil {
		t.Fatal(err)
	}
	b := record.NewBroadcaster(record.BroadcasterConfig{})
	sinkCtx, stop := context.WithCancel(ctx)
	if err := b.StartRecordingToSink(sinkCtx, record.NewClientSink(c)); err != nil {
		t.Fatal(err)
	}
	defer func() { stop(); b.Shutdown() }()
	r := b.NewRecorder("web-controller")
	r.Event(p, api.EventTypeWarning, "FailedSync", "could not sync")
	r.Event(p, api.EventTypeWarning, "FailedSync", "could not sync")

	events := client.Resource[*api.Event](c).Namespace("default")
	deadline := time.Now().Add(30 * time.Second)
	tick := time.NewTicker(20 * time.Millisecond)
	defer tick.Stop()
	for {
		list, err := events.List(ctx, client.ListOptions{FieldSelector: "involvedObject.name=web"})
		if err != nil {
			t.Fatal(err)
		}
		if len(list.Items) > 1 {
			t.Fatalf("%d events; want one, updated", len(list.Items))
		}
		if len(list.Items) == 1 && list.Items[0].Count == 2 {
			ev := list.Items[0]
			if ev.Reason != "FailedSync" || ev.Type != api.EventTypeWarning || ev.InvolvedObject.UID != p.UID || ev.Source.Component != "web-controller" {
				t.Errorf("event %+v", ev)
			}
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("events %+v; want one with count 2", list.Items)
		}
		<-tick.C
	}

	kubectl, err := exec.LookPath("kubectl")
	if err != nil {
		t.Skip("kubectl not installed")
	}
	out, err := exec.CommandContext(ctx, kubectl, "--kubeconfig", env.KubeconfigPath(), "describe", "pod", "web", "-n", "default").CombinedOutput()
	if err != nil {
		t.Fatalf("kubectl describe: %v\n%s", err, out)
	}
	if !strings.Contains(string(out), "FailedSync") || !strings.Contains(string(out), "could not sync") || !strings.Contains(string(out), "web-controller") {
		t.Errorf("kubectl describe does not show the event:\n%s", out)
	}
}
