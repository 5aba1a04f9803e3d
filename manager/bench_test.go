package manager_test

import (
	"context"
	"fmt"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/orrery-dev/orrery/api"
	"github.com/orrery-dev/orrery/client"
	"github.com/orrery-dev/orrery/envtest"
	"github.com/orrery-dev/orrery/manager"
)

// BenchmarkReconcileThroughput measures reconciles per second of an empty reconciler
// over 10,000 pods: from Run until every pod has been reconciled once (the first list,
// the informer's delivery, the queue and the workers), with 1 and 8 workers:
//
//	go test -run '^$' -bench ReconcileThroughput -benchtime 1x -count 5 ./manager/
func BenchmarkReconcileThroughput(b *testing.B) {
	const objects = 10000
	env := envtest.Start(b, envtest.Options{})
	c := env.Client()
	ctx := context.Background()
	pods := client.Resource[*api.Pod](c).Namespace("default")
	var wg sync.WaitGroup
	for w := range 8 {
		wg.Go(func() {
			for i := w; i < objects; i += 8 {
				p := &api.Pod{ObjectMeta: api.ObjectMeta{Name: fmt.Sprintf("p-%d", i), Namespace: "default"},
					Spec: api.PodSpec{Containers: []api.Container{{Name: "app", Image: "nginx"}}}}
				if _, err := pods.Create(ctx, p); err != nil {
					b.Error(err)
					return
				}
			}
		})
	}
	wg.Wait()
	for _, workers := range []int{1, 8} {
		b.Run(fmt.Sprintf("workers=%d", workers), func(b *testing.B) {
			for b.Loop() {
				m, err := manager.New(manager.Options{Client: c})
				if err != nil {
					b.Fatal(err)
				}
				var done atomic.Int64
				all := make(chan struct{})
				ctrl, err := manager.NewController(m, "empty", manager.ReconcilerFunc(func(context.Context, manager.Request) (manager.Result, error) {
					if done.Add(1) == objects {
						close(all)
					}
					return manager.Result{}, nil
				}), manager.ControllerOptions{MaxConcurrentReconciles: workers})
				if err != nil {
					b.Fatal(err)
				}
				if err := manager.For[*api.Pod](ctrl); err != nil {
					b.Fatal(err)
				}
				runCtx, stop := context.WithCancel(ctx)
				errc := make(chan error, 1)
				start := time.Now()
				go func() { errc <- m.Run(runCtx) }()
				<-all
				elapsed := time.Since(start)
				stop()
				if err := <-errc; err != nil {
					b.Fatal(err)
				}
				b.ReportMetric(objects/elapsed.Seconds(), "reconciles/s")
			}
		})
	}
}
