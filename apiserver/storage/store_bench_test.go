package storage_test

import (
	"context"
	"fmt"
	"sync/atomic"
	"testing"

	"github.com/orrery-dev/orrery/api"
	"github.com/orrery-dev/orrery/apiserver/storage"
	"github.com/orrery-dev/orrery/apiserver/storage/storagetest"
	"github.com/orrery-dev/orrery/internal/testutil"
)

// benchStore is a Store of widgets on a fresh embedded etcd.
func benchStore(b *testing.B) *storage.Store {
	e := testutil.StartEtcd(b)
	s, err := storage.New(storage.Config{Client: e.Client, Prefix: e.Prefix + "/widgets", NewFunc: storagetest.NewWidget, Attrs: storagetest.WidgetAttrs})
	if err != nil {
		b.Fatalf("storage.New: %v", err)
	}
	return s
}

func benchWidget(name string, i int) *storagetest.Widget {
	return &storagetest.Widget{
		TypeMeta: api.TypeMeta{Kind: "Widget", APIVersion: "test/v1"},
		ObjectMeta: api.ObjectMeta{Namespace: "bench", Name: name, UID: "uid-" + name,
			Labels: map[string]string{"app": "bench", "shard": fmt.Sprint(i % 10)}},
		Spec: storagetest.WidgetSpec{Node: fmt.Sprintf("node-%d", i%100), Value: i},
	}
}

func fill(b *testing.B, s *storage.Store, n int) {
	ctx := context.Background()
	for i := range n {
		name := fmt.Sprintf("w-%05d", i)
		if _, err := s.Create(ctx, "bench/"+name, benchWidget(name, i)); err != nil {
			b.Fatalf("create: %v", err)
		}
	}
}

// BenchmarkCreate measures sequential creates (one etcd transaction each).
func BenchmarkCreate(b *testing.B) {
	s := benchStore(b)
	ctx := context.Background()
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		name := fmt.Sprintf("w-%d", i)
		if _, err := s.Create(ctx, "bench/"+name, benchWidget(name, i)); err != nil {
			b.Fatalf("create: %v", err)
		}
		i++
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "objects/s")
}

// BenchmarkCreateParallel measures creates from 16 concurrent clients.
func BenchmarkCreateParallel(b *testing.B) {
	s := benchStore(b)
	ctx := context.Background()
	var n atomic.Int64
	b.ReportAllocs()
	b.SetParallelism(8)
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			i := int(n.Add(1))
			name := fmt.Sprintf("w-%d", i)
			if _, err := s.Create(ctx, "bench/"+name, benchWidget(name, i)); err != nil {
				b.Errorf("create: %v", err)
				return
			}
		}
	})
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "objects/s")
}

// BenchmarkGet measures reads of one object among 10,000.
func BenchmarkGet(b *testing.B) {
	s := benchStore(b)
	fill(b, s, 10000)
	ctx := context.Background()
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		if _, err := s.Get(ctx, fmt.Sprintf("bench/w-%05d", i%10000), storage.GetOptions{}); err != nil {
			b.Fatalf("get: %v", err)
		}
		i++
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "objects/s")
}

// BenchmarkList10k measures a full list of 10,000 objects, and one paged by 500.
func BenchmarkList10k(b *testing.B) {
	s := benchStore(b)
	fill(b, s, 10000)
	ctx := context.Background()
	for _, limit := range []int64{0, 500} {
		b.Run(fmt.Sprintf("limit=%d", limit), func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				n, token := 0, ""
				for {
					res, err := s.List(ctx, "bench/", storage.ListOptions{Limit: limit, Continue: token})
					if err != nil {
						b.Fatalf("list: %v", err)
					}
					n += len(res.Items)
					if token = res.Continue; token == "" {
						break
					}
				}
				if n != 10000 {
					b.Fatalf("listed %d objects, want 10000", n)
				}
			}
			b.ReportMetric(float64(b.N)*10000/b.Elapsed().Seconds(), "objects/s")
		})
	}
}
