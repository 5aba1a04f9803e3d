package disruption_test

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"go.uber.org/goleak"

	"github.com/orrery-dev/orrery/api"
	"github.com/orrery-dev/orrery/client"
	"github.com/orrery-dev/orrery/controllers/deployment"
	"github.com/orrery-dev/orrery/controllers/disruption"
	"github.com/orrery-dev/orrery/controllers/replicaset"
	"github.com/orrery-dev/orrery/envtest"
	"github.com/orrery-dev/orrery/internal/testutil/controllertest"
	"github.com/orrery-dev/orrery/manager"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

func TestExpected(t *testing.T) {
	t.Parallel()
	pct := func(s string) *api.IntOrString { v := api.FromString(s); return &v }
	num := func(n int32) *api.IntOrString { v := api.FromInt32(n); return &v }
	for _, tt := range []struct {
		spec              api.PodDisruptionBudgetSpec
		pods, scale       int
		expected, desired int32
	}{
		{api.PodDisruptionBudgetSpec{MinAvailable: num(2)}, 3, 0, 3, 2},          // the pods selected
		{api.PodDisruptionBudgetSpec{MinAvailable: pct("50%")}, 2, 5, 5, 3},      // of the replicas wanted, rounded up
		{api.PodDisruptionBudgetSpec{MaxUnavailable: num(1)}, 2, 4, 4, 3},        // of the replicas wanted
		{api.PodDisruptionBudgetSpec{MaxUnavailable: pct("25%")}, 10, 10, 10, 7}, // 2.5 unavailable rounded up to 3
		{api.PodDisruptionBudgetSpec{MaxUnavailable: num(5)}, 3, 3, 3, 0},        // never below zero
		{api.PodDisruptionBudgetSpec{}, 3, 3, 0, 0},
	} {
		if got := disruption.NeedsScale(tt.spec); got != (tt.spec.MaxUnavailable != nil || tt.spec.MinAvailable != nil && tt.spec.MinAvailable.Type == api.IntOrStringString) {
			t.Errorf("%+v: NeedsScale = %v", tt.spec, got)
		}
		if e, d := disruption.Expected(tt.spec, tt.pods, tt.scale); int32(e) != tt.expected || d != tt.desired {
			t.Errorf("%+v with %d pods of %d wanted: expected %d desired %d, want %d and %d", tt.spec, tt.pods, tt.scale, e, d, tt.expected, tt.desired)
		}
	}
}

// evict posts a policy/v1 Eviction for the pod.
func evict(ctx context.Context, c *client.Client, name string) error {
	body := fmt.Sprintf(`{"apiVersion":"policy/v1","kind":"Eviction","metadata":{"name":%q,"namespace":"default"}}`, name)
	_, err := c.Do(ctx, client.Request{Method: "POST", Path: "/api/v1/namespaces/default/pods/" + name + "/eviction", Body: []byte(body)})
	return err
}

// TestEvictionsHonourTheBudget: with 3 ready pods and minAvailable 2, one eviction
// passes and the next gets 429 with Kubernetes' message, until the evicted pod's
// replacement is ready.
func TestEvictionsHonourTheBudget(t *testing.T) {
	t.Parallel()
	env := envtest.Start(t, envtest.Options{})
	c := env.Client()
	controllertest.ReadyPods(t, c)
	controllertest.Run(t, env.Config(),
		func(m *manager.Manager) error { _, err := replicaset.Setup(m, replicaset.Options{}); return err },
		func(m *manager.Manager) error { _, err := disruption.Setup(m); return err })
	ctx := context.Background()
	three := int32(3)
	labels := map[string]string{"app": "db"}
	if _, err := client.Resource[*api.ReplicaSet](c).Namespace("default").Create(ctx, &api.ReplicaSet{
		ObjectMeta: api.ObjectMeta{Name: "db", Namespace: "default"},
		Spec: api.ReplicaSetSpec{Replicas: &three, Selector: &api.LabelSelector{MatchLabels: labels},
			Template: api.PodTemplateSpec{ObjectMeta: api.ObjectMeta{Labels: labels}, Spec: api.PodSpec{Containers: []api.Container{{Name: "db", Image: "postgres"}}}}},
	}); err != nil {
		t.Fatal(err)
	}
	two := api.FromInt32(2)
	pdbs := client.Resource[*api.PodDisruptionBudget](c).Namespace("default")
	if _, err := pdbs.Create(ctx, &api.PodDisruptionBudget{ObjectMeta: api.ObjectMeta{Name: "db"},
		Spec: api.PodDisruptionBudgetSpec{MinAvailable: &two, Selector: &api.LabelSelector{MatchLabels: labels}}}); err != nil {
		t.Fatal(err)
	}
	status := func() api.PodDisruptionBudgetStatus {
		p, err := pdbs.Get(ctx, "db")
		if err != nil {
			return api.PodDisruptionBudgetStatus{}
		}
		return p.Status
	}
	controllertest.Eventually(t, func() string { return fmt.Sprintf("%+v", status()) }, func() bool {
		s := status()
		return s.CurrentHealthy == 3 && s.DesiredHealthy == 2 && s.ExpectedPods == 3 && s.DisruptionsAllowed == 1
	})
	l, err := client.Resource[*api.Pod](c).Namespace("default").List(ctx, client.ListOptions{LabelSelector: "app=db"})
	if err != nil || len(l.Items) != 3 {
		t.Fatalf("pods: %v %v", len(l.Items), err)
	}
	if err := evict(ctx, c, l.Items[0].Name); err != nil {
		t.Fatalf("first eviction: %v", err)
	}
	err = evict(ctx, c, l.Items[1].Name)
	if !client.IsTooManyRequests(err) || !strings.Contains(err.Error(), "Cannot evict pod as it would violate the pod's disruption budget.") {
		t.Fatalf("second eviction: %v; want 429", err)
	}
	// The replacement gets ready: one more disruption is allowed again.
	controllertest.Eventually(t, func() string { return fmt.Sprintf("%+v", status()) }, func() bool {
		s := status()
		return s.CurrentHealthy == 3 && s.DisruptionsAllowed == 1
	})
	if err := evict(ctx, c, l.Items[1].Name); err != nil {
		t.Errorf("eviction after recovery: %v", err)
	}
}

// TestBudgetsOverControllersScale: percentages and maxUnavailable count the replicas
// the pods' controllers want (a Deployment's, through its ReplicaSet), not the pods
// that exist; bare pods are unmanaged and counted nowhere; a pod whose controller has
// no scale subresource makes the budget allow nothing, with reason SyncFailed.
func TestBudgetsOverControllersScale(t *testing.T) {
	t.Parallel()
	env := envtest.Start(t, envtest.Options{})
	c := env.Client()
	controllertest.ReadyPods(t, c)
	controllertest.Run(t, env.Config(),
		func(m *manager.Manager) error { _, err := deployment.Setup(m, deployment.Options{}); return err },
		func(m *manager.Manager) error { _, err := replicaset.Setup(m, replicaset.Options{}); return err },
		func(m *manager.Manager) error { _, err := disruption.Setup(m); return err })
	ctx := context.Background()
	four := int32(4)
	web := map[string]string{"app": "web"}
	if _, err := client.Resource[*api.Deployment](c).Namespace("default").Create(ctx, &api.Deployment{
		ObjectMeta: api.ObjectMeta{Name: "web", Namespace: "default"},
		Spec: api.DeploymentSpec{Replicas: &four, Selector: &api.LabelSelector{MatchLabels: web},
			Template: api.PodTemplateSpec{ObjectMeta: api.ObjectMeta{Labels: web}, Spec: api.PodSpec{Containers: []api.Container{{Name: "web", Image: "nginx"}}}}},
	}); err != nil {
		t.Fatal(err)
	}
	pods := client.Resource[*api.Pod](c).Namespace("default")
	// A bare pod with the same labels: unmanaged, so selected but not expected.
	if _, err := pods.Create(ctx, &api.Pod{ObjectMeta: api.ObjectMeta{Name: "stray", Labels: web},
		Spec: api.PodSpec{Containers: []api.Container{{Name: "web", Image: "nginx"}}}}); err != nil {
		t.Fatal(err)
	}
	pdbs := client.Resource[*api.PodDisruptionBudget](c).Namespace("default")
	quarter, half := api.FromString("25%"), api.FromString("50%")
	for name, spec := range map[string]api.PodDisruptionBudgetSpec{
		"max-quarter": {MaxUnavailable: &quarter, Selector: &api.LabelSelector{MatchLabels: web}},
		"min-half":    {MinAvailable: &half, Selector: &api.LabelSelector{MatchLabels: web}},
	} {
		if _, err := pdbs.Create(ctx, &api.PodDisruptionBudget{ObjectMeta: api.ObjectMeta{Name: name}, Spec: spec}); err != nil {
			t.Fatal(err)
		}
	}
	status := func(name string) api.PodDisruptionBudgetStatus {
		p, err := pdbs.Get(ctx, name)
		if err != nil {
			return api.PodDisruptionBudgetStatus{}
		}
		return p.Status
	}
	both := func() string { return fmt.Sprintf("%+v\n%+v", status("max-quarter"), status("min-half")) }
	// 5 ready pods selected, 4 replicas wanted: 25% of 4 may be down (3 healthy
	// needed), and 50% of 4 must be up (2).
	controllertest.Eventually(t, both, func() bool {
		q, h := status("max-quarter"), status("min-half")
		return q.ExpectedPods == 4 && q.DesiredHealthy == 3 && q.CurrentHealthy == 5 && q.DisruptionsAllowed == 2 &&
			h.ExpectedPods == 4 && h.DesiredHealthy == 2 && h.DisruptionsAllowed == 3
	})
	// Scaled to 8: the budgets follow the Deployment's scale.
	if _, err := client.Resource[*api.Deployment](c).Namespace("default").Patch(ctx, "web", client.MergePatchType, []byte(`{"spec":{"replicas":8}}`)); err != nil {
		t.Fatal(err)
	}
	controllertest.Eventually(t, both, func() bool {
		q := status("max-quarter")
		return q.ExpectedPods == 8 && q.DesiredHealthy == 6 && q.CurrentHealthy == 9
	})

	// A pod controlled by a kind without a scale subresource (a Node, here).
	yes := true
	db := map[string]string{"app": "db"}
	if _, err := pods.Create(ctx, &api.Pod{ObjectMeta: api.ObjectMeta{Name: "db", Labels: db,
		OwnerReferences: []api.OwnerReference{{APIVersion: "v1", Kind: "Node", Name: "n1", UID: "n1-uid", Controller: &yes}}},
		Spec: api.PodSpec{Containers: []api.Container{{Name: "db", Image: "postgres"}}}}); err != nil {
		t.Fatal(err)
	}
	one := api.FromInt32(1)
	if _, err := pdbs.Create(ctx, &api.PodDisruptionBudget{ObjectMeta: api.ObjectMeta{Name: "db"},
		Spec: api.PodDisruptionBudgetSpec{MaxUnavailable: &one, Selector: &api.LabelSelector{MatchLabels: db}}}); err != nil {
		t.Fatal(err)
	}
	controllertest.Eventually(t, func() string { return fmt.Sprintf("%+v", status("db")) }, func() bool {
		s := status("db")
		return len(s.Conditions) == 1 && s.Conditions[0].Reason == api.SyncFailedReason && s.DisruptionsAllowed == 0 &&
			strings.Contains(s.Conditions[0].Message, "v1 Node does not implement the scale subresource")
	})
}
