package scheduler

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/orrery-dev/orrery/api"
	"github.com/orrery-dev/orrery/controllers/scheduler/framework"
)

// newOffline returns a scheduler with no API behind it: the algorithm, the cache and
// the snapshot, for tests and benchmarks of placement alone.
func newOffline(t testing.TB, opts Options) *Scheduler {
	t.Helper()
	if opts.Plugins == nil {
		opts.Plugins = DefaultPlugins(nil)
	}
	if opts.Parallelism == 0 {
		opts.Parallelism = 16
	}
	s := &Scheduler{opts: opts, now: time.Now, snap: newSnapshot()}
	s.cache = newCache(s.now, time.Minute)
	if err := s.register(opts.Plugins); err != nil {
		t.Fatal(err)
	}
	return s
}

func testNode(i int, cpu, mem string) *api.Node {
	res := api.ResourceList{api.ResourceCPU: api.MustParseQuantity(cpu), api.ResourceMemory: api.MustParseQuantity(mem), api.ResourcePods: api.MustParseQuantity("110")}
	name := fmt.Sprintf("node-%d", i)
	return &api.Node{ObjectMeta: api.ObjectMeta{Name: name, Labels: map[string]string{
		"kubernetes.io/hostname": name, "topology.kubernetes.io/zone": fmt.Sprintf("zone-%d", i%3)}},
		Status: api.NodeStatus{Capacity: res, Allocatable: res}}
}

func testPod(i int, cpu, mem string) *api.Pod {
	return &api.Pod{ObjectMeta: api.ObjectMeta{Name: fmt.Sprintf("pod-%d", i), Namespace: "default", UID: fmt.Sprintf("uid-%d", i),
		Labels: map[string]string{"app": fmt.Sprintf("app-%d", i%10)}},
		Spec: api.PodSpec{Containers: []api.Container{{Name: "c", Resources: api.ResourceRequirements{Requests: api.ResourceList{
			api.ResourceCPU: api.MustParseQuantity(cpu), api.ResourceMemory: api.MustParseQuantity(mem)}}}}}}
}

// place runs the algorithm for pod and assumes the result, as a cycle does.
func (s *Scheduler) place(pod *api.Pod) (string, error) {
	s.cache.updateSnapshot(s.snap)
	host, err := s.schedule(context.Background(), framework.NewCycleState(s.snap.list), pod)
	if err != nil {
		return "", err
	}
	p := pod.DeepCopy()
	p.Spec.NodeName = host
	s.cache.assume(p)
	return host, nil
}

// TestNeverOvercommits places 10,000 pods on 100 nodes that hold fewer: every node's
// allocatable is respected, the rest are unschedulable with the reason.
func TestNeverOvercommits(t *testing.T) {
	t.Parallel()
	s := newOffline(t, Options{})
	for i := range 100 {
		s.cache.addNode(testNode(i, "4", "8Gi"))
	}
	placed, refused := 0, 0
	for i := range 10000 {
		cpu := []string{"100m", "250m", "500m", "1"}[i%4]
		if _, err := s.place(testPod(i, cpu, "128Mi")); err != nil {
			refused++
			continue
		}
		placed++
	}
	s.cache.updateSnapshot(s.snap)
	for _, n := range s.snap.list {
		if n.Requested.MilliCPU > n.Allocatable.MilliCPU || n.Requested.Memory > n.Allocatable.Memory || int64(len(n.Pods)) > n.Allocatable.AllowedPods {
			t.Errorf("node %s overcommitted: %+v of %+v, %d pods", n.Name(), n.Requested, n.Allocatable, len(n.Pods))
		}
	}
	// 100 nodes × 4 cpu = 400 cpu; pods average 462.5m: about 864 fit.
	if placed < 800 || placed+refused != 10000 {
		t.Errorf("placed %d, refused %d", placed, refused)
	}
	_, err := s.place(testPod(20000, "1", "128Mi"))
	if err == nil || err.Error() != "0/100 nodes are available: 100 Insufficient cpu." {
		t.Errorf("a pod that fits nowhere: %v", err)
	}
}

// TestSpreadsWhenEmpty: with LeastAllocated and balance, equal pods spread evenly
// over equal nodes.
func TestSpreadsWhenEmpty(t *testing.T) {
	t.Parallel()
	s := newOffline(t, Options{})
	for i := range 10 {
		s.cache.addNode(testNode(i, "8", "16Gi"))
	}
	count := map[string]int{}
	for i := range 100 {
		host, err := s.place(testPod(i, "100m", "100Mi"))
		if err != nil {
			t.Fatal(err)
		}
		count[host]++
	}
	for h, n := range count {
		if n != 10 {
			t.Errorf("node %s has %d pods, want 10 (spread evenly): %v", h, n, count)
		}
	}
}

func TestNumFeasibleNodesToFind(t *testing.T) {
	t.Parallel()
	s := newOffline(t, Options{})
	for _, tt := range []struct{ nodes, want int }{{50, 50}, {100, 100}, {1000, 420}, {5000, 500}, {6000, 300}, {10000, 500}} {
		if got := s.numFeasibleNodesToFind(tt.nodes); got != tt.want {
			t.Errorf("%d nodes: %d, want %d", tt.nodes, got, tt.want)
		}
	}
	s.opts.PercentageOfNodesToScore = 100
	if got := s.numFeasibleNodesToFind(5000); got != 5000 {
		t.Errorf("100%%: %d", got)
	}
}

// BenchmarkAlgorithm places pods on an in-memory snapshot (no API): pods/s of the
// algorithm alone, with and without affinity and spread constraints.
//
//	go test -run '^$' -bench Algorithm ./controllers/scheduler/
func BenchmarkAlgorithm(b *testing.B) {
	for _, nodes := range []int{1000, 5000} {
		for _, kind := range []string{"basic", "spread+affinity"} {
			b.Run(fmt.Sprintf("nodes=%d/%s", nodes, kind), func(b *testing.B) {
				s := newOffline(b, Options{})
				for i := range nodes {
					s.cache.addNode(testNode(i, "32", "256Gi"))
				}
				i := 0
				for b.Loop() {
					p := testPod(i, "100m", "100Mi")
					if kind != "basic" {
						sel := &api.LabelSelector{MatchLabels: map[string]string{"app": p.Labels["app"]}}
						p.Spec.TopologySpreadConstraints = []api.TopologySpreadConstraint{{MaxSkew: 1, TopologyKey: "topology.kubernetes.io/zone",
							WhenUnsatisfiable: api.DoNotSchedule, LabelSelector: sel}}
						p.Spec.Affinity = &api.Affinity{PodAntiAffinity: &api.PodAntiAffinity{PreferredDuringSchedulingIgnoredDuringExecution: []api.WeightedPodAffinityTerm{
							{Weight: 10, PodAffinityTerm: api.PodAffinityTerm{LabelSelector: sel, TopologyKey: "kubernetes.io/hostname"}}}}}
					}
					if _, err := s.place(p); err != nil {
						b.Fatal(err)
					}
					i++
				}
				b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "pods/s")
			})
		}
	}
}
