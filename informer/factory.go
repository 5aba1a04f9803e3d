package informer

import (
	"context"
	"errors"
	"fmt"
	"reflect"
	"sync"
	"time"

	"go.uber.org/zap"

	"github.com/orrery-dev/orrery/api"
	"github.com/orrery-dev/orrery/client"
	"github.com/orrery-dev/orrery/watch"
)

// FactoryConfig configures a Factory.
type FactoryConfig struct {
	// Client is the apiserver's client. Required.
	Client *client.Client
	// ResyncPeriod is every informer's ResyncPeriod. Zero means no resync.
	ResyncPeriod time.Duration
	// DisableWatchList makes every informer sync with LIST only (see
	// Config.DisableWatchList).
	DisableWatchList bool
	// OnWatchError, when set, is called with each list or watch error of any informer,
	// with the resource it is about. It must not block.
	OnWatchError func(resource string, err error)
	// Logger receives the informers' logs. Nil means none.
	Logger *zap.Logger
}

// Scope narrows what an informer mirrors: a namespace ("" means all) and server-side
// label and field selectors ("" means everything).
type Scope struct {
	Namespace, LabelSelector, FieldSelector string
}

// Factory hands out shared informers: one per resource, namespace and selectors, so
// that every part of a process that wants the same collection shares one list and
// watch. Create it with NewFactory, get informers with For, then Start, WaitForCacheSync
// and, after the context given to Start ends, Shutdown.
type Factory struct {
	cfg    FactoryConfig
	logger *zap.Logger

	mu        sync.Mutex
	informers map[factoryKey]*factoryEntry
	wg        sync.WaitGroup // the informers' Run calls
}

type factoryKey struct {
	typ      reflect.Type
	resource api.GroupResource // of a metadata informer, which all share one type
	scope    Scope
}

type factoryEntry struct {
	informer any // *SharedInformer[T]
	run      func(context.Context) error
	synced   <-chan struct{}
	started  bool
}

// NewFactory checks cfg and returns a Factory with no informers.
func NewFactory(cfg FactoryConfig) (*Factory, error) {
	if cfg.Client == nil {
		return nil, errors.New("informer: FactoryConfig.Client is required")
	}
	if cfg.Logger == nil {
		cfg.Logger = zap.NewNop()
	}
	return &Factory{cfg: cfg, logger: cfg.Logger, informers: map[factoryKey]*factoryEntry{}}, nil
}

// For returns the factory's informer for objects of type T in scope, creating it on
// first use. It panics if T is not a kind Orrery serves (a programming error). An
// informer created after Start runs at the next Start.
func For[T api.Object](f *Factory, scope Scope) *SharedInformer[T] {
	kind, ok := api.KindFor[T](f.cfg.Client.Registry())
	if !ok {
		var zero T
		panic(fmt.Sprintf("informer.For: %T is not a registered kind", zero))
	}
	return forKey(f, factoryKey{typ: reflect.TypeFor[T](), scope: scope}, kind,
		client.Resource[T](f.cfg.Client).Namespace(scope.Namespace))
}

// ForMetadata returns the factory's informer of the metadata (PartialObjectMetadata)
// of the objects of kind in scope, creating it on first use: names, labels, owners and
// finalizers of many kinds for a fraction of the memory of full objects. An informer
// created after Start runs at the next Start.
func ForMetadata(f *Factory, kind api.KindInfo, scope Scope) *SharedInformer[*api.PartialObjectMetadata] {
	return forKey(f, factoryKey{typ: reflect.TypeFor[*api.PartialObjectMetadata](), resource: kind.GroupResource(), scope: scope},
		kind, client.MetadataFor(f.cfg.Client, kind).Namespace(scope.Namespace))
}

func forKey[T api.Object](f *Factory, key factoryKey, kind api.KindInfo, lw ListerWatcher[T]) *SharedInformer[T] {
	scope := key.scope
	f.mu.Lock()
	defer f.mu.Unlock()
	if e, ok := f.informers[key]; ok {
		return e.informer.(*SharedInformer[T])
	}
	var onErr func(error)
	if f.cfg.OnWatchError != nil {
		resource := kind.GroupResource().String()
		onErr = func(err error) { f.cfg.OnWatchError(resource, err) }
	}
	inf, err := New(Config[T]{
		ListerWatcher:    Selected[T](lw, scope.LabelSelector, scope.FieldSelector),
		ResyncPeriod:     f.cfg.ResyncPeriod,
		DisableWatchList: f.cfg.DisableWatchList,
		OnWatchError:     onErr,
		Logger: f.logger.With(zap.String("resource", kind.GroupResource().String()),
			zap.String("namespace", scope.Namespace), zap.String("labelSelector", scope.LabelSelector),
			zap.String("fieldSelector", scope.FieldSelector)),
	})
	if err != nil {
		panic(err) // cannot happen: the ListerWatcher is set
	}
	f.informers[key] = &factoryEntry{informer: inf, run: inf.Run, synced: inf.Synced()}
	return inf
}

// Start runs every informer not yet started, until ctx ends. It does not wait; call
// Shutdown after ctx ends to wait for them.
func (f *Factory) Start(ctx context.Context) {
	f.mu.Lock()
	defer f.mu.Unlock()
	for _, e := range f.informers {
		if e.started {
			continue
		}
		e.started = true
		run := e.run
		f.wg.Go(func() { _ = run(ctx) })
	}
}

// WaitForCacheSync waits until every started informer has synced, or ctx ends (then it
// returns ctx's error).
func (f *Factory) WaitForCacheSync(ctx context.Context) error {
	f.mu.Lock()
	var chans []<-chan struct{}
	for _, e := range f.informers {
		if e.started {
			chans = append(chans, e.synced)
		}
	}
	f.mu.Unlock()
	for _, c := range chans {
		select {
		case <-c:
		case <-ctx.Done():
			return fmt.Errorf("wait for caches to sync: %w", ctx.Err())
		}
	}
	return nil
}

// Shutdown waits for every started informer to return; it returns once the contexts
// given to Start have ended and the informers have stopped.
func (f *Factory) Shutdown() { f.wg.Wait() }

// Selected narrows lw to the objects matching the label and field selectors (empty
// means everything).
func Selected[T api.Object](lw ListerWatcher[T], labelSelector, fieldSelector string) ListerWatcher[T] {
	if labelSelector == "" && fieldSelector == "" {
		return lw
	}
	return selected[T]{lw: lw, label: labelSelector, field: fieldSelector}
}

type selected[T api.Object] struct {
	lw           ListerWatcher[T]
	label, field string
}

func (s selected[T]) inner() any { return s.lw }

func (s selected[T]) List(ctx context.Context, opts client.ListOptions) (*client.List[T], error) {
	opts.LabelSelector, opts.FieldSelector = s.label, s.field
	return s.lw.List(ctx, opts)
}

func (s selected[T]) Watch(ctx context.Context, opts client.ListOptions) (watch.Interface, error) {
	opts.LabelSelector, opts.FieldSelector = s.label, s.field
	return s.lw.Watch(ctx, opts)
}
