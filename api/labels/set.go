package labels

import (
	"slices"
	"strings"
)

// Set is a map of label keys to values, the labels of one object. A nil Set is empty.
type Set map[string]string

// String returns the labels as "k=v" pairs joined by commas, sorted as strings so the
// result is deterministic.
func (s Set) String() string {
	pairs := make([]string, 0, len(s))
	for k, v := range s {
		pairs = append(pairs, k+"="+v)
	}
	slices.Sort(pairs)
	return strings.Join(pairs, ",")
}

// Has reports whether the set holds the key.
func (s Set) Has(key string) bool {
	_, ok := s[key]
	return ok
}

// Get returns the value of the key, or "" when the set does not hold it.
func (s Set) Get(key string) string {
	return s[key]
}

// AsSelector returns a selector that requires every label of the set; see
// SelectorFromSet.
func (s Set) AsSelector() Selector {
	return SelectorFromSet(s)
}
