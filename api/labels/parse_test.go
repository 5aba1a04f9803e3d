package labels

import (
	"reflect"
	"strings"
	"testing"
)

// long63 is the longest valid name part; long64 is one byte too long.
var (
	long63 = strings.Repeat("a", 63)
	long64 = strings.Repeat("a", 64)
)

func TestParseValid(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		in   string
		want string // canonical String()
	}{
		{name: "empty", in: "", want: ""},
		{name: "only spaces", in: " \t\r\n ", want: ""},
		{name: "equals", in: "x=a", want: "x=a"},
		{name: "double equals", in: "x==a", want: "x==a"},
		{name: "not equals", in: "x!=a", want: "x!=a"},
		{name: "conjunction", in: "x=a,y=b,z=c", want: "x=a,y=b,z=c"},
		{name: "sorted by key", in: "z=c,x=a,y=b", want: "x=a,y=b,z=c"},
		{name: "mixed", in: "x!=a,y=b", want: "x!=a,y=b"},
		{name: "empty value", in: "x=", want: "x="},
		{name: "empty value then space", in: "x= ", want: "x="},
		{name: "empty values", in: "x=,z= ", want: "x=,z="},
		{name: "empty values with spaces", in: "x= ,z= ", want: "x=,z="},
		{name: "empty double equals", in: "x==", want: "x=="},
		{name: "empty not equals", in: "x!=", want: "x!="},
		{name: "exists", in: "x", want: "x"},
		{name: "exists with trailing space", in: "a ", want: "a"},
		{name: "does not exist", in: "!x", want: "!x"},
		{name: "does not exist with space", in: "! x", want: "!x"},
		{name: "two exists", in: "x,y", want: "x,y"},
		{name: "exists and in", in: "x,y in (a)", want: "x,y in (a)"},
		{name: "greater than", in: "x>1", want: "x>1"},
		{name: "less than", in: "x<7", want: "x<7"},
		{name: "greater and less", in: "x>1,z<5", want: "x>1,z<5"},
		{name: "integer with leading zero", in: "x>007", want: "x>007"},
		{name: "carriage return", in: "\rx", want: "x"},
		{name: "in", in: "x in (a,b,c)", want: "x in (a,b,c)"},
		{name: "in sorted and deduplicated", in: "x in (c,b,a,b)", want: "x in (a,b,c)"},
		{name: "notin", in: "x notin (abc)", want: "x notin (abc)"},
		{name: "in with spaces and tabs", in: "foo  in\t (abc)", want: "foo in (abc)"},
		{name: "notin with newline", in: "x notin\n (abc)", want: "x notin (abc)"},
		{name: "notin with tabs", in: "x  notin\t\t\t(abc,def)", want: "x notin (abc,def)"},
		{name: "spaces inside set", in: "x in ( a , b )", want: "x in (a,b)"},
		{name: "no space before set", in: "x in(a)", want: "x in (a)"},
		{name: "in empty set", in: "x in ()", want: "x in ()"},
		{name: "notin blank set", in: "x notin ( )", want: "x notin ()"},
		{name: "trailing comma in set", in: "x in (abc,)", want: "x in (,abc)"},
		{name: "leading comma in set", in: "x notin (, a)", want: "x notin (,a)"},
		{name: "only comma in set", in: "x in (,)", want: "x in ()"},
		{name: "double comma in set", in: "x in (a,,b)", want: "x in (,a,b)"},
		{name: "many requirements", in: "x notin (abc,def),bar,z in (),w", want: "bar,w,x notin (abc,def),z in ()"},
		{name: "keywords as values", in: "a in (x,y,notin, z,in)", want: "a in (in,notin,x,y,z)"},
		{name: "keyword as key", in: "in in (in)", want: "in in (in)"},
		{name: "keywords in exact match", in: "notin=in", want: "notin=in"},
		{name: "keyword as exists", in: "notin", want: "notin"},
		{name: "prefixed key", in: "example.com/x=y", want: "example.com/x=y"},
		{name: "prefixed key exists", in: "this-is-a-dns.domain.com/key-with-dash", want: "this-is-a-dns.domain.com/key-with-dash"},
		{name: "prefixed key in", in: "this-is-another-dns.domain.com/key-with-dash in (so,what)", want: "this-is-another-dns.domain.com/key-with-dash in (so,what)"},
		{name: "numeric prefix", in: "0.1.2.domain/99 notin (10.10.100.1, tick.tack.clock)", want: "0.1.2.domain/99 notin (10.10.100.1,tick.tack.clock)"},
		{name: "value with dots dashes underscores", in: "x=a.b-c_d", want: "x=a.b-c_d"},
		{name: "upper case", in: "App=Web", want: "App=Web"},
		{name: "key of 63 characters", in: long63 + "=v", want: long63 + "=v"},
		{name: "value of 63 characters", in: "k=" + long63, want: "k=" + long63},
		{name: "spaces everywhere", in: "  x  =  a  ,  y  ", want: "x=a,y"},
		{name: "same key twice", in: "x=2,x=1", want: "x=1,x=2"},
		{name: "same key ordered by operator", in: "x<5,x>1", want: "x>1,x<5"},
		{name: "same requirement twice", in: "x,x", want: "x,x"},
		{name: "NUL after a token is skipped", in: "x=a\x00", want: "x=a"},
		{name: "NUL after an operator is skipped", in: "x=\x00a", want: "x=a"},
		{name: "NUL where a token starts ends the input", in: "x=a \x00garbage", want: "x=a"},
		{name: "leading NUL", in: "\x00x=a", want: ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			sel, err := Parse(tt.in)
			if err != nil {
				t.Fatalf("Parse(%q) error: %v", tt.in, err)
			}
			if got := sel.String(); got != tt.want {
				t.Errorf("Parse(%q).String() = %q, want %q", tt.in, got, tt.want)
			}
			again, err := Parse(sel.String())
			if err != nil {
				t.Fatalf("Parse(%q) (round trip) error: %v", sel.String(), err)
			}
			if !reflect.DeepEqual(again.Requirements(), sel.Requirements()) {
				t.Errorf("round trip of %q: got requirements %v, want %v", tt.in, again.Requirements(), sel.Requirements())
			}
		})
	}
}

func TestParseInvalid(t *testing.T) {
	t.Parallel()
	const labelValueMsg = "a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character"
	tests := []struct {
		name    string
		in      string
		wantErr string // the whole message when it starts with '=', else a fragment
	}{
		{name: "or is not syntax", in: "x=a||y=b", wantErr: `=unable to parse requirement: values[0][x]: Invalid value: "a||y": ` + labelValueMsg + ` (e.g. 'MyValue',  or 'my_value',  or '12345', regex used for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')`},
		{name: "chained double equals", in: "x==a==b", wantErr: "=found '==', expected: ',' or 'end of string'"},
		{name: "chained equals", in: "a=b=c", wantErr: "=found '=', expected: ',' or 'end of string'"},
		{name: "does not exist with value", in: "!x=a", wantErr: "=found '=', expected: ',' or 'end of string'"},
		{name: "less than a word", in: "x<a", wantErr: `=unable to parse requirement: values[0]: Invalid value: "a": for 'Gt', 'Lt' operators, the value must be an integer`},
		{name: "greater than nothing", in: "x>", wantErr: `=unable to parse requirement: values[0]: Invalid value: "": for 'Gt', 'Lt' operators, the value must be an integer`},
		{name: "greater than negative", in: "x>-1", wantErr: `unable to parse requirement: values[0][x]: Invalid value: "-1": ` + labelValueMsg},
		{name: "greater than overflow", in: "x>9223372036854775808", wantErr: `values[0]: Invalid value: "9223372036854775808": for 'Gt', 'Lt' operators, the value must be an integer`},
		{name: "double comma", in: "x,,y", wantErr: "=found ',', expected: identifier after ','"},
		{name: "leading comma", in: ",x,y", wantErr: "=found ',', expected: !, identifier, or 'end of string'"},
		{name: "trailing comma", in: "x=a,", wantErr: "=found '', expected: identifier after ','"},
		{name: "trailing comma after set", in: "a in (xyz),", wantErr: "=found '', expected: identifier after ','"},
		{name: "misspelt operator", in: "x nott in (y)", wantErr: "=unable to parse requirement: found 'nott', expected: in, notin, =, ==, !=, gt, lt"},
		{name: "missing comma between requirements", in: "a in (xyz)b notin ()", wantErr: "=found 'b', expected: ',' or 'end of string'"},
		{name: "missing comma between values", in: "a in (xyz abc)", wantErr: "=unable to parse requirement: found 'abc', expected: ',' or ')'"},
		{name: "unclosed set", in: "a notin(", wantErr: "=unable to parse requirement: found '', expected: ',', ')' or identifier"},
		{name: "unclosed set after value", in: "x in (a", wantErr: "=unable to parse requirement: found '', expected: ',' or ')'"},
		{name: "operator in set", in: "x in (a,=)", wantErr: "=unable to parse requirement: found '=', expected: ',', or identifier"},
		{name: "set without parenthesis", in: "x in a", wantErr: "=unable to parse requirement: found 'a' expected: '('"},
		{name: "parenthesis instead of operator", in: "a (", wantErr: "=unable to parse requirement: found '(', expected: in, notin, =, ==, !=, gt, lt"},
		{name: "open parenthesis", in: "(", wantErr: "=found '(', expected: !, identifier, or 'end of string'"},
		{name: "operator first", in: "=a", wantErr: "=found '=', expected: !, identifier, or 'end of string'"},
		{name: "lone bang", in: "!", wantErr: "=unable to parse requirement: found '', expected: identifier"},
		{name: "double bang", in: "!!x", wantErr: "=unable to parse requirement: found '!', expected: identifier"},
		{name: "two words", in: "x=a b", wantErr: "=found 'b', expected: ',' or 'end of string'"},
		{name: "exact value is an operator", in: "x=(", wantErr: "=unable to parse requirement: found '(', expected: identifier"},
		{name: "key too long", in: long64 + "=v", wantErr: `=unable to parse requirement: <nil>: Invalid value: "` + long64 + `": name part must be no more than 63 characters`},
		{name: "value too long", in: "k=" + long64, wantErr: `unable to parse requirement: values[0][k]: Invalid value: "` + long64 + `": must be no more than 63 characters`},
		{name: "key starts with dash", in: "-x=a", wantErr: `unable to parse requirement: <nil>: Invalid value: "-x": name part must consist of alphanumeric characters`},
		{name: "upper-case prefix", in: "Example.com/x", wantErr: `<nil>: Invalid value: "Example.com/x": prefix part a lowercase RFC 1123 subdomain`},
		{name: "empty prefix", in: "/x", wantErr: `<nil>: Invalid value: "/x": prefix part must be non-empty`},
		{name: "two slashes", in: "a/b/c", wantErr: `<nil>: Invalid value: "a/b/c": a qualified name must consist of`},
		{name: "value with slash", in: "x=a/b", wantErr: `values[0][x]: Invalid value: "a/b": ` + labelValueMsg},
		{name: "NUL splits an identifier", in: "x\x00y", wantErr: "=unable to parse requirement: found 'y', expected: in, notin, =, ==, !=, gt, lt"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			sel, err := Parse(tt.in)
			if err == nil {
				t.Fatalf("Parse(%q) = %q, want error containing %q", tt.in, sel, tt.wantErr)
			}
			if exact, ok := strings.CutPrefix(tt.wantErr, "="); ok {
				if err.Error() != exact {
					t.Errorf("Parse(%q) error:\n got %q\nwant %q", tt.in, err, exact)
				}
			} else if !strings.Contains(err.Error(), tt.wantErr) {
				t.Errorf("Parse(%q) error:\n got %q\nwant it to contain %q", tt.in, err, tt.wantErr)
			}
		})
	}
}

func TestLex(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		in   string
		want []token
	}{
		{name: "empty", in: "", want: []token{{kind: endOfString}}},
		{name: "all symbols", in: "== != (), = notin ! > <", want: []token{
			{doubleEquals, "=="}, {notEquals, "!="}, {openPar, "("}, {closePar, ")"}, {comma, ","},
			{equals, "="}, {notInKeyword, "notin"}, {not, "!"}, {greaterThan, ">"}, {lessThan, "<"}, {kind: endOfString},
		}},
		{name: "longest symbol first", in: "!==", want: []token{{notEquals, "!="}, {equals, "="}, {kind: endOfString}}},
		{name: "symbols that do not combine", in: "=!(", want: []token{{equals, "="}, {not, "!"}, {openPar, "("}, {kind: endOfString}}},
		{name: "other characters are identifiers", in: "~ ||", want: []token{{identifier, "~"}, {identifier, "||"}, {kind: endOfString}}},
		{name: "in set", in: "key in ( value1, value2 )", want: []token{
			{identifier, "key"}, {inKeyword, "in"}, {openPar, "("}, {identifier, "value1"}, {comma, ","},
			{identifier, "value2"}, {closePar, ")"}, {kind: endOfString},
		}},
		{name: "comparison", in: "key>2", want: []token{{identifier, "key"}, {greaterThan, ">"}, {identifier, "2"}, {kind: endOfString}}},
		{name: "NUL inside an identifier", in: "ab\x00cd", want: []token{{identifier, "ab"}, {identifier, "cd"}, {kind: endOfString}}},
		{name: "NUL after a symbol", in: "=\x00=", want: []token{{equals, "="}, {equals, "="}, {kind: endOfString}}},
		{name: "NUL after a space", in: "a \x00b", want: []token{{identifier, "a"}, {kind: endOfString}}},
		{name: "multi-byte characters", in: "é=ü", want: []token{{identifier, "é"}, {equals, "="}, {identifier, "ü"}, {kind: endOfString}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			if got := lex(tt.in); !reflect.DeepEqual(got, tt.want) {
				t.Errorf("lex(%q) = %v, want %v", tt.in, got, tt.want)
			}
		})
	}
}

func TestParseInt64(t *testing.T) {
	t.Parallel()
	tests := []struct {
		in     string
		want   int64
		wantOK bool
	}{
		{"0", 0, true},
		{"42", 42, true},
		{"+42", 42, true},
		{"-42", -42, true},
		{"007", 7, true},
		{"-0", 0, true},
		{"9223372036854775807", 9223372036854775807, true},
		{"-9223372036854775808", -9223372036854775808, true},
		{"9223372036854775808", 0, false},
		{"-9223372036854775809", 0, false},
		{"99999999999999999999999", 0, false},
		{"", 0, false},
		{"+", 0, false},
		{"-", 0, false},
		{"1_000", 0, false},
		{"0x10", 0, false},
		{" 1", 0, false},
		{"1.5", 0, false},
		{"v2", 0, false},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			t.Parallel()
			got, ok := parseInt64(tt.in)
			if got != tt.want || ok != tt.wantOK {
				t.Errorf("parseInt64(%q) = %d, %v; want %d, %v", tt.in, got, ok, tt.want, tt.wantOK)
			}
		})
	}
}
