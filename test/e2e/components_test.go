package e2e

import (
	"os/exec"
	"strings"
	"syscall"
	"testing"
	"time"
)

// startKubelet runs `orrery kubelet` against s until the test ends.
func startKubelet(t *testing.T, s *apiserver, nodes string) {
	t.Helper()
	log := &syncBuffer{}
	cmd := exec.Command(binary, "kubelet", "--kubeconfig", s.kubeconfig, "--nodes", nodes, "--health-address", "")
	cmd.Stdout, cmd.Stderr = log, log
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	exited := make(chan error, 1)
	go func() { exited <- cmd.Wait() }()
	t.Cleanup(func() {
		cmd.Process.Signal(syscall.SIGTERM)
		select {
		case err := <-exited:
			if err != nil {
				t.Errorf("orrery kubelet did not exit cleanly: %v\n%s", err, log)
			}
		case <-time.After(time.Minute):
			cmd.Process.Kill()
			t.Errorf("orrery kubelet still running a minute after SIGTERM")
		}
	})
}

// TestComponentsAsProcesses runs every component as its own process (apiserver,
// controller-manager, scheduler, kubelet): a deployment's pods are scheduled and run
// on the simulated nodes.
func TestComponentsAsProcesses(t *testing.T) {
	kubectlPath(t)
	s := startAPIServer(t)
	startControllerManager(t, s)
	startScheduler(t, s)
	startKubelet(t, s, "3")
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
}
