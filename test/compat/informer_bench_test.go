package compat

import (
	"context"
	"runtime"
	"sync"
	"testing"
	"time"

	"k8s.io/client-go/informers"
	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/rest"

	"github.com/orrery-dev/orrery/api"
	"github.com/orrery-dev/orrery/apiserver"
	"github.com/orrery-dev/orrery/client"
	"github.com/orrery-dev/orrery/informer"
)

// informerBenchPods is how many pods each informer syncs.
const informerBenchPods = 10_000

// BenchmarkInformerSync syncs a pod informer over the same 10,000 realistic pods from
// the same apiserver with Orrery's informer and with client-go's. ns/op is the time
// from starting the informer to HasSynced; B/pod is the live heap the synced informer
// holds (after GC, against the heap before it started), divided by the pods.
//
//	cd test/compat && go test -run '^$' -bench BenchmarkInformerSync -benchtime 5x
func BenchmarkInformerSync(b *testing.B) {
	srv := informerServer(b)
	c := informerClient(b, srv)
	informerCreatePods(b, c, "bench", informerBenchPods)

	orrery := func(watchList, json bool) func(b *testing.B) {
		return func(b *testing.B) {
			oc := informerClient(b, srv)
			if json {
				var err error
				if oc, err = client.New(client.Config{Host: srv.URL(), CAData: srv.CAPEM(), BearerToken: srv.AdminToken(), QPS: -1, DisableProtobuf: true}); err != nil {
					b.Fatal(err)
				}
				b.Cleanup(oc.Close)
			}
			informerSyncBench(b, func(ctx context.Context) (func() bool, func() int, func()) {
				inf, err := informer.New(informer.Config[*api.Pod]{
					ListerWatcher:    client.Resource[*api.Pod](oc).Namespace("bench"),
					DisableWatchList: !watchList,
				})
				if err != nil {
					b.Fatal(err)
				}
				var wg sync.WaitGroup
				wg.Go(func() { inf.Run(ctx) })
				return inf.HasSynced, inf.Store().Len, wg.Wait
			})
		}
	}
	// Orrery's default is a streaming list, as is client-go's (its WatchListClient
	// feature); orrery-list syncs with LIST then WATCH. Both clients ask for protobuf
	// (Orrery's by default); the -json runs ask for JSON.
	b.Run("orrery", orrery(true, false))
	b.Run("orrery-list", orrery(false, false))
	b.Run("orrery-json", orrery(true, true))
	b.Run("clientgo", clientGoInformerSync(srv, "application/vnd.kubernetes.protobuf"))
	b.Run("clientgo-json", clientGoInformerSync(srv, "application/json"))
}

// clientGoInformerSync syncs client-go's pod informer with contentType both ways.
func clientGoInformerSync(srv *apiserver.Server, contentType string) func(b *testing.B) {
	return func(b *testing.B) {
		cs, err := kubernetes.NewForConfig(&rest.Config{
			Host:            srv.URL(),
			BearerToken:     srv.AdminToken(),
			TLSClientConfig: rest.TLSClientConfig{CAData: srv.CAPEM()},
			QPS:             -1,
			ContentConfig:   rest.ContentConfig{ContentType: contentType, AcceptContentTypes: contentType},
		})
		if err != nil {
			b.Fatal(err)
		}
		informerSyncBench(b, func(ctx context.Context) (func() bool, func() int, func()) {
			f := informers.NewSharedInformerFactoryWithOptions(cs, 0, informers.WithNamespace("bench"))
			inf := f.Core().V1().Pods().Informer()
			f.Start(ctx.Done())
			return inf.HasSynced, func() int { return len(inf.GetStore().ListKeys()) }, f.Shutdown
		})
	}
}

// informerSyncBench times start up to hasSynced, then measures the live heap the
// synced informer holds. start runs an informer until ctx ends; wait waits for it.
func informerSyncBench(b *testing.B, start func(ctx context.Context) (hasSynced func() bool, count func() int, wait func())) {
	var perPod float64
	for range b.N {
		b.StopTimer()
		before := informerLiveHeap()
		ctx, cancel := context.WithCancel(context.Background())
		b.StartTimer()

		hasSynced, count, wait := start(ctx)
		tick := time.NewTicker(time.Millisecond) // the same polling for both informers
		for !hasSynced() {
			<-tick.C
		}
		tick.Stop()

		b.StopTimer()
		if got := count(); got != informerBenchPods {
			b.Fatalf("synced informer holds %d pods, want %d", got, informerBenchPods)
		}
		perPod += float64(informerLiveHeap()-before) / informerBenchPods
		runtime.KeepAlive(count) // the informer is live until measured
		cancel()
		wait()
		b.StartTimer()
	}
	b.ReportMetric(perPod/float64(b.N), "B/pod")
}

// informerLiveHeap is the heap in use after two collections.
func informerLiveHeap() int64 {
	runtime.GC()
	runtime.GC()
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	return int64(m.HeapAlloc)
}
