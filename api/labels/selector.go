package labels

import (
	"cmp"
	"fmt"
	"maps"
	"slices"
	"strconv"
	"strings"

	"github.com/orrery-dev/orrery/api"
)

// Operator relates a requirement's key to its values.
type Operator string

// The operators of a Requirement, spelled as Kubernetes' selection.Operator.
const (
	// Equals requires the label to exist and equal the one value ("k=v").
	Equals Operator = "="
	// DoubleEquals is Equals written "k==v".
	DoubleEquals Operator = "=="
	// NotEquals requires the label to be absent or differ from the one value ("k!=v").
	NotEquals Operator = "!="
	// In requires the label to exist and equal one of the values ("k in (a,b)").
	In Operator = "in"
	// NotIn requires the label to be absent or equal none of the values ("k notin (a)").
	NotIn Operator = "notin"
	// Exists requires the label to exist ("k").
	Exists Operator = "exists"
	// DoesNotExist requires the label to be absent ("!k").
	DoesNotExist Operator = "!"
	// GreaterThan requires the label to be an integer greater than the one value ("k>5").
	GreaterThan Operator = "gt"
	// LessThan requires the label to be an integer less than the one value ("k<5").
	LessThan Operator = "lt"
)

// validOperators lists the operators in the order Kubernetes names them in errors.
var validOperators = []Operator{In, NotIn, Equals, DoubleEquals, NotEquals, GreaterThan, LessThan, Exists, DoesNotExist}

// Selector selects objects by their labels. Implementations are immutable and safe for
// concurrent use.
type Selector interface {
	// Matches reports whether the labels satisfy every requirement. It does not allocate.
	Matches(Set) bool
	// Empty reports whether the selector matches everything.
	Empty() bool
	// String returns the selector in the canonical Parse syntax; "" for Everything and
	// for Nothing.
	String() string
	// RequiresExactMatch reports whether the selector requires the label to have one
	// particular value ("k=v", "k==v" or "k in (v)"), and which.
	RequiresExactMatch(label string) (value string, found bool)
	// Requirements returns a copy of the requirements, in canonical order; none for
	// Everything and for Nothing.
	Requirements() []Requirement
}

// Requirement is one condition on one label key. Build it with NewRequirement; the zero
// Requirement matches nothing.
type Requirement struct {
	key      string
	operator Operator
	// values is sorted and free of duplicates. In nearly all requirements it holds a
	// single value, which a slice compares faster than a map would.
	values []string
	// num is the parsed integer of a GreaterThan or LessThan requirement.
	num int64
}

// NewRequirement validates and builds a requirement, with Kubernetes' rules: the key
// must be a qualified name and every value a label value; In and NotIn need at least
// one value; Equals, DoubleEquals and NotEquals exactly one; Exists and DoesNotExist
// none; GreaterThan and LessThan exactly one, a base-10 integer. The values are copied,
// sorted and de-duplicated.
func NewRequirement(key string, op Operator, values []string) (Requirement, error) {
	var errs []string
	if msgs := api.IsQualifiedName(key); len(msgs) != 0 {
		errs = append(errs, invalid("key", key, strings.Join(msgs, "; ")))
	}
	var num int64
	switch op {
	case In, NotIn:
		if len(values) == 0 {
			errs = append(errs, invalid("values", values, "for 'in', 'notin' operators, values set can't be empty"))
		}
	case Equals, DoubleEquals, NotEquals:
		if len(values) != 1 {
			errs = append(errs, invalid("values", values, "exact-match compatibility requires one single value"))
		}
	case Exists, DoesNotExist:
		if len(values) != 0 {
			errs = append(errs, invalid("values", values, "values set must be empty for exists and does not exist"))
		}
	case GreaterThan, LessThan:
		if len(values) != 1 {
			errs = append(errs, invalid("values", values, "for 'Gt', 'Lt' operators, exactly one value is required"))
		}
		for i, v := range values {
			n, ok := parseInt64(v)
			if !ok {
				errs = append(errs, invalid(fmt.Sprintf("values[%d]", i), v, "for 'Gt', 'Lt' operators, the value must be an integer"))
			}
			num = n
		}
	default:
		quoted := make([]string, len(validOperators))
		for i, o := range validOperators {
			quoted[i] = strconv.Quote(string(o))
		}
		errs = append(errs, fmt.Sprintf("operator: Unsupported value: %q: supported values: %s", string(op), strings.Join(quoted, ", ")))
	}
	for i, v := range values {
		if msgs := api.IsValidLabelValue(v); len(msgs) != 0 {
			errs = append(errs, invalid(fmt.Sprintf("values[%d][%s]", i, key), v, strings.Join(msgs, "; ")))
		}
	}
	if err := aggregate(errs); err != nil {
		return Requirement{}, err
	}
	var sorted []string
	if len(values) > 0 {
		sorted = slices.Compact(slices.Sorted(slices.Values(values)))
	}
	return Requirement{key: key, operator: op, values: sorted, num: num}, nil
}

// Key returns the label key the requirement is about.
func (r Requirement) Key() string { return r.key }

// Operator returns the requirement's operator.
func (r Requirement) Operator() Operator { return r.operator }

// Values returns a copy of the requirement's values, sorted, without duplicates.
func (r Requirement) Values() []string { return slices.Clone(r.values) }

// Matches reports whether the labels satisfy the requirement:
//   - Exists: the key is present; DoesNotExist: it is absent;
//   - In, Equals, DoubleEquals: the key is present with one of the values;
//   - NotIn, NotEquals: the key is absent, or present with none of the values;
//   - GreaterThan, LessThan: the key is present, its value parses as a base-10 64-bit
//     integer, and compares so with the requirement's integer.
//
// It does not allocate.
func (r Requirement) Matches(ls Set) bool {
	switch r.operator {
	case In, Equals, DoubleEquals:
		v, ok := ls[r.key]
		return ok && r.hasValue(v)
	case NotIn, NotEquals:
		v, ok := ls[r.key]
		return !ok || !r.hasValue(v)
	case Exists:
		_, ok := ls[r.key]
		return ok
	case DoesNotExist:
		_, ok := ls[r.key]
		return !ok
	case GreaterThan, LessThan:
		v, ok := ls[r.key]
		if !ok {
			return false
		}
		n, ok := parseInt64(v)
		if !ok {
			return false
		}
		if r.operator == GreaterThan {
			return n > r.num
		}
		return n < r.num
	default:
		return false
	}
}

// linearSearchMax is the value count up to which hasValue scans instead of bisecting.
const linearSearchMax = 8

func (r Requirement) hasValue(v string) bool {
	if len(r.values) <= linearSearchMax {
		for _, x := range r.values {
			if x == v {
				return true
			}
		}
		return false
	}
	_, found := slices.BinarySearch(r.values, v)
	return found
}

// String returns the requirement in Parse syntax: "k=v", "k==v", "k!=v",
// "k in (a,b)", "k notin (a)", "k", "!k", "k>5", "k<5".
func (r Requirement) String() string {
	var b strings.Builder
	r.write(&b)
	return b.String()
}

func (r Requirement) write(b *strings.Builder) {
	if r.operator == DoesNotExist {
		b.WriteByte('!')
	}
	b.WriteString(r.key)
	switch r.operator {
	case Equals, DoubleEquals, NotEquals:
		b.WriteString(string(r.operator))
	case In, NotIn:
		b.WriteByte(' ')
		b.WriteString(string(r.operator))
		b.WriteString(" (")
	case GreaterThan:
		b.WriteByte('>')
	case LessThan:
		b.WriteByte('<')
	default:
		return
	}
	for i, v := range r.values {
		if i > 0 {
			b.WriteByte(',')
		}
		b.WriteString(v)
	}
	if r.operator == In || r.operator == NotIn {
		b.WriteByte(')')
	}
}

// compareRequirements orders requirements by key, then operator, then values: the
// canonical order of a selector.
func compareRequirements(a, b Requirement) int {
	if c := cmp.Compare(a.key, b.key); c != 0 {
		return c
	}
	if c := cmp.Compare(a.operator, b.operator); c != 0 {
		return c
	}
	return slices.Compare(a.values, b.values)
}

// requirements is the Selector made of requirements that must all hold; it is kept in
// canonical order. The empty one is Everything.
type requirements []Requirement

var _ Selector = requirements(nil)

// NewSelector returns the selector requiring all of reqs (Everything when there are
// none). The requirements are copied and put in canonical order.
func NewSelector(reqs ...Requirement) Selector {
	if len(reqs) == 0 {
		return requirements(nil)
	}
	s := slices.Clone(reqs)
	slices.SortStableFunc(s, compareRequirements)
	return requirements(s)
}

// Everything returns the selector that matches every label set.
func Everything() Selector { return requirements(nil) }

// Matches reports whether every requirement holds.
func (s requirements) Matches(ls Set) bool {
	for i := range s {
		if !s[i].Matches(ls) {
			return false
		}
	}
	return true
}

// Empty reports whether there are no requirements.
func (s requirements) Empty() bool { return len(s) == 0 }

// String joins the requirements' strings with commas.
func (s requirements) String() string {
	var b strings.Builder
	for i := range s {
		if i > 0 {
			b.WriteByte(',')
		}
		s[i].write(&b)
	}
	return b.String()
}

// RequiresExactMatch reports the value some requirement on the label pins it to. Unlike
// Kubernetes, which looks only at the first requirement on the label, it looks at all
// of them, so the answer does not depend on their order.
func (s requirements) RequiresExactMatch(label string) (string, bool) {
	for i := range s {
		r := &s[i]
		if r.key != label {
			continue
		}
		switch r.operator {
		case Equals, DoubleEquals, In:
			if len(r.values) == 1 {
				return r.values[0], true
			}
		}
	}
	return "", false
}

// Requirements returns a copy of the requirements.
func (s requirements) Requirements() []Requirement { return slices.Clone([]Requirement(s)) }

// nothing is the Selector that matches no label set.
type nothing struct{}

var _ Selector = nothing{}

// Nothing returns the selector that matches no label set.
func Nothing() Selector { return nothing{} }

func (nothing) Matches(Set) bool                         { return false }
func (nothing) Empty() bool                              { return false }
func (nothing) String() string                           { return "" }
func (nothing) RequiresExactMatch(string) (string, bool) { return "", false }
func (nothing) Requirements() []Requirement              { return nil }

// SelectorFromSet returns the selector that requires every label of the set, with its
// value. A nil or empty set gives Everything. Should a key or value of the set be
// invalid, the result is Nothing; use ValidatedSelectorFromSet to learn why.
func SelectorFromSet(ls Set) Selector {
	s, err := ValidatedSelectorFromSet(ls)
	if err != nil {
		return Nothing()
	}
	return s
}

// ValidatedSelectorFromSet returns the selector that requires every label of the set,
// with its value, or the error of the first invalid key or value (in key order). A nil
// or empty set gives Everything.
func ValidatedSelectorFromSet(ls Set) (Selector, error) {
	if len(ls) == 0 {
		return Everything(), nil
	}
	reqs := make(requirements, 0, len(ls))
	for _, k := range slices.Sorted(maps.Keys(ls)) {
		r, err := NewRequirement(k, Equals, []string{ls[k]})
		if err != nil {
			return nil, err
		}
		reqs = append(reqs, r)
	}
	return reqs, nil
}

// FromLabelSelector converts the structured selector of a workload spec, as Kubernetes'
// LabelSelectorAsSelector does: nil gives Nothing, an empty selector Everything;
// matchLabels become Equals requirements and matchExpressions In, NotIn, Exists and
// DoesNotExist requirements, validated by NewRequirement.
func FromLabelSelector(ls *api.LabelSelector) (Selector, error) {
	if ls == nil {
		return Nothing(), nil
	}
	if len(ls.MatchLabels)+len(ls.MatchExpressions) == 0 {
		return Everything(), nil
	}
	reqs := make([]Requirement, 0, len(ls.MatchLabels)+len(ls.MatchExpressions))
	for _, k := range slices.Sorted(maps.Keys(ls.MatchLabels)) {
		r, err := NewRequirement(k, Equals, []string{ls.MatchLabels[k]})
		if err != nil {
			return nil, err
		}
		reqs = append(reqs, r)
	}
	for _, expr := range ls.MatchExpressions {
		var op Operator
		switch expr.Operator {
		case api.LabelSelectorOpIn:
			op = In
		case api.LabelSelectorOpNotIn:
			op = NotIn
		case api.LabelSelectorOpExists:
			op = Exists
		case api.LabelSelectorOpDoesNotExist:
			op = DoesNotExist
		default:
			return nil, fmt.Errorf("%q is not a valid label selector operator", string(expr.Operator))
		}
		r, err := NewRequirement(expr.Key, op, append([]string(nil), expr.Values...))
		if err != nil {
			return nil, err
		}
		reqs = append(reqs, r)
	}
	return NewSelector(reqs...), nil
}
