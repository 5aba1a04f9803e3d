package labels

import "testing"

func BenchmarkMatches(b *testing.B) {
	ls := Set{
		"app": "web", "tier": "frontend", "env": "prod", "version": "7",
		"example.com/team": "payments", "pod-template-hash": "5d8f7c9b4",
	}
	benchmarks := []struct {
		name     string
		selector string
	}{
		{name: "equals", selector: "app=web"},
		{name: "match labels", selector: "app=web,pod-template-hash=5d8f7c9b4,tier=frontend"},
		{name: "set based", selector: "tier in (frontend,backend),env notin (dev,test),!canary,example.com/team"},
		{name: "large set", selector: "tier in (a,b,c,d,e,f,g,h,i,j,k,frontend)"},
		{name: "integer", selector: "version>3,version<10"},
	}
	for _, bm := range benchmarks {
		sel := mustParse(b, bm.selector)
		b.Run(bm.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if !sel.Matches(ls) {
					b.Fatal("no match")
				}
			}
		})
	}
}

func BenchmarkParse(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Parse("app=web,tier in (frontend,backend),!canary"); err != nil {
			b.Fatal(err)
		}
	}
}
