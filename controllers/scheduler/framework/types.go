// Package framework is the scheduler's plugin API: the view of nodes a scheduling
// cycle works on (NodeInfo), the outcome of a plugin (Status), and the extension
// points a plugin implements (PreFilter, Filter, PreScore, Score with
// NormalizeScore, PostBind), with kube-scheduler's semantics. A plugin is a Go value;
// the scheduler runs it beside the built-in ones (package plugins).
package framework

import (
	"github.com/orrery-dev/orrery/api"
)

// Resource is an amount of each resource: CPU in millicores, memory and ephemeral
// storage in bytes, pods, and extended resources by name.
type Resource struct {
	MilliCPU         int64
	Memory           int64
	EphemeralStorage int64
	AllowedPods      int64
	Scalar           map[string]int64
}

// Add adds r2 to r.
func (r *Resource) Add(r2 Resource) {
	r.MilliCPU += r2.MilliCPU
	r.Memory += r2.Memory
	r.EphemeralStorage += r2.EphemeralStorage
	r.AllowedPods += r2.AllowedPods
	for k, v := range r2.Scalar {
		if r.Scalar == nil {
			r.Scalar = map[string]int64{}
		}
		r.Scalar[k] += v
	}
}

// Sub takes r2 from r.
func (r *Resource) Sub(r2 Resource) {
	r.MilliCPU -= r2.MilliCPU
	r.Memory -= r2.Memory
	r.EphemeralStorage -= r2.EphemeralStorage
	r.AllowedPods -= r2.AllowedPods
	for k, v := range r2.Scalar {
		if r.Scalar == nil {
			r.Scalar = map[string]int64{}
		}
		r.Scalar[k] -= v
	}
}

// Clone returns an independent copy.
func (r Resource) Clone() Resource {
	if r.Scalar != nil {
		s := make(map[string]int64, len(r.Scalar))
		for k, v := range r.Scalar {
			s[k] = v
		}
		r.Scalar = s
	}
	return r
}

// ResourceFromList reads a ResourceList.
func ResourceFromList(l api.ResourceList) Resource {
	var r Resource
	for name, q := range l {
		switch name {
		case api.ResourceCPU:
			r.MilliCPU = q.MilliValue()
		case api.ResourceMemory:
			r.Memory = q.Value()
		case api.ResourceEphemeralStorage:
			r.EphemeralStorage = q.Value()
		case api.ResourcePods:
			r.AllowedPods = q.Value()
		default:
			if isScalar(name) {
				if r.Scalar == nil {
					r.Scalar = map[string]int64{}
				}
				r.Scalar[string(name)] = q.Value()
			}
		}
	}
	return r
}

// isScalar reports whether name is an extended resource (a domain-prefixed name) or
// hugepages, which the scheduler counts like cpu and memory.
func isScalar(name api.ResourceName) bool {
	s := string(name)
	if len(s) > 10 && s[:10] == "hugepages-" {
		return true
	}
	for i := 0; i < len(s); i++ {
		if s[i] == '/' {
			return s[:i] != "kubernetes.io" && s[:i] != "requests.kubernetes.io"
		}
	}
	return false
}

// The requests the scheduler assumes for a container that asks for no cpu or memory,
// when it spreads and balances (never when it checks fit), as kube-scheduler does.
const (
	DefaultMilliCPURequest = 100
	DefaultMemoryRequest   = 200 * 1024 * 1024
)

// PodRequests returns what p asks for: the sum of its containers, or the largest init
// container if larger, plus its overhead. nonZero is the same with the defaults for
// containers that ask for no cpu or memory.
func PodRequests(p *api.Pod) (req, nonZero Resource) {
	for i := range p.Spec.Containers {
		c := ResourceFromList(p.Spec.Containers[i].Resources.Requests)
		req.Add(c)
		if c.MilliCPU == 0 {
			c.MilliCPU = DefaultMilliCPURequest
		}
		if c.Memory == 0 {
			c.Memory = DefaultMemoryRequest
		}
		nonZero.Add(c)
	}
	for i := range p.Spec.InitContainers {
		c := ResourceFromList(p.Spec.InitContainers[i].Resources.Requests)
		req = maxResource(req, c)
		nonZero = maxResource(nonZero, c)
	}
	if p.Spec.Overhead != nil {
		o := ResourceFromList(p.Spec.Overhead)
		req.Add(o)
		nonZero.Add(o)
	}
	return req, nonZero
}

func maxResource(a, b Resource) Resource {
	out := a.Clone()
	out.MilliCPU = max(a.MilliCPU, b.MilliCPU)
	out.Memory = max(a.Memory, b.Memory)
	out.EphemeralStorage = max(a.EphemeralStorage, b.EphemeralStorage)
	for k, v := range b.Scalar {
		if out.Scalar == nil {
			out.Scalar = map[string]int64{}
		}
		out.Scalar[k] = max(out.Scalar[k], v)
	}
	return out
}

// PodInfo is a pod on a node with what it asks for, computed once.
type PodInfo struct {
	Pod      *api.Pod
	Requests Resource
	NonZero  Resource
}

// NewPodInfo computes p's requests.
func NewPodInfo(p *api.Pod) *PodInfo {
	r, nz := PodRequests(p)
	return &PodInfo{Pod: p, Requests: r, NonZero: nz}
}

// HostPort is one host port a pod uses.
type HostPort struct {
	IP       string
	Protocol api.Protocol
	Port     int32
}

// NodeInfo is a node with the pods on it (bound or assumed) and their sums. The
// scheduler hands plugins a snapshot: NodeInfos do not change during a cycle and must
// not be changed by plugins.
type NodeInfo struct {
	Node        *api.Node
	Pods        []*PodInfo
	Allocatable Resource
	// Requested is the sum of the pods' requests; NonZeroRequested counts the
	// defaults for pods that ask for nothing.
	Requested, NonZeroRequested Resource
	UsedPorts                   map[HostPort]bool
	// PodsWithAffinity and PodsWithRequiredAntiAffinity are the pods on the node that
	// have (anti-)affinity terms, for the inter-pod affinity plugin.
	PodsWithAffinity             []*PodInfo
	PodsWithRequiredAntiAffinity []*PodInfo
	// Generation changes whenever the NodeInfo does.
	Generation int64
}

// Name is the node's name.
func (n *NodeInfo) Name() string { return n.Node.Name }

// NewNodeInfo returns the NodeInfo of node with no pods.
func NewNodeInfo(node *api.Node) *NodeInfo {
	n := &NodeInfo{UsedPorts: map[HostPort]bool{}}
	n.SetNode(node)
	return n
}

// SetNode sets the node (a newer state of it).
func (n *NodeInfo) SetNode(node *api.Node) {
	n.Node = node
	alloc := node.Status.Allocatable
	if alloc == nil {
		alloc = node.Status.Capacity
	}
	n.Allocatable = ResourceFromList(alloc)
}

// AddPod adds a pod to the node.
func (n *NodeInfo) AddPod(pi *PodInfo) {
	n.Pods = append(n.Pods, pi)
	n.Requested.Add(pi.Requests)
	n.Requested.AllowedPods++
	n.NonZeroRequested.Add(pi.NonZero)
	n.NonZeroRequested.AllowedPods++
	for _, hp := range HostPorts(pi.Pod) {
		n.UsedPorts[hp] = true
	}
	if a := pi.Pod.Spec.Affinity; a != nil {
		if a.PodAffinity != nil || a.PodAntiAffinity != nil {
			n.PodsWithAffinity = append(n.PodsWithAffinity, pi)
		}
		if a.PodAntiAffinity != nil && len(a.PodAntiAffinity.RequiredDuringSchedulingIgnoredDuringExecution) > 0 {
			n.PodsWithRequiredAntiAffinity = append(n.PodsWithRequiredAntiAffinity, pi)
		}
	}
}

// RemovePod removes the pod with uid from the node; it reports whether it was there.
func (n *NodeInfo) RemovePod(uid string) bool {
	for i, pi := range n.Pods {
		if pi.Pod.UID != uid {
			continue
		}
		n.Pods = append(n.Pods[:i:i], n.Pods[i+1:]...)
		n.Requested.Sub(pi.Requests)
		n.Requested.AllowedPods--
		n.NonZeroRequested.Sub(pi.NonZero)
		n.NonZeroRequested.AllowedPods--
		for _, hp := range HostPorts(pi.Pod) {
			delete(n.UsedPorts, hp)
		}
		n.PodsWithAffinity = removeInfo(n.PodsWithAffinity, uid)
		n.PodsWithRequiredAntiAffinity = removeInfo(n.PodsWithRequiredAntiAffinity, uid)
		return true
	}
	return false
}

func removeInfo(list []*PodInfo, uid string) []*PodInfo {
	for i, pi := range list {
		if pi.Pod.UID == uid {
			return append(list[:i:i], list[i+1:]...)
		}
	}
	return list
}

// Clone returns a copy of n that changes to n do not reach (pods are shared: they are
// never changed in place).
func (n *NodeInfo) Clone() *NodeInfo {
	c := *n
	c.Pods = append([]*PodInfo(nil), n.Pods...)
	c.Allocatable = n.Allocatable.Clone()
	c.Requested = n.Requested.Clone()
	c.NonZeroRequested = n.NonZeroRequested.Clone()
	c.UsedPorts = make(map[HostPort]bool, len(n.UsedPorts))
	for k := range n.UsedPorts {
		c.UsedPorts[k] = true
	}
	c.PodsWithAffinity = append([]*PodInfo(nil), n.PodsWithAffinity...)
	c.PodsWithRequiredAntiAffinity = append([]*PodInfo(nil), n.PodsWithRequiredAntiAffinity...)
	return &c
}

// HostPorts returns the host ports p's containers use.
func HostPorts(p *api.Pod) []HostPort {
	var out []HostPort
	for _, c := range p.Spec.Containers {
		for _, port := range c.Ports {
			if port.HostPort <= 0 {
				continue
			}
			proto := port.Protocol
			if proto == "" {
				proto = api.ProtocolTCP
			}
			ip := port.HostIP
			if ip == "" {
				ip = "0.0.0.0"
			}
			out = append(out, HostPort{IP: ip, Protocol: proto, Port: port.HostPort})
		}
	}
	return out
}
