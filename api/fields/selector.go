package fields

import (
	"cmp"
	"fmt"
	"maps"
	"slices"
	"strings"
)

// Operator relates a requirement's field to its value.
type Operator string

// The operators of field selectors.
const (
	// Equals requires the field to equal the value ("f=v").
	Equals Operator = "="
	// DoubleEquals is Equals written "f==v"; Parse reports both as Equals.
	DoubleEquals Operator = "=="
	// NotEquals requires the field to differ from the value ("f!=v").
	NotEquals Operator = "!="
)

// Requirement is one term of a selector, as Requirements reports it.
type Requirement struct {
	Field    string
	Operator Operator
	Value    string
}

// Selector selects objects by their fields. Implementations are immutable and safe for
// concurrent use.
type Selector interface {
	// Matches reports whether the fields satisfy every term. A missing field reads as "".
	// It does not allocate.
	Matches(Set) bool
	// Empty reports whether the selector matches everything.
	Empty() bool
	// String returns the selector in Parse syntax, values escaped; "" for Everything and
	// for Nothing.
	String() string
	// RequiresExactMatch reports whether some term requires the field to equal one
	// value, and which (the first such term's).
	RequiresExactMatch(field string) (value string, found bool)
	// Requirements returns the terms, in order.
	Requirements() []Requirement
	// Transform returns a copy of the selector with every term's field and value
	// replaced by fn's results, dropping terms for which fn returns two empty strings;
	// it stops at fn's first error. Nothing stays Nothing.
	Transform(fn func(field, value string) (string, string, error)) (Selector, error)
}

// Everything returns the selector that matches every field set.
func Everything() Selector { return andTerm(nil) }

// Nothing returns the selector that matches no field set.
func Nothing() Selector { return nothing{} }

// OneTermEqualSelector returns the selector requiring field to equal value.
func OneTermEqualSelector(field, value string) Selector {
	return &hasTerm{field: field, value: value}
}

// OneTermNotEqualSelector returns the selector requiring field to differ from value.
func OneTermNotEqualSelector(field, value string) Selector {
	return &notHasTerm{field: field, value: value}
}

// AndSelectors returns the selector requiring all of the selectors, in the given order.
func AndSelectors(selectors ...Selector) Selector {
	return andTerm(slices.Clone(selectors))
}

// SelectorFromSet returns the selector requiring every field of the set to have its
// value, terms ordered by field. A nil or empty set gives Everything.
func SelectorFromSet(s Set) Selector {
	if len(s) == 0 {
		return Everything()
	}
	terms := make(andTerm, 0, len(s))
	for _, f := range slices.Sorted(maps.Keys(s)) {
		terms = append(terms, &hasTerm{field: f, value: s[f]})
	}
	if len(terms) == 1 {
		return terms[0]
	}
	return terms
}

// hasTerm requires field == value.
type hasTerm struct{ field, value string }

var _ Selector = (*hasTerm)(nil)

func (t *hasTerm) Matches(s Set) bool { return s[t.field] == t.value }

func (t *hasTerm) Empty() bool { return false }

func (t *hasTerm) String() string { return t.field + "=" + EscapeValue(t.value) }

func (t *hasTerm) RequiresExactMatch(field string) (string, bool) {
	if t.field == field {
		return t.value, true
	}
	return "", false
}

func (t *hasTerm) Requirements() []Requirement {
	return []Requirement{{Field: t.field, Operator: Equals, Value: t.value}}
}

func (t *hasTerm) Transform(fn func(field, value string) (string, string, error)) (Selector, error) {
	f, v, err := fn(t.field, t.value)
	if err != nil {
		return nil, err
	}
	if f == "" && v == "" {
		return Everything(), nil
	}
	return &hasTerm{field: f, value: v}, nil
}

// notHasTerm requires field != value.
type notHasTerm struct{ field, value string }

var _ Selector = (*notHasTerm)(nil)

func (t *notHasTerm) Matches(s Set) bool { return s[t.field] != t.value }

func (t *notHasTerm) Empty() bool { return false }

func (t *notHasTerm) String() string { return t.field + "!=" + EscapeValue(t.value) }

func (t *notHasTerm) RequiresExactMatch(string) (string, bool) { return "", false }

func (t *notHasTerm) Requirements() []Requirement {
	return []Requirement{{Field: t.field, Operator: NotEquals, Value: t.value}}
}

func (t *notHasTerm) Transform(fn func(field, value string) (string, string, error)) (Selector, error) {
	f, v, err := fn(t.field, t.value)
	if err != nil {
		return nil, err
	}
	if f == "" && v == "" {
		return Everything(), nil
	}
	return &notHasTerm{field: f, value: v}, nil
}

// andTerm requires all of its selectors; the empty one is Everything.
type andTerm []Selector

var _ Selector = andTerm(nil)

func (t andTerm) Matches(s Set) bool {
	for _, q := range t {
		if !q.Matches(s) {
			return false
		}
	}
	return true
}

func (t andTerm) Empty() bool {
	for _, q := range t {
		if !q.Empty() {
			return false
		}
	}
	return true
}

// String joins the terms with commas, leaving out those that print as "".
func (t andTerm) String() string {
	var b strings.Builder
	for _, q := range t {
		s := q.String()
		if s == "" {
			continue
		}
		if b.Len() > 0 {
			b.WriteByte(',')
		}
		b.WriteString(s)
	}
	return b.String()
}

func (t andTerm) RequiresExactMatch(field string) (string, bool) {
	for _, q := range t {
		if v, ok := q.RequiresExactMatch(field); ok {
			return v, true
		}
	}
	return "", false
}

func (t andTerm) Requirements() []Requirement {
	var reqs []Requirement
	for _, q := range t {
		reqs = append(reqs, q.Requirements()...)
	}
	return reqs
}

func (t andTerm) Transform(fn func(field, value string) (string, string, error)) (Selector, error) {
	next := make(andTerm, 0, len(t))
	for _, q := range t {
		n, err := q.Transform(fn)
		if err != nil {
			return nil, err
		}
		if !n.Empty() {
			next = append(next, n)
		}
	}
	return next, nil
}

// nothing matches no field set.
type nothing struct{}

var _ Selector = nothing{}

func (nothing) Matches(Set) bool                         { return false }
func (nothing) Empty() bool                              { return false }
func (nothing) String() string                           { return "" }
func (nothing) RequiresExactMatch(string) (string, bool) { return "", false }
func (nothing) Requirements() []Requirement              { return nil }
func (n nothing) Transform(func(field, value string) (string, string, error)) (Selector, error) {
	return n, nil
}

// Parse parses a field selector: comma-separated terms "field=value", "field==value"
// or "field!=value", split at the first operator of each term. Empty terms are skipped;
// a term without an operator is an error ("invalid selector: 'abc'; can't understand
// 'abc'"), as is a value that UnescapeValue rejects. The terms are put in canonical
// order.
func Parse(s string) (Selector, error) {
	var terms andTerm
	for _, part := range splitTerms(s) {
		if part == "" {
			continue
		}
		field, op, rawValue, ok := splitTerm(part)
		if !ok {
			return nil, fmt.Errorf("invalid selector: '%s'; can't understand '%s'", s, part)
		}
		value, err := UnescapeValue(rawValue)
		if err != nil {
			return nil, err
		}
		if field == "" && value == "" {
			continue // Kubernetes' Transform drops such a term.
		}
		if op == NotEquals {
			terms = append(terms, &notHasTerm{field: field, value: value})
		} else {
			terms = append(terms, &hasTerm{field: field, value: value})
		}
	}
	switch len(terms) {
	case 0:
		return Everything(), nil
	case 1:
		return terms[0], nil
	}
	type keyed struct {
		key  string
		term Selector
	}
	sorted := make([]keyed, len(terms))
	for i, q := range terms {
		sorted[i] = keyed{key: q.String(), term: q}
	}
	slices.SortStableFunc(sorted, func(a, b keyed) int { return cmp.Compare(a.key, b.key) })
	for i := range sorted {
		terms[i] = sorted[i].term
	}
	return terms, nil
}

// splitTerms splits s at the commas that a backslash does not escape; the pieces keep
// their backslashes.
func splitTerms(s string) []string {
	if s == "" {
		return nil
	}
	var terms []string
	start := 0
	escaped := false
	for i, c := range s {
		switch {
		case escaped:
			escaped = false
		case c == '\\':
			escaped = true
		case c == ',':
			terms = append(terms, s[start:i])
			start = i + 1
		}
	}
	return append(terms, s[start:])
}

// splitTerm splits a term at its first operator, trying "!=", then "==", then "=" at
// each position; backslashes in the field escape nothing.
func splitTerm(term string) (field string, op Operator, value string, ok bool) {
	for i := range term {
		rest := term[i:]
		switch {
		case strings.HasPrefix(rest, "!="):
			return term[:i], NotEquals, rest[2:], true
		case strings.HasPrefix(rest, "=="):
			return term[:i], DoubleEquals, rest[2:], true
		case strings.HasPrefix(rest, "="):
			return term[:i], Equals, rest[1:], true
		}
	}
	return "", "", "", false
}
