package builtin

import (
	"strconv"
	"strings"
	"time"

	"github.com/orrery-dev/orrery/api"
)

// Pod reasons the printer recognises.
const (
	// reasonSchedulingGated is the PodScheduled condition's reason while scheduling gates
	// hold the pod back.
	reasonSchedulingGated = "SchedulingGated"
	// reasonNodeLost is the pod status reason the node lifecycle controller sets when the
	// pod's node stops answering.
	reasonNodeLost = "NodeLost"
	// reasonPodInitializing is the waiting reason of an init container whose turn has not
	// come yet.
	reasonPodInitializing = "PodInitializing"
)

func podColumns() []api.TableColumnDefinition {
	return []api.TableColumnDefinition{
		nameColumn(),
		col("Ready", typeString, descPodReady),
		col("Status", typeString, descPodStatus),
		col("Restarts", typeString, descPodRestarts),
		ageColumn(),
		wide("IP", typeString, descPodIP),
		wide("Node", typeString, descPodNodeName),
		wide("Nominated Node", typeString, descPodNominatedNodeName),
		wide("Readiness Gates", typeString, descPodReadinessGates),
	}
}

// podRow prints NAME READY STATUS RESTARTS AGE IP NODE NOMINATED-NODE READINESS-GATES,
// and marks succeeded and failed pods with a Completed row condition.
func podRow(pod *api.Pod, now time.Time) api.TableRow {
	var row api.TableRow
	switch pod.Status.Phase {
	case api.PodSucceeded:
		row.Conditions = []api.TableRowCondition{{Type: "Completed", Status: api.ConditionTrue,
			Reason: string(api.PodSucceeded), Message: "The pod has completed successfully."}}
	case api.PodFailed:
		row.Conditions = []api.TableRowCondition{{Type: "Completed", Status: api.ConditionTrue,
			Reason: string(api.PodFailed), Message: "The pod failed."}}
	}

	s := podStatus(pod)
	restarts := strconv.Itoa(s.restarts)
	if s.restarts != 0 && !s.lastRestart.IsZero() {
		restarts += " (" + since(s.lastRestart, now) + " ago)"
	}
	podIP := pod.Status.PodIP
	if len(pod.Status.PodIPs) > 0 {
		podIP = pod.Status.PodIPs[0].IP
	}
	row.Cells = []any{
		pod.Name,
		strconv.Itoa(s.ready) + "/" + strconv.Itoa(s.total),
		s.reason,
		restarts,
		since(pod.CreationTimestamp.Time, now),
		orNone(podIP),
		orNone(pod.Spec.NodeName),
		orNone(pod.Status.NominatedNodeName),
		// Orrery's PodSpec has no readinessGates.
		"<none>",
	}
	return row
}

// podSummary is what the READY, STATUS and RESTARTS columns say of a pod.
type podSummary struct {
	ready, total int
	reason       string
	restarts     int
	// lastRestart is when the most recently restarted counted container last
	// terminated; zero when unknown.
	lastRestart time.Time
}

// podStatus works out a pod's summary as Kubernetes' pod printer does:
//
//   - STATUS starts as the phase, or status.reason when set ("Evicted"), and becomes
//     "SchedulingGated" while the PodScheduled condition says so.
//   - Init containers are walked in order; the first that has not completed decides the
//     status: "Init:<reason>" when it terminated with a reason or waits with one (other
//     than PodInitializing), "Init:Signal:N" or "Init:ExitCode:N" when it failed without
//     one, else "Init:i/n" (i of n done).
//   - Once no init container holds the pod back (or the Initialized condition is True),
//     the app containers are walked from last to first: each one waiting or terminated
//     with a reason overrides the status with it ("ContainerCreating",
//     "CrashLoopBackOff", "Completed", "Error", "OOMKilled"), a terminated one without a
//     reason gives "Signal:N" or "ExitCode:N", and a ready running one counts as ready. A
//     "Completed" status with a ready container still running reads "Running" when the
//     pod's Ready condition is True, else "NotReady".
//   - A pod being deleted reads "Unknown" when its node was lost, else "Terminating"
//     unless it has already succeeded or failed.
//
// RESTARTS counts the app containers' restarts once the pod is initialized, the init
// containers' up to the one holding the pod back before that.
func podStatus(pod *api.Pod) podSummary {
	s := podSummary{total: len(pod.Spec.Containers), reason: string(pod.Status.Phase)}
	if pod.Status.Reason != "" {
		s.reason = pod.Status.Reason
	}
	for _, c := range pod.Status.Conditions {
		if c.Type == api.PodScheduled && c.Reason == reasonSchedulingGated {
			s.reason = reasonSchedulingGated
		}
	}

	initializing := false
	for i, c := range pod.Status.InitContainerStatuses {
		s.restarts += int(c.RestartCount)
		s.lastRestart = laterTermination(s.lastRestart, c.LastTerminationState)
		if t := c.State.Terminated; t != nil && t.ExitCode == 0 {
			continue
		}
		initializing = true
		switch {
		case c.State.Terminated != nil:
			s.reason = "Init:" + terminatedReason(c.State.Terminated)
		case c.State.Waiting != nil && c.State.Waiting.Reason != "" && c.State.Waiting.Reason != reasonPodInitializing:
			s.reason = "Init:" + c.State.Waiting.Reason
		default:
			s.reason = "Init:" + strconv.Itoa(i) + "/" + strconv.Itoa(len(pod.Spec.InitContainers))
		}
		break
	}

	if !initializing || conditionTrue(pod.Status.Conditions, api.PodInitialized) {
		// Init containers' restarts no longer count once the pod is initialized.
		s.restarts, s.lastRestart = 0, time.Time{}
		hasRunning := false
		for i := len(pod.Status.ContainerStatuses) - 1; i >= 0; i-- {
			c := pod.Status.ContainerStatuses[i]
			s.restarts += int(c.RestartCount)
			s.lastRestart = laterTermination(s.lastRestart, c.LastTerminationState)
			switch {
			case c.State.Waiting != nil && c.State.Waiting.Reason != "":
				s.reason = c.State.Waiting.Reason
			case c.State.Terminated != nil:
				s.reason = terminatedReason(c.State.Terminated)
			case c.Ready && c.State.Running != nil:
				hasRunning = true
				s.ready++
			}
		}
		if s.reason == "Completed" && hasRunning {
			if anyConditionTrue(pod.Status.Conditions, api.PodReady) {
				s.reason = "Running"
			} else {
				s.reason = "NotReady"
			}
		}
	}

	if pod.DeletionTimestamp != nil {
		if pod.Status.Reason == reasonNodeLost {
			s.reason = "Unknown"
		} else if pod.Status.Phase != api.PodSucceeded && pod.Status.Phase != api.PodFailed {
			s.reason = "Terminating"
		}
	}
	return s
}

// terminatedReason is a terminated container's reason, or "Signal:N" / "ExitCode:N"
// when it has none.
func terminatedReason(t *api.ContainerStateTerminated) string {
	switch {
	case t.Reason != "":
		return t.Reason
	case t.Signal != 0:
		return "Signal:" + strconv.Itoa(int(t.Signal))
	default:
		return "ExitCode:" + strconv.Itoa(int(t.ExitCode))
	}
}

// laterTermination returns the later of last and the finish time of a previous run.
func laterTermination(last time.Time, previous api.ContainerState) time.Time {
	if t := previous.Terminated; t != nil && last.Before(t.FinishedAt.Time) {
		return t.FinishedAt.Time
	}
	return last
}

// conditionTrue reports whether the first condition of type t is True.
func conditionTrue(conds []api.PodCondition, t api.PodConditionType) bool {
	for _, c := range conds {
		if c.Type == t {
			return c.Status == api.ConditionTrue
		}
	}
	return false
}

// anyConditionTrue reports whether any condition of type t is True.
func anyConditionTrue(conds []api.PodCondition, t api.PodConditionType) bool {
	for _, c := range conds {
		if c.Type == t && c.Status == api.ConditionTrue {
			return true
		}
	}
	return false
}

// orNone returns s, or "<none>" when s is empty.
func orNone(s string) string {
	if s == "" {
		return "<none>"
	}
	return s
}

// orNoneJoin joins ss with commas, or returns "<none>" when there is nothing to join.
func orNoneJoin(ss []string) string {
	return orNone(strings.Join(ss, ","))
}
