package api

import "testing"

func BenchmarkParseQuantity(b *testing.B) {
	for _, s := range []string{"500m", "128Mi", "1.5Gi"} {
		b.Run(s, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if _, err := ParseQuantity(s); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

func BenchmarkQuantitySum(b *testing.B) {
	// Summing the requests of 100 pods, as a scheduler does per node.
	qs := make([]Quantity, 100)
	for i := range qs {
		qs[i] = MustParseQuantity("250m")
	}
	b.ReportAllocs()
	for b.Loop() {
		var sum Quantity
		for _, q := range qs {
			sum.Add(q)
		}
		if sum.MilliValue() != 25000 {
			b.Fatal(sum.String())
		}
	}
}

func BenchmarkQuantityString(b *testing.B) {
	q := MustParseQuantity("1536Mi")
	b.ReportAllocs()
	for b.Loop() {
		_ = q.String()
	}
}
