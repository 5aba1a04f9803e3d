package manager

import (
	"context"
	"fmt"
	"strconv"
	"sync"
	"time"

	"github.com/orrery-dev/orrery/api"
	"github.com/orrery-dev/orrery/api/labels"
	"github.com/orrery-dev/orrery/client"
	"github.com/orrery-dev/orrery/informer"
)

// Client reads objects of type T from one of the manager's caches and writes them
// through the API, and its reads see its writes: after a write returns resourceVersion
// N for an object, a Get of that object waits (up to Options.ReadYourWritesTimeout)
// until the cache holds version N or later, or the object is gone. A reconcile that
// writes and is run again at once therefore never acts on the state from before its
// own write. Writes by anyone else are seen when the cache gets them, as with any
// cache.
type Client[T api.Object] struct {
	inf     *informer.SharedInformer[T]
	lister  informer.Lister[T]
	api     *client.ResourceClient[T]
	timeout time.Duration

	mu      sync.Mutex
	pending map[string]uint64 // key → the resourceVersion a write returned
	changed chan struct{}     // closed and replaced whenever the cache changes a pending key
	// applied is the highest resourceVersion of the changes the cache has applied
	// and told its handlers of: the cache has seen every change of its kind up to it,
	// deletions included.
	applied uint64
}

// NewClient returns a Client over the manager's cache of T in scope, making the cache
// if there is none (it is an explicit request to cache T in scope).
func NewClient[T api.Object](m *Manager, scope Scope) (*Client[T], error) {
	inf, err := cacheFor(m.cache, scope, CacheOptions[T]{})
	if err != nil {
		return nil, err
	}
	rc := client.Resource[T](m.client)
	c := &Client[T]{
		inf: inf, lister: informer.NewLister(inf.Store(), rc.Kind().GroupResource()), api: rc,
		timeout: m.opts.ReadYourWritesTimeout, pending: map[string]uint64{}, changed: make(chan struct{}),
	}
	seen := func(obj T, gone bool) {
		key := informer.Key(obj)
		rv, rvOK := parseRV(obj.GetObjectMeta().ResourceVersion)
		c.mu.Lock()
		defer c.mu.Unlock()
		if rvOK {
			c.applied = max(c.applied, rv)
		}
		want, ok := c.pending[key]
		if !ok {
			return
		}
		if gone || !rvOK || rv >= want {
			delete(c.pending, key)
			close(c.changed)
			c.changed = make(chan struct{})
		}
	}
	if _, err := inf.AddHandler(informer.HandlerFuncs[T]{
		AddFunc:    func(obj T, _ bool) { seen(obj, false) },
		UpdateFunc: func(_, obj T) { seen(obj, false) },
		DeleteFunc: func(obj T) { seen(obj, true) },
	}); err != nil {
		return nil, err
	}
	return c, nil
}

// API is the typed client the writes go through, for what the cache does not serve.
func (c *Client[T]) API() *client.ResourceClient[T] { return c.api }

// Lister reads the cache without waiting for the client's writes.
func (c *Client[T]) Lister() informer.Lister[T] { return c.lister }

// Get returns the cached object namespace/name (namespace "" for cluster-scoped
// kinds), or a NotFound error, once the cache has caught up with this client's last
// write of it. The object is shared with the cache: never change it; DeepCopy it
// first.
func (c *Client[T]) Get(ctx context.Context, namespace, name string) (T, error) {
	key := name
	if namespace != "" {
		key = namespace + "/" + name
	}
	var timeout <-chan time.Time
	for {
		c.mu.Lock()
		_, waiting := c.pending[key]
		changed := c.changed
		c.mu.Unlock()
		if !waiting || c.timeout < 0 {
			return c.lister.Namespace(namespace).Get(name)
		}
		if timeout == nil {
			t := time.NewTimer(c.timeout)
			defer t.Stop()
			timeout = t.C
		}
		select {
		case <-changed:
		case <-ctx.Done():
			var zero T
			return zero, ctx.Err()
		case <-timeout:
			var zero T
			return zero, api.NewTimeout(fmt.Sprintf("the cache of %s has not caught up with the last write of %s within %v",
				c.api.Kind().GroupResource(), key, c.timeout), 1)
		}
	}
}

// List returns the cached objects in namespace ("" for all) whose labels match sel
// (nil for all). It does not wait for the client's writes.
func (c *Client[T]) List(namespace string, sel labels.Selector) []T {
	if namespace == "" {
		return c.lister.List(sel)
	}
	return c.lister.Namespace(namespace).List(sel)
}

// Create creates obj through the API.
func (c *Client[T]) Create(ctx context.Context, obj T) (T, error) {
	return c.wrote(c.api.Namespace(obj.GetObjectMeta().Namespace).Create(ctx, obj))
}

// Update replaces obj through the API.
func (c *Client[T]) Update(ctx context.Context, obj T) (T, error) {
	return c.wrote(c.api.Namespace(obj.GetObjectMeta().Namespace).Update(ctx, obj))
}

// UpdateStatus replaces obj's status through the API.
func (c *Client[T]) UpdateStatus(ctx context.Context, obj T) (T, error) {
	return c.wrote(c.api.Namespace(obj.GetObjectMeta().Namespace).UpdateStatus(ctx, obj))
}

// Patch patches the object namespace/name (or its subresource) through the API.
func (c *Client[T]) Patch(ctx context.Context, namespace, name string, pt client.PatchType, data []byte, subresource ...string) (T, error) {
	return c.wrote(c.api.Namespace(namespace).Patch(ctx, name, pt, data, subresource...))
}

// Delete deletes the object namespace/name through the API.
func (c *Client[T]) Delete(ctx context.Context, namespace, name string, opts *api.DeleteOptions) error {
	return c.api.Namespace(namespace).Delete(ctx, name, opts)
}

// wrote records the version a successful write returned.
func (c *Client[T]) wrote(obj T, err error) (T, error) {
	if err != nil || c.timeout < 0 {
		return obj, err
	}
	rv, ok := parseRV(obj.GetObjectMeta().ResourceVersion)
	if !ok {
		return obj, nil
	}
	key := informer.Key(obj)
	c.mu.Lock()
	defer c.mu.Unlock()
	if cached, found := c.inf.Store().Get(key); found {
		if have, ok := parseRV(cached.GetObjectMeta().ResourceVersion); ok && have >= rv {
			return obj, nil // the cache is there already
		}
	}
	if c.applied >= rv {
		// The cache is past the write already: the object changed again, or was
		// deleted, before this response came back. Waiting would wait for a change
		// that has been and gone.
		return obj, nil
	}
	if rv > c.pending[key] {
		c.pending[key] = rv
	}
	return obj, nil
}

// parseRV reads a resourceVersion as the number Orrery's and Kubernetes' apiservers
// make of it (etcd's revision); ok is false for anything else.
func parseRV(s string) (uint64, bool) {
	n, err := strconv.ParseUint(s, 10, 64)
	return n, err == nil
}
