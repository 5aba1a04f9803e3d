package kubelet

import (
	"testing"
	"time"

	"github.com/orrery-dev/orrery/api"
)

func ready(s api.PodStatus) bool { return readyOf(s) }

// TestTransitions walks pods through their phases with an injected clock: each
// transition and when the next one is due.
func TestTransitions(t *testing.T) {
	t.Parallel()
	k := &Kubelet{opts: Options{PodStartDelay: 2 * time.Second}}
	t0 := time.Unix(10_000, 0)
	pod := func(annotations map[string]string, policy api.RestartPolicy) *api.Pod {
		return &api.Pod{ObjectMeta: api.ObjectMeta{Name: "p", Namespace: "ns", UID: "u", Annotations: annotations},
			Spec: api.PodSpec{NodeName: "n", RestartPolicy: policy, Containers: []api.Container{{Name: "app", Image: "nginx:1"}}}}
	}

	// Pending (ContainerCreating) for the start delay, then Running and ready.
	st := &podState{admitted: t0, ip: "10.64.0.2"}
	p := pod(nil, api.RestartPolicyAlways)
	s, after := k.desired(p, 0, st, t0.Add(time.Second))
	if s.Phase != api.PodPending || s.ContainerStatuses[0].State.Waiting == nil || s.ContainerStatuses[0].State.Waiting.Reason != "ContainerCreating" || after != time.Second {
		t.Errorf("during the start delay: %s %+v, next in %v", s.Phase, s.ContainerStatuses, after)
	}
	s, after = k.desired(p, 0, st, t0.Add(2*time.Second))
	if s.Phase != api.PodRunning || !ready(s) || s.PodIP != "10.64.0.2" || s.ContainerStatuses[0].State.Running == nil ||
		!s.ContainerStatuses[0].State.Running.StartedAt.Equal(t0.Add(2*time.Second)) || after != 0 {
		t.Errorf("after the delay: %s ready=%v %+v, next in %v", s.Phase, ready(s), s.ContainerStatuses, after)
	}

	// ready-after: Running, ready 10 s later.
	st = &podState{admitted: t0}
	p = pod(map[string]string{AnnotationReadyAfter: "10s"}, api.RestartPolicyAlways)
	s, after = k.desired(p, 0, st, t0.Add(3*time.Second))
	if s.Phase != api.PodRunning || ready(s) || after != 9*time.Second {
		t.Errorf("before ready-after: ready=%v, next in %v", ready(s), after)
	}
	if s, _ = k.desired(p, 0, st, t0.Add(12*time.Second)); !ready(s) {
		t.Error("not ready after ready-after")
	}

	// run-for under Never: Succeeded with exit 0, Failed with exit-code 1.
	for _, tt := range []struct {
		code  string
		phase api.PodPhase
	}{{"", api.PodSucceeded}, {"1", api.PodFailed}} {
		st = &podState{admitted: t0}
		p = pod(map[string]string{AnnotationRunFor: "30s", AnnotationExitCode: tt.code}, api.RestartPolicyNever)
		if _, after := k.desired(p, 0, st, t0.Add(2*time.Second)); after != 30*time.Second {
			t.Errorf("running: next in %v, want the 30 s of run-for", after)
		}
		s, _ = k.desired(p, 0, st, t0.Add(32*time.Second))
		if s.Phase != tt.phase || s.ContainerStatuses[0].State.Terminated == nil {
			t.Errorf("exit code %q: phase %s %+v", tt.code, s.Phase, s.ContainerStatuses[0].State)
		}
	}

	// run-for under Always: CrashLoopBackOff for 10 s, then running again, restart 1.
	st = &podState{admitted: t0}
	p = pod(map[string]string{AnnotationRunFor: "5s", AnnotationExitCode: "1"}, api.RestartPolicyAlways)
	k.desired(p, 0, st, t0.Add(2*time.Second))
	s, after = k.desired(p, 0, st, t0.Add(7*time.Second))
	cs := s.ContainerStatuses[0]
	if s.Phase != api.PodRunning || cs.State.Waiting == nil || cs.State.Waiting.Reason != "CrashLoopBackOff" || cs.RestartCount != 1 ||
		cs.LastTerminationState.Terminated == nil || cs.LastTerminationState.Terminated.ExitCode != 1 || after != 10*time.Second {
		t.Errorf("crash: %s %+v, next in %v", s.Phase, cs, after)
	}
	s, _ = k.desired(p, 0, st, t0.Add(17*time.Second))
	if cs := s.ContainerStatuses[0]; cs.State.Running == nil || cs.RestartCount != 1 || !ready(s) {
		t.Errorf("after the backoff: %+v", cs)
	}
}

func TestAddresses(t *testing.T) {
	t.Parallel()
	seen := map[string]bool{}
	for i := range 5000 {
		c := podCIDR(i)
		if seen[c] {
			t.Fatalf("node %d shares the pod CIDR %s", i, c)
		}
		seen[c] = true
	}
	if podIP(3, 0) != "10.64.3.2" || podIP(300, 5) != "10.65.44.7" {
		t.Errorf("pod IPs %s %s", podIP(3, 0), podIP(300, 5))
	}
}
