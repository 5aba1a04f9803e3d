package labels

import (
	"errors"
	"fmt"
	"math"
	"slices"
	"strings"

	"github.com/orrery-dev/orrery/api"
)

// Parse parses a selector in Kubernetes' string syntax:
//
//	selector    = "" | requirement { "," requirement }
//	requirement = [ "!" ] KEY
//	            | KEY ( "=" | "==" | "!=" | ">" | "<" ) [ VALUE ]
//	            | KEY ( "in" | "notin" ) "(" [ VALUE ] { "," [ VALUE ] } ")"
//
// Spaces, tabs, carriage returns and newlines may surround any token. KEY must be a
// qualified name ("app", "example.com/tier") and VALUE a label value, possibly empty;
// the words "in" and "notin" are keys or values wherever an identifier is expected.
// The empty string selects everything. The requirements are returned in canonical
// order; see Selector.String.
func Parse(s string) (Selector, error) {
	p := parser{tokens: lex(s)}
	reqs, err := p.parse()
	if err != nil {
		return nil, err
	}
	return NewSelector(reqs...), nil
}

// tokenKind classifies the lexer's tokens.
type tokenKind int

const (
	endOfString tokenKind = iota
	identifier
	inKeyword    // "in"
	notInKeyword // "notin"
	equals       // "="
	doubleEquals // "=="
	notEquals    // "!="
	not          // "!"
	greaterThan  // ">"
	lessThan     // "<"
	openPar      // "("
	closePar     // ")"
	comma        // ","
)

type token struct {
	kind tokenKind
	lit  string // the token's text; "" at the end of the input
}

// symbols maps the one- and two-byte operator spellings to their tokens.
var symbols = map[string]tokenKind{
	"=": equals, "==": doubleEquals, "!=": notEquals, "!": not,
	">": greaterThan, "<": lessThan, "(": openPar, ")": closePar, ",": comma,
}

func isSpace(c byte) bool { return c == ' ' || c == '\t' || c == '\r' || c == '\n' }

func isSymbol(c byte) bool {
	switch c {
	case '=', '!', '(', ')', ',', '>', '<':
		return true
	}
	return false
}

// lex splits s into tokens, ending with one endOfString token. Identifiers run up to a
// symbol, a space or a NUL byte; symbols are matched longest first ("!=" before "!").
// Kubernetes' lexer reads a NUL byte as the end of the input: where a token would start
// it ends the token stream, and right after a token it is skipped. lex does the same.
func lex(s string) []token {
	var tokens []token
	pos := 0
	for {
		for pos < len(s) && isSpace(s[pos]) {
			pos++
		}
		if pos == len(s) || s[pos] == 0 {
			return append(tokens, token{kind: endOfString})
		}
		start := pos
		if isSymbol(s[pos]) {
			pos++
			if pos < len(s) {
				if _, ok := symbols[s[start:pos+1]]; ok {
					pos++
				}
			}
			tokens = append(tokens, token{kind: symbols[s[start:pos]], lit: s[start:pos]})
		} else {
			for pos < len(s) && s[pos] != 0 && !isSymbol(s[pos]) && !isSpace(s[pos]) {
				pos++
			}
			lit := s[start:pos]
			kind := identifier
			switch lit {
			case "in":
				kind = inKeyword
			case "notin":
				kind = notInKeyword
			}
			tokens = append(tokens, token{kind: kind, lit: lit})
		}
		if pos < len(s) && s[pos] == 0 {
			pos++
		}
	}
}

// parser is a recursive-descent parser over the token slice. The keywords "in" and
// "notin" are operators only where an operator is expected; everywhere else they are
// identifiers.
type parser struct {
	tokens []token
	pos    int
}

// peek returns the next token, with keywords read as identifiers.
func (p *parser) peek() token {
	t := p.tokens[p.pos]
	if t.kind == inKeyword || t.kind == notInKeyword {
		t.kind = identifier
	}
	return t
}

// next consumes and returns the next token, with keywords read as identifiers. It stays
// on the final endOfString token.
func (p *parser) next() token {
	t := p.peek()
	if p.pos < len(p.tokens)-1 {
		p.pos++
	}
	return t
}

// nextOperator consumes and returns the next token, keywords included.
func (p *parser) nextOperator() token {
	t := p.tokens[p.pos]
	if p.pos < len(p.tokens)-1 {
		p.pos++
	}
	return t
}

func (p *parser) parse() ([]Requirement, error) {
	var reqs []Requirement
	for {
		switch t := p.peek(); t.kind {
		case identifier, not:
			r, err := p.requirement()
			if err != nil {
				return nil, fmt.Errorf("unable to parse requirement: %w", err)
			}
			reqs = append(reqs, r)
			switch t := p.next(); t.kind {
			case endOfString:
				return reqs, nil
			case comma:
				if t := p.peek(); t.kind != identifier && t.kind != not {
					return nil, fmt.Errorf("found '%s', expected: identifier after ','", t.lit)
				}
			default:
				return nil, fmt.Errorf("found '%s', expected: ',' or 'end of string'", t.lit)
			}
		case endOfString:
			return reqs, nil
		default:
			return nil, fmt.Errorf("found '%s', expected: !, identifier, or 'end of string'", t.lit)
		}
	}
}

func (p *parser) requirement() (Requirement, error) {
	var op Operator
	t := p.next()
	if t.kind == not {
		op = DoesNotExist
		t = p.next()
	}
	if t.kind != identifier {
		return Requirement{}, fmt.Errorf("found '%s', expected: identifier", t.lit)
	}
	key := t.lit
	if msgs := api.IsQualifiedName(key); len(msgs) != 0 {
		return Requirement{}, errors.New(invalid(nilPath, key, strings.Join(msgs, "; ")))
	}
	if op == DoesNotExist {
		// "!key" takes no operator; whatever follows is the caller's to reject.
		return NewRequirement(key, DoesNotExist, nil)
	}
	if k := p.peek().kind; k == endOfString || k == comma {
		return NewRequirement(key, Exists, nil)
	}
	op, err := p.operator()
	if err != nil {
		return Requirement{}, err
	}
	var values []string
	if op == In || op == NotIn {
		values, err = p.valueSet()
	} else {
		values, err = p.exactValue()
	}
	if err != nil {
		return Requirement{}, err
	}
	return NewRequirement(key, op, values)
}

func (p *parser) operator() (Operator, error) {
	t := p.nextOperator()
	switch t.kind {
	case inKeyword:
		return In, nil
	case notInKeyword:
		return NotIn, nil
	case equals:
		return Equals, nil
	case doubleEquals:
		return DoubleEquals, nil
	case notEquals:
		return NotEquals, nil
	case greaterThan:
		return GreaterThan, nil
	case lessThan:
		return LessThan, nil
	default:
		return "", fmt.Errorf("found '%s', expected: in, notin, =, ==, !=, gt, lt", t.lit)
	}
}

// valueSet parses "(a,b,...)". Empty entries stand for the empty value: "()" and
// "(,a)" hold "", as in Kubernetes. The result is sorted and free of duplicates.
func (p *parser) valueSet() ([]string, error) {
	if t := p.next(); t.kind != openPar {
		return nil, fmt.Errorf("found '%s' expected: '('", t.lit)
	}
	switch first := p.peek(); first.kind {
	case closePar:
		p.next()
		return []string{""}, nil
	case identifier, comma:
		values, err := p.valueList()
		if err != nil {
			return nil, err
		}
		if t := p.next(); t.kind != closePar {
			return nil, fmt.Errorf("found '%s', expected: ')'", first.lit)
		}
		slices.Sort(values)
		return slices.Compact(values), nil
	default:
		return nil, fmt.Errorf("found '%s', expected: ',', ')' or identifier", first.lit)
	}
}

// valueList parses the inside of a value set up to, not including, the ")".
func (p *parser) valueList() ([]string, error) {
	var values []string
	for {
		switch t := p.next(); t.kind {
		case identifier:
			values = append(values, t.lit)
			switch after := p.peek(); after.kind {
			case comma:
			case closePar:
				return values, nil
			default:
				return nil, fmt.Errorf("found '%s', expected: ',' or ')'", after.lit)
			}
		case comma:
			if len(values) == 0 {
				values = append(values, "") // "(,"
			}
			switch p.peek().kind {
			case closePar:
				return append(values, ""), nil // ",)"
			case comma:
				p.next()
				values = append(values, "") // ",,"
			}
		default:
			return nil, fmt.Errorf("found '%s', expected: ',', or identifier", t.lit)
		}
	}
}

// exactValue parses the one value after "=", "==", "!=", ">" or "<"; a missing value
// is the empty one.
func (p *parser) exactValue() ([]string, error) {
	if k := p.peek().kind; k == endOfString || k == comma {
		return []string{""}, nil
	}
	t := p.next()
	if t.kind != identifier {
		return nil, fmt.Errorf("found '%s', expected: identifier", t.lit)
	}
	return []string{t.lit}, nil
}

// parseInt64 parses a base-10 int64 exactly as strconv.ParseInt(s, 10, 64) accepts it
// (an optional sign, then digits), without allocating on failure.
func parseInt64(s string) (int64, bool) {
	neg := false
	if s != "" && (s[0] == '+' || s[0] == '-') {
		neg = s[0] == '-'
		s = s[1:]
	}
	if s == "" {
		return 0, false
	}
	const limit = uint64(math.MaxInt64) + 1 // magnitude of math.MinInt64
	var n uint64
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c < '0' || c > '9' {
			return 0, false
		}
		if n > limit/10 {
			return 0, false
		}
		n = n*10 + uint64(c-'0')
		if n > limit {
			return 0, false
		}
	}
	if neg {
		return int64(-n), true // -n wraps to the two's complement of n
	}
	if n == limit {
		return 0, false
	}
	return int64(n), true
}
