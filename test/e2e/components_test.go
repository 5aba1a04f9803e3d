package e2e

import (
	"strings"
	"testing"
)

// startKubelet runs `orrery kubelet` with the given number of nodes.
func startKubelet(t *testing.T, s *apiserver, nodes string, extraArgs ...string) {
	t.Helper()
	startComponent(t, s, "kubelet", append([]string{"--nodes", nodes, "--health-address", ""}, extraArgs...)...)
}

// TestComponentsAsProcesses runs every component as its own process (apiserver,
// controller-manager, scheduler, kubelet) through the flow of TestUp: pods scheduled
// and run, scale, rollout, a node down and its pods replaced, deletes.
func TestComponentsAsProcesses(t *testing.T) {
	kubectlPath(t)
	s := startAPIServer(t)
	startControllerManager(t, s, "--node-monitor-grace-period", "5s", "--node-monitor-period", "1s", "--node-eviction-rate", "1")
	startScheduler(t, s)
	startKubelet(t, s, "3", "--lease-renew-interval", "1s")
	eventually(t, "3 nodes Ready", func() (bool, string) {
		out := s.kubectl(t, "get", "nodes", "--no-headers")
		return strings.Count(out, " Ready ") == 3, out
	})
	s.kubectl(t, "create", "deployment", "web", "--image=nginx", "--replicas=6")
	if out := s.kubectl(t, "rollout", "status", "deployment/web", "--timeout=60s"); !strings.Contains(out, "successfully rolled out") {
		t.Fatalf("rollout status: %s", out)
	}
	out := s.kubectl(t, "get", "pods", "-o", "wide", "--no-headers")
	for _, line := range strings.Split(strings.TrimSpace(out), "\n") {
		f := strings.Fields(line)
		if len(f) < 7 || f[2] != "Running" || !strings.HasPrefix(f[6], "orrery-node-") {
			t.Errorf("pod %q: want Running on a simulated node", line)
		}
	}
	s.kubectl(t, "scale", "deployment", "web", "--replicas=9")
	s.kubectl(t, "set", "image", "deployment/web", "nginx=nginx:2")
	s.kubectl(t, "patch", "deployment", "web", "--type=merge", "-p",
		`{"spec":{"template":{"spec":{"tolerations":[{"key":"node.kubernetes.io/unreachable","operator":"Exists","effect":"NoExecute","tolerationSeconds":2}]}}}}`)
	if out := s.kubectl(t, "rollout", "status", "deployment/web", "--timeout=60s"); !strings.Contains(out, "successfully rolled out") {
		t.Fatalf("rollout status: %s", out)
	}
	s.kubectl(t, "annotate", "node", "orrery-node-0", "orrery.dev/simulate=down")
	eventually(t, "node-0's pods replaced", func() (bool, string) {
		running, onNode0, out := runningPods(t, s, "orrery-node-0")
		return running >= 9 && onNode0 == 0, out
	})
	// Back up: its kubelet finishes the evicted pods' deletion.
	s.kubectl(t, "annotate", "node", "orrery-node-0", "orrery.dev/simulate-")
	s.kubectl(t, "delete", "deployment", "web", "--timeout=60s")
	eventually(t, "web's pods gone", func() (bool, string) {
		out := s.kubectl(t, "get", "pods,rs", "-l", "app=web", "-o", "name")
		return strings.TrimSpace(out) == "", out
	})
}

// runningPods counts the Running pods (kubectl get pods -o wide) and those of them on
// node.
func runningPods(t *testing.T, s *apiserver, node string) (running, onNode int, out string) {
	t.Helper()
	out = s.kubectl(t, "get", "pods", "-o", "wide", "--no-headers")
	for _, line := range strings.Split(strings.TrimSpace(out), "\n") {
		f := strings.Fields(line)
		if len(f) >= 7 && f[2] == "Running" {
			running++
			if f[6] == node {
				onNode++
			}
		}
	}
	return running, onNode, out
}
