package printers

import (
	"fmt"
	"testing"
	"time"

	"github.com/orrery-dev/orrery/api"
)

// BenchmarkTablePods prints a 1000-pod list with each includeObject policy.
func BenchmarkTablePods(b *testing.B) {
	objs := make([]api.Object, 1000)
	for i := range objs {
		p := twoPods()[i%2].(*api.Pod)
		p.Name = fmt.Sprintf("web-%d", i)
		objs[i] = p
	}
	for _, policy := range []IncludeObjectPolicy{IncludeNone, IncludeMetadata, IncludeObject} {
		b.Run(string(policy), func(b *testing.B) {
			b.ReportAllocs()
			opts := Options{Now: now.Add(time.Second), IncludeObject: policy}
			for b.Loop() {
				if _, err := Table(kindOf("Pod"), objs, opts); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
