package scheduler

import (
	"context"
	"encoding/json"
	"fmt"
	"sort"
	"strings"

	"go.uber.org/zap"

	"github.com/orrery-dev/orrery/api"
	"github.com/orrery-dev/orrery/client"
	"github.com/orrery-dev/orrery/controllers/scheduler/framework"
)

// candidate is a node where evicting victims would let the pod fit.
type candidate struct {
	node    string
	victims []*api.Pod
}

// preempt tries to make room for pod, which fits nowhere, by evicting pods of lower
// priority from one node, as kube-scheduler's DefaultPreemption does. It returns the
// node nominated (empty if none) and the message kube-scheduler appends to the
// failure ("preemption: 0/3 nodes are available: ...").
func (s *Scheduler) preempt(ctx context.Context, state *framework.CycleState, pod *api.Pod, fe *fitError) (string, string) {
	if pod.Spec.PreemptionPolicy != nil && *pod.Spec.PreemptionPolicy != api.PreemptLowerPriority {
		return "", "preemption: not eligible due to preemptionPolicy=Never."
	}
	s.metrics.preemption.Inc()
	prio := priority(pod)
	var cands []candidate
	notHelpful, noVictims := 0, 0
	for _, n := range s.snap.list {
		st := fe.statuses[n.Node.Name]
		if st != nil && st.Code == framework.UnschedulableAndUnresolvable {
			notHelpful++
			continue
		}
		if c, ok := s.victimsOn(ctx, state, pod, prio, n); ok {
			cands = append(cands, c)
		} else {
			noVictims++
		}
	}
	if len(cands) == 0 {
		var parts []string
		if noVictims > 0 {
			parts = append(parts, fmt.Sprintf("%d No preemption victims found for incoming pod", noVictims))
		}
		if notHelpful > 0 {
			parts = append(parts, fmt.Sprintf("%d Preemption is not helpful for scheduling", notHelpful))
		}
		sort.Strings(parts)
		return "", fmt.Sprintf("preemption: 0/%d nodes are available: %s.", len(s.snap.list), strings.Join(parts, ", "))
	}
	best := pickCandidate(cands)
	if err := s.nominate(ctx, pod, best); err != nil {
		s.logger.Warn("preemption", zap.String("pod", pod.Namespace+"/"+pod.Name), zap.Error(err))
		return "", ""
	}
	return best.node, ""
}

// victimsOn finds the fewest, lowest-priority pods to evict from n for pod to fit:
// all lower-priority pods out, then as many as possible back, most important first.
func (s *Scheduler) victimsOn(ctx context.Context, state *framework.CycleState, pod *api.Pod, prio int32, n *framework.NodeInfo) (candidate, bool) {
	sim := n.Clone()
	var lower []*api.Pod
	for _, pi := range n.Pods {
		if priority(pi.Pod) < prio {
			lower = append(lower, pi.Pod)
			sim.RemovePod(pi.Pod.UID)
		}
	}
	if len(lower) == 0 || !runFilters(ctx, s.filters, state, pod, sim).IsSuccess() {
		return candidate{}, false
	}
	// Most important first: higher priority, then started earlier.
	sort.SliceStable(lower, func(i, j int) bool {
		if pi, pj := priority(lower[i]), priority(lower[j]); pi != pj {
			return pi > pj
		}
		return startTime(lower[i]).Before(startTime(lower[j]).Time)
	})
	var victims []*api.Pod
	for _, p := range lower {
		sim.AddPod(framework.NewPodInfo(p))
		if !runFilters(ctx, s.filters, state, pod, sim).IsSuccess() {
			sim.RemovePod(p.UID)
			victims = append(victims, p)
		}
	}
	return candidate{node: n.Node.Name, victims: victims}, true
}

func startTime(p *api.Pod) api.Time {
	if p.Status.StartTime != nil {
		return *p.Status.StartTime
	}
	return p.CreationTimestamp
}

// pickCandidate prefers, in order: the lowest highest-priority victim, the lowest sum
// of victim priorities, the fewest victims, then the first node.
func pickCandidate(cands []candidate) candidate {
	key := func(c candidate) (int32, int64, int) {
		top := int32(-1 << 31)
		var sum int64
		for _, v := range c.victims {
			top = max(top, priority(v))
			sum += int64(priority(v))
		}
		return top, sum, len(c.victims)
	}
	best := cands[0]
	bt, bs, bn := key(best)
	for _, c := range cands[1:] {
		t, s, n := key(c)
		if t < bt || (t == bt && (s < bs || (s == bs && n < bn))) {
			best, bt, bs, bn = c, t, s, n
		}
	}
	return best
}

// nominate records the node on the pod (status.nominatedNodeName) and evicts the
// victims, each with a Preempted event and the DisruptionTarget condition.
func (s *Scheduler) nominate(ctx context.Context, pod *api.Pod, c candidate) error {
	pods := client.Resource[*api.Pod](s.client)
	for _, v := range c.victims {
		cond := api.PodCondition{Type: api.DisruptionTarget, Status: api.ConditionTrue, Reason: "PreemptionByScheduler",
			Message: fmt.Sprintf("%s: preempting to accommodate a higher priority pod", s.opts.SchedulerName), LastTransitionTime: api.NewTime(s.now())}
		patch, _ := json.Marshal(map[string]any{"status": map[string]any{"conditions": []api.PodCondition{cond}}})
		if _, err := pods.Namespace(v.Namespace).Patch(ctx, v.Name, client.StrategicMergePatchType, patch, "status"); err != nil && !client.IsNotFound(err) {
			return err
		}
		uid := v.UID
		if err := pods.Namespace(v.Namespace).Delete(ctx, v.Name, &api.DeleteOptions{Preconditions: &api.Preconditions{UID: &uid}}); err != nil && !client.IsNotFound(err) {
			return err
		}
		s.events.Eventf(v, api.EventTypeNormal, "Preempted", "Preempted by pod %s on node %s", pod.UID, c.node)
	}
	patch, _ := json.Marshal(map[string]any{"status": map[string]any{"nominatedNodeName": c.node}})
	_, err := pods.Namespace(pod.Namespace).Patch(ctx, pod.Name, client.MergePatchType, patch, "status")
	return err
}
