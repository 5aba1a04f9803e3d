package fields

import (
	"slices"
	"strings"
)

// Set maps field paths ("metadata.name", "spec.nodeName") to their values for one
// object. A nil Set is empty.
type Set map[string]string

// String returns the fields as "f=v" pairs joined by commas, sorted as strings. Values
// are not escaped.
func (s Set) String() string {
	pairs := make([]string, 0, len(s))
	for k, v := range s {
		pairs = append(pairs, k+"="+v)
	}
	slices.Sort(pairs)
	return strings.Join(pairs, ",")
}

// Has reports whether the set holds the field.
func (s Set) Has(field string) bool {
	_, ok := s[field]
	return ok
}

// Get returns the value of the field, or "" when the set does not hold it.
func (s Set) Get(field string) string {
	return s[field]
}

// AsSelector returns a selector that requires every field of the set; see
// SelectorFromSet.
func (s Set) AsSelector() Selector {
	return SelectorFromSet(s)
}
