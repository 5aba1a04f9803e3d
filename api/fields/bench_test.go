package fields

import "testing"

func BenchmarkMatches(b *testing.B) {
	fs := Set{"metadata.name": "web-5d8f7c9b4-x2x9z", "metadata.namespace": "default", "spec.nodeName": "node-17", "status.phase": "Running"}
	benchmarks := []struct {
		name     string
		selector string
	}{
		{name: "one term", selector: "spec.nodeName=node-17"},
		{name: "three terms", selector: "metadata.namespace=default,spec.nodeName=node-17,status.phase!=Failed"},
	}
	for _, bm := range benchmarks {
		sel := mustParse(b, bm.selector)
		b.Run(bm.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if !sel.Matches(fs) {
					b.Fatal("no match")
				}
			}
		})
	}
}
