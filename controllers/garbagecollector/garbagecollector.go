// Package garbagecollector deletes objects whose owners are gone, as
// kube-controller-manager's garbage collector does: it keeps a graph of the
// ownerReferences of every kind served (from metadata-only informers), and
//   - deletes, in the background, a dependent whose owners are all gone (checked by a
//     live read of each owner's uid, not only the cache);
//   - carries out foreground deletion: an owner with the foregroundDeletion finalizer
//     has its dependents deleted, and loses the finalizer (and so goes) once no
//     dependent with blockOwnerDeletion is left;
//   - carries out orphaning: an owner with the orphan finalizer has its
//     ownerReference removed from every dependent, then loses the finalizer.
package garbagecollector

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"sync"

	"go.uber.org/zap"

	"github.com/orrery-dev/orrery/api"
	"github.com/orrery-dev/orrery/client"
	"github.com/orrery-dev/orrery/informer"
	"github.com/orrery-dev/orrery/manager"
)

// Name is the controller's name (logs, metrics).
const Name = "garbage-collector-controller"

// Options configure the collector.
type Options struct {
	// Workers is how many objects are checked at once. Zero means 20
	// (--concurrent-gc-syncs).
	Workers int
	// Ignored are resources the collector does not watch. Nil means events, as
	// Kubernetes ignores them.
	Ignored []api.GroupResource
}

// Collector is the garbage collector.
type Collector struct {
	client *client.Client
	reg    *api.Registry
	graph  *graph
	del    *manager.Controller
	orphan *manager.Controller
	logger *zap.Logger

	mu     sync.Mutex
	absent map[string]bool // owner uids a live read found gone
}

// absentCap bounds the cache of owners found gone.
const absentCap = 10000

// Setup adds the collector to m.
func Setup(m *manager.Manager, opts Options) (*Collector, error) {
	if opts.Workers <= 0 {
		opts.Workers = 20
	}
	if opts.Ignored == nil {
		opts.Ignored = []api.GroupResource{{Group: "", Resource: "events"}}
	}
	gc := &Collector{client: m.Client(), reg: m.Client().Registry(), graph: newGraph(),
		logger: m.Logger().Named(Name), absent: map[string]bool{}}
	var err error
	if gc.del, err = manager.NewController(m, Name, manager.ReconcilerFunc(gc.attemptToDelete),
		manager.ControllerOptions{MaxConcurrentReconciles: opts.Workers}); err != nil {
		return nil, err
	}
	if gc.orphan, err = manager.NewController(m, Name+"-orphan", manager.ReconcilerFunc(gc.attemptToOrphan),
		manager.ControllerOptions{MaxConcurrentReconciles: opts.Workers}); err != nil {
		return nil, err
	}
	for _, kind := range gc.reg.Kinds() {
		if slices.Contains(opts.Ignored, kind.GroupResource()) || !collectable(kind) {
			continue
		}
		inf, err := manager.MetadataCache(m, kind, manager.Scope{}, manager.CacheOptions[*api.PartialObjectMetadata]{})
		if err != nil {
			return nil, err
		}
		if _, err := inf.AddHandler(informer.HandlerFuncs[*api.PartialObjectMetadata]{
			AddFunc:    func(o *api.PartialObjectMetadata, _ bool) { gc.act(gc.graph.upsert(kind, &o.ObjectMeta), o.UID) },
			UpdateFunc: func(_, o *api.PartialObjectMetadata) { gc.act(gc.graph.upsert(kind, &o.ObjectMeta), o.UID) },
			DeleteFunc: func(o *api.PartialObjectMetadata) { gc.act(gc.graph.remove(o.UID), o.UID) },
		}); err != nil {
			return nil, err
		}
	}
	return gc, nil
}

// collectable reports whether kind can be listed, watched and deleted.
func collectable(kind api.KindInfo) bool {
	for _, v := range []string{"list", "watch", "delete"} {
		if !slices.Contains(kind.Verbs, v) {
			return false
		}
	}
	return true
}

// act queues the checks a graph change calls for.
func (gc *Collector) act(ch change, uid string) {
	if ch.checkSelf || ch.foreground {
		gc.del.Enqueue(manager.Request{Name: uid})
	}
	for _, d := range ch.dependents {
		gc.del.Enqueue(manager.Request{Name: d})
	}
	for _, o := range ch.owners {
		gc.del.Enqueue(manager.Request{Name: o})
	}
	if ch.orphan {
		gc.orphan.Enqueue(manager.Request{Name: uid})
	}
}

// attemptToDelete checks the object uid: an owner waiting for its dependents goes
// once they are gone; a dependent goes once it has no owner left.
func (gc *Collector) attemptToDelete(ctx context.Context, req manager.Request) (manager.Result, error) {
	n, ok := gc.graph.get(req.Name)
	if !ok {
		return manager.Result{}, nil
	}
	if n.waitingForDependents() {
		return manager.Result{}, gc.processDeletingDependents(ctx, n)
	}
	if len(n.owners) == 0 || n.deleting {
		return manager.Result{}, nil
	}
	var solid, dangling, waiting []api.OwnerReference
	for _, ref := range n.owners {
		state, err := gc.ownerState(ctx, n, ref)
		if err != nil {
			return manager.Result{}, err
		}
		switch state {
		case ownerSolid:
			solid = append(solid, ref)
		case ownerGone:
			dangling = append(dangling, ref)
		case ownerWaiting:
			waiting = append(waiting, ref)
		}
	}
	switch {
	case len(solid) > 0:
		if len(dangling)+len(waiting) == 0 {
			return manager.Result{}, nil
		}
		// Other owners remain: only the references to the gone ones go.
		var keep []api.OwnerReference
		for _, ref := range n.owners {
			if slices.ContainsFunc(solid, func(s api.OwnerReference) bool { return s.UID == ref.UID }) {
				keep = append(keep, ref)
			}
		}
		return manager.Result{}, gc.setOwners(ctx, n, keep)
	case len(waiting) > 0 && len(gc.graph.dependents(n.uid)) > 0:
		// An owner waits for us, and we have dependents of our own: they go first.
		return manager.Result{}, gc.delete(ctx, n, api.DeletePropagationForeground)
	default:
		policy := api.DeletePropagationBackground
		switch {
		case n.has(finalizerOrphan):
			policy = api.DeletePropagationOrphan
		case n.has(finalizerForeground):
			policy = api.DeletePropagationForeground
		}
		return manager.Result{}, gc.delete(ctx, n, policy)
	}
}

type ownerStatus int

const (
	ownerSolid ownerStatus = iota
	ownerGone
	ownerWaiting
)

// ownerState finds out whether the owner ref of n exists: from the graph when it is
// there, else by a live read of its uid.
func (gc *Collector) ownerState(ctx context.Context, n node, ref api.OwnerReference) (ownerStatus, error) {
	if o, ok := gc.graph.get(ref.UID); ok {
		if o.waitingForDependents() {
			return ownerWaiting, nil
		}
		return ownerSolid, nil
	}
	gc.mu.Lock()
	gone := gc.absent[ref.UID]
	gc.mu.Unlock()
	if gone {
		return ownerGone, nil
	}
	kind, ok := gc.reg.ByKind(ref.APIVersion, ref.Kind)
	if !ok {
		// A kind this collector does not know: never assume its objects are gone.
		gc.logger.Debug("owner of an unknown kind", zap.String("kind", ref.APIVersion+"/"+ref.Kind), zap.String("dependent", n.namespace+"/"+n.name))
		return ownerSolid, nil
	}
	ns := ""
	if kind.Namespaced {
		ns = n.namespace
	}
	got, err := client.MetadataFor(gc.client, kind).Namespace(ns).Get(ctx, ref.Name)
	switch {
	case client.IsNotFound(err) || (err == nil && got.UID != ref.UID):
		gc.mu.Lock()
		if len(gc.absent) >= absentCap {
			clear(gc.absent)
		}
		gc.absent[ref.UID] = true
		gc.mu.Unlock()
		return ownerGone, nil
	case err != nil:
		return ownerSolid, fmt.Errorf("read owner %s %s/%s: %w", ref.Kind, ns, ref.Name, err)
	case got.DeletionTimestamp != nil && slices.Contains(got.Finalizers, finalizerForeground):
		return ownerWaiting, nil
	}
	return ownerSolid, nil
}

// processDeletingDependents removes the foregroundDeletion finalizer of n once no
// dependent blocks it, and meanwhile makes sure its blocking dependents are going.
func (gc *Collector) processDeletingDependents(ctx context.Context, n node) error {
	var blocking []node
	for _, d := range gc.graph.dependents(n.uid) {
		for _, ref := range d.owners {
			if ref.UID == n.uid && ref.BlockOwnerDeletion != nil && *ref.BlockOwnerDeletion {
				blocking = append(blocking, d)
			}
		}
	}
	if len(blocking) == 0 {
		return gc.removeFinalizer(ctx, n, finalizerForeground)
	}
	for _, d := range blocking {
		if !d.deleting {
			gc.del.Enqueue(manager.Request{Name: d.uid})
		}
	}
	return nil
}

// attemptToOrphan removes the ownerReference to an owner being deleted with orphan
// from each of its dependents, then its orphan finalizer.
func (gc *Collector) attemptToOrphan(ctx context.Context, req manager.Request) (manager.Result, error) {
	n, ok := gc.graph.get(req.Name)
	if !ok || !n.orphaning() {
		return manager.Result{}, nil
	}
	var errs []error
	for _, d := range gc.graph.dependents(n.uid) {
		keep := slices.DeleteFunc(slices.Clone(d.owners), func(r api.OwnerReference) bool { return r.UID == n.uid })
		if err := gc.setOwners(ctx, d, keep); err != nil {
			errs = append(errs, err)
		}
	}
	if len(errs) > 0 {
		return manager.Result{}, errors.Join(errs...)
	}
	return manager.Result{}, gc.removeFinalizer(ctx, n, finalizerOrphan)
}

// metadataPatch is a merge patch of an object's metadata, conditional on its uid and
// resourceVersion.
type metadataPatch struct {
	Metadata struct {
		UID             string                `json:"uid"`
		ResourceVersion string                `json:"resourceVersion"`
		OwnerReferences *[]api.OwnerReference `json:"ownerReferences,omitempty"`
		Finalizers      *[]string             `json:"finalizers,omitempty"`
	} `json:"metadata"`
}

func (gc *Collector) patch(ctx context.Context, n node, p metadataPatch) error {
	p.Metadata.UID, p.Metadata.ResourceVersion = n.uid, n.resourceVersion
	body, err := json.Marshal(p)
	if err != nil {
		return err
	}
	_, err = client.MetadataFor(gc.client, n.kind).Namespace(n.namespace).Patch(ctx, n.name, client.MergePatchType, body)
	if client.IsNotFound(err) {
		return nil
	}
	return err // a Conflict retries with the graph's newer state
}

func (gc *Collector) setOwners(ctx context.Context, n node, refs []api.OwnerReference) error {
	var p metadataPatch
	if refs == nil {
		refs = []api.OwnerReference{}
	}
	p.Metadata.OwnerReferences = &refs
	return gc.patch(ctx, n, p)
}

func (gc *Collector) removeFinalizer(ctx context.Context, n node, finalizer string) error {
	keep := slices.DeleteFunc(slices.Clone(n.finalizers), func(f string) bool { return f == finalizer })
	if keep == nil {
		keep = []string{}
	}
	var p metadataPatch
	p.Metadata.Finalizers = &keep
	return gc.patch(ctx, n, p)
}

// delete deletes n with policy, if it is still the object the graph saw.
func (gc *Collector) delete(ctx context.Context, n node, policy api.DeletionPropagation) error {
	uid, rv := n.uid, n.resourceVersion
	err := client.MetadataFor(gc.client, n.kind).Namespace(n.namespace).Delete(ctx, n.name, &api.DeleteOptions{
		Preconditions:     &api.Preconditions{UID: &uid, ResourceVersion: &rv},
		PropagationPolicy: &policy,
	})
	if client.IsNotFound(err) {
		return nil
	}
	return err
}
