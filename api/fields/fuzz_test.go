package fields

import (
	"reflect"
	"testing"
)

// fieldSeeds are the seed corpus of FuzzParseFields: valid and invalid selectors,
// including the escaping cases of Kubernetes' own tests.
var fieldSeeds = []string{
	"", ",", ",,", "=", "!=", "==", "x=a", "x==a", "x!=a", "x=", "x!=", "=a",
	"metadata.name=web,metadata.namespace=default", "spec.nodeName=,status.phase!=Running",
	"y=b,x=a", "x=a, y=b", "x = a", "x=a,,y=b,", "x==z,x=b", "a!b=c", "x=!a",
	`x=a\,b`, `x=a\=b`, `x=a\\b`, `x=a\\,y=b`, `x!=\\\,\=`, `a\=b`, `a\!=b`, `a\,b=c`,
	"abc", "x=a,abc", "x>1", "x in (a)", "x=a=b", "x===", "metadata.name!==x",
	`x=a\x`, `x=a\!`, `x=a\`, `\`, "x=\xff", "x=\xff\\,", "\xff=\\\xff", "x=é,ü!=ö",
}

func FuzzParseFields(f *testing.F) {
	for _, s := range fieldSeeds {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, in string) {
		sel, err := Parse(in)
		if err != nil {
			return
		}
		out := sel.String()
		again, err := Parse(out)
		if err != nil {
			t.Fatalf("Parse(%q) gave %q, which does not parse: %v", in, out, err)
		}
		if got := again.String(); got != out {
			t.Fatalf("Parse(%q) gave %q, which parses to %q", in, out, got)
		}
		if !reflect.DeepEqual(again.Requirements(), sel.Requirements()) {
			t.Fatalf("Parse(%q) gave requirements %q; its String %q gives %q", in, sel.Requirements(), out, again.Requirements())
		}
		if sel.Empty() != again.Empty() {
			t.Fatalf("Parse(%q).Empty() = %v, but Parse(%q).Empty() = %v", in, sel.Empty(), out, again.Empty())
		}
		for _, fs := range probeSets(sel.Requirements()) {
			want := referenceMatches(sel.Requirements(), fs)
			if got := sel.Matches(fs); got != want {
				t.Fatalf("Parse(%q).Matches(%v) = %v, want %v", in, fs, got, want)
			}
			if got := again.Matches(fs); got != want {
				t.Fatalf("Parse(%q).Matches(%v) = %v, want %v", out, fs, got, want)
			}
		}
	})
}

// probeSets builds field sets that exercise the requirements: empty, each field with
// each requirement's value, with "" and with another value, and all fields at once.
func probeSets(reqs []Requirement) []Set {
	sets := []Set{{}}
	all := Set{}
	for _, r := range reqs {
		for _, q := range reqs {
			sets = append(sets, Set{r.Field: q.Value})
		}
		sets = append(sets, Set{r.Field: ""}, Set{r.Field: "other"})
		all[r.Field] = r.Value
	}
	return append(sets, all)
}

func referenceMatches(reqs []Requirement, fs Set) bool {
	for _, r := range reqs {
		if (fs[r.Field] == r.Value) != (r.Operator != NotEquals) {
			return false
		}
	}
	return true
}

func FuzzEscapeValue(f *testing.F) {
	for _, s := range []string{"", "a", `\`, ",", "=", `a\,b=c`, "\xff", "é"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, v string) {
		got, err := UnescapeValue(EscapeValue(v))
		if err != nil {
			t.Fatalf("UnescapeValue(EscapeValue(%q)) error: %v", v, err)
		}
		// Unescaping reads the value as UTF-8, as Kubernetes does; compare that way.
		want := v
		if EscapeValue(v) != v {
			want = string([]rune(v))
		}
		if got != want {
			t.Fatalf("UnescapeValue(EscapeValue(%q)) = %q, want %q", v, got, want)
		}
	})
}
