package namespace_test

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	"go.uber.org/goleak"

	"github.com/orrery-dev/orrery/api"
	"github.com/orrery-dev/orrery/client"
	"github.com/orrery-dev/orrery/controllers/namespace"
	"github.com/orrery-dev/orrery/envtest"
	"github.com/orrery-dev/orrery/internal/testutil/controllertest"
	"github.com/orrery-dev/orrery/manager"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

// TestDeleteNamespace deletes a namespace with 1,000 objects of several kinds, one of
// them held by a finalizer: the namespace reports what remains, and goes once the
// finalizer is removed, leaving nothing behind. With a deletion budget far too small
// for 1,000 objects, the same happens in slices, each reconcile going on where the
// last stopped.
func TestDeleteNamespace(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name      string
		opts      namespace.Options
		minSlices float64
	}{
		{"in one reconcile", namespace.Options{}, 0},
		{"in slices", namespace.Options{DeleteBudget: 100 * time.Millisecond}, 3},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			testDeleteNamespace(t, tc.opts, tc.minSlices)
		})
	}
}

func testDeleteNamespace(t *testing.T, opts namespace.Options, minSlices float64) {
	env := envtest.Start(t, envtest.Options{})
	m := controllertest.Run(t, env.Config(), func(m *manager.Manager) error { _, err := namespace.Setup(m, opts); return err })
	c := env.Client()
	ctx := context.Background()
	nss := client.Resource[*api.Namespace](c)
	if _, err := nss.Create(ctx, &api.Namespace{ObjectMeta: api.ObjectMeta{Name: "doomed"}}); err != nil {
		t.Fatal(err)
	}
	const objects = 1000
	pods := client.Resource[*api.Pod](c).Namespace("doomed")
	rsets := client.Resource[*api.ReplicaSet](c).Namespace("doomed")
	leases := client.Resource[*api.Lease](c).Namespace("doomed")
	var wg sync.WaitGroup
	for w := range 8 {
		wg.Go(func() {
			for i := w; i < objects; i += 8 {
				var err error
				switch i % 10 {
				case 0, 1:
					_, err = rsets.Create(ctx, &api.ReplicaSet{ObjectMeta: api.ObjectMeta{Name: fmt.Sprintf("rs-%d", i)},
						Spec: api.ReplicaSetSpec{Replicas: new(int32), Selector: &api.LabelSelector{MatchLabels: map[string]string{"a": "b"}},
							Template: api.PodTemplateSpec{ObjectMeta: api.ObjectMeta{Labels: map[string]string{"a": "b"}},
								Spec: api.PodSpec{Containers: []api.Container{{Name: "c", Image: "i"}}}}}})
				case 2:
					_, err = leases.Create(ctx, &api.Lease{ObjectMeta: api.ObjectMeta{Name: fmt.Sprintf("lease-%d", i)}})
				default:
					p := &api.Pod{ObjectMeta: api.ObjectMeta{Name: fmt.Sprintf("pod-%d", i)},
						Spec: api.PodSpec{Containers: []api.Container{{Name: "c", Image: "i"}}}}
					if i == 3 {
						p.Finalizers = []string{"example.com/hold"}
					}
					_, err = pods.Create(ctx, p)
				}
				if err != nil {
					t.Error(err)
					return
				}
			}
		})
	}
	wg.Wait()
	if err := nss.Delete(ctx, "doomed", nil); err != nil {
		t.Fatal(err)
	}
	condition := func(ns *api.Namespace, ty string) api.NamespaceCondition {
		for _, c := range ns.Status.Conditions {
			if c.Type == ty {
				return c
			}
		}
		return api.NamespaceCondition{}
	}
	var last *api.Namespace
	controllertest.Eventually(t, func() string { return fmt.Sprintf("%+v", last.Status) }, func() bool {
		ns, err := nss.Get(ctx, "doomed")
		if err != nil {
			return false
		}
		last = ns
		f := condition(ns, "NamespaceFinalizersRemaining")
		r := condition(ns, "NamespaceContentRemaining")
		return ns.Status.Phase == api.NamespaceTerminating && f.Status == api.ConditionTrue &&
			f.Message == "Some content in the namespace has finalizers remaining: example.com/hold in 1 resource instances" &&
			r.Message == "Some resources are remaining: pods. has 1 resource instances" &&
			condition(ns, "NamespaceDeletionContentFailure").Reason == "ContentDeleted"
	})
	// Each slice ends with a requeue (as does each wait for the finalizer).
	if slices := requeues(t, m); slices < minSlices {
		t.Errorf("the content was deleted in %v reconciles that stopped short, want at least %v", slices, minSlices)
	}
	if _, err := pods.Patch(ctx, "pod-3", client.MergePatchType, []byte(`{"metadata":{"finalizers":null}}`)); err != nil {
		t.Fatal(err)
	}
	controllertest.Eventually(t, func() string { return "the namespace goes" }, func() bool {
		_, err := nss.Get(ctx, "doomed")
		return client.IsNotFound(err)
	})
	for _, n := range []int{count(t, c, pods), count(t, c, rsets), count(t, c, leases)} {
		if n != 0 {
			t.Errorf("%d objects left behind", n)
		}
	}
}

// requeues is how many of the namespace controller's reconciles asked to go on later.
func requeues(t *testing.T, m *manager.Manager) float64 {
	t.Helper()
	families, err := m.Registry().Gather()
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range families {
		if f.GetName() != "controller_runtime_reconcile_total" {
			continue
		}
		for _, metric := range f.GetMetric() {
			labels := map[string]string{}
			for _, l := range metric.GetLabel() {
				labels[l.GetName()] = l.GetValue()
			}
			if labels["controller"] == namespace.Name && labels["result"] == "requeue_after" {
				return metric.GetCounter().GetValue()
			}
		}
	}
	return 0
}

func count[T api.Object](t *testing.T, _ *client.Client, rc *client.ResourceClient[T]) int {
	t.Helper()
	l, err := rc.List(t.Context(), client.ListOptions{})
	if err != nil {
		t.Fatal(err)
	}
	return len(l.Items)
}
