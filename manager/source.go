package manager

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/orrery-dev/orrery/api"
	"github.com/orrery-dev/orrery/informer"
)

// WatchOption narrows a watch of a controller.
type WatchOption func(*watchOptions)

type watchOptions struct {
	scope      Scope
	predicates []Predicate
}

// InScope watches only the objects of a namespace and selectors (the watch shares the
// manager's cache of that kind and scope).
func InScope(s Scope) WatchOption { return func(o *watchOptions) { o.scope = s } }

// WithPredicates drops the events that any of ps rejects.
func WithPredicates(ps ...Predicate) WatchOption {
	return func(o *watchOptions) { o.predicates = append(o.predicates, ps...) }
}

// MapFunc maps an object of a watched kind to the requests it should trigger.
type MapFunc[T api.Object] func(ctx context.Context, obj T) []Request

// For watches the controller's primary kind: each event of an object of type T
// reconciles that object. A controller has exactly one For.
func For[T api.Object](c *Controller, opts ...WatchOption) error {
	kind, ok := api.KindFor[T](c.mgr.client.Registry())
	if !ok {
		var zero T
		return fmt.Errorf("manager: %T is not a registered kind", zero)
	}
	c.mu.Lock()
	if c.forKind != nil {
		c.mu.Unlock()
		return fmt.Errorf("manager: controller %s already has For(%s)", c.name, c.forKind.Kind)
	}
	c.forKind = &kind
	c.mu.Unlock()
	return watch(c, func(_ context.Context, obj T) []Request {
		m := obj.GetObjectMeta()
		return []Request{{Namespace: m.Namespace, Name: m.Name}}
	}, opts)
}

// Owns watches objects of type T that the controller's primary kind owns: each event
// reconciles the object's controller owner (the ownerReference with controller: true)
// if it is of the For kind. Call it after For.
func Owns[T api.Object](c *Controller, opts ...WatchOption) error {
	c.mu.Lock()
	owner := c.forKind
	c.mu.Unlock()
	if owner == nil {
		return fmt.Errorf("manager: controller %s: Owns needs For first", c.name)
	}
	group, kind := owner.Group, owner.Kind
	return watch(c, func(_ context.Context, obj T) []Request {
		m := obj.GetObjectMeta()
		for _, ref := range m.OwnerReferences {
			if ref.Controller == nil || !*ref.Controller || ref.Kind != kind || groupOf(ref.APIVersion) != group {
				continue
			}
			ns := m.Namespace
			if !owner.Namespaced {
				ns = ""
			}
			return []Request{{Namespace: ns, Name: ref.Name}}
		}
		return nil
	}, opts)
}

// Watches watches objects of type T and reconciles the requests fn maps each event's
// object to (on an update, those of the old and of the new state).
func Watches[T api.Object](c *Controller, fn MapFunc[T], opts ...WatchOption) error {
	if fn == nil {
		return errors.New("manager: Watches needs a MapFunc")
	}
	return watch(c, fn, opts)
}

// ByIndex maps an object to the requests of the objects that index files under its
// name: ByIndex(podsByNode) maps a Node to its pods.
func ByIndex[T, O api.Object](index *Index[O]) MapFunc[T] {
	return func(_ context.Context, obj T) []Request {
		objs, err := index.Lookup(obj.GetObjectMeta().Name)
		if err != nil {
			return nil
		}
		reqs := make([]Request, 0, len(objs))
		for _, o := range objs {
			m := o.GetObjectMeta()
			reqs = append(reqs, Request{Namespace: m.Namespace, Name: m.Name})
		}
		return reqs
	}
}

func groupOf(apiVersion string) string {
	group, _, found := strings.Cut(apiVersion, "/")
	if !found {
		return ""
	}
	return group
}

// watch adds a handler to the cache of T in the options' scope that maps each event
// passing the predicates to requests in c's queue.
func watch[T api.Object](c *Controller, fn MapFunc[T], opts []WatchOption) error {
	var o watchOptions
	for _, opt := range opts {
		opt(&o)
	}
	inf, err := cacheFor(c.mgr.cache, o.scope, CacheOptions[T]{})
	if err != nil {
		return err
	}
	ctx := c.mgr.baseCtx
	enqueue := func(obj T) {
		for _, r := range fn(ctx, obj) {
			c.queue.Add(r)
		}
	}
	accept := func(test func(Predicate) bool) bool {
		for _, p := range o.predicates {
			if !test(p) {
				return false
			}
		}
		return true
	}
	_, err = inf.AddHandler(informer.HandlerFuncs[T]{
		AddFunc: func(obj T, _ bool) {
			if accept(func(p Predicate) bool { return p.Create(obj) }) {
				enqueue(obj)
			}
		},
		UpdateFunc: func(old, obj T) {
			if accept(func(p Predicate) bool { return p.Update(old, obj) }) {
				enqueue(old)
				enqueue(obj)
			}
		},
		DeleteFunc: func(obj T) {
			if accept(func(p Predicate) bool { return p.Delete(obj) }) {
				enqueue(obj)
			}
		},
	})
	return err
}
