package replicaset

import (
	"errors"
	"sync/atomic"
	"testing"
	"time"

	"github.com/orrery-dev/orrery/api"
)

func TestSlowStartBatch(t *testing.T) {
	t.Parallel()
	var calls atomic.Int32
	boom := errors.New("boom")
	tests := []struct {
		name      string
		count     int
		failAfter int32 // calls after which fn fails; 0 never
		wantOK    int
		wantCalls int32
	}{
		{"all succeed", 10, 0, 10, 10},
		{"first fails: one call only", 500, 1, 0, 1},
		{"fails in the third batch", 100, 4, 3, 7}, // batches 1, 2, 4: 3 ok, then 4 calls with failures
	}
	for _, tt := range tests {
		calls.Store(0)
		ok, err := SlowStartBatch(tt.count, 1, func() error {
			n := calls.Add(1)
			if tt.failAfter > 0 && n >= tt.failAfter {
				return boom
			}
			return nil
		})
		if ok != tt.wantOK || calls.Load() != tt.wantCalls || (tt.failAfter > 0) != errors.Is(err, boom) {
			t.Errorf("%s: ok=%d calls=%d err=%v; want %d, %d", tt.name, ok, calls.Load(), err, tt.wantOK, tt.wantCalls)
		}
	}
}

func readyPod(name string, ready bool, since time.Time) *api.Pod {
	st := api.ConditionFalse
	if ready {
		st = api.ConditionTrue
	}
	return &api.Pod{
		ObjectMeta: api.ObjectMeta{Name: name, Labels: map[string]string{"app": "web"}},
		Status: api.PodStatus{Phase: api.PodRunning, Conditions: []api.PodCondition{
			{Type: api.PodReady, Status: st, LastTransitionTime: api.NewTime(since)}}},
	}
}

func TestCalculateStatus(t *testing.T) {
	t.Parallel()
	now := time.Unix(10_000, 0)
	three := int32(3)
	rs := &api.ReplicaSet{
		ObjectMeta: api.ObjectMeta{Generation: 4},
		Spec: api.ReplicaSetSpec{Replicas: &three, MinReadySeconds: 10,
			Template: api.PodTemplateSpec{ObjectMeta: api.ObjectMeta{Labels: map[string]string{"app": "web", "tier": "front"}}}},
	}
	full := readyPod("full", true, now.Add(-time.Minute))
	full.Labels["tier"] = "front"
	pods := []*api.Pod{full, readyPod("recent", true, now.Add(-5*time.Second)), readyPod("unready", false, now)}
	st := calculateStatus(rs, pods, nil, now)
	want := api.ReplicaSetStatus{Replicas: 3, FullyLabeledReplicas: 1, ReadyReplicas: 2, AvailableReplicas: 1, ObservedGeneration: 4}
	if !statusEqual(st, want) {
		t.Errorf("status %+v, want %+v", st, want)
	}

	// A failed create adds ReplicaFailure once; a clean sync removes it.
	failed := calculateStatus(rs, pods[:1], errors.New("pods \"x\" is forbidden: exceeded quota"), now)
	if len(failed.Conditions) != 1 || failed.Conditions[0].Reason != "FailedCreate" || failed.Conditions[0].Status != api.ConditionTrue ||
		failed.Conditions[0].Message != "pods \"x\" is forbidden: exceeded quota" {
		t.Fatalf("conditions %+v", failed.Conditions)
	}
	rs.Status = failed
	if again := calculateStatus(rs, pods[:1], errors.New("other"), now.Add(time.Minute)); again.Conditions[0] != failed.Conditions[0] {
		t.Errorf("a second failure changed the condition: %+v", again.Conditions)
	}
	if clean := calculateStatus(rs, pods, nil, now); len(clean.Conditions) != 0 {
		t.Errorf("a clean sync kept %+v", clean.Conditions)
	}
}
