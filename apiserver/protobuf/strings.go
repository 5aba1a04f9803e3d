package protobuf

import (
	"sync"

	"github.com/orrery-dev/orrery/api"
)

// Strings shares the strings that recur across decoded objects (namespaces, label
// keys and values, images, owner references, condition types and reasons, node
// names, ...): a decoder that is given one looks each string up before allocating it,
// so that the objects a cache holds share one copy of each. It does the same for
// resource quantities, parsed once per text. Both are immutable, so the sharing is
// invisible to readers.
//
// The table is bounded: once it holds max strings it starts over, so strings unique
// to one object cost it nothing lasting and it never grows with the number of
// objects. Strings that identify one object (its name, uid and resourceVersion) and
// long ones are never looked up. A Strings is safe for concurrent use; the zero
// value is not usable, and a nil *Strings shares nothing.
type Strings struct {
	mu    sync.Mutex
	table map[string]string
	// quantities are parsed quantities by their text: a Quantity is immutable, so
	// the objects decoded share them too.
	quantities map[string]api.Quantity
	max        int
}

// DefaultStringsSize is the bound NewStrings(0) uses.
const DefaultStringsSize = 16384

// maxSharedLen is the longest string a Strings looks up.
const maxSharedLen = 128

// NewStrings returns a table of at most max shared strings (DefaultStringsSize when
// max <= 0).
func NewStrings(max int) *Strings {
	if max <= 0 {
		max = DefaultStringsSize
	}
	return &Strings{table: make(map[string]string, min(max, 1024)), quantities: map[string]api.Quantity{}, max: max}
}

// string returns b as a string, shared with an earlier equal one when s holds it.
func (s *Strings) string(b []byte) string {
	if s == nil || len(b) == 0 || len(b) > maxSharedLen {
		return string(b)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if v, ok := s.table[string(b)]; ok { // no allocation for the lookup
		return v
	}
	return s.keepLocked(string(b))
}

// Share returns v, or an earlier string equal to it that s holds, so that a caller
// holding many objects keeps one copy of each recurring string.
func (s *Strings) Share(v string) string {
	if s == nil || len(v) == 0 || len(v) > maxSharedLen {
		return v
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if shared, ok := s.table[v]; ok {
		return shared
	}
	return s.keepLocked(v)
}

// keepLocked adds v to the table, starting the table over when it is full.
func (s *Strings) keepLocked(v string) string {
	if len(s.table) >= s.max {
		clear(s.table)
	}
	s.table[v] = v
	return v
}

// Len is how many strings s holds now (at most its bound).
func (s *Strings) Len() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.table)
}

// quantity is the quantity parsed earlier from text s, if s holds it.
func (s *Strings) quantity(text string) (api.Quantity, bool) {
	if s == nil {
		return api.Quantity{}, false
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	q, ok := s.quantities[text]
	return q, ok
}

// keepQuantity remembers q, parsed from text.
func (s *Strings) keepQuantity(text string, q api.Quantity) {
	if s == nil || len(text) > maxSharedLen {
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if len(s.quantities) >= s.max {
		clear(s.quantities)
	}
	s.quantities[text] = q
}
