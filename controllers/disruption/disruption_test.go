package disruption_test

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"go.uber.org/goleak"

	"github.com/orrery-dev/orrery/api"
	"github.com/orrery-dev/orrery/client"
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
		spec    api.PodDisruptionBudgetSpec
		pods    int
		desired int32
	}{
		{api.PodDisruptionBudgetSpec{MinAvailable: num(2)}, 3, 2},
		{api.PodDisruptionBudgetSpec{MinAvailable: pct("50%")}, 5, 3}, // rounded up
		{api.PodDisruptionBudgetSpec{MaxUnavailable: num(1)}, 4, 3},
		{api.PodDisruptionBudgetSpec{MaxUnavailable: pct("25%")}, 10, 7}, // 2.5 unavailable rounded up to 3
	} {
		if _, d := disruption.Expected(tt.spec, tt.pods); d != tt.desired {
			t.Errorf("%+v with %d pods: desired %d, want %d", tt.spec, tt.pods, d, tt.desired)
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
