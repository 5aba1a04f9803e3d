package e2e

import (
	"os/exec"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/orrery-dev/orrery/client"
	"github.com/orrery-dev/orrery/internal/testutil/controllertest"
)

// startComponent runs `orrery <component> --kubeconfig <s's> args...` until the test
// ends; SIGTERM must make it exit 0.
func startComponent(t *testing.T, s *apiserver, component string, args ...string) {
	t.Helper()
	log := &syncBuffer{}
	cmd := exec.Command(binary, append([]string{component, "--kubeconfig", s.kubeconfig}, args...)...)
	cmd.Stdout, cmd.Stderr = log, log
	if err := cmd.Start(); err != nil {
		t.Fatalf("start orrery %s: %v", component, err)
	}
	exited := make(chan error, 1)
	go func() { exited <- cmd.Wait() }()
	t.Cleanup(func() {
		cmd.Process.Signal(syscall.SIGTERM)
		select {
		case err := <-exited:
			if err != nil {
				t.Errorf("orrery %s did not exit cleanly on SIGTERM: %v\n%s", component, err, log)
			}
		case <-time.After(time.Minute):
			cmd.Process.Kill()
			t.Errorf("orrery %s still running a minute after SIGTERM", component)
		}
	})
}

// startControllerManager runs `orrery controller-manager` with short leader election
// timings.
func startControllerManager(t *testing.T, s *apiserver, extraArgs ...string) {
	t.Helper()
	startComponent(t, s, "controller-manager", append([]string{"--health-address", "127.0.0.1:0",
		"--leader-elect-lease-duration", "3s", "--leader-elect-renew-deadline", "2s", "--leader-elect-retry-period", "500ms"}, extraArgs...)...)
}

// TestControllersWithKubectl drives Deployments with kubectl against `orrery
// apiserver` and `orrery controller-manager`: create, scale, set image, rollout
// status, history, undo, pause and resume, delete in each cascade mode, and delete a
// namespace. Pods turn ready through a stand-in for the kubelets.
func TestControllersWithKubectl(t *testing.T) {
	kubectlPath(t)
	s := startAPIServer(t)
	startControllerManager(t, s)
	cfg, err := client.LoadConfig(s.kubeconfig, "")
	if err != nil {
		t.Fatal(err)
	}
	c, err := client.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(c.Close)
	controllertest.ReadyPods(t, c)

	rolloutStatus := func(name string) {
		t.Helper()
		out := s.kubectl(t, "rollout", "status", "deployment/"+name, "--timeout=60s")
		if !strings.Contains(out, `deployment "`+name+`" successfully rolled out`) {
			t.Fatalf("rollout status: %s", out)
		}
	}
	s.kubectl(t, "create", "deployment", "web", "--image=nginx:1", "--replicas=3")
	rolloutStatus("web")
	s.kubectl(t, "scale", "deployment", "web", "--replicas=5")
	rolloutStatus("web")
	if got := s.kubectl(t, "get", "deployment", "web", "-o", "jsonpath={.status.availableReplicas}"); got != "5" {
		t.Errorf("availableReplicas after scale: %q", got)
	}
	s.kubectl(t, "set", "image", "deployment/web", "nginx=nginx:2")
	rolloutStatus("web")
	history := s.kubectl(t, "rollout", "history", "deployment/web")
	if !strings.Contains(history, "REVISION") || !strings.Contains(history, "1 ") || !strings.Contains(history, "2 ") {
		t.Errorf("rollout history:\n%s", history)
	}
	s.kubectl(t, "rollout", "undo", "deployment/web")
	rolloutStatus("web")
	if got := s.kubectl(t, "get", "deployment", "web", "-o", "jsonpath={.spec.template.spec.containers[0].image}"); got != "nginx:1" {
		t.Errorf("image after undo: %q", got)
	}
	if got := s.kubectl(t, "get", "deployment", "web", "-o", `jsonpath={.metadata.annotations.deployment\.kubernetes\.io/revision}`); got != "3" {
		t.Errorf("revision after undo: %q", got)
	}

	// Paused: a new image makes no new replica set until resumed.
	s.kubectl(t, "rollout", "pause", "deployment/web")
	s.kubectl(t, "set", "image", "deployment/web", "nginx=nginx:3")
	eventually(t, "the pause is reported", func() (bool, string) {
		out := s.kubectl(t, "get", "deployment", "web", "-o", `jsonpath={.status.conditions[?(@.type=="Progressing")].reason}`)
		return out == "DeploymentPaused", out
	})
	if rs := s.kubectl(t, "get", "rs", "-l", "app=web", "-o", "name"); len(strings.Fields(rs)) != 2 {
		t.Errorf("replica sets while paused:\n%s", rs)
	}
	s.kubectl(t, "rollout", "resume", "deployment/web")
	rolloutStatus("web")

	// Cascading deletes.
	for _, mode := range []string{"background", "foreground", "orphan"} {
		name := "cascade-" + mode
		s.kubectl(t, "create", "deployment", name, "--image=nginx", "--replicas=2")
		rolloutStatus(name)
		s.kubectl(t, "delete", "deployment", name, "--cascade="+mode, "--timeout=60s")
		eventually(t, "cascade="+mode, func() (bool, string) {
			rs := s.kubectl(t, "get", "rs", "-l", "app="+name, "-o", "name")
			pods := s.kubectl(t, "get", "pods", "-l", "app="+name, "-o", "name")
			n := len(strings.Fields(rs)) + len(strings.Fields(pods))
			if mode == "orphan" {
				return n == 3, rs + pods // the replica set and its 2 pods stay
			}
			return n == 0, rs + pods
		})
	}

	// A namespace and everything in it.
	s.kubectl(t, "create", "namespace", "scratch")
	s.kubectl(t, "create", "deployment", "tmp", "--image=nginx", "--replicas=2", "-n", "scratch")
	eventually(t, "pods in scratch", func() (bool, string) {
		out := s.kubectl(t, "get", "pods", "-n", "scratch", "-o", "name")
		return len(strings.Fields(out)) == 2, out
	})
	s.kubectl(t, "delete", "namespace", "scratch", "--timeout=60s")
	if _, errOut, err := s.kubectlResult(t, "", "get", "namespace", "scratch"); err == nil || !strings.Contains(errOut, "NotFound") {
		t.Errorf("namespace scratch still there: %v %s", err, errOut)
	}
}
