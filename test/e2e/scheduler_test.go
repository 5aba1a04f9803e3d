package e2e

import (
	"os/exec"
	"strings"
	"syscall"
	"testing"
	"time"
)

// startScheduler runs `orrery scheduler` against s until the test ends; SIGTERM must
// make it exit 0.
func startScheduler(t *testing.T, s *apiserver) {
	t.Helper()
	log := &syncBuffer{}
	cmd := exec.Command(binary, "scheduler", "--kubeconfig", s.kubeconfig, "--health-address", "127.0.0.1:0", "--leader-elect=false")
	cmd.Stdout, cmd.Stderr = log, log
	if err := cmd.Start(); err != nil {
		t.Fatalf("start orrery scheduler: %v", err)
	}
	exited := make(chan error, 1)
	go func() { exited <- cmd.Wait() }()
	t.Cleanup(func() {
		cmd.Process.Signal(syscall.SIGTERM)
		select {
		case err := <-exited:
			if err != nil {
				t.Errorf("orrery scheduler did not exit cleanly on SIGTERM: %v\n%s", err, log)
			}
		case <-time.After(time.Minute):
			cmd.Process.Kill()
			t.Errorf("orrery scheduler still running a minute after SIGTERM")
		}
	})
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
