package kubelet

import (
	"fmt"
	"time"

	"github.com/orrery-dev/orrery/api"
)

// The annotations that drive the simulation.
const (
	// AnnotationSimulate on a node: "down" makes it stop renewing its Lease and
	// posting status, and stop acting on its pods, as a machine that lost power.
	AnnotationSimulate = "orrery.dev/simulate"
	// AnnotationRunFor on a pod: its containers exit after this long ("30s").
	AnnotationRunFor = "orrery.dev/run-for"
	// AnnotationExitCode on a pod: the exit code of its containers when they exit
	// (default 0).
	AnnotationExitCode = "orrery.dev/exit-code"
	// AnnotationReadyAfter on a pod: its containers turn ready this long after they
	// start ("10s").
	AnnotationReadyAfter = "orrery.dev/ready-after"
)

// nodeIP is the InternalIP of the node with index i.
func nodeIP(i int) string { return fmt.Sprintf("172.%d.%d.%d", 16+i/65536%16, i/256%256, i%256) }

// podCIDR is the /24 of the node with index i: 10.64.0.0/24, 10.64.1.0/24, ...
// (16,384 nodes before 10.128.0.0).
func podCIDR(i int) string { return fmt.Sprintf("10.%d.%d.0/24", 64+i/256%64, i%256) }

// podIP is the n-th pod address (from .2) of the node with index i.
func podIP(i, n int) string {
	return fmt.Sprintf("10.%d.%d.%d", 64+i/256%64, i%256, 2+n%253)
}

// newNode is the node of index i as this kubelet registers it.
func (k *Kubelet) newNode(i int) *api.Node {
	name := k.nodeName(i)
	o := k.opts
	res := api.ResourceList{
		api.ResourceCPU:              o.CPU,
		api.ResourceMemory:           o.Memory,
		api.ResourcePods:             api.NewQuantity(int64(o.PodsPerNode), api.DecimalSI),
		api.ResourceEphemeralStorage: api.MustParseQuantity("100Gi"),
	}
	now := api.NewTime(k.now())
	return &api.Node{
		ObjectMeta: api.ObjectMeta{Name: name, Labels: map[string]string{
			"kubernetes.io/hostname":           name,
			"kubernetes.io/os":                 "linux",
			"kubernetes.io/arch":               "amd64",
			"beta.kubernetes.io/os":            "linux",
			"beta.kubernetes.io/arch":          "amd64",
			"node.kubernetes.io/instance-type": o.InstanceType,
			"topology.kubernetes.io/zone":      fmt.Sprintf("%s%c", o.ZonePrefix, 'a'+rune(i%o.Zones)),
			"type":                             "orrery-simulated",
		}},
		Spec: api.NodeSpec{PodCIDR: podCIDR(i), PodCIDRs: []string{podCIDR(i)}, ProviderID: "orrery://" + name},
		Status: api.NodeStatus{
			Capacity: res, Allocatable: res, Phase: "Running",
			Conditions:      readyConditions(now),
			Addresses:       []api.NodeAddress{{Type: "InternalIP", Address: nodeIP(i)}, {Type: "Hostname", Address: name}},
			DaemonEndpoints: api.NodeDaemonEndpoints{KubeletEndpoint: api.DaemonEndpoint{Port: 10250}},
			NodeInfo: api.NodeSystemInfo{
				MachineID: name, SystemUUID: name, BootID: name, KernelVersion: "6.1.0-orrery",
				OSImage: "Orrery simulated node", ContainerRuntimeVersion: "orrery://1.0.0",
				KubeletVersion: "v1.32.0-orrery", KubeProxyVersion: "", OperatingSystem: "linux", Architecture: "amd64",
			},
		},
	}
}

// readyConditions are the conditions of a healthy node at now.
func readyConditions(now api.Time) []api.NodeCondition {
	cond := func(t api.NodeConditionType, s api.ConditionStatus, reason, msg string) api.NodeCondition {
		return api.NodeCondition{Type: t, Status: s, Reason: reason, Message: msg, LastHeartbeatTime: now, LastTransitionTime: now}
	}
	return []api.NodeCondition{
		cond("MemoryPressure", api.ConditionFalse, "KubeletHasSufficientMemory", "kubelet has sufficient memory available"),
		cond("DiskPressure", api.ConditionFalse, "KubeletHasNoDiskPressure", "kubelet has no disk pressure"),
		cond("PIDPressure", api.ConditionFalse, "KubeletHasSufficientPID", "kubelet has sufficient PID available"),
		cond(api.NodeReady, api.ConditionTrue, "KubeletReady", "kubelet is posting ready status"),
	}
}

// heartbeat returns node's conditions with a new heartbeat; a condition whose status
// changes gets a new transition time.
func heartbeat(node *api.Node, now api.Time) []api.NodeCondition {
	want := readyConditions(now)
	for i := range want {
		for _, c := range node.Status.Conditions {
			if c.Type == want[i].Type && c.Status == want[i].Status {
				want[i].LastTransitionTime = c.LastTransitionTime
			}
		}
	}
	return want
}

// needsStatus reports whether node's status must be posted now: a condition differs
// from a healthy node's, or the last heartbeat is older than period.
func needsStatus(node *api.Node, now time.Time, period time.Duration) bool {
	healthy := readyConditions(api.NewTime(now))
	if len(node.Status.Conditions) != len(healthy) {
		return true
	}
	for _, h := range healthy {
		found := false
		for _, c := range node.Status.Conditions {
			if c.Type == h.Type {
				found = true
				if c.Status != h.Status || c.Reason != h.Reason || now.Sub(c.LastHeartbeatTime.Time) >= period {
					return true
				}
			}
		}
		if !found {
			return true
		}
	}
	return false
}
