package deployment

import (
	"testing"
	"time"

	"github.com/orrery-dev/orrery/api"
)

func rolling(replicas int32, surge, unavailable api.IntOrString) *api.Deployment {
	return &api.Deployment{Spec: api.DeploymentSpec{Replicas: &replicas, Strategy: api.DeploymentStrategy{
		Type: api.RollingUpdateDeploymentStrategyType, RollingUpdate: &api.RollingUpdateDeployment{MaxSurge: &surge, MaxUnavailable: &unavailable}}}}
}

func TestResolveFenceposts(t *testing.T) {
	t.Parallel()
	tests := []struct {
		replicas                 int32
		surge, unavailable       api.IntOrString
		wantSurge, wantUnavailbl int32
	}{
		{10, api.FromString("25%"), api.FromString("25%"), 3, 2}, // surge rounds up, unavailable down
		{3, api.FromString("25%"), api.FromString("25%"), 1, 0},
		{1, api.FromString("25%"), api.FromString("25%"), 1, 0},
		{5, api.FromInt32(0), api.FromInt32(0), 0, 1}, // both 0: one may be unavailable
		{4, api.FromInt32(2), api.FromString("50%"), 2, 2},
	}
	for _, tt := range tests {
		s, u := resolveFenceposts(rolling(tt.replicas, tt.surge, tt.unavailable))
		if s != tt.wantSurge || u != tt.wantUnavailbl {
			t.Errorf("replicas %d surge %v unavailable %v: got %d, %d; want %d, %d", tt.replicas, tt.surge, tt.unavailable, s, u, tt.wantSurge, tt.wantUnavailbl)
		}
	}
	if u := maxUnavailable(rolling(2, api.FromInt32(0), api.FromInt32(5))); u != 2 {
		t.Errorf("maxUnavailable is not capped at replicas: %d", u)
	}
}

func rs(name string, n int32, maxReplicas string, created int64) *api.ReplicaSet {
	r := &api.ReplicaSet{ObjectMeta: api.ObjectMeta{Name: name, CreationTimestamp: api.NewTime(time.Unix(created, 0))},
		Spec: api.ReplicaSetSpec{Replicas: &n}}
	if maxReplicas != "" {
		r.Annotations = map[string]string{MaxReplicasAnnotation: maxReplicas}
	}
	return r
}

func TestNewRSReplicas(t *testing.T) {
	t.Parallel()
	d := rolling(10, api.FromString("25%"), api.FromString("25%")) // surge 3
	old := rs("old", 10, "", 1)
	if got := newRSReplicas(d, []*api.ReplicaSet{old, rs("new", 0, "", 2)}, rs("new", 0, "", 2)); got != 3 {
		t.Errorf("first step: %d, want the surge of 3", got)
	}
	old.Spec.Replicas = ptr(int32(8))
	old.Status.Replicas = 10
	if got := newRSReplicas(d, []*api.ReplicaSet{old, rs("new", 3, "", 2)}, rs("new", 3, "", 2)); got != 3 {
		t.Errorf("old scaled to 8 but its 10 pods still there: %d, want 3 (no room under the surge)", got)
	}
	old.Status.Replicas = 8
	if got := newRSReplicas(d, []*api.ReplicaSet{old, rs("new", 3, "", 2)}, rs("new", 3, "", 2)); got != 5 {
		t.Errorf("after 2 old went: %d, want 5", got)
	}
	d.Spec.Strategy = api.DeploymentStrategy{Type: api.RecreateDeploymentStrategyType}
	if got := newRSReplicas(d, nil, nil); got != 10 {
		t.Errorf("recreate: %d, want 10", got)
	}
}

func ptr[T any](v T) *T { return &v }

// TestProportionalSizes follows Kubernetes' proportional scaling: a deployment of 10
// (surge 3) mid-rollout with 8 old and 5 new pods scaled to 20 (allowed 25).
func TestProportionalSizes(t *testing.T) {
	t.Parallel()
	d := rolling(20, api.FromInt32(3), api.FromInt32(2))
	d.Status.Replicas = 13
	old, cur := rs("old", 8, "13", 1), rs("new", 5, "13", 2)
	sizes := proportionalSizes(d, []*api.ReplicaSet{old, cur})
	// 23 allowed, 13 now: old 8*23/13 = 14.15 → 14, new 5*23/13 = 8.85 → 9; 14+9 = 23.
	if sizes["old"] != 14 || sizes["new"] != 9 {
		t.Errorf("sizes %v, want old 14, new 9", sizes)
	}
	// Scaling down to 5 (allowed 8) from 23.
	d = rolling(5, api.FromInt32(3), api.FromInt32(2))
	d.Status.Replicas = 23
	old, cur = rs("old", 14, "23", 1), rs("new", 9, "23", 2)
	sizes = proportionalSizes(d, []*api.ReplicaSet{old, cur})
	if sizes["old"]+sizes["new"] != 8 || sizes["old"] < sizes["new"] {
		t.Errorf("sizes %v, want 8 in all, the old one keeping the larger part", sizes)
	}
	// To zero: everything goes.
	d = rolling(0, api.FromInt32(3), api.FromInt32(2))
	sizes = proportionalSizes(d, []*api.ReplicaSet{rs("old", 4, "10", 1), rs("new", 6, "10", 2)})
	if sizes["old"] != 0 || sizes["new"] != 0 {
		t.Errorf("sizes %v, want 0 and 0", sizes)
	}
}

func TestComputeHash(t *testing.T) {
	t.Parallel()
	tmpl := &api.PodTemplateSpec{ObjectMeta: api.ObjectMeta{Labels: map[string]string{"app": "web"}},
		Spec: api.PodSpec{Containers: []api.Container{{Name: "app", Image: "nginx:1"}}}}
	h1 := computeHash(tmpl, nil)
	withHash := tmpl.DeepCopy()
	withHash.Labels[api.DefaultDeploymentUniqueLabelKey] = h1
	if computeHash(&withHash, nil) != h1 {
		t.Error("the pod-template-hash label changes the hash")
	}
	if computeHash(tmpl, ptr(int32(1))) == h1 {
		t.Error("the collision count does not change the hash")
	}
	other := tmpl.DeepCopy()
	other.Spec.Containers[0].Image = "nginx:2"
	if computeHash(&other, nil) == h1 {
		t.Error("another image gives the same hash")
	}
	for _, r := range h1 {
		if !containsRune(safeAlphabet, r) {
			t.Errorf("hash %q has %q outside the safe alphabet", h1, r)
		}
	}
}

func containsRune(s string, r rune) bool {
	for _, c := range s {
		if c == r {
			return true
		}
	}
	return false
}
