package cacher

import (
	"context"
	"encoding/json"
	"fmt"
	"runtime"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/orrery-dev/orrery/api"
	"github.com/orrery-dev/orrery/api/builtin"
	"github.com/orrery-dev/orrery/api/fields"
	"github.com/orrery-dev/orrery/api/labels"
	"github.com/orrery-dev/orrery/apiserver/storage"
	"github.com/orrery-dev/orrery/internal/testutil"
)

// fakeStorage is an in-memory Storage for benchmarks: a fixed initial state and one
// watch channel the benchmark feeds, so that the figures are the cacher's own.
type fakeStorage struct {
	storage.Interface // not used: calls to the methods not defined below panic
	items             []api.Object
	rev               atomic.Int64
	events            chan storage.Event
}

type fakeWatcher struct{ ch chan storage.Event }

func (w fakeWatcher) ResultChan() <-chan storage.Event { return w.ch }
func (w fakeWatcher) Stop()                            {}

func (f *fakeStorage) List(context.Context, string, storage.ListOptions) (*storage.ListResult, error) {
	return &storage.ListResult{Items: f.items, ResourceVersion: f.rev.Load()}, nil
}

func (f *fakeStorage) Watch(context.Context, string, storage.WatchOptions) (storage.Watcher, error) {
	return fakeWatcher{f.events}, nil
}

func (f *fakeStorage) CurrentRevision(context.Context) (int64, error) { return f.rev.Load(), nil }
func (f *fakeStorage) RequestProgress(context.Context) error          { return nil }

// podKind is the registration of pods, whose selectable fields the benchmarks use.
var podKind, _ = builtin.Registry().ByResource("", "pods")

func podAttrs(obj api.Object) (labels.Set, fields.Set) {
	return labels.Set(obj.GetObjectMeta().Labels), fields.Set(podKind.SelectableFields(obj))
}

// benchPod is a pod of a typical size, bound to one of 100 nodes.
func benchPod(i int) *api.Pod {
	grace := int64(30)
	return &api.Pod{
		TypeMeta: api.TypeMeta{Kind: "Pod", APIVersion: "v1"},
		ObjectMeta: api.ObjectMeta{
			Namespace: fmt.Sprintf("ns-%d", i%10), Name: fmt.Sprintf("web-%06d", i), UID: fmt.Sprintf("uid-%06d", i),
			ResourceVersion: "1", Labels: map[string]string{"app": "web", "pod-template-hash": "5d8f7c9b6"},
			OwnerReferences: []api.OwnerReference{{APIVersion: "apps/v1", Kind: "ReplicaSet", Name: "web-5d8f7c9b6", UID: "rs-uid"}},
		},
		Spec: api.PodSpec{
			Containers: []api.Container{{Name: "web", Image: "nginx:1.27", Ports: []api.ContainerPort{{ContainerPort: 80, Protocol: "TCP"}},
				TerminationMessagePath: "/dev/termination-log", TerminationMessagePolicy: "File", ImagePullPolicy: "IfNotPresent"}},
			RestartPolicy: "Always", TerminationGracePeriodSeconds: &grace, DNSPolicy: "ClusterFirst",
			ServiceAccountName: "default", NodeName: fmt.Sprintf("node-%03d", i%100), SchedulerName: "default-scheduler",
		},
		Status: api.PodStatus{Phase: "Running", HostIP: "10.0.0.1", PodIP: fmt.Sprintf("10.1.%d.%d", i/250%250, i%250)},
	}
}

func newFake(n int) *fakeStorage {
	f := &fakeStorage{events: make(chan storage.Event, 1024)}
	for i := range n {
		f.items = append(f.items, benchPod(i))
	}
	f.rev.Store(1)
	return f
}

// BenchmarkDeliver measures watch events delivered per second: b.N pod updates, each
// handed to every watcher, which reads it and its shared encoding as the HTTP layer
// does. "by-node" watchers each select one node's pods (spec.nodeName), as kubelets do.
func BenchmarkDeliver(b *testing.B) {
	for _, tc := range []struct {
		watchers         int
		byNode, noEncode bool
	}{{1, false, false}, {1, false, true}, {100, false, false}, {1000, false, false}, {1000, true, false}} {
		name := fmt.Sprintf("watchers=%d", tc.watchers)
		if tc.byNode {
			name += ",by-node"
		}
		if tc.noEncode {
			name += ",no-encode"
		}
		b.Run(name, func(b *testing.B) {
			const pods = 1000
			f := newFake(pods)
			c := run(b, Config{Storage: f, Resource: "pods", Attrs: podAttrs, IndexFields: []string{"spec.nodeName"},
				StallTimeout: time.Minute, MaxCapacity: 10000})
			ctx := ctxFor(b)
			// Each event is one of pods objects (the benchmark does not measure decoding).
			objs := make([]api.Object, pods)
			for i := range objs {
				objs[i] = benchPod(i)
			}
			want := make([]int, tc.watchers)
			for i := range b.N {
				if !tc.byNode {
					for w := range want {
						want[w]++
					}
				} else if i%pods%100 < tc.watchers {
					want[i%pods%100]++
				}
			}
			var wg sync.WaitGroup
			var closed atomic.Int64
			for w := range tc.watchers {
				opts := storage.WatchOptions{ResourceVersion: 1}
				if tc.byNode {
					opts.Predicate = storage.Predicate{Field: fields.OneTermEqualSelector("spec.nodeName", fmt.Sprintf("node-%03d", w))}
				}
				wt, err := c.Watch(ctx, "", opts)
				if err != nil {
					b.Fatal(err)
				}
				defer wt.Stop()
				wg.Go(func() {
					for n := 0; n < want[w]; {
						ev, ok := <-wt.ResultChan()
						if !ok {
							closed.Add(1)
							return
						}
						if ev.Type == api.Bookmark {
							continue
						}
						if !tc.noEncode {
							if _, err := ev.Encoded(storage.FormatJSON); err != nil {
								b.Error(err)
							}
						}
						n++
					}
				})
			}
			b.ReportAllocs()
			b.ResetTimer()
			start := time.Now()
			for i := range b.N {
				rev := int64(i + 2)
				f.events <- storage.Event{Type: api.Modified, Object: objs[i%pods], Revision: rev}
			}
			wg.Wait()
			elapsed := time.Since(start)
			b.StopTimer()
			if closed.Load() > 0 {
				b.Fatalf("%d watchers closed", closed.Load())
			}
			total := 0
			for _, n := range want {
				total += n
			}
			b.ReportMetric(float64(total)/elapsed.Seconds(), "deliveries/s")
			b.ReportMetric(float64(b.N)/elapsed.Seconds(), "events/s")
		})
	}
}

// BenchmarkWatchStart measures the cost of one more watcher: starting (and stopping) a
// watch from the current revision of a cache of 10,000 pods.
func BenchmarkWatchStart(b *testing.B) {
	f := newFake(10000)
	c := run(b, Config{Storage: f, Resource: "pods", Attrs: podAttrs, IndexFields: []string{"spec.nodeName"}})
	ctx := ctxFor(b)
	b.ReportAllocs()
	for b.Loop() {
		w, err := c.Watch(ctx, "", storage.WatchOptions{ResourceVersion: 1})
		if err != nil {
			b.Fatal(err)
		}
		w.Stop()
	}
}

// BenchmarkList10000Pods compares a LIST of 10,000 pods from the cache with one from etcd.
func BenchmarkList10000Pods(b *testing.B) {
	e := startCacherOf(b, "pods", func() api.Object { return &api.Pod{} })
	ctx := ctxFor(b)
	const n = 10000
	var wg sync.WaitGroup
	sem := make(chan struct{}, 64)
	for i := range n {
		sem <- struct{}{}
		wg.Go(func() {
			defer func() { <-sem }()
			p := benchPod(i)
			p.ResourceVersion = ""
			if _, err := e.store.Create(ctx, storage.ObjectKey(p.Namespace, p.Name), p); err != nil {
				b.Error(err)
			}
		})
	}
	wg.Wait()
	// "+encode" also encodes every item, as the apiserver does to answer: the cache's
	// items come with their shared encodings, etcd's are encoded each time.
	for _, tc := range []struct {
		name   string
		s      storage.Interface
		rv     string
		encode bool
	}{
		{"cache,consistent", e.c, "", false},
		{"cache,rv=0", e.c, "0", false},
		{"etcd", e.store, "", false},
		{"cache,consistent,+encode", e.c, "", true},
		{"etcd,+encode", e.store, "", true},
	} {
		b.Run(tc.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				res, err := tc.s.List(ctx, "", storage.ListOptions{ResourceVersion: tc.rv})
				if err != nil {
					b.Fatal(err)
				}
				if len(res.Items) != n {
					b.Fatalf("got %d pods, want %d", len(res.Items), n)
				}
				if !tc.encode {
					continue
				}
				for i, it := range res.Items {
					if res.Encoded != nil {
						_, err = res.Encoded[i](storage.FormatJSON)
					} else {
						_, err = json.Marshal(it)
					}
					if err != nil {
						b.Fatal(err)
					}
				}
			}
		})
	}
}

// startCacherOf starts a Cacher of pods over a Store over a new etcd.
func startCacherOf(b *testing.B, resource string, newFunc func() api.Object) *env {
	e := &env{etcd: testutil.StartEtcd(b)}
	st, err := storage.New(storage.Config{Client: e.etcd.Client, Prefix: e.etcd.Prefix + "/" + resource, NewFunc: newFunc, Attrs: podAttrs})
	if err != nil {
		b.Fatal(err)
	}
	e.store = st
	e.c = run(b, Config{Storage: st, Resource: resource, Attrs: podAttrs, IndexFields: []string{"spec.nodeName"},
		TypeMeta: api.TypeMeta{Kind: "Pod", APIVersion: "v1"}})
	return e
}

// BenchmarkMemoryPerPod reports the heap a cache of 10,000 pods takes per pod: the
// decoded pod itself and the cache's own bookkeeping (key, attributes, indexes).
func BenchmarkMemoryPerPod(b *testing.B) {
	const n = 10000
	// Measured once: the loop only satisfies the benchmark's contract.
	var objBytes, cacheBytes float64
	{
		h0 := heap()
		f := newFake(n)
		h1 := heap()
		c, err := New(Config{Storage: f, Resource: "pods", Attrs: podAttrs, IndexFields: []string{"spec.nodeName"}})
		if err != nil {
			b.Fatal(err)
		}
		if err := c.relist(context.Background()); err != nil {
			b.Fatal(err)
		}
		h2 := heap()
		objBytes, cacheBytes = float64(h1-h0)/n, float64(h2-h1)/n
		runtime.KeepAlive(c)
		runtime.KeepAlive(f)
	}
	for b.Loop() {
	}
	b.ReportMetric(objBytes, "pod-B/pod")
	b.ReportMetric(cacheBytes, "cache-B/pod")
	b.ReportMetric(objBytes+cacheBytes, "B/pod")
}

func heap() uint64 {
	runtime.GC()
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	return m.HeapAlloc
}

// BenchmarkCreateAndDeliver measures a create through the cache and its delivery to
// 100 watchers: each op creates a pod in etcd and waits until every watcher has
// received it.
func BenchmarkCreateAndDeliver(b *testing.B) {
	e := startCacherOf(b, "pods", func() api.Object { return &api.Pod{} })
	ctx := ctxFor(b)
	const watchers = 100
	start, err := e.c.CurrentRevision(ctx)
	if err != nil {
		b.Fatal(err)
	}
	got := make(chan struct{}, watchers)
	var wg sync.WaitGroup
	var ws []storage.Watcher
	defer func() {
		for _, w := range ws {
			w.Stop()
		}
		wg.Wait()
	}()
	for range watchers {
		w, err := e.c.Watch(ctx, "", storage.WatchOptions{ResourceVersion: start})
		if err != nil {
			b.Fatal(err)
		}
		ws = append(ws, w)
		wg.Go(func() {
			for ev := range w.ResultChan() {
				if ev.Type == api.Error {
					b.Error(ev.Err)
					return
				}
				if ev.Type != api.Bookmark {
					got <- struct{}{}
				}
			}
		})
	}
	b.ReportAllocs()
	b.ResetTimer()
	for i := range b.N {
		p := benchPod(i)
		p.ResourceVersion = ""
		if _, err := e.c.Create(ctx, storage.ObjectKey(p.Namespace, p.Name), p); err != nil {
			b.Fatal(err)
		}
		for range watchers {
			<-got
		}
	}
}
