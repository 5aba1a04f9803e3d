package fields

import (
	"errors"
	"reflect"
	"testing"
)

func mustParse(t testing.TB, s string) Selector {
	t.Helper()
	sel, err := Parse(s)
	if err != nil {
		t.Fatalf("Parse(%q) error: %v", s, err)
	}
	return sel
}

func TestParseValid(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name      string
		in        string
		want      string // canonical String()
		wantReqs  []Requirement
		wantEmpty bool
	}{
		{name: "empty", in: "", want: "", wantEmpty: true},
		{name: "only commas", in: ",,", want: "", wantEmpty: true},
		{name: "equals", in: "metadata.name=web", want: "metadata.name=web", wantReqs: []Requirement{{"metadata.name", Equals, "web"}}},
		{name: "double equals", in: "x==a", want: "x=a", wantReqs: []Requirement{{"x", Equals, "a"}}},
		{name: "not equals", in: "x!=a", want: "x!=a", wantReqs: []Requirement{{"x", NotEquals, "a"}}},
		{name: "empty value", in: "spec.nodeName=", want: "spec.nodeName=", wantReqs: []Requirement{{"spec.nodeName", Equals, ""}}},
		{name: "not equals empty value", in: "spec.nodeName!=", want: "spec.nodeName!=", wantReqs: []Requirement{{"spec.nodeName", NotEquals, ""}}},
		{name: "conjunction sorted", in: "y=b,x=a", want: "x=a,y=b", wantReqs: []Requirement{{"x", Equals, "a"}, {"y", Equals, "b"}}},
		{name: "empty terms skipped", in: ",x=a,,y=b,", want: "x=a,y=b"},
		{name: "spaces kept", in: "x = a", want: "x = a", wantReqs: []Requirement{{"x ", Equals, " a"}}},
		{name: "space after comma kept", in: "x=a, y=b", want: " y=b,x=a", wantReqs: []Requirement{{" y", Equals, "b"}, {"x", Equals, "a"}}},
		{name: "escaped comma", in: `x=a\,b`, want: `x=a\,b`, wantReqs: []Requirement{{"x", Equals, "a,b"}}},
		{name: "escaped equals", in: `x=a\=b`, want: `x=a\=b`, wantReqs: []Requirement{{"x", Equals, "a=b"}}},
		{name: "escaped backslash", in: `x=a\\b`, want: `x=a\\b`, wantReqs: []Requirement{{"x", Equals, `a\b`}}},
		{name: "escaped backslash before comma", in: `x=a\\,y=b`, want: `x=a\\,y=b`, wantReqs: []Requirement{{"x", Equals, `a\`}, {"y", Equals, "b"}}},
		{name: "all escapes", in: `x!=\\\,\=`, want: `x!=\\\,\=`, wantReqs: []Requirement{{"x", NotEquals, `\,=`}}},
		{name: "bang in value", in: "x=!a", want: "x=!a", wantReqs: []Requirement{{"x", Equals, "!a"}}},
		{name: "bang in field", in: "a!b=c", want: "a!b=c", wantReqs: []Requirement{{"a!b", Equals, "c"}}},
		{name: "backslash in field", in: `a\=b`, want: `a\=b`, wantReqs: []Requirement{{`a\`, Equals, "b"}}},
		{name: "empty field", in: "=a", want: "=a", wantReqs: []Requirement{{"", Equals, "a"}}},
		{name: "empty field and value dropped", in: "=", want: "", wantEmpty: true},
		{name: "empty not equals dropped", in: "!=", want: "", wantEmpty: true},
		{name: "empty term among others dropped", in: "==,x=a", want: "x=a", wantReqs: []Requirement{{"x", Equals, "a"}}},
		{name: "unicode", in: "x=é", want: "x=é", wantReqs: []Requirement{{"x", Equals, "é"}}},
		{name: "same field twice", in: "x!=b,x!=a", want: "x!=a,x!=b"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			sel := mustParse(t, tt.in)
			if got := sel.String(); got != tt.want {
				t.Errorf("Parse(%q).String() = %q, want %q", tt.in, got, tt.want)
			}
			if got := sel.Empty(); got != tt.wantEmpty {
				t.Errorf("Parse(%q).Empty() = %v, want %v", tt.in, got, tt.wantEmpty)
			}
			if tt.wantReqs != nil {
				if got := sel.Requirements(); !reflect.DeepEqual(got, tt.wantReqs) {
					t.Errorf("Parse(%q).Requirements() = %q, want %q", tt.in, got, tt.wantReqs)
				}
			}
			again := mustParse(t, sel.String())
			if again.String() != sel.String() || !reflect.DeepEqual(again.Requirements(), sel.Requirements()) {
				t.Errorf("round trip of %q: got %q %q, want %q %q", tt.in, again, again.Requirements(), sel, sel.Requirements())
			}
		})
	}
}

func TestParseInvalid(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		in      string
		wantErr string
	}{
		{name: "no operator", in: "abc", wantErr: "invalid selector: 'abc'; can't understand 'abc'"},
		{name: "no operator among terms", in: "x=a,abc", wantErr: "invalid selector: 'x=a,abc'; can't understand 'abc'"},
		{name: "comparison is not supported", in: "x>1", wantErr: "invalid selector: 'x>1'; can't understand 'x>1'"},
		{name: "set syntax is not supported", in: "x in (a)", wantErr: "invalid selector: 'x in (a)'; can't understand 'x in (a)'"},
		{name: "unescaped equals", in: "x=a=b", wantErr: "invalid field selector: unescaped character in value: 61"},
		{name: "unescaped equals after not equals", in: "metadata.name!==x", wantErr: "invalid field selector: unescaped character in value: 61"},
		{name: "double equals then equals", in: "x===", wantErr: "invalid field selector: unescaped character in value: 61"},
		{name: "unknown escape", in: `x=a\x`, wantErr: `invalid field selector: invalid escape sequence: \x`},
		{name: "escaped bang", in: `x=a\!`, wantErr: `invalid field selector: invalid escape sequence: \!`},
		{name: "trailing backslash", in: `x=a\`, wantErr: `invalid field selector: invalid escape sequence: \`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			sel, err := Parse(tt.in)
			if err == nil {
				t.Fatalf("Parse(%q) = %q, want error %q", tt.in, sel, tt.wantErr)
			}
			if err.Error() != tt.wantErr {
				t.Errorf("Parse(%q) error:\n got %q\nwant %q", tt.in, err, tt.wantErr)
			}
		})
	}
}

func TestMatches(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name   string
		sel    Selector
		fields Set
		want   bool
	}{
		{name: "everything", sel: Everything(), fields: Set{"x": "y"}, want: true},
		{name: "everything nil set", sel: Everything(), fields: nil, want: true},
		{name: "nothing", sel: Nothing(), fields: Set{"x": "y"}, want: false},
		{name: "equals", sel: mustParse(t, "x=y"), fields: Set{"x": "y"}, want: true},
		{name: "equals other", sel: mustParse(t, "x=y"), fields: Set{"x": "z"}, want: false},
		{name: "equals missing", sel: mustParse(t, "x=y"), fields: Set{}, want: false},
		{name: "empty value matches missing field", sel: mustParse(t, "x="), fields: Set{}, want: true},
		{name: "not equals", sel: mustParse(t, "x!=y"), fields: Set{"x": "z"}, want: true},
		{name: "not equals same", sel: mustParse(t, "x!=y"), fields: Set{"x": "y"}, want: false},
		{name: "not equals missing", sel: mustParse(t, "x!=y"), fields: Set{}, want: true},
		{name: "not equals empty on missing", sel: mustParse(t, "x!="), fields: Set{}, want: false},
		{name: "two terms", sel: mustParse(t, "x=y,z=w"), fields: Set{"x": "y", "z": "w"}, want: true},
		{name: "two terms one wrong", sel: mustParse(t, "x=y,z=w"), fields: Set{"x": "w", "z": "w"}, want: false},
		{name: "escaped value", sel: mustParse(t, `x=a\,b\=c`), fields: Set{"x": "a,b=c"}, want: true},
		{name: "one term equal", sel: OneTermEqualSelector("spec.nodeName", "n1"), fields: Set{"spec.nodeName": "n1"}, want: true},
		{name: "one term not equal", sel: OneTermNotEqualSelector("status.phase", "Running"), fields: Set{"status.phase": "Running"}, want: false},
		{name: "and", sel: AndSelectors(OneTermEqualSelector("a", "1"), OneTermNotEqualSelector("b", "2")), fields: Set{"a": "1", "b": "3"}, want: true},
		{name: "and with nothing", sel: AndSelectors(OneTermEqualSelector("a", "1"), Nothing()), fields: Set{"a": "1"}, want: false},
		{name: "and of none", sel: AndSelectors(), fields: Set{"a": "1"}, want: true},
		{name: "from set", sel: SelectorFromSet(Set{"a": "1", "b": "2"}), fields: Set{"a": "1", "b": "2", "c": "3"}, want: true},
		{name: "from set mismatch", sel: SelectorFromSet(Set{"a": "1", "b": "2"}), fields: Set{"a": "1"}, want: false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			if got := tt.sel.Matches(tt.fields); got != tt.want {
				t.Errorf("%q.Matches(%v) = %v, want %v", tt.sel, tt.fields, got, tt.want)
			}
		})
	}
}

func TestConstructors(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name      string
		sel       Selector
		wantStr   string
		wantEmpty bool
		wantReqs  []Requirement
	}{
		{name: "Everything", sel: Everything(), wantStr: "", wantEmpty: true},
		{name: "Nothing", sel: Nothing(), wantStr: "", wantEmpty: false},
		{name: "one term equal escapes", sel: OneTermEqualSelector("f", "a,b"), wantStr: `f=a\,b`, wantReqs: []Requirement{{"f", Equals, "a,b"}}},
		{name: "one term not equal", sel: OneTermNotEqualSelector("f", "v"), wantStr: "f!=v", wantReqs: []Requirement{{"f", NotEquals, "v"}}},
		{name: "set nil", sel: SelectorFromSet(nil), wantStr: "", wantEmpty: true},
		{name: "set empty", sel: Set{}.AsSelector(), wantStr: "", wantEmpty: true},
		{name: "set sorted", sel: Set{"b": "2", "a": "1"}.AsSelector(), wantStr: "a=1,b=2", wantReqs: []Requirement{{"a", Equals, "1"}, {"b", Equals, "2"}}},
		{name: "and keeps order", sel: AndSelectors(OneTermEqualSelector("b", "2"), OneTermEqualSelector("a", "1")), wantStr: "b=2,a=1"},
		{name: "and of empties is empty", sel: AndSelectors(Everything(), Everything()), wantStr: "", wantEmpty: true},
		{name: "and skips empty strings", sel: AndSelectors(Everything(), OneTermEqualSelector("a", "1")), wantStr: "a=1"},
		{name: "nested and", sel: AndSelectors(AndSelectors(OneTermEqualSelector("a", "1")), OneTermNotEqualSelector("b", "")), wantStr: "a=1,b!=", wantReqs: []Requirement{{"a", Equals, "1"}, {"b", NotEquals, ""}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			if got := tt.sel.String(); got != tt.wantStr {
				t.Errorf("String() = %q, want %q", got, tt.wantStr)
			}
			if got := tt.sel.Empty(); got != tt.wantEmpty {
				t.Errorf("Empty() = %v, want %v", got, tt.wantEmpty)
			}
			if tt.wantReqs != nil {
				if got := tt.sel.Requirements(); !reflect.DeepEqual(got, tt.wantReqs) {
					t.Errorf("Requirements() = %q, want %q", got, tt.wantReqs)
				}
			}
		})
	}
}

func TestRequiresExactMatch(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name      string
		sel       Selector
		field     string
		wantValue string
		wantFound bool
	}{
		{name: "equals", sel: mustParse(t, "spec.nodeName=n1"), field: "spec.nodeName", wantValue: "n1", wantFound: true},
		{name: "empty value", sel: mustParse(t, "spec.nodeName="), field: "spec.nodeName", wantValue: "", wantFound: true},
		{name: "not equals", sel: mustParse(t, "spec.nodeName!=n1"), field: "spec.nodeName"},
		{name: "other field", sel: mustParse(t, "metadata.name=a"), field: "spec.nodeName"},
		{name: "among others", sel: mustParse(t, "metadata.name=a,spec.nodeName=n2"), field: "spec.nodeName", wantValue: "n2", wantFound: true},
		{name: "nested", sel: AndSelectors(Everything(), AndSelectors(OneTermEqualSelector("f", "v"))), field: "f", wantValue: "v", wantFound: true},
		{name: "everything", sel: Everything(), field: "f"},
		{name: "nothing", sel: Nothing(), field: "f"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			v, ok := tt.sel.RequiresExactMatch(tt.field)
			if v != tt.wantValue || ok != tt.wantFound {
				t.Errorf("RequiresExactMatch(%q) = %q, %v; want %q, %v", tt.field, v, ok, tt.wantValue, tt.wantFound)
			}
		})
	}
}

func TestTransform(t *testing.T) {
	t.Parallel()
	errBad := errors.New("field label not supported")
	rename := func(f, v string) (string, string, error) {
		switch f {
		case "drop":
			return "", "", nil
		case "bad":
			return "", "", errBad
		case "name":
			return "metadata.name", v, nil
		}
		return f, v, nil
	}
	tests := []struct {
		name      string
		sel       Selector
		wantStr   string
		wantEmpty bool
		wantErr   error
	}{
		{name: "rename", sel: mustParse(t, "name=web"), wantStr: "metadata.name=web"},
		{name: "rename not equal", sel: OneTermNotEqualSelector("name", "web"), wantStr: "metadata.name!=web"},
		{name: "drop single", sel: mustParse(t, "drop=x"), wantStr: "", wantEmpty: true},
		{name: "drop not equal", sel: OneTermNotEqualSelector("drop", "x"), wantStr: "", wantEmpty: true},
		{name: "drop one of two", sel: mustParse(t, "drop=x,name=web"), wantStr: "metadata.name=web"},
		{name: "error", sel: mustParse(t, "bad=x,name=web"), wantErr: errBad},
		{name: "everything", sel: Everything(), wantStr: "", wantEmpty: true},
		{name: "nothing stays nothing", sel: Nothing(), wantStr: "", wantEmpty: false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got, err := tt.sel.Transform(rename)
			if tt.wantErr != nil {
				if !errors.Is(err, tt.wantErr) {
					t.Fatalf("Transform error = %v, want %v", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatalf("Transform error: %v", err)
			}
			if got.String() != tt.wantStr || got.Empty() != tt.wantEmpty {
				t.Errorf("Transform = %q (empty %v), want %q (empty %v)", got, got.Empty(), tt.wantStr, tt.wantEmpty)
			}
		})
	}
	if got := Nothing(); func() bool { s, _ := got.Transform(rename); return s.Matches(Set{}) }() {
		t.Errorf("Nothing().Transform(...) matches, want no match")
	}
}

func TestEscapeValue(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		value   string
		escaped string
	}{
		{name: "plain", value: "abc", escaped: "abc"},
		{name: "empty", value: "", escaped: ""},
		{name: "comma", value: "a,b", escaped: `a\,b`},
		{name: "equals", value: "a=b", escaped: `a\=b`},
		{name: "backslash", value: `a\b`, escaped: `a\\b`},
		{name: "bang is not escaped", value: "a!b", escaped: "a!b"},
		{name: "all", value: `\,=`, escaped: `\\\,\=`},
		{name: "unicode", value: "ä,ö", escaped: `ä\,ö`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			if got := EscapeValue(tt.value); got != tt.escaped {
				t.Errorf("EscapeValue(%q) = %q, want %q", tt.value, got, tt.escaped)
			}
			got, err := UnescapeValue(tt.escaped)
			if err != nil || got != tt.value {
				t.Errorf("UnescapeValue(%q) = %q, %v; want %q, nil", tt.escaped, got, err, tt.value)
			}
		})
	}
}

func TestUnescapeValueErrors(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		in      string
		wantErr string
	}{
		{name: "unescaped comma", in: "a,b", wantErr: "invalid field selector: unescaped character in value: 44"},
		{name: "unescaped equals", in: "a=b", wantErr: "invalid field selector: unescaped character in value: 61"},
		{name: "unknown escape", in: `a\b`, wantErr: `invalid field selector: invalid escape sequence: \b`},
		{name: "escaped bang", in: `\!`, wantErr: `invalid field selector: invalid escape sequence: \!`},
		{name: "trailing backslash", in: `ab\`, wantErr: `invalid field selector: invalid escape sequence: \`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got, err := UnescapeValue(tt.in)
			if err == nil || err.Error() != tt.wantErr {
				t.Errorf("UnescapeValue(%q) = %q, %v; want error %q", tt.in, got, err, tt.wantErr)
			}
		})
	}
}

func TestSetMethods(t *testing.T) {
	t.Parallel()
	s := Set{"metadata.name": "web", "spec.nodeName": ""}
	if got, want := s.String(), "metadata.name=web,spec.nodeName="; got != want {
		t.Errorf("String() = %q, want %q", got, want)
	}
	if !s.Has("spec.nodeName") || s.Has("status.phase") {
		t.Errorf("Has = %v, %v; want true, false", s.Has("spec.nodeName"), s.Has("status.phase"))
	}
	if s.Get("metadata.name") != "web" || s.Get("status.phase") != "" {
		t.Errorf("Get = %q, %q; want \"web\", \"\"", s.Get("metadata.name"), s.Get("status.phase"))
	}
	if got := Set(nil).String(); got != "" {
		t.Errorf("Set(nil).String() = %q, want \"\"", got)
	}
}

func TestMatchesDoesNotAllocate(t *testing.T) {
	fs := Set{"metadata.name": "web", "metadata.namespace": "default", "spec.nodeName": "n1", "status.phase": "Running"}
	for _, s := range []string{"spec.nodeName=n1", "metadata.namespace=default,status.phase!=Failed,spec.nodeName=n1"} {
		sel := mustParse(t, s)
		if allocs := testing.AllocsPerRun(100, func() { sel.Matches(fs) }); allocs != 0 {
			t.Errorf("Parse(%q).Matches allocates %v times per call, want 0", s, allocs)
		}
	}
}
