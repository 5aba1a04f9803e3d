package labels

import (
	"reflect"
	"strings"
	"testing"

	"github.com/orrery-dev/orrery/api"
)

func mustParse(t testing.TB, s string) Selector {
	t.Helper()
	sel, err := Parse(s)
	if err != nil {
		t.Fatalf("Parse(%q) error: %v", s, err)
	}
	return sel
}

func mustRequirement(t testing.TB, key string, op Operator, values ...string) Requirement {
	t.Helper()
	r, err := NewRequirement(key, op, values)
	if err != nil {
		t.Fatalf("NewRequirement(%q, %q, %q) error: %v", key, op, values, err)
	}
	return r
}

func TestSelectorMatches(t *testing.T) {
	t.Parallel()
	many := "x in (a,b,c,d,e,f,g,h,i,j,k,l)"
	tests := []struct {
		name     string
		selector string
		labels   Set
		want     bool
	}{
		{name: "everything", selector: "", labels: Set{"x": "y"}, want: true},
		{name: "everything nil set", selector: "", labels: nil, want: true},
		{name: "equals", selector: "x=y", labels: Set{"x": "y"}, want: true},
		{name: "equals other value", selector: "x=y", labels: Set{"x": "z"}, want: false},
		{name: "equals missing", selector: "x=z", labels: Set{}, want: false},
		{name: "equals empty value missing", selector: "x=", labels: Set{}, want: false},
		{name: "equals empty value present", selector: "x=", labels: Set{"x": ""}, want: true},
		{name: "double equals", selector: "x==y", labels: Set{"x": "y"}, want: true},
		{name: "two equals", selector: "x=y,z=w", labels: Set{"x": "y", "z": "w"}, want: true},
		{name: "two equals one wrong", selector: "x=y,z=w", labels: Set{"x": "w", "z": "w"}, want: false},
		{name: "not equals", selector: "x!=y,z!=w", labels: Set{"x": "z", "z": "a"}, want: true},
		{name: "not equals one equal", selector: "x!=y,z!=w", labels: Set{"x": "z", "z": "w"}, want: false},
		{name: "not equals missing key", selector: "x!=y", labels: Set{}, want: true},
		{name: "keywords", selector: "notin=in", labels: Set{"notin": "in"}, want: true},
		{name: "exists", selector: "x", labels: Set{"x": "z"}, want: true},
		{name: "exists empty value", selector: "x", labels: Set{"x": ""}, want: true},
		{name: "exists missing", selector: "x", labels: Set{"y": "z"}, want: false},
		{name: "does not exist", selector: "!x", labels: Set{"y": "z"}, want: true},
		{name: "does not exist present", selector: "!x", labels: Set{"x": "z"}, want: false},
		{name: "in", selector: "x in (a,b)", labels: Set{"x": "b"}, want: true},
		{name: "in other", selector: "x in (a,b)", labels: Set{"x": "c"}, want: false},
		{name: "in missing", selector: "x in (a,b)", labels: Set{}, want: false},
		{name: "in empty value", selector: "x in ()", labels: Set{"x": ""}, want: true},
		{name: "in empty value missing", selector: "x in ()", labels: Set{"y": "baz"}, want: false},
		{name: "in many first", selector: many, labels: Set{"x": "a"}, want: true},
		{name: "in many last", selector: many, labels: Set{"x": "l"}, want: true},
		{name: "in many absent", selector: many, labels: Set{"x": "m"}, want: false},
		{name: "notin", selector: "x notin (a,b)", labels: Set{"x": "c"}, want: true},
		{name: "notin listed", selector: "x notin (a,b)", labels: Set{"x": "a"}, want: false},
		{name: "notin missing", selector: "x notin (a,b)", labels: Set{}, want: true},
		{name: "notin empty with exists", selector: "x notin (),y", labels: Set{"y": ""}, want: true},
		{name: "notin empty with does not exist", selector: "x notin (),!y", labels: Set{"y": ""}, want: false},
		{name: "greater than", selector: "x>1", labels: Set{"x": "2"}, want: true},
		{name: "greater than equal", selector: "x>1", labels: Set{"x": "1"}, want: false},
		{name: "greater than smaller", selector: "x>1", labels: Set{"x": "0"}, want: false},
		{name: "greater than missing", selector: "x>1", labels: Set{}, want: false},
		{name: "greater than word", selector: "z>1", labels: Set{"z": "v2"}, want: false},
		{name: "greater than signed", selector: "x>1", labels: Set{"x": "+3"}, want: true},
		{name: "greater than overflow", selector: "x>1", labels: Set{"x": "99999999999999999999"}, want: false},
		{name: "less than", selector: "x<1", labels: Set{"x": "0"}, want: true},
		{name: "less than negative", selector: "x<1", labels: Set{"x": "-3"}, want: true},
		{name: "less than larger", selector: "x<1", labels: Set{"x": "2"}, want: false},
		{name: "range", selector: "x>1,x<5", labels: Set{"x": "3"}, want: true},
		{name: "range outside", selector: "x>1,x<5", labels: Set{"x": "5"}, want: false},
		{name: "prefixed key", selector: "example.com/tier in (web)", labels: Set{"example.com/tier": "web"}, want: true},
		{name: "superset of labels", selector: "foo=bar,baz=blah", labels: Set{"foo": "bar", "baz": "blah", "other": "x"}, want: true},
		{name: "missing one of three", selector: "foo=bar,foobar=bar,baz=blah", labels: Set{"foo": "bar", "baz": "blah"}, want: false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			if got := mustParse(t, tt.selector).Matches(tt.labels); got != tt.want {
				t.Errorf("Parse(%q).Matches(%v) = %v, want %v", tt.selector, tt.labels, got, tt.want)
			}
		})
	}
}

func TestEverythingAndNothing(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name      string
		sel       Selector
		wantEmpty bool
		wantMatch bool
	}{
		{name: "Everything", sel: Everything(), wantEmpty: true, wantMatch: true},
		{name: "Nothing", sel: Nothing(), wantEmpty: false, wantMatch: false},
		{name: "NewSelector without requirements", sel: NewSelector(), wantEmpty: true, wantMatch: true},
		{name: "nil Set", sel: Set(nil).AsSelector(), wantEmpty: true, wantMatch: true},
		{name: "empty Set", sel: Set{}.AsSelector(), wantEmpty: true, wantMatch: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			if got := tt.sel.Empty(); got != tt.wantEmpty {
				t.Errorf("Empty() = %v, want %v", got, tt.wantEmpty)
			}
			for _, ls := range []Set{nil, {}, {"x": "y"}} {
				if got := tt.sel.Matches(ls); got != tt.wantMatch {
					t.Errorf("Matches(%v) = %v, want %v", ls, got, tt.wantMatch)
				}
			}
			if got := tt.sel.String(); got != "" {
				t.Errorf("String() = %q, want \"\"", got)
			}
			if got := tt.sel.Requirements(); len(got) != 0 {
				t.Errorf("Requirements() = %v, want none", got)
			}
			if v, ok := tt.sel.RequiresExactMatch("x"); ok {
				t.Errorf("RequiresExactMatch(x) = %q, true; want false", v)
			}
		})
	}
}

func TestRequiresExactMatch(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name      string
		selector  string
		label     string
		wantValue string
		wantFound bool
	}{
		{name: "equals", selector: "x=a", label: "x", wantValue: "a", wantFound: true},
		{name: "double equals", selector: "x==a", label: "x", wantValue: "a", wantFound: true},
		{name: "in one value", selector: "x in (a)", label: "x", wantValue: "a", wantFound: true},
		{name: "empty value", selector: "x=", label: "x", wantValue: "", wantFound: true},
		{name: "in two values", selector: "x in (a,b)", label: "x"},
		{name: "not equals", selector: "x!=a", label: "x"},
		{name: "exists", selector: "x", label: "x"},
		{name: "other key", selector: "y=a", label: "x"},
		{name: "among others", selector: "a=1,x=b,z=2", label: "x", wantValue: "b", wantFound: true},
		{name: "after another requirement on the key", selector: "x!=a,x=b", label: "x", wantValue: "b", wantFound: true},
		{name: "everything", selector: "", label: "x"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			v, ok := mustParse(t, tt.selector).RequiresExactMatch(tt.label)
			if v != tt.wantValue || ok != tt.wantFound {
				t.Errorf("RequiresExactMatch(%q) = %q, %v; want %q, %v", tt.label, v, ok, tt.wantValue, tt.wantFound)
			}
		})
	}
}

func TestNewRequirement(t *testing.T) {
	t.Parallel()
	const labelValueMsg = "a valid label must be an empty string or consist of alphanumeric characters"
	tests := []struct {
		name       string
		key        string
		op         Operator
		values     []string
		wantString string
		wantErr    string // the whole message when it starts with '=', else a fragment
	}{
		{name: "in", key: "x", op: In, values: []string{"foo"}, wantString: "x in (foo)"},
		{name: "notin sorted", key: "x", op: NotIn, values: []string{"b", "a"}, wantString: "x notin (a,b)"},
		{name: "in deduplicated", key: "x", op: In, values: []string{"b", "a", "b"}, wantString: "x in (a,b)"},
		{name: "exists", key: "x", op: Exists, wantString: "x"},
		{name: "does not exist", key: "x", op: DoesNotExist, wantString: "!x"},
		{name: "digit first", key: "1foo", op: In, values: []string{"bar"}, wantString: "1foo in (bar)"},
		{name: "digits", key: "1234", op: In, values: []string{"bar"}, wantString: "1234 in (bar)"},
		{name: "greater than", key: "y", op: GreaterThan, values: []string{"1"}, wantString: "y>1"},
		{name: "less than", key: "z", op: LessThan, values: []string{"6"}, wantString: "z<6"},
		{name: "equals", key: "k", op: Equals, values: []string{"v"}, wantString: "k=v"},
		{name: "equals empty value", key: "k", op: Equals, values: []string{""}, wantString: "k="},
		{name: "in nil", key: "x", op: In, wantErr: "=values: Invalid value: []string(nil): for 'in', 'notin' operators, values set can't be empty"},
		{name: "notin empty", key: "x", op: NotIn, values: []string{}, wantErr: "=values: Invalid value: []string{}: for 'in', 'notin' operators, values set can't be empty"},
		{name: "equals two values", key: "x", op: Equals, values: []string{"a", "b"}, wantErr: `=values: Invalid value: []string{"a", "b"}: exact-match compatibility requires one single value`},
		{name: "not equals no value", key: "x", op: NotEquals, wantErr: `=values: Invalid value: []string(nil): exact-match compatibility requires one single value`},
		{name: "exists with value", key: "x", op: Exists, values: []string{"a"}, wantErr: `=values: Invalid value: []string{"a"}: values set must be empty for exists and does not exist`},
		{name: "greater than word", key: "foo", op: GreaterThan, values: []string{"bar"}, wantErr: `=values[0]: Invalid value: "bar": for 'Gt', 'Lt' operators, the value must be an integer`},
		{name: "less than two values", key: "x", op: LessThan, values: []string{"1", "2"}, wantErr: `=values: Invalid value: []string{"1", "2"}: for 'Gt', 'Lt' operators, exactly one value is required`},
		{name: "unknown operator", key: "x", op: "like", wantErr: `=operator: Unsupported value: "like": supported values: "in", "notin", "=", "==", "!=", "gt", "lt", "exists", "!"`},
		{name: "key too long", key: strings.Repeat("a", 254), op: Exists, wantErr: `=key: Invalid value: "` + strings.Repeat("a", 254) + `": name part must be no more than 63 characters`},
		{name: "invalid value", key: "x", op: In, values: []string{"ok", "-bad"}, wantErr: `values[1][x]: Invalid value: "-bad": ` + labelValueMsg},
		{name: "several errors", key: "-x", op: Equals, values: []string{"a", "b"}, wantErr: `[key: Invalid value: "-x": name part must consist of`},
		{name: "several errors listed", key: "-x", op: Equals, values: []string{"a", "b"}, wantErr: `, values: Invalid value: []string{"a", "b"}: exact-match compatibility requires one single value]`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			r, err := NewRequirement(tt.key, tt.op, tt.values)
			if tt.wantErr == "" {
				if err != nil {
					t.Fatalf("NewRequirement error: %v", err)
				}
				if got := r.String(); got != tt.wantString {
					t.Errorf("String() = %q, want %q", got, tt.wantString)
				}
				if r.Key() != tt.key || r.Operator() != tt.op {
					t.Errorf("Key(), Operator() = %q, %q; want %q, %q", r.Key(), r.Operator(), tt.key, tt.op)
				}
				return
			}
			if err == nil {
				t.Fatalf("NewRequirement = %q, want error %q", r, tt.wantErr)
			}
			if exact, ok := strings.CutPrefix(tt.wantErr, "="); ok {
				if err.Error() != exact {
					t.Errorf("error:\n got %q\nwant %q", err, exact)
				}
			} else if !strings.Contains(err.Error(), tt.wantErr) {
				t.Errorf("error:\n got %q\nwant it to contain %q", err, tt.wantErr)
			}
		})
	}
}

func TestRequirementValuesIsACopy(t *testing.T) {
	t.Parallel()
	in := []string{"b", "a"}
	r := mustRequirement(t, "x", In, in...)
	if want := []string{"b", "a"}; !reflect.DeepEqual(in, want) {
		t.Errorf("NewRequirement changed its input to %v, want %v", in, want)
	}
	got := r.Values()
	if want := []string{"a", "b"}; !reflect.DeepEqual(got, want) {
		t.Errorf("Values() = %v, want %v", got, want)
	}
	got[0] = "changed"
	if r.Values()[0] != "a" {
		t.Errorf("changing the slice Values returned changed the requirement")
	}
}

func TestZeroRequirementMatchesNothing(t *testing.T) {
	t.Parallel()
	if (Requirement{}).Matches(Set{"x": "y"}) {
		t.Errorf("zero Requirement matched, want no match")
	}
}

func TestNewSelectorIsCanonical(t *testing.T) {
	t.Parallel()
	a := mustRequirement(t, "a", Equals, "1")
	bNot := mustRequirement(t, "b", NotEquals, "2")
	bIn := mustRequirement(t, "b", In, "3", "2")
	c := mustRequirement(t, "c", Exists)
	want := "a=1,b!=2,b in (2,3),c"
	orders := [][]Requirement{{a, bNot, bIn, c}, {c, bIn, bNot, a}, {bIn, a, c, bNot}}
	for _, reqs := range orders {
		sel := NewSelector(reqs...)
		if got := sel.String(); got != want {
			t.Errorf("NewSelector(%v).String() = %q, want %q", reqs, got, want)
		}
		if got := mustParse(t, want).Requirements(); !reflect.DeepEqual(got, sel.Requirements()) {
			t.Errorf("Parse(%q).Requirements() = %v, want %v", want, got, sel.Requirements())
		}
	}
}

func TestSelectorFromSet(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name       string
		set        Set
		wantString string
		wantErr    string
		matches    Set
		notMatches Set
	}{
		{name: "nil", set: nil, wantString: "", matches: Set{"a": "b"}},
		{name: "one label", set: Set{"foo": "bar"}, wantString: "foo=bar", matches: Set{"foo": "bar", "baz": "blah"}, notMatches: Set{"foo": "baz"}},
		{name: "sorted", set: Set{"foo": "bar", "baz": "blah"}, wantString: "baz=blah,foo=bar", matches: Set{"foo": "bar", "baz": "blah"}, notMatches: Set{"foo": "bar"}},
		{name: "empty value", set: Set{"foo": ""}, wantString: "foo=", matches: Set{"foo": ""}, notMatches: Set{}},
		{name: "invalid value", set: Set{"foo": "=blah"}, wantErr: `values[0][foo]: Invalid value: "=blah"`, notMatches: Set{"foo": "=blah"}},
		{name: "invalid key", set: Set{"a": "b", "bad key": "x"}, wantErr: `key: Invalid value: "bad key"`, notMatches: Set{"a": "b", "bad key": "x"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			validated, err := ValidatedSelectorFromSet(tt.set)
			sel := SelectorFromSet(tt.set)
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Errorf("ValidatedSelectorFromSet error = %v, want it to contain %q", err, tt.wantErr)
				}
				if sel.Empty() {
					t.Errorf("SelectorFromSet of an invalid set is empty, want Nothing")
				}
			} else {
				if err != nil {
					t.Fatalf("ValidatedSelectorFromSet error: %v", err)
				}
				if got := validated.String(); got != tt.wantString {
					t.Errorf("ValidatedSelectorFromSet String() = %q, want %q", got, tt.wantString)
				}
				if got := tt.set.AsSelector().String(); got != tt.wantString {
					t.Errorf("AsSelector String() = %q, want %q", got, tt.wantString)
				}
			}
			if tt.matches != nil && !sel.Matches(tt.matches) {
				t.Errorf("Matches(%v) = false, want true", tt.matches)
			}
			if tt.notMatches != nil && sel.Matches(tt.notMatches) {
				t.Errorf("Matches(%v) = true, want false", tt.notMatches)
			}
		})
	}
}

func TestFromLabelSelector(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name       string
		in         *api.LabelSelector
		wantString string
		wantEmpty  bool
		wantErr    string // the whole message
		matches    Set
		notMatches Set
	}{
		{name: "nil matches nothing", in: nil, wantString: "", notMatches: Set{}},
		{name: "empty matches everything", in: &api.LabelSelector{}, wantString: "", wantEmpty: true, matches: Set{}},
		{name: "empty maps match everything", in: &api.LabelSelector{MatchLabels: map[string]string{}, MatchExpressions: []api.LabelSelectorRequirement{}}, wantEmpty: true, matches: Set{"a": "b"}},
		{
			name:       "match labels",
			in:         &api.LabelSelector{MatchLabels: map[string]string{"foo": "bar", "baz": "blah"}},
			wantString: "baz=blah,foo=bar",
			matches:    Set{"foo": "bar", "baz": "blah"},
			notMatches: Set{"foo": "bar"},
		},
		{
			name: "expressions",
			in: &api.LabelSelector{MatchExpressions: []api.LabelSelectorRequirement{
				{Key: "tier", Operator: api.LabelSelectorOpIn, Values: []string{"web", "api"}},
				{Key: "env", Operator: api.LabelSelectorOpNotIn, Values: []string{"dev"}},
				{Key: "app", Operator: api.LabelSelectorOpExists},
				{Key: "canary", Operator: api.LabelSelectorOpDoesNotExist},
			}},
			wantString: "app,!canary,env notin (dev),tier in (api,web)",
			matches:    Set{"tier": "web", "app": "x"},
			notMatches: Set{"tier": "web", "app": "x", "canary": "true"},
		},
		{
			name: "labels and expressions",
			in: &api.LabelSelector{
				MatchLabels:      map[string]string{"app": "web"},
				MatchExpressions: []api.LabelSelectorRequirement{{Key: "app", Operator: api.LabelSelectorOpExists}},
			},
			wantString: "app=web,app",
			matches:    Set{"app": "web"},
			notMatches: Set{"app": "db"},
		},
		{
			name:    "in without values",
			in:      &api.LabelSelector{MatchExpressions: []api.LabelSelectorRequirement{{Key: "tier", Operator: api.LabelSelectorOpIn}}},
			wantErr: "values: Invalid value: []string(nil): for 'in', 'notin' operators, values set can't be empty",
		},
		{
			name:    "notin with empty values",
			in:      &api.LabelSelector{MatchExpressions: []api.LabelSelectorRequirement{{Key: "tier", Operator: api.LabelSelectorOpNotIn, Values: []string{}}}},
			wantErr: "values: Invalid value: []string(nil): for 'in', 'notin' operators, values set can't be empty",
		},
		{
			name:    "exists with values",
			in:      &api.LabelSelector{MatchExpressions: []api.LabelSelectorRequirement{{Key: "tier", Operator: api.LabelSelectorOpExists, Values: []string{"a"}}}},
			wantErr: `values: Invalid value: []string{"a"}: values set must be empty for exists and does not exist`,
		},
		{
			name:    "unknown operator",
			in:      &api.LabelSelector{MatchExpressions: []api.LabelSelectorRequirement{{Key: "tier", Operator: "Gt", Values: []string{"1"}}}},
			wantErr: `"Gt" is not a valid label selector operator`,
		},
		{
			name:    "invalid match label value",
			in:      &api.LabelSelector{MatchLabels: map[string]string{"app": "a b"}},
			wantErr: `values[0][app]: Invalid value: "a b": a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyValue',  or 'my_value',  or '12345', regex used for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')`,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			sel, err := FromLabelSelector(tt.in)
			if tt.wantErr != "" {
				if err == nil || err.Error() != tt.wantErr {
					t.Fatalf("FromLabelSelector error:\n got %v\nwant %s", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatalf("FromLabelSelector error: %v", err)
			}
			if got := sel.String(); got != tt.wantString {
				t.Errorf("String() = %q, want %q", got, tt.wantString)
			}
			if got := sel.Empty(); got != tt.wantEmpty {
				t.Errorf("Empty() = %v, want %v", got, tt.wantEmpty)
			}
			if tt.matches != nil && !sel.Matches(tt.matches) {
				t.Errorf("Matches(%v) = false, want true", tt.matches)
			}
			if tt.notMatches != nil && sel.Matches(tt.notMatches) {
				t.Errorf("Matches(%v) = true, want false", tt.notMatches)
			}
		})
	}
}

func TestSetMethods(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name       string
		set        Set
		wantString string
	}{
		{name: "nil", set: nil, wantString: ""},
		{name: "one", set: Set{"a": "b"}, wantString: "a=b"},
		{name: "sorted", set: Set{"b": "2", "a": "1", "c": ""}, wantString: "a=1,b=2,c="},
		{name: "sorted as pairs", set: Set{"a": "1", "a.b": "2"}, wantString: "a.b=2,a=1"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			if got := tt.set.String(); got != tt.wantString {
				t.Errorf("String() = %q, want %q", got, tt.wantString)
			}
		})
	}
	s := Set{"a": "", "b": "x"}
	if !s.Has("a") || s.Has("z") {
		t.Errorf("Has(a), Has(z) = %v, %v; want true, false", s.Has("a"), s.Has("z"))
	}
	if s.Get("b") != "x" || s.Get("z") != "" {
		t.Errorf("Get(b), Get(z) = %q, %q; want \"x\", \"\"", s.Get("b"), s.Get("z"))
	}
}

func TestMatchesDoesNotAllocate(t *testing.T) {
	selectors := []string{
		"app=web",
		"app=web,tier in (a,b,c),!canary,env notin (dev,test)",
		"x in (a,b,c,d,e,f,g,h,i,j,k,l)",
		"version>3,version<10",
	}
	ls := Set{"app": "web", "tier": "b", "env": "prod", "version": "not-a-number", "x": "k"}
	for _, s := range selectors {
		sel := mustParse(t, s)
		if allocs := testing.AllocsPerRun(100, func() { sel.Matches(ls) }); allocs != 0 {
			t.Errorf("Parse(%q).Matches allocates %v times per call, want 0", s, allocs)
		}
	}
}
