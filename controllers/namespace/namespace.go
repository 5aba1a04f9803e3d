// Package namespace is the namespace controller: once a namespace is being deleted
// (phase Terminating), it deletes every namespaced object of every kind served in it,
// waits until they are gone (pods finish their graceful deletion, finalizers are
// removed), reporting progress in the namespace's conditions as Kubernetes does, then
// removes the "kubernetes" finalizer through namespaces/{name}/finalize so that the
// namespace goes.
package namespace

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/orrery-dev/orrery/api"
	"github.com/orrery-dev/orrery/client"
	"github.com/orrery-dev/orrery/manager"
)

// Name is the controller's name.
const Name = "namespace-controller"

// Options configure the controller.
type Options struct {
	// Workers is how many namespaces are deleted at once. Zero means 10
	// (--concurrent-namespace-syncs).
	Workers int
	// RecheckAfter is how long to wait before looking again at content that remains.
	// Zero means 2 seconds.
	RecheckAfter time.Duration
	// DeleteBudget bounds how long one reconcile spends deleting a namespace's
	// content; what it has not reached by then, the next reconcile (at once) goes on
	// with. A namespace of thousands of objects is thus deleted in slices, and never
	// holds up the controller's stop for longer than this. Zero means 3 seconds.
	DeleteBudget time.Duration
}

// errBudgetSpent reports that a reconcile stopped deleting when its budget ran out.
var errBudgetSpent = errors.New("the reconcile's deletion budget is spent")

// Controller is the namespace controller.
type Controller struct {
	opts       Options
	client     *client.Client
	namespaces *manager.Client[*api.Namespace]
}

// Setup adds the controller to m.
func Setup(m *manager.Manager, opts Options) (*Controller, error) {
	if opts.Workers <= 0 {
		opts.Workers = 10
	}
	if opts.RecheckAfter <= 0 {
		opts.RecheckAfter = 2 * time.Second
	}
	if opts.DeleteBudget <= 0 {
		opts.DeleteBudget = 3 * time.Second
	}
	c := &Controller{opts: opts, client: m.Client()}
	var err error
	if c.namespaces, err = manager.NewClient[*api.Namespace](m, manager.Scope{}); err != nil {
		return nil, err
	}
	ctrl, err := manager.NewController(m, Name, c, manager.ControllerOptions{MaxConcurrentReconciles: opts.Workers})
	if err != nil {
		return nil, err
	}
	deleting := func(ns *api.Namespace) bool { return ns.DeletionTimestamp != nil }
	return c, manager.For[*api.Namespace](ctrl, manager.WithPredicates(manager.Funcs[*api.Namespace]{
		CreateFunc: deleting,
		UpdateFunc: func(_, ns *api.Namespace) bool { return deleting(ns) },
		DeleteFunc: func(*api.Namespace) bool { return false },
	}))
}

// Reconcile deletes the content of a namespace being deleted.
func (c *Controller) Reconcile(ctx context.Context, req manager.Request) (manager.Result, error) {
	ns, err := c.namespaces.Get(ctx, "", req.Name)
	if client.IsNotFound(err) {
		return manager.Result{}, nil
	}
	if err != nil {
		return manager.Result{}, err
	}
	if ns.DeletionTimestamp == nil || !slices.Contains(ns.Spec.Finalizers, api.FinalizerKubernetes) {
		return manager.Result{}, nil
	}
	remaining, deleteErr := c.deleteContent(ctx, ns.Name)
	if errors.Is(deleteErr, errBudgetSpent) {
		// Not all content was reached, so what remains is not known yet: go on at
		// once, in a reconcile of its own.
		return manager.Result{RequeueAfter: time.Millisecond}, nil
	}
	if err := c.setConditions(ctx, ns, remaining, deleteErr); err != nil {
		return manager.Result{}, err
	}
	if deleteErr != nil {
		return manager.Result{}, deleteErr
	}
	if remaining.objects() > 0 {
		return manager.Result{RequeueAfter: c.opts.RecheckAfter}, nil
	}
	return manager.Result{}, c.finalize(ctx, ns)
}

// remaining counts what is left in a namespace, by resource and by finalizer.
type remaining struct {
	byResource  map[string]int
	byFinalizer map[string]int
}

func (r remaining) objects() int {
	n := 0
	for _, v := range r.byResource {
		n += v
	}
	return n
}

// deleteContent deletes every namespaced object of ns, in the background, and counts
// what remains. It returns errBudgetSpent when the budget ran out first.
func (c *Controller) deleteContent(parent context.Context, ns string) (remaining, error) {
	left := remaining{byResource: map[string]int{}, byFinalizer: map[string]int{}}
	ctx, cancel := context.WithTimeout(parent, c.opts.DeleteBudget)
	defer cancel()
	spent := func() error {
		if parent.Err() == nil && ctx.Err() != nil {
			return errBudgetSpent
		}
		return ctx.Err()
	}
	var errs []error
	background := api.DeletePropagationBackground
	for _, kind := range c.client.Registry().Kinds() {
		if err := spent(); err != nil {
			return left, err // the next reconcile goes on
		}
		if !kind.Namespaced || !slices.Contains(kind.Verbs, "list") {
			continue
		}
		mc := client.MetadataFor(c.client, kind).Namespace(ns)
		if slices.Contains(kind.Verbs, "deletecollection") {
			if err := mc.DeleteCollection(ctx, &api.DeleteOptions{PropagationPolicy: &background}, client.ListOptions{}); err != nil && !client.IsNotFound(err) {
				if err := spent(); err != nil {
					return left, err
				}
				errs = append(errs, fmt.Errorf("%s: %w", kind.GroupResource(), err))
				continue
			}
		}
		list, err := mc.List(ctx, client.ListOptions{})
		if err != nil {
			if err := spent(); err != nil {
				return left, err
			}
			errs = append(errs, fmt.Errorf("%s: %w", kind.GroupResource(), err))
			continue
		}
		for _, o := range list.Items {
			if err := spent(); err != nil {
				return left, err
			}
			if o.DeletionTimestamp == nil && slices.Contains(kind.Verbs, "delete") {
				if err := mc.Delete(ctx, o.Name, &api.DeleteOptions{PropagationPolicy: &background}); err != nil && !client.IsNotFound(err) {
					if err := spent(); err != nil {
						return left, err
					}
					errs = append(errs, fmt.Errorf("%s %s: %w", kind.GroupResource(), o.Name, err))
				}
			}
			left.byResource[resourceName(kind)]++
			for _, f := range o.Finalizers {
				left.byFinalizer[f]++
			}
		}
	}
	return left, errors.Join(errs...)
}

// resourceName is how Kubernetes names a resource in namespace conditions: "pods.",
// "replicasets.apps".
func resourceName(kind api.KindInfo) string { return kind.Resource + "." + kind.Group }

// setConditions writes the namespace's deletion conditions.
func (c *Controller) setConditions(ctx context.Context, ns *api.Namespace, left remaining, deleteErr error) error {
	now := api.NewTime(time.Now())
	cond := func(t string, ok bool, reasonOK, msgOK, reasonBad, msgBad string) api.NamespaceCondition {
		if ok {
			return api.NamespaceCondition{Type: t, Status: api.ConditionFalse, Reason: reasonOK, Message: msgOK, LastTransitionTime: now}
		}
		return api.NamespaceCondition{Type: t, Status: api.ConditionTrue, Reason: reasonBad, Message: msgBad, LastTransitionTime: now}
	}
	contentErr := ""
	if deleteErr != nil {
		contentErr = "Failed to delete all resource types: " + deleteErr.Error()
	}
	want := []api.NamespaceCondition{
		cond("NamespaceDeletionDiscoveryFailure", true, "ResourcesDiscovered", "All resources successfully discovered", "", ""),
		cond("NamespaceDeletionGroupVersionParsingFailure", true, "ParsedGroupVersions", "All legacy kube types successfully parsed", "", ""),
		cond("NamespaceDeletionContentFailure", deleteErr == nil, "ContentDeleted", "All content successfully deleted, may be waiting on finalization", "ContentDeletionFailed", contentErr),
		cond("NamespaceContentRemaining", left.objects() == 0, "ContentRemoved", "All content successfully removed", "SomeResourcesRemain",
			"Some resources are remaining: "+summary(left.byResource, "has")),
		cond("NamespaceFinalizersRemaining", len(left.byFinalizer) == 0, "ContentHasNoFinalizers", "All content-preserving finalizers finished", "SomeFinalizersRemain",
			"Some content in the namespace has finalizers remaining: "+summary(left.byFinalizer, "in")),
	}
	cp := ns.DeepCopy()
	changed := false
	for _, w := range want {
		i := slices.IndexFunc(cp.Status.Conditions, func(c api.NamespaceCondition) bool { return c.Type == w.Type })
		switch {
		case i < 0:
			cp.Status.Conditions = append(cp.Status.Conditions, w)
			changed = true
		case cp.Status.Conditions[i].Status != w.Status || cp.Status.Conditions[i].Reason != w.Reason || cp.Status.Conditions[i].Message != w.Message:
			if cp.Status.Conditions[i].Status == w.Status {
				w.LastTransitionTime = cp.Status.Conditions[i].LastTransitionTime
			}
			cp.Status.Conditions[i] = w
			changed = true
		}
	}
	if !changed {
		return nil
	}
	_, err := c.namespaces.UpdateStatus(ctx, cp)
	return err
}

// summary writes counts as Kubernetes does: "pods. has 2 resource instances" (verb
// "has"), "example.com/hold in 1 resource instances" (verb "in").
func summary(counts map[string]int, verb string) string {
	keys := make([]string, 0, len(counts))
	for k := range counts {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	parts := make([]string, len(keys))
	for i, k := range keys {
		parts[i] = fmt.Sprintf("%s %s %d resource instances", k, verb, counts[k])
	}
	return strings.Join(parts, ", ")
}

// finalize removes the kubernetes finalizer through namespaces/{name}/finalize.
func (c *Controller) finalize(ctx context.Context, ns *api.Namespace) error {
	cp := ns.DeepCopy()
	cp.Spec.Finalizers = slices.DeleteFunc(cp.Spec.Finalizers, func(f api.FinalizerName) bool { return f == api.FinalizerKubernetes })
	cp.Kind, cp.APIVersion = "Namespace", "v1"
	body, err := json.Marshal(cp)
	if err != nil {
		return err
	}
	_, err = c.client.Do(ctx, client.Request{Method: http.MethodPut, Path: "/api/v1/namespaces/" + url.PathEscape(ns.Name) + "/finalize", Body: body})
	if client.IsNotFound(err) {
		return nil
	}
	return err
}
