package apiserver

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"time"

	"github.com/orrery-dev/orrery/api"
	"github.com/orrery-dev/orrery/api/labels"
	"github.com/orrery-dev/orrery/api/validation"
	"github.com/orrery-dev/orrery/apiserver/patch"
	"github.com/orrery-dev/orrery/apiserver/storage"
)

// serveBinding binds a pod to a node: spec.nodeName is set once; a second bind, or a
// bind of a pod being deleted, is 409 Conflict.
func (res *resource) serveBinding(ctx context.Context, w http.ResponseWriter, r *http.Request, info requestInfo) {
	b := &api.Binding{}
	if st := res.decodeBody(w, r, b, "Binding", "v1"); st != nil {
		writeStatus(w, st)
		return
	}
	if b.Name == "" {
		b.Name = info.Name
	}
	if b.Namespace == "" {
		b.Namespace = info.Namespace
	}
	if b.Name != info.Name || b.Namespace != info.Namespace {
		writeStatus(w, api.NewBadRequest("the name and namespace of the binding must match the pod's"))
		return
	}
	if errs := validation.ValidateBinding(b); len(errs) > 0 {
		writeStatus(w, errs.ToStatus("", "Binding", b.Name))
		return
	}
	bindingGR := api.GroupResource{Resource: "pods/binding"}
	_, err := res.update(ctx, info, isDryRun(r.URL.Query()), false, func(cur api.Object) (api.Object, error) {
		pod := cur.(*api.Pod)
		if pod.DeletionTimestamp != nil {
			return nil, api.NewConflict(bindingGR, pod.Name, fmt.Sprintf("pod %s is being deleted, cannot be assigned to a host", pod.Name))
		}
		if pod.Spec.NodeName != "" {
			return nil, api.NewConflict(bindingGR, pod.Name, fmt.Sprintf("pod %s is already assigned to node %q", pod.Name, pod.Spec.NodeName))
		}
		if uid := b.UID; uid != "" && uid != pod.UID {
			return nil, api.NewConflict(bindingGR, pod.Name, fmt.Sprintf("Precondition failed: UID in precondition: %v, UID in object meta: %v", uid, pod.UID))
		}
		pod.Spec.NodeName = b.Target.Name
		setPodCondition(pod, api.PodCondition{Type: api.PodScheduled, Status: api.ConditionTrue, LastTransitionTime: api.NewTime(res.now())})
		return pod, nil
	})
	if err != nil {
		writeStatus(w, res.errStatus(err, info.Name))
		return
	}
	writeJSON(w, http.StatusCreated, withKind(api.NewSuccessStatus(nil)))
}

func setPodCondition(pod *api.Pod, c api.PodCondition) {
	for i := range pod.Status.Conditions {
		if pod.Status.Conditions[i].Type == c.Type {
			if pod.Status.Conditions[i].Status == c.Status {
				c.LastTransitionTime = pod.Status.Conditions[i].LastTransitionTime
			}
			pod.Status.Conditions[i] = c
			return
		}
	}
	pod.Status.Conditions = append(pod.Status.Conditions, c)
}

// scaleOf is the Scale view of an object of a kind with a scale subresource.
func (res *resource) scaleOf(obj api.Object) (*api.Scale, error) {
	m := obj.GetObjectMeta()
	sc := &api.Scale{ObjectMeta: api.ObjectMeta{
		Name: m.Name, Namespace: m.Namespace, UID: m.UID, ResourceVersion: m.ResourceVersion,
		CreationTimestamp: m.CreationTimestamp,
	}}
	sc.Kind, sc.APIVersion = "Scale", "autoscaling/v1"
	spec, status, selector := res.kind.Replicas(obj)
	sc.Spec.Replicas, sc.Status.Replicas = spec, status
	sel, err := labels.FromLabelSelector(selector)
	if err != nil {
		return nil, err
	}
	sc.Status.Selector = sel.String()
	return sc, nil
}

// serveScale reads and writes an object's replicas through its Scale (kinds with a
// scale subresource: ReplicaSets, Deployments).
func (res *resource) serveScale(ctx context.Context, w http.ResponseWriter, r *http.Request, info requestInfo) {
	var change func(cur *api.Scale) (*api.Scale, error)
	switch info.Verb {
	case "get":
		obj, err := res.store.Get(ctx, res.key(info), storage.GetOptions{ResourceVersion: r.URL.Query().Get("resourceVersion")})
		if err != nil {
			writeStatus(w, res.errStatus(err, info.Name))
			return
		}
		sc, err := res.scaleOf(obj)
		if err != nil {
			writeStatus(w, api.NewInternalError(err))
			return
		}
		writeJSON(w, http.StatusOK, sc)
		return
	case "update":
		want := &api.Scale{}
		if st := res.decodeBody(w, r, want, "Scale", "autoscaling/v1"); st != nil {
			writeStatus(w, st)
			return
		}
		change = func(*api.Scale) (*api.Scale, error) { return want, nil }
	case "patch":
		apply, st := patchFunc(r.Header.Get("Content-Type"), patch.SchemaOf(nil))
		if st != nil {
			writeStatus(w, st)
			return
		}
		body, st := res.readBody(w, r)
		if st != nil {
			writeStatus(w, st)
			return
		}
		change = func(cur *api.Scale) (*api.Scale, error) {
			patched, err := patchObject(cur, body, apply)
			if err != nil {
				return nil, err
			}
			out := &api.Scale{}
			if err := json.Unmarshal(patched, out); err != nil {
				return nil, api.NewBadRequest(fmt.Sprintf("the patched object could not be decoded: %v", err))
			}
			return out, nil
		}
	default:
		methodNotAllowed(w)
		return
	}
	out, err := res.update(ctx, info, isDryRun(r.URL.Query()), false, func(cur api.Object) (api.Object, error) {
		obj := deepCopy(cur)
		sc, err := res.scaleOf(obj)
		if err != nil {
			return nil, err
		}
		want, err := change(sc)
		if err != nil {
			return nil, err
		}
		if want.Name == "" {
			want.Name = info.Name
		}
		if want.Namespace == "" {
			want.Namespace = info.Namespace
		}
		if errs := validation.ValidateScale(want); len(errs) > 0 {
			return nil, errs.ToStatus("autoscaling", "Scale", info.Name)
		}
		if want.ResourceVersion != "" && want.ResourceVersion != sc.ResourceVersion {
			return nil, api.NewConflict(res.gr, info.Name, api.ConflictMessage)
		}
		res.kind.SetReplicas(obj, want.Spec.Replicas)
		return res.applyUpdate(obj, cur, false)
	})
	if err != nil {
		writeStatus(w, res.errStatus(err, info.Name))
		return
	}
	sc, err := res.scaleOf(out)
	if err != nil {
		writeStatus(w, api.NewInternalError(err))
		return
	}
	writeJSON(w, http.StatusOK, sc)
}

// serveFinalize updates a namespace's spec.finalizers, and nothing else: it is how the
// namespace controller says it has emptied a terminating namespace. A terminating
// namespace left without finalizers is deleted.
func (res *resource) serveFinalize(ctx context.Context, w http.ResponseWriter, r *http.Request, info requestInfo) {
	want := &api.Namespace{}
	if st := res.decodeBody(w, r, want, "Namespace", "v1"); st != nil {
		writeStatus(w, st)
		return
	}
	if st := res.checkIdentity(want, info); st != nil {
		writeStatus(w, st)
		return
	}
	out, err := res.update(ctx, info, isDryRun(r.URL.Query()), false, func(cur api.Object) (api.Object, error) {
		ns := deepCopy(cur).(*api.Namespace)
		if rv := want.ResourceVersion; rv != "" && rv != ns.ResourceVersion {
			return nil, api.NewConflict(res.gr, info.Name, api.ConflictMessage)
		}
		ns.Spec.Finalizers = want.Spec.Finalizers
		if errs := validation.ValidateNamespace(ns); len(errs) > 0 {
			return nil, invalid(res.kind, info.Name, errs.Causes())
		}
		return ns, nil
	})
	if err != nil {
		writeStatus(w, res.errStatus(err, info.Name))
		return
	}
	res.writeObject(w, r, http.StatusOK, out)
}

// serveEviction evicts a pod (POST pods/{name}/eviction, policy/v1 Eviction): the pod
// is deleted, with the eviction's delete options, if the PodDisruptionBudget that
// covers it allows one more disruption (which it records); otherwise 429 with
// Kubernetes' message, which kubectl drain retries. Pods that are not running (pending,
// finished, already being deleted) are evicted whatever the budget.
func (res *resource) serveEviction(ctx context.Context, w http.ResponseWriter, r *http.Request, info requestInfo) {
	ev := &api.Eviction{}
	if st := res.decodeBody(w, r, ev, "Eviction", "policy/v1"); st != nil {
		writeStatus(w, st)
		return
	}
	if ev.Name == "" {
		ev.Name = info.Name
	}
	if ev.Name != info.Name || (ev.Namespace != "" && ev.Namespace != info.Namespace) {
		writeStatus(w, api.NewBadRequest("name in URL does not match name in Eviction object"))
		return
	}
	cur, err := res.store.Get(ctx, res.key(info), storage.GetOptions{})
	if err != nil {
		writeStatus(w, res.errStatus(err, info.Name))
		return
	}
	pod := cur.(*api.Pod)
	opts := ev.DeleteOptions
	if opts == nil {
		opts = &api.DeleteOptions{}
	}
	ignoreBudget := pod.DeletionTimestamp != nil || pod.Status.Phase == api.PodPending ||
		pod.Status.Phase == api.PodSucceeded || pod.Status.Phase == api.PodFailed
	if pdbs, ok := res.s.resources["policy/poddisruptionbudgets"]; ok && !ignoreBudget {
		if st := pdbs.allowEviction(ctx, pod, res.now()); st != nil {
			writeStatus(w, st)
			return
		}
	}
	if _, _, err := res.delete(ctx, res.key(info), opts); err != nil && !storage.IsNotFound(err) {
		writeStatus(w, res.errStatus(err, info.Name))
		return
	}
	st := withKind(api.NewSuccessStatus(nil))
	st.Code = http.StatusCreated
	writeJSON(w, http.StatusCreated, st)
}

// allowEviction checks the budgets (res is poddisruptionbudgets) covering pod and, if
// one more disruption is allowed, records it in the budget's status; it returns the
// refusal otherwise.
func (res *resource) allowEviction(ctx context.Context, pod *api.Pod, now time.Time) *api.Status {
	list, err := res.store.List(ctx, storage.NamespacePrefix(pod.Namespace), storage.ListOptions{})
	if err != nil {
		return res.errStatus(err, "")
	}
	var matching []*api.PodDisruptionBudget
	for _, obj := range list.Items {
		pdb := obj.(*api.PodDisruptionBudget)
		sel, err := labels.FromLabelSelector(pdb.Spec.Selector)
		if err != nil || sel.Empty() || !sel.Matches(labels.Set(pod.Labels)) {
			continue
		}
		matching = append(matching, pdb)
	}
	switch len(matching) {
	case 0:
		return nil
	case 1:
	default:
		return api.NewInternalError(errors.New("This pod has more than one PodDisruptionBudget, which the eviction subresource does not support."))
	}
	pdb := matching[0]
	refuse := func(cause string) *api.Status {
		st := api.NewTooManyRequests("Cannot evict pod as it would violate the pod's disruption budget.", 0)
		if st.Details == nil {
			st.Details = &api.StatusDetails{}
		}
		st.Details.Causes = append(st.Details.Causes, api.StatusCause{Type: "DisruptionBudget", Message: cause})
		return st
	}
	_, err = res.store.GuaranteedUpdate(ctx, storage.ObjectKey(pdb.Namespace, pdb.Name), storage.UpdateOptions{}, func(obj api.Object) (api.Object, error) {
		p := obj.(*api.PodDisruptionBudget)
		if p.Status.ObservedGeneration < p.Generation {
			return nil, refuse(fmt.Sprintf("The disruption budget %s is still being processed by the server.", p.Name))
		}
		if p.Status.DisruptionsAllowed <= 0 {
			return nil, refuse(fmt.Sprintf("The disruption budget %s needs %d healthy pods and has %d currently", p.Name, p.Status.DesiredHealthy, p.Status.CurrentHealthy))
		}
		p.Status.DisruptionsAllowed--
		if p.Status.DisruptedPods == nil {
			p.Status.DisruptedPods = map[string]api.Time{}
		}
		p.Status.DisruptedPods[pod.Name] = api.NewTime(now)
		return p, nil
	})
	var st *api.Status
	if errors.As(err, &st) {
		return st
	}
	if err != nil {
		return res.errStatus(err, pdb.Name)
	}
	return nil
}
