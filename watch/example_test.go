package watch_test

import (
	"context"
	"fmt"

	"github.com/orrery-dev/orrery/api"
	"github.com/orrery-dev/orrery/watch"
)

func ExampleBroadcaster() {
	b := watch.NewBroadcaster(watch.BroadcasterConfig{Buffer: 10, FullPolicy: watch.DropIfFull})
	w, _ := b.Watch()
	ctx := context.Background()
	for _, phase := range []api.PodPhase{api.PodPending, api.PodRunning, api.PodSucceeded} {
		pod := &api.Pod{ObjectMeta: api.ObjectMeta{Name: "job"}, Status: api.PodStatus{Phase: phase}}
		b.Send(ctx, watch.Event{Type: api.Modified, Object: pod})
	}
	b.Shutdown()

	// Wait until the pod has run, then until it has finished.
	phaseIs := func(p api.PodPhase) watch.ConditionFunc {
		return func(ev watch.Event) (bool, error) { return ev.Object.(*api.Pod).Status.Phase == p, nil }
	}
	ev, err := watch.Until(ctx, w, phaseIs(api.PodRunning), phaseIs(api.PodSucceeded))
	fmt.Println(ev.Object.(*api.Pod).Status.Phase, err)
	// Output: Succeeded <nil>
}
