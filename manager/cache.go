package manager

import (
	"context"
	"errors"
	"fmt"
	"reflect"
	"sync"

	"go.uber.org/zap"

	"github.com/orrery-dev/orrery/api"
	"github.com/orrery-dev/orrery/client"
	"github.com/orrery-dev/orrery/informer"
)

// Scope narrows what a cache holds: a namespace ("" means all) and server-side label
// and field selectors ("" means everything).
type Scope = informer.Scope

// CacheOptions configure the informer of one kind and scope.
type CacheOptions[T api.Object] struct {
	// Transform is applied to each object before it is cached, typically to drop what
	// nobody reads. It may change its argument and return it.
	Transform func(T) T
	// Indexes are the typed indexes of the cache (see NewIndex).
	Indexes []*Index[T]
}

// Index is a typed index of a cache: objects by the values a function gives for them
// (pods by node name). Make one with NewIndex, give it to Cache, and look up with
// Lookup, or map events of another kind through it with ByIndex.
type Index[T api.Object] struct {
	name string
	fn   func(T) []string

	mu  sync.Mutex
	inf *informer.SharedInformer[T] // set when the index is given to Cache
}

// NewIndex returns an index of objects of type T by the values fn returns for each
// (none, one or several). name labels it in logs and errors.
func NewIndex[T api.Object](name string, fn func(obj T) []string) *Index[T] {
	return &Index[T]{name: name, fn: fn}
}

// Lookup returns the cached objects the index files under value. The objects are
// shared with the cache: never change them.
func (x *Index[T]) Lookup(value string) ([]T, error) {
	x.mu.Lock()
	inf := x.inf
	x.mu.Unlock()
	if inf == nil {
		return nil, fmt.Errorf("manager: index %q is not part of any cache", x.name)
	}
	return inf.Store().ByIndex(x.name, value)
}

// bindIndex makes inf the cache x looks up.
func bindIndex[T api.Object](x *Index[T], inf *informer.SharedInformer[T]) error {
	x.mu.Lock()
	defer x.mu.Unlock()
	if x.inf != nil {
		return fmt.Errorf("manager: index %q is part of another cache", x.name)
	}
	x.inf = inf
	return nil
}

// cacheKey identifies one informer of a Manager.
type cacheKey struct {
	typ      reflect.Type
	resource api.GroupResource // of a metadata cache, which all share one type
	scope    Scope
}

type cacheEntry struct {
	informer any // *informer.SharedInformer[T]
	run      func(context.Context) error
	synced   <-chan struct{}
	started  bool
}

// cache is a Manager's informers: one per kind and scope, made only when asked for.
type cache struct {
	client *client.Client
	logger *zap.Logger

	mu      sync.Mutex
	entries map[cacheKey]*cacheEntry
	ctx     context.Context // set once the cache runs; informers made later start at once
	wg      sync.WaitGroup
}

func (c *cache) start(ctx context.Context) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.ctx != nil {
		return errors.New("manager: the caches run already")
	}
	c.ctx = ctx
	for _, e := range c.entries {
		c.startLocked(e)
	}
	return nil
}

func (c *cache) startLocked(e *cacheEntry) {
	if e.started || c.ctx == nil {
		return
	}
	e.started = true
	run, ctx := e.run, c.ctx
	c.wg.Go(func() { _ = run(ctx) })
}

// waitForSync waits until every informer made so far has synced, or ctx ends.
func (c *cache) waitForSync(ctx context.Context) error {
	c.mu.Lock()
	chans := make([]<-chan struct{}, 0, len(c.entries))
	for _, e := range c.entries {
		chans = append(chans, e.synced)
	}
	c.mu.Unlock()
	for _, ch := range chans {
		select {
		case <-ch:
		case <-ctx.Done():
			return fmt.Errorf("wait for caches to sync: %w", context.Cause(ctx))
		}
	}
	return nil
}

// synced reports whether every informer has synced.
func (c *cache) synced() bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	for _, e := range c.entries {
		select {
		case <-e.synced:
		default:
			return false
		}
	}
	return true
}

// Caches are informers that several Managers of one process share (Options.Caches),
// as the controllers of kube-controller-manager share one informer factory: one LIST
// and WATCH per kind and scope for all of them, and one copy of the objects. Each
// manager still writes through its own client. Make it with NewCaches and Run it for
// as long as any of its managers runs; a manager's handlers stay on the shared
// informers after the manager stops, so a process stops its managers and its Caches
// together.
type Caches struct{ c *cache }

// NewCaches returns Caches whose informers list and watch through cl.
func NewCaches(cl *client.Client, logger *zap.Logger) *Caches {
	if logger == nil {
		logger = zap.NewNop()
	}
	return &Caches{c: newCache(cl, logger.Named("cache"))}
}

// Run starts the informers made so far (those made later start at once) and blocks
// until ctx ends and every informer has stopped. The managers that share them wait
// for their sync in their own Run. Caches run once.
func (c *Caches) Run(ctx context.Context) error {
	if err := c.c.start(ctx); err != nil {
		return err
	}
	<-ctx.Done()
	c.c.wg.Wait()
	return nil
}

func newCache(cl *client.Client, logger *zap.Logger) *cache {
	return &cache{client: cl, logger: logger, entries: map[cacheKey]*cacheEntry{}}
}

// Cache returns the manager's informer for objects of type T in scope, making it on
// first use with opts. Informers are made only by Cache and by the watches of
// controllers (For, Owns, Watches), never by a read, so a process caches only what it
// asked for. Indexes may be added to an informer that exists (several controllers
// share one cache, each with its indexes); its transform is fixed when it is made, so
// giving one for an informer that exists is an error. Call it before Run to have the informer
// started and synced with the others; one made later starts at once.
func Cache[T api.Object](m *Manager, scope Scope, opts CacheOptions[T]) (*informer.SharedInformer[T], error) {
	return cacheFor(m.cache, scope, opts)
}

// MetadataCache is Cache for the metadata only (PartialObjectMetadata) of the objects
// of kind: names, labels, owners and finalizers at a fraction of the memory of full
// objects, for any kind the server serves.
func MetadataCache(m *Manager, kind api.KindInfo, scope Scope, opts CacheOptions[*api.PartialObjectMetadata]) (*informer.SharedInformer[*api.PartialObjectMetadata], error) {
	key := cacheKey{typ: reflect.TypeFor[*api.PartialObjectMetadata](), resource: kind.GroupResource(), scope: scope}
	return cacheOf(m.cache, key, kind, client.MetadataFor(m.cache.client, kind).Namespace(scope.Namespace), opts)
}

func cacheFor[T api.Object](c *cache, scope Scope, opts CacheOptions[T]) (*informer.SharedInformer[T], error) {
	kind, ok := api.KindFor[T](c.client.Registry())
	if !ok {
		var zero T
		return nil, fmt.Errorf("manager: %T is not a registered kind", zero)
	}
	return cacheOf(c, cacheKey{typ: reflect.TypeFor[T](), scope: scope}, kind,
		client.Resource[T](c.client).Namespace(scope.Namespace), opts)
}

func cacheOf[T api.Object](c *cache, key cacheKey, kind api.KindInfo, lw informer.ListerWatcher[T], opts CacheOptions[T]) (*informer.SharedInformer[T], error) {
	scope := key.scope
	c.mu.Lock()
	defer c.mu.Unlock()
	if e, ok := c.entries[key]; ok {
		inf := e.informer.(*informer.SharedInformer[T])
		if opts.Transform != nil {
			return nil, fmt.Errorf("manager: the cache of %s in %+v exists already; give its transform before anything watches it", kind.GroupResource(), scope)
		}
		for _, x := range opts.Indexes {
			if err := bindIndex(x, inf); err != nil {
				return nil, err
			}
			if err := inf.Store().AddIndex(x.name, informer.IndexFunc[T](x.fn)); err != nil {
				return nil, fmt.Errorf("manager: the cache of %s: %w", kind.GroupResource(), err)
			}
		}
		return inf, nil
	}
	indexers := informer.Indexers[T]{}
	for _, x := range opts.Indexes {
		if _, dup := indexers[x.name]; dup || x.name == informer.NamespaceIndex {
			return nil, fmt.Errorf("manager: two indexes named %q", x.name)
		}
		indexers[x.name] = informer.IndexFunc[T](x.fn)
	}
	inf, err := informer.New(informer.Config[T]{
		ListerWatcher: informer.Selected[T](lw, scope.LabelSelector, scope.FieldSelector),
		Indexers:      indexers,
		Transform:     opts.Transform,
		Logger: c.logger.With(zap.String("resource", kind.GroupResource().String()),
			zap.String("namespace", scope.Namespace), zap.String("labelSelector", scope.LabelSelector),
			zap.String("fieldSelector", scope.FieldSelector)),
	})
	if err != nil {
		return nil, err
	}
	for _, x := range opts.Indexes {
		if err := bindIndex(x, inf); err != nil {
			return nil, err
		}
	}
	e := &cacheEntry{informer: inf, run: inf.Run, synced: inf.Synced()}
	c.entries[key] = e
	c.startLocked(e)
	return inf, nil
}
