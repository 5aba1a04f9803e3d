package e2e

import (
	"strings"
	"testing"
)

// startScheduler runs `orrery scheduler` without leader election.
func startScheduler(t *testing.T, s *apiserver) {
	t.Helper()
	startComponent(t, s, "scheduler", "--health-address", "127.0.0.1:0", "--leader-elect=false")
}

// TestSchedulerWithKubectl: pods created with kubectl are bound by `orrery scheduler`,
// and kubectl describe and get events show why a pod that fits nowhere stays Pending.
func TestSchedulerWithKubectl(t *testing.T) {
	kubectlPath(t)
	s := startAPIServer(t)
	startScheduler(t, s)
	s.kubectlStdin(t, `
apiVersion: v1
kind: Node
metadata: {name: node-a}
status:
  capacity: {cpu: "2", memory: 4Gi, pods: "110"}
  allocatable: {cpu: "2", memory: 4Gi, pods: "110"}
`, "create", "-f", "-")
	s.kubectl(t, "run", "web", "--image=nginx")
	s.kubectlStdin(t, `
apiVersion: v1
kind: Pod
metadata: {name: huge}
spec:
  containers:
  - name: app
    image: nginx
    resources: {requests: {cpu: "4"}}
`, "create", "-f", "-")
	eventually(t, "web bound to node-a", func() (bool, string) {
		out := s.kubectl(t, "get", "pod", "web", "-o", "jsonpath={.spec.nodeName}")
		return out == "node-a", out
	})
	eventually(t, "kubectl describe explains both pods", func() (bool, string) {
		web := s.kubectl(t, "describe", "pod", "web")
		huge := s.kubectl(t, "describe", "pod", "huge")
		ok := strings.Contains(web, "Successfully assigned default/web to node-a") &&
			strings.Contains(huge, "FailedScheduling") && strings.Contains(huge, "0/1 nodes are available: 1 Insufficient cpu.") &&
			strings.Contains(huge, "PodScheduled") && strings.Contains(huge, "False")
		return ok, web + "\n" + huge
	})
	events := s.kubectl(t, "get", "events", "--field-selector", "involvedObject.name=huge")
	if !strings.Contains(events, "FailedScheduling") || !strings.Contains(events, "Insufficient cpu") {
		t.Errorf("kubectl get events:\n%s", events)
	}
}
