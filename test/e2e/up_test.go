package e2e

import (
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"syscall"
	"testing"
	"time"
)

// orreryUp is a running `orrery up`.
type orreryUp struct {
	*apiserver // its kubeconfig, for kubectl
	cmd        *exec.Cmd
	exited     chan error
}

var upReady = regexp.MustCompile(`export KUBECONFIG=(\S+)`)

// startUp runs `orrery up` on dataDir and waits for its kubeconfig line.
func startUp(t *testing.T, dataDir string, args ...string) *orreryUp {
	t.Helper()
	u := &orreryUp{apiserver: &apiserver{dataDir: dataDir, log: &syncBuffer{}}}
	u.cmd = exec.Command(binary, append([]string{"up", "--data-dir", dataDir, "--port", "0"}, args...)...)
	m, exited := launch(t, u.cmd, u.log, false, upReady)
	u.exited, u.kubeconfig = exited, m[1]
	return u
}

// stop interrupts it (Ctrl-C) and checks that it exits 0.
func (u *orreryUp) stop(t *testing.T) {
	t.Helper()
	u.cmd.Process.Signal(syscall.SIGINT)
	select {
	case err := <-u.exited:
		if err != nil {
			t.Errorf("orrery up did not exit 0 on Ctrl-C: %v\n%s", err, u.log)
		}
	case <-time.After(time.Minute):
		u.cmd.Process.Kill()
		t.Errorf("orrery up still running a minute after Ctrl-C")
	}
}

// TestUp drives `orrery up` with kubectl: nodes Ready; a deployment of 30 replicas
// running with nodes and IPs; scale; set image and rollout status; a node down and
// its pods replaced; delete deployment; delete namespace; Ctrl-C; a restart on the
// same data dir keeps the objects.
func TestUp(t *testing.T) {
	kubectlPath(t)
	dir := filepath.Join(t.TempDir(), "data")
	u := startUp(t, dir, "--nodes", "5", "--fast")
	defer func() {
		if u.cmd.ProcessState == nil {
			u.cmd.Process.Kill()
		}
	}()
	eventually(t, "5 nodes Ready", func() (bool, string) {
		out := u.kubectl(t, "get", "nodes", "--no-headers")
		return strings.Count(out, " Ready ") == 5, out
	})
	u.kubectl(t, "create", "deployment", "web", "--image=nginx:1", "--replicas=30")
	rolled := func() {
		t.Helper()
		if out := u.kubectl(t, "rollout", "status", "deployment/web", "--timeout=60s"); !strings.Contains(out, "successfully rolled out") {
			t.Fatalf("rollout status: %s", out)
		}
	}
	rolled()
	wide := u.kubectl(t, "get", "pods", "-o", "wide", "--no-headers")
	for _, line := range strings.Split(strings.TrimSpace(wide), "\n") {
		f := strings.Fields(line)
		if len(f) < 7 || f[2] != "Running" || !strings.HasPrefix(f[5], "10.") || !strings.HasPrefix(f[6], "orrery-node-") {
			t.Errorf("pod line %q: want Running with an IP and a node", line)
		}
	}
	u.kubectl(t, "scale", "deployment", "web", "--replicas=40")
	rolled()
	u.kubectl(t, "set", "image", "deployment/web", "nginx=nginx:2")
	rolled()

	// A node down: with --fast, its pods go after the default 300 s toleration...
	// so the deployment's pods tolerate it for 5 s here.
	u.kubectl(t, "patch", "deployment", "web", "--type=merge", "-p",
		`{"spec":{"template":{"spec":{"tolerations":[{"key":"node.kubernetes.io/unreachable","operator":"Exists","effect":"NoExecute","tolerationSeconds":5}]}}}}`)
	rolled()
	u.kubectl(t, "annotate", "node", "orrery-node-0", "orrery.dev/simulate=down")
	eventually(t, "node-0's pods replaced", func() (bool, string) {
		running, onNode0, out := runningPods(t, u.apiserver, "orrery-node-0")
		return running >= 40 && onNode0 == 0, out
	})
	if out := u.kubectl(t, "get", "node", "orrery-node-0", "--no-headers"); !strings.Contains(out, "NotReady") {
		t.Errorf("node-0 not NotReady: %s", out)
	}
	u.kubectl(t, "annotate", "node", "orrery-node-0", "orrery.dev/simulate-")

	u.kubectl(t, "create", "namespace", "scratch")
	u.kubectl(t, "create", "deployment", "keep", "--image=nginx", "-n", "scratch")
	u.kubectl(t, "delete", "deployment", "web", "--timeout=60s")
	eventually(t, "web's pods gone", func() (bool, string) {
		out := u.kubectl(t, "get", "pods,rs", "-l", "app=web", "-o", "name")
		return strings.TrimSpace(out) == "", out
	})
	u.stop(t)

	// Restart on the same data: the objects are there, the nodes come back Ready.
	u2 := startUp(t, dir, "--nodes", "5", "--fast")
	defer u2.stop(t)
	if out := u2.kubectl(t, "get", "deployment", "keep", "-n", "scratch", "-o", "name"); strings.TrimSpace(out) != "deployment.apps/keep" {
		t.Errorf("after restart: %q", out)
	}
	eventually(t, "nodes Ready after restart", func() (bool, string) {
		out := u2.kubectl(t, "get", "nodes", "--no-headers")
		return strings.Count(out, " Ready ") == 5, out
	})
	u2.kubectl(t, "delete", "namespace", "scratch", "--timeout=60s")
}

// TestDemo runs `orrery demo` as CI does (output not a terminal): it passes.
func TestDemo(t *testing.T) {
	cmd := exec.Command(binary, "demo", "--nodes", "5", "--replicas", "10")
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("orrery demo: %v\n%s", err, out)
	}
	for _, want := range []string{"Step 6/6", "Summary", "successfully rolled out", "Insufficient cpu", "garbage-collector deleted"} {
		if !strings.Contains(string(out), want) {
			t.Errorf("demo output lacks %q:\n%s", want, out)
		}
	}
}

// TestDrain: kubectl cordon, drain (evictions through pods/eviction, honouring a
// PodDisruptionBudget, retried on 429) and uncordon against `orrery up`.
func TestDrain(t *testing.T) {
	kubectlPath(t)
	u := startUp(t, filepath.Join(t.TempDir(), "data"), "--nodes", "3")
	defer u.stop(t)
	eventually(t, "3 nodes Ready", func() (bool, string) {
		out := u.kubectl(t, "get", "nodes", "--no-headers")
		return strings.Count(out, " Ready ") == 3, out
	})
	u.kubectl(t, "create", "deployment", "db", "--image=postgres", "--replicas=6")
	u.kubectl(t, "rollout", "status", "deployment/db", "--timeout=60s")
	u.kubectl(t, "create", "poddisruptionbudget", "db", "--selector=app=db", "--min-available=5")
	eventually(t, "the budget allows one disruption", func() (bool, string) {
		out := u.kubectl(t, "get", "pdb", "db", "--no-headers")
		f := strings.Fields(out)
		return len(f) >= 4 && f[3] == "1", out
	})
	u.kubectl(t, "cordon", "orrery-node-0")
	if out := u.kubectl(t, "get", "node", "orrery-node-0", "--no-headers"); !strings.Contains(out, "SchedulingDisabled") {
		t.Errorf("cordoned node: %s", out)
	}
	out, errOut, err := u.kubectlResult(t, "", "drain", "orrery-node-0", "--ignore-daemonsets", "--timeout=90s")
	if err != nil {
		t.Fatalf("kubectl drain: %v\n%s\n%s", err, out, errOut)
	}
	if !strings.Contains(out, "drained") {
		t.Errorf("kubectl drain output:\n%s\n%s", out, errOut)
	}
	if pods := u.kubectl(t, "get", "pods", "--field-selector", "spec.nodeName=orrery-node-0", "-o", "name"); strings.TrimSpace(pods) != "" {
		t.Errorf("pods left on the drained node: %s", pods)
	}
	u.kubectl(t, "rollout", "status", "deployment/db", "--timeout=60s")
	u.kubectl(t, "uncordon", "orrery-node-0")
	if out := u.kubectl(t, "get", "node", "orrery-node-0", "--no-headers"); strings.Contains(out, "SchedulingDisabled") {
		t.Errorf("uncordoned node: %s", out)
	}
}
