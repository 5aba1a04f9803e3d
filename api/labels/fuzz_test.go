package labels

import (
	"reflect"
	"strconv"
	"testing"
)

// labelSeeds are the seed corpus of FuzzParseLabels: valid and invalid selectors,
// including Kubernetes' own test inputs.
var labelSeeds = []string{
	"", "x", "!x", "x,y", "x=a", "x==a", "x!=a", "x=", "x==", "x!=", "x= ", "x=,z= ",
	"x=a,y=b,z=c", "x!=a,y=b", "x>1", "x<5", "x>1,z<5", "x>-1", "x>+1", "x>007",
	"x in (a,b,c)", "x notin (a)", "x in ()", "x notin ( )", "x in (,)", "x in (a,)",
	"x notin (, a)", "x in (a,,b)", "a in (x,y,notin, z,in)", "in in (in)", "notin=in",
	"x notin (abc,def),bar,z in (),w", "foo  in\t (abc)", "x notin\n (abc)", "\rx",
	"example.com/x=y", "this-is-a-dns.domain.com/key-with-dash in (so,what)",
	"0.1.2.domain/99 notin (10.10.100.1, tick.tack.clock)", "x=a.b-c_d",
	"x=a||y=b", "x==a==b", "!x=a", "x<a", "x,,y", ",x,y", "x=a,", "a=b=c",
	"x nott in (y)", "a in (xyz),", "a in (xyz)b notin ()", "a in (xyz abc)",
	"a notin(", "a (", "(", "!", "!!x", "x in a", "x=(", "-x", "/x", "a/b/c",
	"Example.com/x", "x>9223372036854775807", "x<-9223372036854775808", "x>99999999999999999999",
	"x=a\x00", "x\x00y", "x=a \x00junk", "\x00", "é=ü", "x=\xff", "!==", "=!(",
	"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa=v",
	"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa=v",
}

func FuzzParseLabels(f *testing.F) {
	for _, s := range labelSeeds {
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
			t.Fatalf("Parse(%q) gave requirements %v; its String %q gives %v", in, sel.Requirements(), out, again.Requirements())
		}
		for _, ls := range probeSets(sel.Requirements()) {
			want := referenceMatches(sel.Requirements(), ls)
			if got := sel.Matches(ls); got != want {
				t.Fatalf("Parse(%q).Matches(%v) = %v, want %v", in, ls, got, want)
			}
			if got := again.Matches(ls); got != want {
				t.Fatalf("Parse(%q).Matches(%v) = %v, want %v", out, ls, got, want)
			}
		}
	})
}

// probeSets builds label sets that exercise the requirements: none of their keys, each
// key with each of the requirements' values, with values around their integers, and
// with a value none of them names.
func probeSets(reqs []Requirement) []Set {
	sets := []Set{{}}
	all := Set{}
	for _, r := range reqs {
		candidates := append(r.Values(), "", "unlisted")
		for _, v := range r.Values() {
			if n, err := strconv.ParseInt(v, 10, 64); err == nil {
				candidates = append(candidates, strconv.FormatInt(n-1, 10), strconv.FormatInt(n+1, 10))
			}
		}
		for _, v := range candidates {
			sets = append(sets, Set{r.Key(): v})
		}
		if vs := r.Values(); len(vs) > 0 {
			all[r.Key()] = vs[0]
		} else {
			all[r.Key()] = "present"
		}
	}
	return append(sets, all)
}

// referenceMatches evaluates requirements the plain way, with strconv, to check
// Matches against.
func referenceMatches(reqs []Requirement, ls Set) bool {
	for _, r := range reqs {
		v, ok := ls[r.Key()]
		listed := false
		for _, x := range r.Values() {
			listed = listed || x == v
		}
		var holds bool
		switch r.Operator() {
		case In, Equals, DoubleEquals:
			holds = ok && listed
		case NotIn, NotEquals:
			holds = !ok || !listed
		case Exists:
			holds = ok
		case DoesNotExist:
			holds = !ok
		case GreaterThan, LessThan:
			n, err := strconv.ParseInt(v, 10, 64)
			want, _ := strconv.ParseInt(r.Values()[0], 10, 64)
			holds = ok && err == nil && ((r.Operator() == GreaterThan && n > want) || (r.Operator() == LessThan && n < want))
		}
		if !holds {
			return false
		}
	}
	return true
}

func FuzzParseInt64(f *testing.F) {
	for _, s := range []string{"0", "-1", "+1", "", "+", "9223372036854775807", "9223372036854775808", "-9223372036854775808", "1_0", "0x1", "١"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		got, ok := parseInt64(s)
		want, err := strconv.ParseInt(s, 10, 64)
		if ok != (err == nil) || (ok && got != want) {
			t.Fatalf("parseInt64(%q) = %d, %v; strconv.ParseInt gives %d, %v", s, got, ok, want, err)
		}
	})
}
