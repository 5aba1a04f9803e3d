package e2e

import (
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/orrery-dev/orrery/internal/bench"
)

// TestBenchBurst runs `orrery bench burst` small, bare and through a Deployment: it
// starts its own orrery up (or, with --split, a process per component), prints the
// table, and writes the JSON and the chart.
func TestBenchBurst(t *testing.T) {
	t.Parallel()
	for _, args := range [][]string{{}, {"--deployment"}, {"--split"}} {
		processes := []string{"orrery up"}
		if slices.Contains(args, "--split") {
			processes = []string{"apiserver", "controller-manager", "kubelet", "scheduler"}
		}
		dir := t.TempDir()
		jsonPath, svgPath := filepath.Join(dir, "r.json"), filepath.Join(dir, "r.svg")
		cmd := exec.Command(binary, append([]string{"bench", "burst", "--pods", "60", "--nodes", "3", "--timeout", "2m",
			"--json", jsonPath, "--svg", svgPath}, args...)...)
		out, err := cmd.Output()
		if err != nil {
			var stderr []byte
			if ee, ok := err.(*exec.ExitError); ok {
				stderr = ee.Stderr
			}
			t.Fatalf("orrery bench burst %v: %v\n%s\n%s", args, err, out, stderr)
		}
		for _, want := range append([]string{"all Running", "create->Running", "API writes"}, processes...) {
			if !strings.Contains(string(out), want) {
				t.Errorf("table lacks %q:\n%s", want, out)
			}
		}
		data, err := os.ReadFile(jsonPath)
		if err != nil {
			t.Fatal(err)
		}
		var r bench.Result
		if err := json.Unmarshal(data, &r); err != nil {
			t.Fatal(err)
		}
		// Bare pods: a create, a bind and a status write each at least; through a
		// Deployment also the ReplicaSet's and Deployment's own.
		if r.Pods != 60 || r.AllRunning <= 0 || r.AllRunning < r.AllScheduled || r.CreateToRunning.Max <= 0 ||
			r.APIWrites < 3*60 || len(r.Timeline) == 0 || r.Timeline[len(r.Timeline)-1].Running != 60 {
			t.Errorf("result %v: %s", args, data)
		}
		if len(r.Processes) != len(processes) {
			t.Errorf("processes %v: %+v, want %q", args, r.Processes, processes)
		}
		for i, p := range r.Processes {
			if i < len(processes) && p.Name != processes[i] || p.CPUSeconds <= 0 || p.PeakRSS <= 0 {
				t.Errorf("process %v: %+v", args, p)
			}
		}
		scheduled, running := 0, 0
		for _, b := range r.Latency {
			scheduled, running = scheduled+b.Scheduled, running+b.Running
		}
		if scheduled != 60 || running != 60 {
			t.Errorf("latency histogram %v counts %d scheduled and %d Running: %+v", args, scheduled, running, r.Latency)
		}
		svg, err := os.ReadFile(svgPath)
		if err != nil || !strings.HasPrefix(string(svg), "<svg") || strings.Count(string(svg), "<polyline") != 3 || !strings.Contains(string(svg), "latency from create") {
			t.Errorf("chart: %v\n%.300s", err, svg)
		}
	}
}

// TestBenchList runs `orrery bench list` small.
func TestBenchList(t *testing.T) {
	t.Parallel()
	out, err := exec.Command(binary, "bench", "list", "--pods", "30", "--nodes", "2", "--repeat", "1").Output()
	if err != nil {
		t.Fatalf("orrery bench list: %v\n%s", err, out)
	}
	for _, want := range []string{"list: 30 pods created, 30 in the cluster", "kubectl get pods -A (Table, pages of 500)", "all pods as JSON", "all pods as protobuf"} {
		if !strings.Contains(string(out), want) {
			t.Errorf("table lacks %q:\n%s", want, out)
		}
	}
}

// TestBenchSteady runs `orrery bench steady` briefly: 40 pods at 20 a second.
func TestBenchSteady(t *testing.T) {
	t.Parallel()
	out, err := exec.Command(binary, "bench", "steady", "--rate", "20", "--duration", "2s", "--nodes", "2").Output()
	if err != nil {
		t.Fatalf("orrery bench steady: %v\n%s", err, out)
	}
	for _, want := range []string{"steady: 40 pods on 2 nodes", "create->Running", "pods/s"} {
		if !strings.Contains(string(out), want) {
			t.Errorf("table lacks %q:\n%s", want, out)
		}
	}
}

// TestBenchFanout runs `orrery bench fanout` small: every watcher sees every pod.
func TestBenchFanout(t *testing.T) {
	t.Parallel()
	out, err := exec.Command(binary, "bench", "fanout", "--watchers", "5", "--pods", "30", "--nodes", "2").Output()
	if err != nil {
		t.Fatalf("orrery bench fanout: %v\n%s", err, out)
	}
	for _, want := range []string{"fanout: 5 watchers (protobuf) of 30 pods", "events delivered", "server CPU per event"} {
		if !strings.Contains(string(out), want) {
			t.Errorf("table lacks %q:\n%s", want, out)
		}
	}
}

// TestBenchScheduler runs `orrery bench scheduler` small: orrery scheduler alone binds
// every pending pod.
func TestBenchScheduler(t *testing.T) {
	t.Parallel()
	out, err := exec.Command(binary, "bench", "scheduler", "--pods", "50", "--nodes", "5").Output()
	if err != nil {
		t.Fatalf("orrery bench scheduler: %v\n%s", err, out)
	}
	for _, want := range []string{"scheduler: 50 pending pods on 5 nodes", "all bound", "process orrery scheduler"} {
		if !strings.Contains(string(out), want) {
			t.Errorf("table lacks %q:\n%s", want, out)
		}
	}
}

// TestBenchProcessFlag: --process names the processes of a cluster given by
// --kubeconfig; a bad one, or one without --kubeconfig, is refused before any load.
func TestBenchProcessFlag(t *testing.T) {
	t.Parallel()
	// A cluster nobody serves: the flags are checked before it is reached.
	kubeconfig := filepath.Join(t.TempDir(), "kubeconfig")
	if err := os.WriteFile(kubeconfig, []byte(`apiVersion: v1
kind: Config
clusters: [{name: c, cluster: {server: "https://127.0.0.1:1"}}]
users: [{name: u, user: {token: t}}]
contexts: [{name: c, context: {cluster: c, user: u}}]
current-context: c
`), 0o600); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"--process", "etcd=1"}, "--process names the processes of a --kubeconfig cluster"},
		{[]string{"--process", "etcd=one", "--kubeconfig", kubeconfig}, "--process etcd=one: not a process id"},
	} {
		out, err := exec.Command(binary, append([]string{"bench", "burst", "--pods", "1"}, c.args...)...).CombinedOutput()
		if err == nil || !strings.Contains(string(out), c.want) {
			t.Errorf("orrery bench burst %v: %v\n%s", c.args, err, out)
		}
	}
}
