package cacher

import (
	"fmt"
	"testing"
	"time"

	"github.com/orrery-dev/orrery/api"
	"github.com/orrery-dev/orrery/apiserver/storage"
)

// BenchmarkApplyAtSize measures the cache's cost of inserting a pod and deleting it
// again with pods=N pods in the cache: it should not grow with N. No watcher is
// open, so the figure is the cache's own (state, indexes, ring buffer).
func BenchmarkApplyAtSize(b *testing.B) {
	for _, n := range []int{1000, 10000, 100000} {
		b.Run(fmt.Sprintf("pods=%d", n), func(b *testing.B) {
			f := newFake(n)
			c := run(b, Config{Storage: f, Resource: "pods", Attrs: podAttrs, IndexFields: []string{"spec.nodeName"},
				ReadWait: time.Hour})
			ctx := ctxFor(b)
			// New pods whose keys fall among the existing ones (web-000000 ... in ns-0..9).
			const distinct = 1000
			objs := make([]api.Object, distinct)
			for i := range objs {
				p := benchPod(i * (n / distinct))
				p.Name = fmt.Sprintf("web-%06d-x", i*(n/distinct))
				objs[i] = p
			}
			rev := int64(1)
			b.ReportAllocs()
			b.ResetTimer()
			for i := range b.N {
				obj := objs[i%distinct]
				rev++
				f.events <- storage.Event{Type: api.Added, Object: obj, Revision: rev}
				rev++
				f.events <- storage.Event{Type: api.Deleted, Object: obj, Revision: rev}
			}
			if !c.awaitRevision(ctx, rev) {
				b.Fatalf("cache did not reach revision %d", rev)
			}
		})
	}
}
