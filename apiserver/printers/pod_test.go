package printers

import (
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/orrery-dev/orrery/api"
)

// Container states used by the pod tests.
func waiting(reason string) api.ContainerState {
	return api.ContainerState{Waiting: &api.ContainerStateWaiting{Reason: reason}}
}

func running() api.ContainerState {
	return api.ContainerState{Running: &api.ContainerStateRunning{StartedAt: ago(time.Hour)}}
}

func terminated(reason string, exitCode, signal int32) api.ContainerState {
	return api.ContainerState{Terminated: &api.ContainerStateTerminated{Reason: reason, ExitCode: exitCode, Signal: signal}}
}

// finished is a previous run that ended d before now.
func finished(d time.Duration) api.ContainerState {
	return api.ContainerState{Terminated: &api.ContainerStateTerminated{Reason: "Error", ExitCode: 1, FinishedAt: ago(d)}}
}

// pod builds a pod with n app containers, m init containers, the given phase and
// container statuses.
func pod(n, m int, phase api.PodPhase, inits, apps []api.ContainerStatus, conds ...api.PodCondition) *api.Pod {
	p := &api.Pod{
		ObjectMeta: api.ObjectMeta{Name: "web", Namespace: "default", CreationTimestamp: ago(time.Hour)},
		Status: api.PodStatus{
			Phase: phase, Conditions: conds,
			InitContainerStatuses: inits, ContainerStatuses: apps,
		},
	}
	for range n {
		p.Spec.Containers = append(p.Spec.Containers, api.Container{Name: "c", Image: "nginx"})
	}
	for range m {
		p.Spec.InitContainers = append(p.Spec.InitContainers, api.Container{Name: "i", Image: "busybox"})
	}
	return p
}

func cond(t api.PodConditionType, s api.ConditionStatus, reason string) api.PodCondition {
	return api.PodCondition{Type: t, Status: s, Reason: reason}
}

func TestPodStatusColumns(t *testing.T) {
	t.Parallel()
	readyRunning := api.ContainerStatus{Name: "c", Ready: true, State: running()}
	tests := []struct {
		name         string
		pod          *api.Pod
		wantReady    string
		wantStatus   string
		wantRestarts string
	}{
		{
			name:      "pending without statuses shows the phase",
			pod:       pod(1, 0, api.PodPending, nil, nil),
			wantReady: "0/1", wantStatus: "Pending", wantRestarts: "0",
		},
		{
			name:      "no phase at all",
			pod:       pod(1, 0, "", nil, nil),
			wantReady: "0/1", wantStatus: "", wantRestarts: "0",
		},
		{
			name:      "container creating",
			pod:       pod(1, 0, api.PodPending, nil, []api.ContainerStatus{{Name: "c", State: waiting("ContainerCreating")}}),
			wantReady: "0/1", wantStatus: "ContainerCreating", wantRestarts: "0",
		},
		{
			name:      "waiting without a reason keeps the phase",
			pod:       pod(1, 0, api.PodPending, nil, []api.ContainerStatus{{Name: "c", State: waiting("")}}),
			wantReady: "0/1", wantStatus: "Pending", wantRestarts: "0",
		},
		{
			name:      "running and ready",
			pod:       pod(1, 0, api.PodRunning, nil, []api.ContainerStatus{readyRunning}),
			wantReady: "1/1", wantStatus: "Running", wantRestarts: "0",
		},
		{
			name: "running but not ready counts as not ready",
			pod: pod(2, 0, api.PodRunning, nil, []api.ContainerStatus{
				readyRunning, {Name: "c2", State: running()},
			}),
			wantReady: "1/2", wantStatus: "Running", wantRestarts: "0",
		},
		{
			name: "ready flag without running state is not ready",
			pod: pod(1, 0, api.PodRunning, nil, []api.ContainerStatus{
				{Name: "c", Ready: true},
			}),
			wantReady: "0/1", wantStatus: "Running", wantRestarts: "0",
		},
		{
			name: "crash loop with restarts and the last restart time",
			pod: pod(1, 0, api.PodRunning, nil, []api.ContainerStatus{
				{Name: "c", State: waiting("CrashLoopBackOff"), RestartCount: 5, LastTerminationState: finished(5 * time.Minute)},
			}),
			wantReady: "0/1", wantStatus: "CrashLoopBackOff", wantRestarts: "5 (5m ago)",
		},
		{
			name: "restarts without a known last termination",
			pod: pod(1, 0, api.PodRunning, nil, []api.ContainerStatus{
				{Name: "c", State: running(), Ready: true, RestartCount: 3},
			}),
			wantReady: "1/1", wantStatus: "Running", wantRestarts: "3",
		},
		{
			name: "a last termination without restarts is not shown",
			pod: pod(1, 0, api.PodRunning, nil, []api.ContainerStatus{
				{Name: "c", State: running(), Ready: true, LastTerminationState: finished(time.Minute)},
			}),
			wantReady: "1/1", wantStatus: "Running", wantRestarts: "0",
		},
		{
			name: "restarts summed, latest termination wins",
			pod: pod(2, 0, api.PodRunning, nil, []api.ContainerStatus{
				{Name: "a", State: running(), Ready: true, RestartCount: 2, LastTerminationState: finished(3 * time.Hour)},
				{Name: "b", State: running(), Ready: true, RestartCount: 1, LastTerminationState: finished(90 * time.Second)},
			}),
			wantReady: "2/2", wantStatus: "Running", wantRestarts: "3 (90s ago)",
		},
		{
			name: "completed",
			pod: pod(1, 0, api.PodSucceeded, nil, []api.ContainerStatus{
				{Name: "c", State: terminated("Completed", 0, 0)},
			}),
			wantReady: "0/1", wantStatus: "Completed", wantRestarts: "0",
		},
		{
			name: "error",
			pod: pod(1, 0, api.PodFailed, nil, []api.ContainerStatus{
				{Name: "c", State: terminated("Error", 1, 0)},
			}),
			wantReady: "0/1", wantStatus: "Error", wantRestarts: "0",
		},
		{
			name: "out of memory",
			pod: pod(1, 0, api.PodRunning, nil, []api.ContainerStatus{
				{Name: "c", State: terminated("OOMKilled", 137, 0)},
			}),
			wantReady: "0/1", wantStatus: "OOMKilled", wantRestarts: "0",
		},
		{
			name: "terminated without reason shows the exit code",
			pod: pod(1, 0, api.PodFailed, nil, []api.ContainerStatus{
				{Name: "c", State: terminated("", 2, 0)},
			}),
			wantReady: "0/1", wantStatus: "ExitCode:2", wantRestarts: "0",
		},
		{
			name: "terminated without reason by a signal",
			pod: pod(1, 0, api.PodFailed, nil, []api.ContainerStatus{
				{Name: "c", State: terminated("", 137, 9)},
			}),
			wantReady: "0/1", wantStatus: "Signal:9", wantRestarts: "0",
		},
		{
			name: "completed with a ready container running reads Running when the pod is Ready",
			pod: pod(2, 0, api.PodRunning, nil, []api.ContainerStatus{
				readyRunning, {Name: "job", State: terminated("Completed", 0, 0)},
			}, cond(api.PodReady, api.ConditionTrue, "")),
			wantReady: "1/2", wantStatus: "Running", wantRestarts: "0",
		},
		{
			name: "completed with a ready container running reads NotReady otherwise",
			pod: pod(2, 0, api.PodRunning, nil, []api.ContainerStatus{
				readyRunning, {Name: "job", State: terminated("Completed", 0, 0)},
			}, cond(api.PodReady, api.ConditionFalse, "ContainersNotReady")),
			wantReady: "1/2", wantStatus: "NotReady", wantRestarts: "0",
		},
		{
			name: "the first container's reason wins",
			pod: pod(2, 0, api.PodPending, nil, []api.ContainerStatus{
				{Name: "a", State: waiting("ImagePullBackOff")},
				{Name: "b", State: waiting("CrashLoopBackOff")},
			}),
			wantReady: "0/2", wantStatus: "ImagePullBackOff", wantRestarts: "0",
		},
		{
			name:      "status reason overrides the phase",
			pod:       func() *api.Pod { p := pod(1, 0, api.PodFailed, nil, nil); p.Status.Reason = "Evicted"; return p }(),
			wantReady: "0/1", wantStatus: "Evicted", wantRestarts: "0",
		},
		{
			name:      "scheduling gated",
			pod:       pod(1, 0, api.PodPending, nil, nil, cond(api.PodScheduled, api.ConditionFalse, "SchedulingGated")),
			wantReady: "0/1", wantStatus: "SchedulingGated", wantRestarts: "0",
		},
		{
			name:      "unschedulable keeps the phase",
			pod:       pod(1, 0, api.PodPending, nil, nil, cond(api.PodScheduled, api.ConditionFalse, "Unschedulable")),
			wantReady: "0/1", wantStatus: "Pending", wantRestarts: "0",
		},
		{
			name: "first init container running",
			pod: pod(1, 2, api.PodPending, []api.ContainerStatus{
				{Name: "i1", State: running()}, {Name: "i2", State: waiting("PodInitializing")},
			}, []api.ContainerStatus{{Name: "c", State: waiting("PodInitializing")}}),
			wantReady: "0/1", wantStatus: "Init:0/2", wantRestarts: "0",
		},
		{
			name: "second init container running",
			pod: pod(1, 2, api.PodPending, []api.ContainerStatus{
				{Name: "i1", State: terminated("Completed", 0, 0)}, {Name: "i2", State: running()},
			}, nil),
			wantReady: "0/1", wantStatus: "Init:1/2", wantRestarts: "0",
		},
		{
			name: "init container waiting for its turn",
			pod: pod(1, 1, api.PodPending, []api.ContainerStatus{
				{Name: "i1", State: waiting("PodInitializing")},
			}, nil),
			wantReady: "0/1", wantStatus: "Init:0/1", wantRestarts: "0",
		},
		{
			name: "init container crash looping, with its restarts",
			pod: pod(1, 1, api.PodPending, []api.ContainerStatus{
				{Name: "i1", State: waiting("CrashLoopBackOff"), RestartCount: 4, LastTerminationState: finished(2 * time.Minute)},
			}, []api.ContainerStatus{{Name: "c", State: waiting("PodInitializing")}}),
			wantReady: "0/1", wantStatus: "Init:CrashLoopBackOff", wantRestarts: "4 (2m ago)",
		},
		{
			name: "init container failed with a reason",
			pod: pod(1, 2, api.PodFailed, []api.ContainerStatus{
				{Name: "i1", State: terminated("Error", 1, 0)}, {Name: "i2", State: waiting("PodInitializing")},
			}, nil),
			wantReady: "0/1", wantStatus: "Init:Error", wantRestarts: "0",
		},
		{
			name: "init container failed without a reason",
			pod: pod(1, 1, api.PodFailed, []api.ContainerStatus{
				{Name: "i1", State: terminated("", 3, 0)},
			}, nil),
			wantReady: "0/1", wantStatus: "Init:ExitCode:3", wantRestarts: "0",
		},
		{
			name: "init container killed by a signal",
			pod: pod(1, 1, api.PodFailed, []api.ContainerStatus{
				{Name: "i1", State: terminated("", 137, 9)},
			}, nil),
			wantReady: "0/1", wantStatus: "Init:Signal:9", wantRestarts: "0",
		},
		{
			name: "init containers done, app container starting",
			pod: pod(1, 1, api.PodPending, []api.ContainerStatus{
				{Name: "i1", State: terminated("Completed", 0, 0), RestartCount: 2, LastTerminationState: finished(time.Minute)},
			}, []api.ContainerStatus{{Name: "c", State: waiting("PodInitializing")}}),
			wantReady: "0/1", wantStatus: "PodInitializing", wantRestarts: "0",
		},
		{
			name: "app container replacing the reason of a failed init container once initialized",
			pod: pod(1, 1, api.PodRunning, []api.ContainerStatus{
				{Name: "i1", State: terminated("Error", 1, 0)},
			}, []api.ContainerStatus{
				{Name: "c", State: waiting("CrashLoopBackOff")},
			}, cond(api.PodInitialized, api.ConditionTrue, "")),
			wantReady: "0/1", wantStatus: "CrashLoopBackOff", wantRestarts: "0",
		},
		{
			name: "initialized pod counts only app restarts; a failed init container's reason stays",
			pod: pod(1, 1, api.PodRunning, []api.ContainerStatus{
				{Name: "i1", State: terminated("Error", 1, 0), RestartCount: 7},
			}, []api.ContainerStatus{
				{Name: "c", State: running(), Ready: true, RestartCount: 1, LastTerminationState: finished(time.Hour)},
			}, cond(api.PodInitialized, api.ConditionTrue, "")),
			wantReady: "1/1", wantStatus: "Init:Error", wantRestarts: "1 (60m ago)",
		},
		{
			name: "running pod being deleted is terminating",
			pod: func() *api.Pod {
				p := pod(1, 0, api.PodRunning, nil, []api.ContainerStatus{readyRunning})
				p.DeletionTimestamp = agoPtr(time.Second)
				return p
			}(),
			wantReady: "1/1", wantStatus: "Terminating", wantRestarts: "0",
		},
		{
			name: "pending pod being deleted is terminating",
			pod: func() *api.Pod {
				p := pod(1, 0, api.PodPending, nil, []api.ContainerStatus{{Name: "c", State: waiting("ContainerCreating")}})
				p.DeletionTimestamp = agoPtr(time.Second)
				return p
			}(),
			wantReady: "0/1", wantStatus: "Terminating", wantRestarts: "0",
		},
		{
			name: "succeeded pod being deleted stays completed",
			pod: func() *api.Pod {
				p := pod(1, 0, api.PodSucceeded, nil, []api.ContainerStatus{{Name: "c", State: terminated("Completed", 0, 0)}})
				p.DeletionTimestamp = agoPtr(time.Second)
				return p
			}(),
			wantReady: "0/1", wantStatus: "Completed", wantRestarts: "0",
		},
		{
			name: "failed pod being deleted stays failed",
			pod: func() *api.Pod {
				p := pod(1, 0, api.PodFailed, nil, []api.ContainerStatus{{Name: "c", State: terminated("Error", 1, 0)}})
				p.DeletionTimestamp = agoPtr(time.Second)
				return p
			}(),
			wantReady: "0/1", wantStatus: "Error", wantRestarts: "0",
		},
		{
			name: "pod on a lost node being deleted is unknown",
			pod: func() *api.Pod {
				p := pod(1, 0, api.PodRunning, nil, []api.ContainerStatus{readyRunning})
				p.Status.Reason = "NodeLost"
				p.DeletionTimestamp = agoPtr(time.Second)
				return p
			}(),
			wantReady: "1/1", wantStatus: "Unknown", wantRestarts: "0",
		},
		{
			name: "pod on a lost node not yet deleted shows the reason",
			pod: func() *api.Pod {
				p := pod(1, 0, api.PodRunning, nil, []api.ContainerStatus{readyRunning})
				p.Status.Reason = "NodeLost"
				return p
			}(),
			wantReady: "1/1", wantStatus: "NodeLost", wantRestarts: "0",
		},
		{
			name:      "unknown phase",
			pod:       pod(1, 0, api.PodUnknown, nil, nil),
			wantReady: "0/1", wantStatus: "Unknown", wantRestarts: "0",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			checkCells(t, "Pod", tt.pod, map[string]any{
				"Ready": tt.wantReady, "Status": tt.wantStatus, "Restarts": tt.wantRestarts,
			})
		})
	}
}

func TestPodOtherColumns(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		pod  *api.Pod
		want map[string]any
	}{
		{
			name: "unscheduled pod",
			pod: &api.Pod{
				ObjectMeta: api.ObjectMeta{Name: "web-1", CreationTimestamp: ago(5 * time.Second)},
				Spec:       api.PodSpec{Containers: []api.Container{{Name: "c"}}},
				Status:     api.PodStatus{Phase: api.PodPending},
			},
			want: map[string]any{
				"Name": "web-1", "Age": "5s", "IP": "<none>", "Node": "<none>",
				"Nominated Node": "<none>", "Readiness Gates": "<none>",
			},
		},
		{
			name: "scheduled pod with pod IPs",
			pod: &api.Pod{
				ObjectMeta: api.ObjectMeta{Name: "web-2", CreationTimestamp: ago(3*time.Minute + 2*time.Second)},
				Spec:       api.PodSpec{NodeName: "node-a", Containers: []api.Container{{Name: "c"}}},
				Status: api.PodStatus{
					Phase: api.PodRunning, PodIP: "10.0.0.9",
					PodIPs:            []api.PodIP{{IP: "10.0.0.7"}, {IP: "fd00::7"}},
					NominatedNodeName: "node-b",
				},
			},
			want: map[string]any{
				"Name": "web-2", "Age": "3m2s", "IP": "10.0.0.7", "Node": "node-a",
				"Nominated Node": "node-b", "Readiness Gates": "<none>",
			},
		},
		{
			name: "pod IP without pod IPs",
			pod: &api.Pod{
				ObjectMeta: api.ObjectMeta{Name: "web-3", CreationTimestamp: ago(50 * time.Hour)},
				Status:     api.PodStatus{PodIP: "10.0.0.8"},
			},
			want: map[string]any{"Name": "web-3", "Age": "2d2h", "IP": "10.0.0.8", "Ready": "0/0"},
		},
		{
			name: "no creation timestamp",
			pod:  &api.Pod{ObjectMeta: api.ObjectMeta{Name: "web-4"}},
			want: map[string]any{"Name": "web-4", "Age": "<unknown>"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			checkCells(t, "Pod", tt.pod, tt.want)
		})
	}
}

func TestPodRowConditions(t *testing.T) {
	t.Parallel()
	tests := []struct {
		phase api.PodPhase
		want  []api.TableRowCondition
	}{
		{api.PodPending, nil},
		{api.PodRunning, nil},
		{api.PodSucceeded, []api.TableRowCondition{{Type: "Completed", Status: api.ConditionTrue, Reason: "Succeeded", Message: "The pod has completed successfully."}}},
		{api.PodFailed, []api.TableRowCondition{{Type: "Completed", Status: api.ConditionTrue, Reason: "Failed", Message: "The pod failed."}}},
	}
	for _, tt := range tests {
		t.Run(string(tt.phase), func(t *testing.T) {
			t.Parallel()
			row := rowOf(t, "Pod", pod(1, 0, tt.phase, nil, nil))
			if diff := cmp.Diff(tt.want, row.Conditions); diff != "" {
				t.Errorf("conditions (-want +got):\n%s", diff)
			}
		})
	}
}
