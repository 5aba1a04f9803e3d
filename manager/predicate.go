package manager

import (
	"maps"

	"github.com/orrery-dev/orrery/api"
)

// Predicate filters the events of a watched kind before they are mapped to requests:
// an event passes only if every predicate of its watch accepts it. Objects are shared
// with the cache and must not be changed.
type Predicate interface {
	// Create is an object seen for the first time (also every object of the first
	// list).
	Create(obj api.Object) bool
	// Update is a change of an object from old to new.
	Update(old, new api.Object) bool
	// Delete is an object gone, in its last known state.
	Delete(obj api.Object) bool
}

// Funcs is a Predicate of functions on objects of type T; a nil function accepts
// every event of its type.
type Funcs[T api.Object] struct {
	CreateFunc func(obj T) bool
	UpdateFunc func(old, new T) bool
	DeleteFunc func(obj T) bool
}

// Create calls CreateFunc.
func (f Funcs[T]) Create(obj api.Object) bool {
	o, ok := obj.(T)
	return !ok || f.CreateFunc == nil || f.CreateFunc(o)
}

// Update calls UpdateFunc.
func (f Funcs[T]) Update(old, new api.Object) bool {
	o, ok1 := old.(T)
	n, ok2 := new.(T)
	return !ok1 || !ok2 || f.UpdateFunc == nil || f.UpdateFunc(o, n)
}

// Delete calls DeleteFunc.
func (f Funcs[T]) Delete(obj api.Object) bool {
	o, ok := obj.(T)
	return !ok || f.DeleteFunc == nil || f.DeleteFunc(o)
}

// updatesOnly is a Predicate that filters updates only.
type updatesOnly func(old, new *api.ObjectMeta) bool

func (updatesOnly) Create(api.Object) bool { return true }
func (updatesOnly) Delete(api.Object) bool { return true }
func (p updatesOnly) Update(old, new api.Object) bool {
	return p(old.GetObjectMeta(), new.GetObjectMeta())
}

// GenerationChanged accepts updates that change metadata.generation, that is the spec
// (of kinds whose status is a subresource): status-only updates are dropped. Creates
// and deletes pass.
func GenerationChanged() Predicate {
	return updatesOnly(func(old, new *api.ObjectMeta) bool { return old.Generation != new.Generation })
}

// LabelsChanged accepts updates that change metadata.labels. Creates and deletes pass.
func LabelsChanged() Predicate {
	return updatesOnly(func(old, new *api.ObjectMeta) bool { return !maps.Equal(old.Labels, new.Labels) })
}

// AnnotationsChanged accepts updates that change metadata.annotations. Creates and
// deletes pass.
func AnnotationsChanged() Predicate {
	return updatesOnly(func(old, new *api.ObjectMeta) bool { return !maps.Equal(old.Annotations, new.Annotations) })
}

// ResourceVersionChanged accepts updates that change metadata.resourceVersion, so it
// drops the resyncs (an object replayed unchanged). Creates and deletes pass.
func ResourceVersionChanged() Predicate {
	return updatesOnly(func(old, new *api.ObjectMeta) bool { return old.ResourceVersion != new.ResourceVersion })
}

// Or accepts an event that any of ps accepts.
func Or(ps ...Predicate) Predicate { return or(ps) }

type or []Predicate

func (o or) Create(obj api.Object) bool {
	for _, p := range o {
		if p.Create(obj) {
			return true
		}
	}
	return false
}

func (o or) Update(old, new api.Object) bool {
	for _, p := range o {
		if p.Update(old, new) {
			return true
		}
	}
	return false
}

func (o or) Delete(obj api.Object) bool {
	for _, p := range o {
		if p.Delete(obj) {
			return true
		}
	}
	return false
}
