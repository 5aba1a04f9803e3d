package kubelet

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"strconv"
	"time"

	"github.com/orrery-dev/orrery/api"
	"github.com/orrery-dev/orrery/client"
	"github.com/orrery-dev/orrery/controllers/scheduler/framework"
	"github.com/orrery-dev/orrery/manager"
)

// podState is what the simulated kubelet knows of a pod of one of its nodes.
type podState struct {
	admitted  time.Time // when the kubelet took it
	started   time.Time // when its containers (last) started; zero before
	restarts  int32
	ip        string
	written   string    // a key of the last status written
	restartAt time.Time // a crashed container's restart, after its backoff
}

func (k *Kubelet) forget(uid string) {
	k.mu.Lock()
	defer k.mu.Unlock()
	delete(k.pods_, uid)
}

func (k *Kubelet) running() int {
	k.mu.Lock()
	defer k.mu.Unlock()
	n := 0
	for _, st := range k.pods_ {
		if !st.started.IsZero() {
			n++
		}
	}
	return n
}

func annotationDuration(p *api.Pod, key string) time.Duration {
	d, err := time.ParseDuration(p.Annotations[key])
	if err != nil || d < 0 {
		return 0
	}
	return d
}

// Reconcile moves one pod of a simulated node towards its next phase.
func (k *Kubelet) Reconcile(ctx context.Context, req manager.Request) (manager.Result, error) {
	pod, err := k.pods.Get(ctx, req.Namespace, req.Name)
	if client.IsNotFound(err) {
		return manager.Result{}, nil
	}
	if err != nil {
		return manager.Result{}, err
	}
	idx, ours := k.index[pod.Spec.NodeName]
	if !ours || k.down(pod.Spec.NodeName) {
		return manager.Result{}, nil
	}
	if pod.DeletionTimestamp != nil {
		// Stopping is instant: the pod goes with grace period 0.
		zero := int64(0)
		uid := pod.UID
		err := k.write(ctx, func() error {
			return k.pods.API().Namespace(pod.Namespace).Delete(ctx, pod.Name, &api.DeleteOptions{GracePeriodSeconds: &zero, Preconditions: &api.Preconditions{UID: &uid}})
		})
		if client.IsNotFound(err) || client.IsConflict(err) {
			err = nil
		}
		if err == nil {
			k.forget(pod.UID)
		}
		return manager.Result{}, err
	}
	if pod.Status.Phase == api.PodSucceeded || pod.Status.Phase == api.PodFailed {
		return manager.Result{}, nil
	}
	now := k.now()
	k.mu.Lock()
	st, known := k.pods_[pod.UID]
	if !known {
		st = &podState{admitted: now}
		k.pods_[pod.UID] = st
	}
	k.mu.Unlock()
	if !known {
		if reason, msg := k.admit(pod); reason != "" {
			return manager.Result{}, k.writeStatus(ctx, pod, st, failedStatus(pod, reason, msg))
		}
		k.mu.Lock()
		st.ip = podIP(idx, k.nextIP[pod.Spec.NodeName])
		k.nextIP[pod.Spec.NodeName]++
		k.mu.Unlock()
	}
	status, after := k.desired(pod, idx, st, now)
	if err := k.writeStatus(ctx, pod, st, status); err != nil {
		return manager.Result{}, err
	}
	return manager.Result{RequeueAfter: after}, nil
}

// admit checks the pod against what the node has left, as the kubelet's admission
// does; it returns the reason and message of a refusal.
func (k *Kubelet) admit(pod *api.Pod) (string, string) {
	node, err := k.nodes.Lister().Get(pod.Spec.NodeName)
	if err != nil {
		return "", ""
	}
	info := framework.NewNodeInfo(node)
	onNode, _ := k.byNode.Lookup(pod.Spec.NodeName)
	for _, p := range onNode {
		if p.UID != pod.UID && p.DeletionTimestamp == nil && p.Status.Phase != api.PodSucceeded && p.Status.Phase != api.PodFailed {
			info.AddPod(framework.NewPodInfo(p))
		}
	}
	req, _ := framework.PodRequests(pod)
	check := func(name string, want, alloc, used int64) (string, string) {
		if want > 0 && want > alloc-used {
			return "OutOf" + name, fmt.Sprintf("Pod was rejected: Node didn't have enough resource: %s, requested: %d, used: %d, capacity: %d", name, want, used, alloc)
		}
		return "", ""
	}
	if r, m := check("cpu", req.MilliCPU, info.Allocatable.MilliCPU, info.Requested.MilliCPU); r != "" {
		return r, m
	}
	if r, m := check("memory", req.Memory, info.Allocatable.Memory, info.Requested.Memory); r != "" {
		return r, m
	}
	if int64(len(info.Pods))+1 > info.Allocatable.AllowedPods {
		return "OutOfpods", fmt.Sprintf("Pod was rejected: Node didn't have enough resource: pods, requested: 1, used: %d, capacity: %d", len(info.Pods), info.Allocatable.AllowedPods)
	}
	return "", ""
}

func failedStatus(pod *api.Pod, reason, msg string) api.PodStatus {
	st := pod.Status
	st.Phase, st.Reason, st.Message = api.PodFailed, reason, msg
	return st
}

// desired is the status the pod has at now, and how long until it changes.
func (k *Kubelet) desired(pod *api.Pod, idx int, st *podState, now time.Time) (api.PodStatus, time.Duration) {
	s := pod.Status
	hostIP := nodeIP(idx)
	s.HostIP, s.HostIPs = hostIP, []api.HostIP{{IP: hostIP}}
	start := api.NewTime(st.admitted)
	s.StartTime = &start
	t := func(x time.Time) api.Time { return api.NewTime(x) }
	cond := func(ty api.PodConditionType, ok bool, at time.Time) api.PodCondition {
		c := api.PodCondition{Type: ty, Status: api.ConditionFalse, LastTransitionTime: t(at)}
		if ok {
			c.Status = api.ConditionTrue
		}
		return c
	}
	startAt := st.admitted.Add(k.opts.PodStartDelay)
	if now.Before(startAt) {
		s.Phase = api.PodPending
		s.Conditions = []api.PodCondition{
			cond("PodReadyToStartContainers", false, st.admitted), cond(api.PodInitialized, true, st.admitted),
			cond(api.PodReady, false, st.admitted), cond(api.ContainersReady, false, st.admitted), cond(api.PodScheduled, true, st.admitted),
		}
		s.ContainerStatuses = k.containers(pod, st, func(api.Container) api.ContainerState {
			return api.ContainerState{Waiting: &api.ContainerStateWaiting{Reason: "ContainerCreating"}}
		}, false)
		s.Conditions[2].Reason, s.Conditions[3].Reason = "ContainersNotReady", "ContainersNotReady"
		return s, startAt.Sub(now)
	}
	if st.started.IsZero() || (!st.restartAt.IsZero() && !now.Before(st.restartAt)) {
		st.started = maxTime(startAt, st.restartAt)
		st.restartAt = time.Time{}
	}
	s.PodIP, s.PodIPs = st.ip, []api.PodIP{{IP: st.ip}}
	runFor := annotationDuration(pod, AnnotationRunFor)
	readyAfter := annotationDuration(pod, AnnotationReadyAfter)
	finishAt := st.started.Add(runFor)
	if runFor > 0 && !now.Before(finishAt) && st.restartAt.IsZero() {
		code, _ := strconv.Atoi(pod.Annotations[AnnotationExitCode])
		policy := pod.Spec.RestartPolicy
		restart := policy == api.RestartPolicyAlways || (policy == api.RestartPolicyOnFailure && code != 0)
		terminated := &api.ContainerStateTerminated{ExitCode: int32(code), Reason: "Completed", StartedAt: t(st.started), FinishedAt: t(finishAt)}
		if code != 0 {
			terminated.Reason = "Error"
		}
		if !restart {
			if code == 0 {
				s.Phase = api.PodSucceeded
			} else {
				s.Phase = api.PodFailed
			}
			s.Conditions = []api.PodCondition{
				cond("PodReadyToStartContainers", false, finishAt), cond(api.PodInitialized, true, st.admitted),
				cond(api.PodReady, false, finishAt), cond(api.ContainersReady, false, finishAt), cond(api.PodScheduled, true, st.admitted),
			}
			s.Conditions[2].Reason, s.Conditions[3].Reason = "PodCompleted", "PodCompleted"
			s.ContainerStatuses = k.containers(pod, st, func(api.Container) api.ContainerState { return api.ContainerState{Terminated: terminated} }, false)
			return s, 0
		}
		// Restarted after a backoff of 10 s doubling to 5 minutes (CrashLoopBackOff).
		st.restarts++
		backoff := min(10*time.Second<<min(st.restarts-1, 5), 5*time.Minute)
		st.restartAt = finishAt.Add(backoff)
		s.Phase = api.PodRunning
		s.Conditions = []api.PodCondition{
			cond("PodReadyToStartContainers", true, st.admitted), cond(api.PodInitialized, true, st.admitted),
			cond(api.PodReady, false, finishAt), cond(api.ContainersReady, false, finishAt), cond(api.PodScheduled, true, st.admitted),
		}
		s.ContainerStatuses = k.containers(pod, st, func(c api.Container) api.ContainerState {
			return api.ContainerState{Waiting: &api.ContainerStateWaiting{Reason: "CrashLoopBackOff",
				Message: fmt.Sprintf("back-off %s restarting failed container=%s pod=%s_%s(%s)", backoff, c.Name, pod.Name, pod.Namespace, pod.UID)}}
		}, false)
		for i := range s.ContainerStatuses {
			s.ContainerStatuses[i].LastTerminationState = api.ContainerState{Terminated: terminated}
		}
		return s, st.restartAt.Sub(now)
	}
	readyAt := st.started.Add(readyAfter)
	ready := !now.Before(readyAt)
	s.Phase = api.PodRunning
	s.Conditions = []api.PodCondition{
		cond("PodReadyToStartContainers", true, st.started), cond(api.PodInitialized, true, st.admitted),
		cond(api.PodReady, ready, maxTime(readyAt, st.started)), cond(api.ContainersReady, ready, maxTime(readyAt, st.started)),
		cond(api.PodScheduled, true, st.admitted),
	}
	s.ContainerStatuses = k.containers(pod, st, func(api.Container) api.ContainerState {
		return api.ContainerState{Running: &api.ContainerStateRunning{StartedAt: t(st.started)}}
	}, ready)
	s.InitContainerStatuses = nil
	for _, c := range pod.Spec.InitContainers {
		s.InitContainerStatuses = append(s.InitContainerStatuses, api.ContainerStatus{Name: c.Name, Image: c.Image, ImageID: imageID(c.Image),
			ContainerID: containerID(pod.UID, c.Name, 0), Ready: true, Started: new(bool),
			State: api.ContainerState{Terminated: &api.ContainerStateTerminated{Reason: "Completed", StartedAt: t(st.admitted), FinishedAt: t(startAt),
				ContainerID: containerID(pod.UID, c.Name, 0)}}})
	}
	var after time.Duration
	switch {
	case !ready:
		after = readyAt.Sub(now)
	case runFor > 0:
		after = finishAt.Sub(now)
	}
	return s, after
}

func maxTime(a, b time.Time) time.Time {
	if a.After(b) {
		return a
	}
	return b
}

func (k *Kubelet) containers(pod *api.Pod, st *podState, state func(api.Container) api.ContainerState, ready bool) []api.ContainerStatus {
	out := make([]api.ContainerStatus, 0, len(pod.Spec.Containers))
	for _, c := range pod.Spec.Containers {
		s := state(c)
		started := s.Running != nil
		cs := api.ContainerStatus{Name: c.Name, State: s, Ready: ready && started, RestartCount: st.restarts,
			Image: c.Image, ImageID: imageID(c.Image), Started: &started}
		if s.Waiting == nil || st.restarts > 0 {
			cs.ContainerID = containerID(pod.UID, c.Name, st.restarts)
		}
		out = append(out, cs)
	}
	return out
}

func containerID(uid, name string, restart int32) string {
	h := sha256.Sum256([]byte(fmt.Sprintf("%s/%s/%d", uid, name, restart)))
	return "orrery://" + hex.EncodeToString(h[:])
}

func imageID(image string) string {
	h := sha256.Sum256([]byte(image))
	return image + "@sha256:" + hex.EncodeToString(h[:])
}

// writeStatus writes status unless it is what was last written.
func (k *Kubelet) writeStatus(ctx context.Context, pod *api.Pod, st *podState, status api.PodStatus) error {
	key := fmt.Sprintf("%s/%v/%d/%s", status.Phase, readyOf(status), st.restarts, status.Reason)
	k.mu.Lock()
	same := st.written == key
	k.mu.Unlock()
	if same {
		return nil
	}
	cp := pod.DeepCopy()
	cp.Status = status
	err := k.write(ctx, func() error {
		_, err := k.pods.UpdateStatus(ctx, cp)
		return err
	})
	if client.IsNotFound(err) {
		return nil
	}
	if err != nil {
		return err // a Conflict retries with the newer pod
	}
	k.mu.Lock()
	st.written = key
	k.mu.Unlock()
	k.metrics.transitions.WithLabelValues(string(status.Phase)).Observe(k.now().Sub(st.admitted).Seconds())
	return nil
}

func readyOf(s api.PodStatus) bool {
	for _, c := range s.Conditions {
		if c.Type == api.PodReady {
			return c.Status == api.ConditionTrue
		}
	}
	return false
}
