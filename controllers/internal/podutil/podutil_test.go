package podutil

import (
	"testing"
	"time"

	"github.com/orrery-dev/orrery/api"
)

func TestSortForDeletion(t *testing.T) {
	t.Parallel()
	t0 := time.Unix(1000, 0)
	pod := func(name, node string, phase api.PodPhase, ready bool, readySince time.Time, restarts int32, created time.Time) *api.Pod {
		st := api.ConditionFalse
		if ready {
			st = api.ConditionTrue
		}
		return &api.Pod{
			ObjectMeta: api.ObjectMeta{Name: name, CreationTimestamp: api.NewTime(created)},
			Spec:       api.PodSpec{NodeName: node},
			Status: api.PodStatus{Phase: phase,
				Conditions:        []api.PodCondition{{Type: api.PodReady, Status: st, LastTransitionTime: api.NewTime(readySince)}},
				ContainerStatuses: []api.ContainerStatus{{RestartCount: restarts}}},
		}
	}
	pods := []*api.Pod{
		pod("running-ready-old", "n1", api.PodRunning, true, t0, 0, t0),
		pod("running-ready-recent", "n2", api.PodRunning, true, t0.Add(time.Hour), 0, t0),
		pod("running-unready", "n3", api.PodRunning, false, t0, 0, t0),
		pod("pending", "n4", api.PodPending, false, t0, 0, t0),
		pod("unassigned", "", api.PodPending, false, t0, 0, t0),
		pod("restarted", "n5", api.PodRunning, false, t0, 5, t0),
		pod("crowded", "n6", api.PodRunning, true, t0, 0, t0),
		pod("crowded-2", "n6", api.PodRunning, true, t0, 0, t0.Add(time.Second)),
	}
	SortForDeletion(pods, pods)
	want := []string{"unassigned", "pending", "restarted", "running-unready", "crowded-2", "crowded", "running-ready-recent", "running-ready-old"}
	for i, p := range pods {
		if p.Name != want[i] {
			var got []string
			for _, p := range pods {
				got = append(got, p.Name)
			}
			t.Fatalf("order %v, want %v", got, want)
		}
	}
}

func TestAvailability(t *testing.T) {
	t.Parallel()
	now := time.Unix(1000, 0)
	p := &api.Pod{Status: api.PodStatus{Conditions: []api.PodCondition{{Type: api.PodReady, Status: api.ConditionTrue, LastTransitionTime: api.NewTime(now.Add(-5 * time.Second))}}}}
	if !IsReady(p) || !IsAvailable(p, 0, now) || !IsAvailable(p, 5, now) || IsAvailable(p, 6, now) {
		t.Error("availability by minReadySeconds is wrong")
	}
	p.DeletionTimestamp = &api.Time{Time: now}
	if IsActive(p) {
		t.Error("a pod being deleted is active")
	}
}
