package e2e

import (
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/orrery-dev/orrery/internal/bench"
)

// TestBenchBurst runs `orrery bench burst` small, bare and through a Deployment: it
// starts its own orrery up, prints the table, and writes the JSON and the chart.
func TestBenchBurst(t *testing.T) {
	t.Parallel()
	for _, args := range [][]string{{}, {"--deployment"}} {
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
		for _, want := range []string{"all Running", "create->Running", "API writes", "process orrery up"} {
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
			r.APIWrites < 3*60 || len(r.Processes) != 1 || r.Processes[0].CPUSeconds <= 0 || r.Processes[0].PeakRSS <= 0 ||
			len(r.Timeline) == 0 || r.Timeline[len(r.Timeline)-1].Running != 60 {
			t.Errorf("result %v: %s", args, data)
		}
		svg, err := os.ReadFile(svgPath)
		if err != nil || !strings.HasPrefix(string(svg), "<svg") || strings.Count(string(svg), "<polyline") != 3 {
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
	for _, want := range []string{"list: 30 pods", "kubectl get pods -A (Table, pages of 500)", "all pods as JSON", "all pods as protobuf"} {
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
