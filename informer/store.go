package informer

import (
	"fmt"
	"slices"
	"sync"

	"github.com/orrery-dev/orrery/api"
)

// NamespaceIndex is the name of the index every Store keeps: objects by namespace.
const NamespaceIndex = "namespace"

// IndexFunc returns the values obj is indexed under (none, one or many).
type IndexFunc[T api.Object] func(obj T) []string

// Indexers names the indexes of a Store.
type Indexers[T api.Object] map[string]IndexFunc[T]

// Key returns the key of obj in a Store: "namespace/name", or "name" for
// cluster-scoped objects.
func Key(obj api.Object) string {
	m := obj.GetObjectMeta()
	if m.Namespace == "" {
		return m.Name
	}
	return m.Namespace + "/" + m.Name
}

// Store is a thread-safe map of objects by Key with indexes. Objects in it are shared
// with every reader and must not be mutated; copy them first.
type Store[T api.Object] struct {
	mu       sync.RWMutex
	items    map[string]T
	indexers Indexers[T]
	// indices[index][value] is the set of keys whose object is indexed under value;
	// empty sets are removed.
	indices map[string]map[string]map[string]struct{}
}

// NewStore returns an empty Store with the given indexes besides NamespaceIndex.
func NewStore[T api.Object](indexers Indexers[T]) *Store[T] {
	s := &Store[T]{
		items:    map[string]T{},
		indexers: Indexers[T]{NamespaceIndex: func(obj T) []string { return []string{obj.GetObjectMeta().Namespace} }},
		indices:  map[string]map[string]map[string]struct{}{},
	}
	for name, fn := range indexers {
		s.indexers[name] = fn
	}
	for name := range s.indexers {
		s.indices[name] = map[string]map[string]struct{}{}
	}
	return s
}

// Get returns the object stored under key.
func (s *Store[T]) Get(key string) (T, bool) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	obj, ok := s.items[key]
	return obj, ok
}

// List returns every object, in no particular order.
func (s *Store[T]) List() []T {
	s.mu.RLock()
	defer s.mu.RUnlock()
	out := make([]T, 0, len(s.items))
	for _, obj := range s.items {
		out = append(out, obj)
	}
	return out
}

// Keys returns every key, sorted.
func (s *Store[T]) Keys() []string {
	s.mu.RLock()
	defer s.mu.RUnlock()
	out := make([]string, 0, len(s.items))
	for k := range s.items {
		out = append(out, k)
	}
	slices.Sort(out)
	return out
}

// Len returns the number of objects.
func (s *Store[T]) Len() int {
	s.mu.RLock()
	defer s.mu.RUnlock()
	return len(s.items)
}

// ByIndex returns the objects indexed under value in the named index.
func (s *Store[T]) ByIndex(index, value string) ([]T, error) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	idx, ok := s.indices[index]
	if !ok {
		return nil, fmt.Errorf("index %q does not exist", index)
	}
	keys := idx[value]
	out := make([]T, 0, len(keys))
	for k := range keys {
		out = append(out, s.items[k])
	}
	return out, nil
}

// Add stores obj under its key, replacing what was there; it returns the replaced
// object, if any.
func (s *Store[T]) Add(obj T) (old T, existed bool) {
	key := Key(obj)
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.put(key, obj)
}

// Delete removes the object under key; it returns it, if there was one.
func (s *Store[T]) Delete(key string) (old T, existed bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.remove(key)
}

// Replace makes items the whole content of the Store.
func (s *Store[T]) Replace(items []T) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.items = make(map[string]T, len(items))
	for name := range s.indices {
		s.indices[name] = map[string]map[string]struct{}{}
	}
	for _, obj := range items {
		s.put(Key(obj), obj)
	}
}

// AddIndex adds an index, built at once over the objects stored. A name already in use
// is an error.
func (s *Store[T]) AddIndex(name string, fn IndexFunc[T]) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, ok := s.indexers[name]; ok {
		return fmt.Errorf("informer: an index named %q exists already", name)
	}
	s.indexers[name] = fn
	idx := map[string]map[string]struct{}{}
	s.indices[name] = idx
	for key, obj := range s.items {
		index(idx, fn, key, obj)
	}
	return nil
}

// index files key under the values fn gives for obj.
func index[T api.Object](idx map[string]map[string]struct{}, fn IndexFunc[T], key string, obj T) {
	for _, v := range fn(obj) {
		set := idx[v]
		if set == nil {
			set = map[string]struct{}{}
			idx[v] = set
		}
		set[key] = struct{}{}
	}
}

func (s *Store[T]) put(key string, obj T) (T, bool) {
	old, existed := s.items[key]
	if existed {
		s.unindex(key, old)
	}
	s.items[key] = obj
	for name, fn := range s.indexers {
		index(s.indices[name], fn, key, obj)
	}
	return old, existed
}

func (s *Store[T]) remove(key string) (T, bool) {
	old, existed := s.items[key]
	if existed {
		s.unindex(key, old)
		delete(s.items, key)
	}
	return old, existed
}

func (s *Store[T]) unindex(key string, obj T) {
	for name, fn := range s.indexers {
		idx := s.indices[name]
		for _, v := range fn(obj) {
			if set := idx[v]; set != nil {
				delete(set, key)
				if len(set) == 0 {
					delete(idx, v)
				}
			}
		}
	}
}
