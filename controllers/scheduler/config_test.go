package scheduler

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/orrery-dev/orrery/api"
	"github.com/orrery-dev/orrery/controllers/scheduler/framework"
	"github.com/orrery-dev/orrery/controllers/scheduler/plugins"
)

type gpuOnly struct{}

func (gpuOnly) Name() string { return "GPUOnly" }
func (gpuOnly) Filter(context.Context, *framework.CycleState, *api.Pod, *framework.NodeInfo) *framework.Status {
	return nil
}

func TestConfiguration(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), "config.yaml")
	if err := os.WriteFile(path, []byte(`
apiVersion: kubescheduler.config.k8s.io/v1
kind: KubeSchedulerConfiguration
percentageOfNodesToScore: 30
profiles:
- schedulerName: packer
  plugins:
    multiPoint:
      enabled:
      - name: GPUOnly
      - name: NodeResourcesFit
        weight: 5
      disabled:
      - name: PodTopologySpread
      - name: NodeResourcesBalancedAllocation
  pluginConfig:
  - name: NodeResourcesFit
    args:
      scoringStrategy:
        type: MostAllocated
`), 0o600); err != nil {
		t.Fatal(err)
	}
	c, err := LoadConfiguration(path)
	if err != nil {
		t.Fatal(err)
	}
	opts, err := c.Options(map[string]framework.Plugin{"GPUOnly": gpuOnly{}}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if len(opts) != 1 || opts[0].SchedulerName != "packer" || opts[0].PercentageOfNodesToScore != 30 {
		t.Fatalf("options %+v", opts)
	}
	byName := map[string]WeightedPlugin{}
	for _, p := range opts[0].Plugins {
		byName[p.Plugin.Name()] = p
	}
	if _, ok := byName[plugins.NamePodTopologySpread]; ok {
		t.Error("PodTopologySpread was disabled")
	}
	if _, ok := byName["GPUOnly"]; !ok {
		t.Error("the program's plugin was not enabled")
	}
	fit := byName[plugins.NameNodeResourcesFit]
	if fit.Weight != 5 || fit.Plugin.(plugins.NodeResourcesFit).Strategy != plugins.MostAllocated {
		t.Errorf("NodeResourcesFit %+v", fit)
	}
	if byName[plugins.NameTaintToleration].Weight != 3 {
		t.Error("a default weight changed")
	}

	bad := filepath.Join(t.TempDir(), "bad.yaml")
	os.WriteFile(bad, []byte("profiles:\n- plugins:\n    multiPoint:\n      enabled:\n      - name: NoSuchPlugin\n"), 0o600)
	c, err = LoadConfiguration(bad)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.Options(nil, nil); err == nil {
		t.Error("an unknown plugin was accepted")
	}
	os.WriteFile(bad, []byte("percentageOfNodes: 3\n"), 0o600)
	if _, err := LoadConfiguration(bad); err == nil {
		t.Error("an unknown field was accepted")
	}
}
