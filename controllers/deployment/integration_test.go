package deployment_test

import (
	"fmt"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"testing"

	"go.uber.org/goleak"

	"github.com/orrery-dev/orrery/api"
	"github.com/orrery-dev/orrery/client"
	"github.com/orrery-dev/orrery/controllers/deployment"
	"github.com/orrery-dev/orrery/controllers/internal/podutil"
	"github.com/orrery-dev/orrery/controllers/replicaset"
	"github.com/orrery-dev/orrery/envtest"
	"github.com/orrery-dev/orrery/internal/testutil/controllertest"
	"github.com/orrery-dev/orrery/manager"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

// start runs an apiserver, the ReplicaSet and Deployment controllers and pods that
// turn ready.
func start(t *testing.T) *client.Client {
	t.Helper()
	env := envtest.Start(t, envtest.Options{})
	controllertest.ReadyPods(t, env.Client())
	controllertest.Run(t, env.Config(),
		func(m *manager.Manager) error { _, err := replicaset.Setup(m, replicaset.Options{}); return err },
		func(m *manager.Manager) error { _, err := deployment.Setup(m, deployment.Options{}); return err })
	return env.Client()
}

func newDeployment(name string, replicas int32, image string) *api.Deployment {
	return &api.Deployment{
		ObjectMeta: api.ObjectMeta{Name: name, Namespace: "default"},
		Spec: api.DeploymentSpec{
			Replicas: &replicas,
			Selector: &api.LabelSelector{MatchLabels: map[string]string{"app": name}},
			Template: api.PodTemplateSpec{
				ObjectMeta: api.ObjectMeta{Labels: map[string]string{"app": name}},
				Spec:       api.PodSpec{Containers: []api.Container{{Name: "app", Image: image}}},
			},
		},
	}
}

func rsOf(t *testing.T, c *client.Client, d *api.Deployment) []*api.ReplicaSet {
	t.Helper()
	l, err := client.Resource[*api.ReplicaSet](c).Namespace(d.Namespace).List(t.Context(), client.ListOptions{})
	if err != nil {
		t.Fatal(err)
	}
	var out []*api.ReplicaSet
	for _, rs := range l.Items {
		if ref := podutil.ControllerOf(rs); ref != nil && ref.UID == d.UID && rs.DeletionTimestamp == nil {
			out = append(out, rs)
		}
	}
	sort.Slice(out, func(i, j int) bool {
		return out[i].Annotations[deployment.RevisionAnnotation] < out[j].Annotations[deployment.RevisionAnnotation]
	})
	return out
}

func get(t *testing.T, c *client.Client, name string) *api.Deployment {
	t.Helper()
	d, err := client.Resource[*api.Deployment](c).Namespace("default").Get(t.Context(), name)
	if err != nil {
		t.Fatal(err)
	}
	return d
}

func cond(d *api.Deployment, ty api.DeploymentConditionType) api.DeploymentCondition {
	for _, c := range d.Status.Conditions {
		if c.Type == ty {
			return c
		}
	}
	return api.DeploymentCondition{}
}

// rolledOut reports what kubectl rollout status waits for.
func rolledOut(d *api.Deployment) bool {
	want := *d.Spec.Replicas
	return d.Status.ObservedGeneration >= d.Generation && d.Status.UpdatedReplicas == want &&
		d.Status.Replicas == want && d.Status.AvailableReplicas == want &&
		cond(d, api.DeploymentProgressing).Reason == deployment.ReasonNewRSAvailable
}

func update(t *testing.T, c *client.Client, name string, change func(*api.Deployment)) {
	t.Helper()
	ds := client.Resource[*api.Deployment](c).Namespace("default")
	if err := client.RetryOnConflict(t.Context(), func() error {
		d, err := ds.Get(t.Context(), name)
		if err != nil {
			return err
		}
		change(d)
		_, err = ds.Update(t.Context(), d)
		return err
	}); err != nil {
		t.Fatal(err)
	}
}

// TestRollingUpdate creates a deployment, rolls it to a new image while a watch
// counts ready pods (never fewer than replicas - maxUnavailable, never more pods than
// replicas + maxSurge), checks revisions and conditions, then rolls back.
func TestRollingUpdate(t *testing.T) {
	t.Parallel()
	c := start(t)
	ctx := t.Context()
	d, err := client.Resource[*api.Deployment](c).Namespace("default").Create(ctx, newDeployment("web", 4, "nginx:1"))
	if err != nil {
		t.Fatal(err)
	}
	controllertest.Eventually(t, func() string { return fmt.Sprintf("%+v", get(t, c, "web").Status) }, func() bool { return rolledOut(get(t, c, "web")) })
	d = get(t, c, "web")
	rss := rsOf(t, c, d)
	if len(rss) != 1 || d.Annotations[deployment.RevisionAnnotation] != "1" || rss[0].Annotations[deployment.RevisionAnnotation] != "1" ||
		rss[0].Labels[api.DefaultDeploymentUniqueLabelKey] == "" || !strings.HasPrefix(rss[0].Name, "web-") ||
		cond(d, api.DeploymentAvailable).Status != api.ConditionTrue {
		t.Fatalf("after the first rollout: deployment %v %+v, replica sets %d", d.Annotations, d.Status, len(rss))
	}

	// Watch the pods during the rollout.
	w, err := client.Resource[*api.Pod](c).Namespace("default").Watch(ctx, client.ListOptions{LabelSelector: "app=web"})
	if err != nil {
		t.Fatal(err)
	}
	var mu sync.Mutex
	pods := map[string]*api.Pod{}
	var minReady, maxPods atomic.Int32
	minReady.Store(4)
	var wg sync.WaitGroup
	wg.Go(func() {
		for ev := range w.ResultChan() {
			p, ok := ev.Object.(*api.Pod)
			if !ok {
				continue
			}
			mu.Lock()
			if ev.Type == api.Deleted {
				delete(pods, p.Name)
			} else {
				pods[p.Name] = p
			}
			var ready, all int32
			for _, p := range pods {
				if podutil.IsActive(p) {
					all++
					if podutil.IsReady(p) {
						ready++
					}
				}
			}
			mu.Unlock()
			if len(pods) >= 4 && ready < minReady.Load() {
				minReady.Store(ready)
			}
			if all > maxPods.Load() {
				maxPods.Store(all)
			}
		}
	})
	update(t, c, "web", func(d *api.Deployment) { d.Spec.Template.Spec.Containers[0].Image = "nginx:2" })
	controllertest.Eventually(t, func() string { return fmt.Sprintf("%+v", get(t, c, "web").Status) }, func() bool {
		d := get(t, c, "web")
		return rolledOut(d) && d.Spec.Template.Spec.Containers[0].Image == "nginx:2" && len(rsOf(t, c, d)) == 2 && rsOf(t, c, d)[0].Status.Replicas == 0
	})
	w.Stop()
	wg.Wait()
	// 4 replicas, 25%: surge 1, unavailable 1.
	if minReady.Load() < 3 {
		t.Errorf("ready pods fell to %d during the rollout; maxUnavailable allows 3", minReady.Load())
	}
	if maxPods.Load() > 5 {
		t.Errorf("%d pods at once during the rollout; maxSurge allows 5", maxPods.Load())
	}
	d = get(t, c, "web")
	rss = rsOf(t, c, d)
	if d.Annotations[deployment.RevisionAnnotation] != "2" || rss[1].Annotations[deployment.RevisionAnnotation] != "2" || *rss[0].Spec.Replicas != 0 {
		t.Errorf("after the update: revision %q, replica sets %v/%v", d.Annotations[deployment.RevisionAnnotation], rss[0].Annotations, rss[1].Annotations)
	}

	// Roll back as kubectl rollout undo does: the old template again. The old
	// replica set is reused and becomes revision 3.
	oldTemplate := rss[0].Spec.Template.DeepCopy()
	delete(oldTemplate.Labels, api.DefaultDeploymentUniqueLabelKey)
	update(t, c, "web", func(d *api.Deployment) { d.Spec.Template = oldTemplate })
	controllertest.Eventually(t, func() string { return fmt.Sprintf("%+v", get(t, c, "web").Status) }, func() bool {
		d := get(t, c, "web")
		rss := rsOf(t, c, d)
		return rolledOut(d) && len(rss) == 2 && d.Annotations[deployment.RevisionAnnotation] == "3"
	})
	rss = rsOf(t, c, get(t, c, "web"))
	if rss[1].Name != oldTemplateRS(rss) || rss[1].Annotations[deployment.RevisionHistoryAnnotation] != "1" {
		t.Errorf("rollback did not reuse the first replica set: %s %v", rss[1].Name, rss[1].Annotations)
	}
}

func oldTemplateRS(rss []*api.ReplicaSet) string {
	for _, rs := range rss {
		if rs.Spec.Template.Spec.Containers[0].Image == "nginx:1" {
			return rs.Name
		}
	}
	return ""
}

// TestRecreateScaleAndPause: Recreate replaces every pod; a paused deployment scales
// but does not roll out; revisionHistoryLimit removes old replica sets.
func TestRecreateScaleAndPause(t *testing.T) {
	t.Parallel()
	c := start(t)
	ctx := t.Context()
	d := newDeployment("batch", 3, "busybox:1")
	d.Spec.Strategy = api.DeploymentStrategy{Type: api.RecreateDeploymentStrategyType}
	zero := int32(0)
	d.Spec.RevisionHistoryLimit = &zero
	if _, err := client.Resource[*api.Deployment](c).Namespace("default").Create(ctx, d); err != nil {
		t.Fatal(err)
	}
	controllertest.Eventually(t, func() string { return fmt.Sprintf("%+v", get(t, c, "batch").Status) }, func() bool { return rolledOut(get(t, c, "batch")) })
	update(t, c, "batch", func(d *api.Deployment) { d.Spec.Template.Spec.Containers[0].Image = "busybox:2" })
	controllertest.Eventually(t, func() string { return fmt.Sprintf("%+v", get(t, c, "batch").Status) }, func() bool {
		d := get(t, c, "batch")
		return rolledOut(d) && d.Spec.Template.Spec.Containers[0].Image == "busybox:2" && len(rsOf(t, c, d)) == 1
	})

	// Pause, change the image and scale: the scale happens, the rollout does not.
	update(t, c, "batch", func(d *api.Deployment) {
		d.Spec.Paused = true
		d.Spec.Template.Spec.Containers[0].Image = "busybox:3"
		five := int32(5)
		d.Spec.Replicas = &five
	})
	controllertest.Eventually(t, func() string { return fmt.Sprintf("%+v", get(t, c, "batch").Status) }, func() bool {
		d := get(t, c, "batch")
		rss := rsOf(t, c, d)
		return d.Status.AvailableReplicas == 5 && len(rss) == 1 && rss[0].Spec.Template.Spec.Containers[0].Image == "busybox:2" &&
			cond(d, api.DeploymentProgressing).Reason == deployment.ReasonPaused
	})
	update(t, c, "batch", func(d *api.Deployment) { d.Spec.Paused = false })
	controllertest.Eventually(t, func() string { return fmt.Sprintf("%+v", get(t, c, "batch").Status) }, func() bool {
		d := get(t, c, "batch")
		rss := rsOf(t, c, d)
		return rolledOut(d) && len(rss) == 1 && rss[0].Spec.Template.Spec.Containers[0].Image == "busybox:3"
	})
}

// TestProportionalScalingMidRollout scales a deployment whose rollout is stuck (the
// new pods never get ready): both replica sets grow in proportion.
func TestProportionalScalingMidRollout(t *testing.T) {
	t.Parallel()
	env := envtest.Start(t, envtest.Options{})
	controllertest.Run(t, env.Config(),
		func(m *manager.Manager) error { _, err := replicaset.Setup(m, replicaset.Options{}); return err },
		func(m *manager.Manager) error { _, err := deployment.Setup(m, deployment.Options{}); return err })
	c := env.Client()
	ctx := t.Context()
	d := newDeployment("api", 10, "api:1")
	three, two := api.FromInt32(3), api.FromInt32(2)
	d.Spec.Strategy = api.DeploymentStrategy{Type: api.RollingUpdateDeploymentStrategyType,
		RollingUpdate: &api.RollingUpdateDeployment{MaxSurge: &three, MaxUnavailable: &two}}
	if _, err := client.Resource[*api.Deployment](c).Namespace("default").Create(ctx, d); err != nil {
		t.Fatal(err)
	}
	// No pod ever gets ready: the first replica set has 10, a rollout adds 3 new
	// (surge) and removes 2 old (unavailable) — 8 old + 5 new.
	controllertest.Eventually(t, func() string { return "10 replicas" }, func() bool {
		return get(t, c, "api").Status.Replicas == 10
	})
	update(t, c, "api", func(d *api.Deployment) { d.Spec.Template.Spec.Containers[0].Image = "api:2" })
	controllertest.Eventually(t, func() string {
		var s []string
		for _, rs := range rsOf(t, c, get(t, c, "api")) {
			s = append(s, fmt.Sprintf("%s=%d", rs.Spec.Template.Spec.Containers[0].Image, *rs.Spec.Replicas))
		}
		return strings.Join(s, " ")
	}, func() bool {
		rss := rsOf(t, c, get(t, c, "api"))
		return len(rss) == 2 && *rss[0].Spec.Replicas == 8 && *rss[1].Spec.Replicas == 5
	})
	update(t, c, "api", func(d *api.Deployment) { twenty := int32(20); d.Spec.Replicas = &twenty })
	controllertest.Eventually(t, func() string {
		var s []string
		for _, rs := range rsOf(t, c, get(t, c, "api")) {
			s = append(s, fmt.Sprintf("%s=%d", rs.Spec.Template.Spec.Containers[0].Image, *rs.Spec.Replicas))
		}
		return strings.Join(s, " ")
	}, func() bool {
		rss := rsOf(t, c, get(t, c, "api"))
		// 23 allowed over 13: old 8 → 14, new 5 → 9.
		return len(rss) == 2 && *rss[0].Spec.Replicas == 14 && *rss[1].Spec.Replicas == 9
	})
}

// TestProgressDeadline: a rollout whose pods never get ready times out: Progressing
// turns False with ProgressDeadlineExceeded once progressDeadlineSeconds pass
// without progress.
func TestProgressDeadline(t *testing.T) {
	t.Parallel()
	env := envtest.Start(t, envtest.Options{})
	controllertest.Run(t, env.Config(),
		func(m *manager.Manager) error { _, err := replicaset.Setup(m, replicaset.Options{}); return err },
		func(m *manager.Manager) error { _, err := deployment.Setup(m, deployment.Options{}); return err })
	c := env.Client()
	d := newDeployment("stuck", 2, "never:ready")
	two := int32(2)
	d.Spec.ProgressDeadlineSeconds = &two
	if _, err := client.Resource[*api.Deployment](c).Namespace("default").Create(t.Context(), d); err != nil {
		t.Fatal(err)
	}
	controllertest.Eventually(t, func() string { return fmt.Sprintf("%+v", get(t, c, "stuck").Status.Conditions) }, func() bool {
		p := cond(get(t, c, "stuck"), api.DeploymentProgressing)
		return p.Status == api.ConditionFalse && p.Reason == deployment.ReasonTimedOut &&
			strings.HasSuffix(p.Message, "has timed out progressing.")
	})
	if a := cond(get(t, c, "stuck"), api.DeploymentAvailable); a.Status != api.ConditionFalse || a.Reason != deployment.ReasonMinimumUnavailable {
		t.Errorf("Available condition %+v", a)
	}
}
