package garbagecollector_test

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	"go.uber.org/goleak"

	"github.com/orrery-dev/orrery/api"
	"github.com/orrery-dev/orrery/client"
	"github.com/orrery-dev/orrery/controllers/deployment"
	"github.com/orrery-dev/orrery/controllers/garbagecollector"
	"github.com/orrery-dev/orrery/controllers/internal/podutil"
	"github.com/orrery-dev/orrery/controllers/replicaset"
	"github.com/orrery-dev/orrery/envtest"
	"github.com/orrery-dev/orrery/internal/testutil/controllertest"
	"github.com/orrery-dev/orrery/manager"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

func start(t *testing.T) *client.Client {
	t.Helper()
	env := envtest.Start(t, envtest.Options{})
	controllertest.Run(t, env.Config(),
		func(m *manager.Manager) error { _, err := replicaset.Setup(m, replicaset.Options{}); return err },
		func(m *manager.Manager) error { _, err := deployment.Setup(m, deployment.Options{}); return err },
		func(m *manager.Manager) error {
			_, err := garbagecollector.Setup(m, garbagecollector.Options{})
			return err
		})
	return env.Client()
}

func newDeployment(name string, replicas int32) *api.Deployment {
	return &api.Deployment{
		ObjectMeta: api.ObjectMeta{Name: name, Namespace: "default"},
		Spec: api.DeploymentSpec{
			Replicas: &replicas,
			Selector: &api.LabelSelector{MatchLabels: map[string]string{"app": name}},
			Template: api.PodTemplateSpec{ObjectMeta: api.ObjectMeta{Labels: map[string]string{"app": name}},
				Spec: api.PodSpec{Containers: []api.Container{{Name: "app", Image: "nginx"}}}},
		},
	}
}

func count[T api.Object](t *testing.T, c *client.Client, selector string) int {
	t.Helper()
	l, err := client.Resource[T](c).Namespace("default").List(t.Context(), client.ListOptions{LabelSelector: selector})
	if err != nil {
		t.Fatal(err)
	}
	return len(l.Items)
}

// TestCascadingDeletes deletes a deployment (with its replica set and pods) in each
// propagation mode, as kubectl delete --cascade=background|foreground|orphan does.
func TestCascadingDeletes(t *testing.T) {
	t.Parallel()
	c := start(t)
	ctx := t.Context()
	ds := client.Resource[*api.Deployment](c).Namespace("default")
	for _, policy := range []api.DeletionPropagation{api.DeletePropagationBackground, api.DeletePropagationForeground, api.DeletePropagationOrphan} {
		name := map[api.DeletionPropagation]string{api.DeletePropagationBackground: "bg", api.DeletePropagationForeground: "fg", api.DeletePropagationOrphan: "orphan"}[policy]
		sel := "app=" + name
		if _, err := ds.Create(ctx, newDeployment(name, 3)); err != nil {
			t.Fatal(err)
		}
		controllertest.Eventually(t, func() string { return name + ": 3 pods" }, func() bool {
			return count[*api.Pod](t, c, sel) == 3 && count[*api.ReplicaSet](t, c, sel) == 1
		})
		p := policy
		if err := ds.Delete(ctx, name, &api.DeleteOptions{PropagationPolicy: &p}); err != nil {
			t.Fatal(err)
		}
		switch policy {
		case api.DeletePropagationOrphan:
			controllertest.Eventually(t, func() string { return "orphaned replica set" }, func() bool {
				l, err := client.Resource[*api.ReplicaSet](c).Namespace("default").List(ctx, client.ListOptions{LabelSelector: sel})
				if err != nil || len(l.Items) != 1 {
					return false
				}
				_, err = ds.Get(ctx, name)
				return client.IsNotFound(err) && len(l.Items[0].OwnerReferences) == 0
			})
			if n := count[*api.Pod](t, c, sel); n != 3 {
				t.Errorf("orphan: %d pods left, want the 3 of the orphaned replica set", n)
			}
		case api.DeletePropagationForeground:
			// The deployment stays, marked, until its replica set and pods are gone.
			controllertest.Eventually(t, func() string { return "foreground delete" }, func() bool {
				_, err := ds.Get(ctx, name)
				return client.IsNotFound(err)
			})
			if n, r := count[*api.Pod](t, c, sel), count[*api.ReplicaSet](t, c, sel); n+r != 0 {
				t.Errorf("foreground: the deployment went before its dependents (%d pods, %d replica sets left)", n, r)
			}
		default:
			controllertest.Eventually(t, func() string { return "background delete" }, func() bool {
				return count[*api.Pod](t, c, sel) == 0 && count[*api.ReplicaSet](t, c, sel) == 0
			})
		}
	}
}

// TestForegroundWaitsForBlockingDependents: an owner deleted in the foreground stays
// (with its finalizer) while a dependent that blocks it remains.
func TestForegroundWaitsForBlockingDependents(t *testing.T) {
	t.Parallel()
	env := envtest.Start(t, envtest.Options{})
	controllertest.Run(t, env.Config(),
		func(m *manager.Manager) error {
			_, err := garbagecollector.Setup(m, garbagecollector.Options{})
			return err
		})
	c := env.Client()
	ctx := t.Context()
	rs, err := client.Resource[*api.ReplicaSet](c).Namespace("default").Create(ctx, &api.ReplicaSet{
		ObjectMeta: api.ObjectMeta{Name: "owner", Namespace: "default"},
		Spec: api.ReplicaSetSpec{Replicas: new(int32), Selector: &api.LabelSelector{MatchLabels: map[string]string{"a": "b"}},
			Template: api.PodTemplateSpec{ObjectMeta: api.ObjectMeta{Labels: map[string]string{"a": "b"}},
				Spec: api.PodSpec{Containers: []api.Container{{Name: "c", Image: "i"}}}}},
	})
	if err != nil {
		t.Fatal(err)
	}
	ref := podutil.NewControllerRef(rs, client.Resource[*api.ReplicaSet](c).Kind())
	pods := client.Resource[*api.Pod](c).Namespace("default")
	// A dependent held by a finalizer of someone else's: it is marked, not gone.
	if _, err := pods.Create(ctx, &api.Pod{ObjectMeta: api.ObjectMeta{Name: "held", Namespace: "default",
		OwnerReferences: []api.OwnerReference{ref}, Finalizers: []string{"example.com/hold"}},
		Spec: api.PodSpec{Containers: []api.Container{{Name: "c", Image: "i"}}}}); err != nil {
		t.Fatal(err)
	}
	fg := api.DeletePropagationForeground
	if err := client.Resource[*api.ReplicaSet](c).Namespace("default").Delete(ctx, "owner", &api.DeleteOptions{PropagationPolicy: &fg}); err != nil {
		t.Fatal(err)
	}
	controllertest.Eventually(t, func() string { return "the held pod marked for deletion" }, func() bool {
		p, err := pods.Get(ctx, "held")
		return err == nil && p.DeletionTimestamp != nil
	})
	got, err := client.Resource[*api.ReplicaSet](c).Namespace("default").Get(ctx, "owner")
	if err != nil || got.DeletionTimestamp == nil {
		t.Fatalf("the owner went while its blocking dependent remains: %v", err)
	}
	if _, err := pods.Patch(ctx, "held", client.MergePatchType, []byte(`{"metadata":{"finalizers":null}}`)); err != nil {
		t.Fatal(err)
	}
	controllertest.Eventually(t, func() string { return "the owner goes" }, func() bool {
		_, err := client.Resource[*api.ReplicaSet](c).Namespace("default").Get(ctx, "owner")
		return client.IsNotFound(err)
	})
}

// TestManyDependents deletes an owner of 1,000 pods in the background: none is left.
// Only the collector runs (a ReplicaSet controller would release pods its selector
// does not match).
func TestManyDependents(t *testing.T) {
	t.Parallel()
	env := envtest.Start(t, envtest.Options{})
	controllertest.Run(t, env.Config(),
		func(m *manager.Manager) error {
			_, err := garbagecollector.Setup(m, garbagecollector.Options{})
			return err
		})
	c := env.Client()
	n := 1000
	if testing.Short() {
		n = 200
	}
	deleteOwnerOf(t, c, n)
}

// BenchmarkCollect measures the time from deleting an owner of 10,000 pods until the
// last of them is gone:
//
//	go test -run '^$' -bench Collect -benchtime 1x ./controllers/garbagecollector/
func BenchmarkCollect(b *testing.B) {
	for range b.N {
		env := envtest.Start(b, envtest.Options{})
		controllertest.Run(b, env.Config(),
			func(m *manager.Manager) error {
				_, err := garbagecollector.Setup(m, garbagecollector.Options{})
				return err
			})
		took := deleteOwnerOf(b, env.Client(), 10000)
		b.ReportMetric(took.Seconds(), "s/10k-dependents")
		b.ReportMetric(10000/took.Seconds(), "deletes/s")
	}
}

// deleteOwnerOf creates a replica set owning n pods (the ReplicaSet controller is
// not needed: the pods are made here), deletes it, waits for the pods to go, and
// returns how long that took.
func deleteOwnerOf(t testing.TB, c *client.Client, n int) time.Duration {
	ctx := context.Background()
	rs, err := client.Resource[*api.ReplicaSet](c).Namespace("default").Create(ctx, &api.ReplicaSet{
		ObjectMeta: api.ObjectMeta{Name: "many", Namespace: "default"},
		Spec: api.ReplicaSetSpec{Replicas: new(int32), Selector: &api.LabelSelector{MatchLabels: map[string]string{"x": "unused"}},
			Template: api.PodTemplateSpec{ObjectMeta: api.ObjectMeta{Labels: map[string]string{"x": "unused"}},
				Spec: api.PodSpec{Containers: []api.Container{{Name: "c", Image: "i"}}}}},
	})
	if err != nil {
		t.Fatal(err)
	}
	ref := podutil.NewControllerRef(rs, client.Resource[*api.ReplicaSet](c).Kind())
	pods := client.Resource[*api.Pod](c).Namespace("default")
	var wg sync.WaitGroup
	for w := range 8 {
		wg.Go(func() {
			for i := w; i < n; i += 8 {
				if _, err := pods.Create(ctx, &api.Pod{ObjectMeta: api.ObjectMeta{Name: fmt.Sprintf("dep-%d", i), Namespace: "default",
					Labels: map[string]string{"gc": "many"}, OwnerReferences: []api.OwnerReference{ref}},
					Spec: api.PodSpec{Containers: []api.Container{{Name: "c", Image: "i"}}}}); err != nil {
					t.Error(err)
					return
				}
			}
		})
	}
	wg.Wait()
	start := time.Now()
	if err := client.Resource[*api.ReplicaSet](c).Namespace("default").Delete(ctx, "many", nil); err != nil {
		t.Fatal(err)
	}
	controllertest.Eventually(t, func() string { return "the dependents go" }, func() bool {
		l, err := pods.List(ctx, client.ListOptions{LabelSelector: "gc=many", Limit: 1})
		return err == nil && len(l.Items) == 0
	})
	return time.Since(start)
}
