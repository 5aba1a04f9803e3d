package plugins

import (
	"context"
	"fmt"
	"math"
	"sort"

	"github.com/orrery-dev/orrery/api"
	"github.com/orrery-dev/orrery/controllers/scheduler/framework"
)

// ScoringStrategy is how NodeResourcesFit scores: LeastAllocated spreads pods,
// MostAllocated packs them.
type ScoringStrategy string

// The strategies.
const (
	LeastAllocated ScoringStrategy = "LeastAllocated"
	MostAllocated  ScoringStrategy = "MostAllocated"
)

// NodeResourcesFit rejects nodes without room for the pod's requests (cpu, memory,
// ephemeral storage, extended resources, the pod count, with the pod's overhead) and
// scores nodes by how much of their cpu and memory would be in use.
type NodeResourcesFit struct {
	// Strategy defaults to LeastAllocated.
	Strategy ScoringStrategy
}

func (NodeResourcesFit) Name() string { return NameNodeResourcesFit }

const requestsKey = "PreFilter" + NameNodeResourcesFit

func (NodeResourcesFit) PreFilter(_ context.Context, state *framework.CycleState, pod *api.Pod, _ []*framework.NodeInfo) *framework.Status {
	state.Write(requestsKey, framework.NewPodInfo(pod))
	return nil
}

func podInfo(state *framework.CycleState, pod *api.Pod) *framework.PodInfo {
	if v, ok := state.Read(requestsKey); ok {
		return v.(*framework.PodInfo)
	}
	return framework.NewPodInfo(pod)
}

func (NodeResourcesFit) Filter(_ context.Context, state *framework.CycleState, pod *api.Pod, n *framework.NodeInfo) *framework.Status {
	reasons := InsufficientResources(podInfo(state, pod).Requests, n)
	if len(reasons) == 0 {
		return nil
	}
	return framework.NewStatus(framework.Unschedulable, reasons...)
}

// InsufficientResources lists what node lacks for a pod that requests req, as
// kube-scheduler words it ("Too many pods", "Insufficient cpu").
func InsufficientResources(req framework.Resource, n *framework.NodeInfo) []string {
	var reasons []string
	if int64(len(n.Pods))+1 > n.Allocatable.AllowedPods {
		reasons = append(reasons, errReasonTooManyPods)
	}
	check := func(name string, want, alloc, used int64) {
		if want > 0 && want > alloc-used {
			reasons = append(reasons, fmt.Sprintf(errReasonInsufficientFm, name))
		}
	}
	check("cpu", req.MilliCPU, n.Allocatable.MilliCPU, n.Requested.MilliCPU)
	check("memory", req.Memory, n.Allocatable.Memory, n.Requested.Memory)
	check("ephemeral-storage", req.EphemeralStorage, n.Allocatable.EphemeralStorage, n.Requested.EphemeralStorage)
	names := make([]string, 0, len(req.Scalar))
	for name := range req.Scalar {
		names = append(names, name)
	}
	sort.Strings(names)
	for _, name := range names {
		check(name, req.Scalar[name], n.Allocatable.Scalar[name], n.Requested.Scalar[name])
	}
	return reasons
}

func (f NodeResourcesFit) Score(_ context.Context, state *framework.CycleState, pod *api.Pod, n *framework.NodeInfo) (int64, *framework.Status) {
	pi := podInfo(state, pod)
	cpu := scoreResource(f.Strategy, n.NonZeroRequested.MilliCPU+pi.NonZero.MilliCPU, n.Allocatable.MilliCPU)
	mem := scoreResource(f.Strategy, n.NonZeroRequested.Memory+pi.NonZero.Memory, n.Allocatable.Memory)
	return (cpu + mem) / 2, nil // cpu and memory, weight 1 each
}

func scoreResource(strategy ScoringStrategy, requested, allocatable int64) int64 {
	if allocatable == 0 {
		return 0
	}
	if strategy == MostAllocated {
		if requested > allocatable {
			return framework.MaxNodeScore
		}
		return requested * framework.MaxNodeScore / allocatable
	}
	if requested > allocatable {
		return 0
	}
	return (allocatable - requested) * framework.MaxNodeScore / allocatable
}

// BalancedAllocation prefers nodes whose cpu and memory would be used in equal
// proportions once the pod is there.
type BalancedAllocation struct{}

func (BalancedAllocation) Name() string { return NameBalancedAllocation }

func (BalancedAllocation) Score(_ context.Context, state *framework.CycleState, pod *api.Pod, n *framework.NodeInfo) (int64, *framework.Status) {
	pi := podInfo(state, pod)
	frac := func(requested, allocatable int64) float64 {
		if allocatable == 0 {
			return 0
		}
		return math.Min(1, float64(requested)/float64(allocatable))
	}
	// Actual requests, not the defaults for pods that ask for nothing.
	cpu := frac(n.Requested.MilliCPU+pi.Requests.MilliCPU, n.Allocatable.MilliCPU)
	mem := frac(n.Requested.Memory+pi.Requests.Memory, n.Allocatable.Memory)
	std := math.Abs(cpu-mem) / 2 // the standard deviation of two values
	return int64((1 - std) * float64(framework.MaxNodeScore)), nil
}
