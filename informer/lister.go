package informer

import (
	"github.com/orrery-dev/orrery/api"
	"github.com/orrery-dev/orrery/api/labels"
)

// Lister reads a Store by label selector, name, namespace and index. It is a small
// value; the objects it returns are shared and must not be mutated.
type Lister[T api.Object] struct {
	store     *Store[T]
	gr        api.GroupResource
	namespace string
	all       bool // not narrowed to a namespace
}

// NewLister returns a Lister over store, across all namespaces. gr names the resource
// in its NotFound errors.
func NewLister[T api.Object](store *Store[T], gr api.GroupResource) Lister[T] {
	return Lister[T]{store: store, gr: gr, all: true}
}

// Namespace returns a Lister narrowed to namespace ns.
func (l Lister[T]) Namespace(ns string) Lister[T] {
	l.namespace, l.all = ns, false
	return l
}

// List returns the objects whose labels match sel (nil means all), in no particular
// order.
func (l Lister[T]) List(sel labels.Selector) []T {
	var items []T
	if l.all {
		items = l.store.List()
	} else {
		items, _ = l.store.ByIndex(NamespaceIndex, l.namespace)
	}
	if sel == nil || sel.Empty() {
		return items
	}
	out := items[:0]
	for _, obj := range items {
		if sel.Matches(labels.Set(obj.GetObjectMeta().Labels)) {
			out = append(out, obj)
		}
	}
	return out
}

// Get returns the named object (in the Lister's namespace, for namespaced kinds), or a
// NotFound *api.Status.
func (l Lister[T]) Get(name string) (T, error) {
	key := name
	if !l.all && l.namespace != "" {
		key = l.namespace + "/" + name
	}
	obj, ok := l.store.Get(key)
	if !ok {
		return obj, api.NewNotFound(l.gr, name)
	}
	return obj, nil
}

// ByIndex returns the objects indexed under value in the named index, narrowed to the
// Lister's namespace.
func (l Lister[T]) ByIndex(index, value string) ([]T, error) {
	items, err := l.store.ByIndex(index, value)
	if err != nil || l.all {
		return items, err
	}
	out := items[:0]
	for _, obj := range items {
		if obj.GetObjectMeta().Namespace == l.namespace {
			out = append(out, obj)
		}
	}
	return out, nil
}
