package compat

import (
	"context"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"k8s.io/client-go/informers"
	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/rest"
	"k8s.io/client-go/tools/cache"
	cgworkqueue "k8s.io/client-go/util/workqueue"

	"github.com/orrery-dev/orrery/api"
	"github.com/orrery-dev/orrery/manager"
)

// BenchmarkReconcileThroughput reconciles 10,000 pods once each with an empty
// reconciler, from start until the last reconcile, with Orrery's manager and with
// client-go's shared informer, rate-limited work queue and workers (the machinery
// controller-runtime runs), against the same apiserver, with 8 workers.
//
//	cd test/compat && go test -run '^$' -bench ReconcileThroughput -benchtime 1x -count 5
func BenchmarkReconcileThroughput(b *testing.B) {
	const pods = informerBenchPods
	const workers = 8
	srv := informerServer(b)
	c := informerClient(b, srv)
	informerCreatePods(b, c, "bench", pods)

	b.Run("orrery", func(b *testing.B) {
		for b.Loop() {
			m, err := manager.New(manager.Options{Client: informerClient(b, srv)})
			if err != nil {
				b.Fatal(err)
			}
			var done atomic.Int64
			all := make(chan struct{})
			ctrl, err := manager.NewController(m, "empty", manager.ReconcilerFunc(func(context.Context, manager.Request) (manager.Result, error) {
				if done.Add(1) == pods {
					close(all)
				}
				return manager.Result{}, nil
			}), manager.ControllerOptions{MaxConcurrentReconciles: workers})
			if err != nil {
				b.Fatal(err)
			}
			if err := manager.For[*api.Pod](ctrl, manager.InScope(manager.Scope{Namespace: "bench"})); err != nil {
				b.Fatal(err)
			}
			ctx, stop := context.WithCancel(context.Background())
			errc := make(chan error, 1)
			start := time.Now()
			go func() { errc <- m.Run(ctx) }()
			<-all
			b.ReportMetric(pods/time.Since(start).Seconds(), "reconciles/s")
			stop()
			if err := <-errc; err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("clientgo", func(b *testing.B) {
		cs, err := kubernetes.NewForConfig(&rest.Config{
			Host: srv.URL(), BearerToken: srv.AdminToken(),
			TLSClientConfig: rest.TLSClientConfig{CAData: srv.CAPEM()},
			QPS:             -1, ContentConfig: rest.ContentConfig{ContentType: "application/json"},
		})
		if err != nil {
			b.Fatal(err)
		}
		for b.Loop() {
			var done atomic.Int64
			all := make(chan struct{})
			q := cgworkqueue.NewTypedRateLimitingQueue(cgworkqueue.DefaultTypedControllerRateLimiter[string]())
			f := informers.NewSharedInformerFactoryWithOptions(cs, 0, informers.WithNamespace("bench"))
			inf := f.Core().V1().Pods().Informer()
			enqueue := func(obj any) {
				if key, err := cache.MetaNamespaceKeyFunc(obj); err == nil {
					q.Add(key)
				}
			}
			if _, err := inf.AddEventHandler(cache.ResourceEventHandlerFuncs{
				AddFunc: enqueue, UpdateFunc: func(_, obj any) { enqueue(obj) }, DeleteFunc: enqueue,
			}); err != nil {
				b.Fatal(err)
			}
			ctx, stop := context.WithCancel(context.Background())
			start := time.Now()
			f.Start(ctx.Done())
			cache.WaitForCacheSync(ctx.Done(), inf.HasSynced)
			var wg sync.WaitGroup
			for range workers {
				wg.Go(func() {
					for {
						key, shutdown := q.Get()
						if shutdown {
							return
						}
						if done.Add(1) == pods {
							close(all)
						}
						q.Forget(key)
						q.Done(key)
					}
				})
			}
			<-all
			b.ReportMetric(pods/time.Since(start).Seconds(), "reconciles/s")
			stop()
			q.ShutDown()
			wg.Wait()
			f.Shutdown()
		}
	})
}
