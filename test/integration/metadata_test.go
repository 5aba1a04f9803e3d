package integration

import (
	"context"
	"fmt"
	"runtime"
	"sync"
	"testing"

	"github.com/orrery-dev/orrery/api"
	"github.com/orrery-dev/orrery/apiserver"
	"github.com/orrery-dev/orrery/client"
	"github.com/orrery-dev/orrery/informer"
)

// TestMetadataClientAndInformer reads pods as PartialObjectMetadata: Get, List and an
// informer that follows changes, none of them carrying the spec.
func TestMetadataClientAndInformer(t *testing.T) {
	t.Parallel()
	s := startServer(t, apiserver.Config{})
	c := newClient(t, s)
	ctx := t.Context()
	pods := client.Resource[*api.Pod](c).Namespace("default")
	p := newPod("meta-1")
	p.Finalizers = []string{"example.com/hold"}
	created, err := pods.Create(ctx, p)
	if err != nil {
		t.Fatal(err)
	}
	mc := client.Metadata[*api.Pod](c).Namespace("default")
	got, err := mc.Get(ctx, "meta-1")
	if err != nil {
		t.Fatal(err)
	}
	if got.Kind != "PartialObjectMetadata" || got.APIVersion != "meta.k8s.io/v1" || got.UID != created.UID ||
		got.Labels["app"] != "load" || len(got.Finalizers) != 1 || got.ResourceVersion != created.ResourceVersion {
		t.Errorf("Get = %+v", got)
	}
	if _, err := mc.Get(ctx, "missing"); !client.IsNotFound(err) {
		t.Errorf("Get of a missing pod: %v, want NotFound", err)
	}
	list, err := mc.List(ctx, client.ListOptions{LabelSelector: "app=load"})
	if err != nil || len(list.Items) != 1 || list.Items[0].Name != "meta-1" || list.ResourceVersion == "" {
		t.Fatalf("List = %+v, %v", list, err)
	}

	f, err := informer.NewFactory(informer.FactoryConfig{Client: c})
	if err != nil {
		t.Fatal(err)
	}
	inf := informer.ForMetadata(f, mc.Kind(), informer.Scope{Namespace: "default"})
	if again := informer.ForMetadata(f, mc.Kind(), informer.Scope{Namespace: "default"}); again != inf {
		t.Error("a second ForMetadata made another informer")
	}
	nodeKind := client.Resource[*api.Node](c).Kind()
	if other := informer.ForMetadata(f, nodeKind, informer.Scope{}); any(other) == any(inf) {
		t.Error("the metadata informers of two kinds are shared")
	}
	runCtx, stop := context.WithCancel(ctx)
	f.Start(runCtx)
	defer func() { stop(); f.Shutdown() }()
	if err := f.WaitForCacheSync(ctx); err != nil {
		t.Fatal(err)
	}
	if _, ok := inf.Store().Get("default/meta-1"); !ok {
		t.Fatal("the synced metadata informer lacks default/meta-1")
	}
	patch := []byte(`{"metadata":{"labels":{"app":"load","step":"2"}}}`)
	if _, err := pods.Patch(ctx, "meta-1", client.MergePatchType, patch); err != nil {
		t.Fatal(err)
	}
	eventually(t, func() string { return "the label change reaches the metadata informer" }, func() bool {
		o, ok := inf.Store().Get("default/meta-1")
		return ok && o.Labels["step"] == "2"
	})
}

// BenchmarkInformerMemory reports the heap an informer holds per cached pod, for full
// objects and for metadata only, side by side in one run:
//
//	go test -run '^$' -bench InformerMemory -benchtime 1x ./test/integration/
func BenchmarkInformerMemory(b *testing.B) {
	const pods = 5000
	s := startServer(b, apiserver.Config{})
	c := newClient(b, s)
	ctx := context.Background()
	rc := client.Resource[*api.Pod](c).Namespace("default")
	var wg sync.WaitGroup
	for w := range 8 {
		wg.Go(func() {
			for i := w; i < pods; i += 8 {
				p := newPod(fmt.Sprintf("mem-%d", i))
				p.Spec.Containers[0].Env = []api.EnvVar{{Name: "MODE", Value: "production"}}
				if _, err := rc.Create(ctx, p); err != nil {
					b.Error(err)
					return
				}
			}
		})
	}
	wg.Wait()
	measure := func(b *testing.B, newInformer func(*informer.Factory) interface{ Len() int }) {
		for b.Loop() {
			f, err := informer.NewFactory(informer.FactoryConfig{Client: c})
			if err != nil {
				b.Fatal(err)
			}
			before := heap()
			store := newInformer(f)
			runCtx, stop := context.WithCancel(ctx)
			f.Start(runCtx)
			if err := f.WaitForCacheSync(ctx); err != nil {
				b.Fatal(err)
			}
			if store.Len() != pods {
				b.Fatalf("cached %d pods, want %d", store.Len(), pods)
			}
			after := heap()
			b.ReportMetric(float64(after-before)/pods, "B/object")
			runtime.KeepAlive(store)
			stop()
			f.Shutdown()
		}
	}
	b.Run("full", func(b *testing.B) {
		measure(b, func(f *informer.Factory) interface{ Len() int } {
			return informer.For[*api.Pod](f, informer.Scope{Namespace: "default"}).Store()
		})
	})
	b.Run("metadata", func(b *testing.B) {
		measure(b, func(f *informer.Factory) interface{ Len() int } {
			return informer.ForMetadata(f, rc.Kind(), informer.Scope{Namespace: "default"}).Store()
		})
	})
}

// heap is the live heap after a full collection.
func heap() int64 {
	runtime.GC()
	runtime.GC()
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	return int64(ms.HeapAlloc)
}
