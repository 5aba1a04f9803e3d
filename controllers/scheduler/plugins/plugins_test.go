package plugins

import (
	"context"
	"slices"
	"testing"

	"github.com/orrery-dev/orrery/api"
	"github.com/orrery-dev/orrery/controllers/scheduler/framework"
)

func node(name string, cpu, mem string, labels map[string]string) *framework.NodeInfo {
	res := api.ResourceList{api.ResourceCPU: api.MustParseQuantity(cpu), api.ResourceMemory: api.MustParseQuantity(mem), api.ResourcePods: api.MustParseQuantity("3")}
	return framework.NewNodeInfo(&api.Node{ObjectMeta: api.ObjectMeta{Name: name, Labels: labels}, Status: api.NodeStatus{Allocatable: res}})
}

func pod(name, cpu, mem string) *api.Pod {
	req := api.ResourceList{}
	if cpu != "" {
		req[api.ResourceCPU] = api.MustParseQuantity(cpu)
	}
	if mem != "" {
		req[api.ResourceMemory] = api.MustParseQuantity(mem)
	}
	return &api.Pod{ObjectMeta: api.ObjectMeta{Name: name, Namespace: "ns", UID: name},
		Spec: api.PodSpec{Containers: []api.Container{{Name: "c", Resources: api.ResourceRequirements{Requests: req}}}}}
}

func with(n *framework.NodeInfo, pods ...*api.Pod) *framework.NodeInfo {
	for _, p := range pods {
		cp := p.DeepCopy()
		cp.Spec.NodeName = n.Node.Name
		n.AddPod(framework.NewPodInfo(cp))
	}
	return n
}

func filter(t *testing.T, p interface {
	framework.FilterPlugin
}, pod *api.Pod, n *framework.NodeInfo) *framework.Status {
	t.Helper()
	state := framework.NewCycleState([]*framework.NodeInfo{n})
	if pf, ok := p.(framework.PreFilterPlugin); ok {
		if st := pf.PreFilter(context.Background(), state, pod, []*framework.NodeInfo{n}); !st.IsSuccess() && !st.IsSkip() {
			return st
		}
	}
	return p.Filter(context.Background(), state, pod, n)
}

func TestNodeResourcesFitFilter(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		pod  *api.Pod
		node *framework.NodeInfo
		want []string
	}{
		{"fits", pod("p", "1", "1Gi"), node("n", "2", "2Gi", nil), nil},
		{"cpu", pod("p", "3", "1Gi"), node("n", "2", "2Gi", nil), []string{"Insufficient cpu"}},
		{"cpu and memory, with pods there", pod("p", "1", "1Gi"), with(node("n", "2", "2Gi", nil), pod("a", "1500m", "1536Mi")), []string{"Insufficient cpu", "Insufficient memory"}},
		{"pods count", pod("p", "", ""), with(node("n", "8", "8Gi", nil), pod("a", "", ""), pod("b", "", ""), pod("c", "", "")), []string{"Too many pods"}},
		{"no requests fit anywhere with room for a pod", pod("p", "", ""), with(node("n", "1", "1Gi", nil), pod("a", "1", "1Gi")), nil},
	}
	for _, tt := range tests {
		st := filter(t, NodeResourcesFit{}, tt.pod, tt.node)
		var got []string
		if st != nil {
			got = st.Reasons
			if st.Code != framework.Unschedulable {
				t.Errorf("%s: code %d, want Unschedulable", tt.name, st.Code)
			}
		}
		if !slices.Equal(got, tt.want) {
			t.Errorf("%s: reasons %v, want %v", tt.name, got, tt.want)
		}
	}
}

func TestResourceScores(t *testing.T) {
	t.Parallel()
	// Kubernetes' LeastAllocated example: node 4000m/10000Mi with 3000m/5000Mi used
	// by a pod asking 1000m/2000Mi more... here: an empty node of 4 cpu and 10000Mi,
	// a pod of 3000m and 5000Mi: cpu (4000-3000)*100/4000 = 25, memory
	// (10000-5000)*100/10000 = 50; score (25+50)/2 = 37.
	n := node("n", "4", "10000Mi", nil)
	p := pod("p", "3", "5000Mi")
	state := framework.NewCycleState(nil)
	got, _ := NodeResourcesFit{}.Score(context.Background(), state, p, n)
	if got != 37 {
		t.Errorf("LeastAllocated = %d, want 37", got)
	}
	got, _ = NodeResourcesFit{Strategy: MostAllocated}.Score(context.Background(), state, p, n)
	if got != 62 { // (75 + 50) / 2
		t.Errorf("MostAllocated = %d, want 62", got)
	}
	// Balanced: cpu 3/4 = 0.75, memory 0.5: std 0.125, score 87.
	got, _ = BalancedAllocation{}.Score(context.Background(), state, p, n)
	if got != 87 {
		t.Errorf("BalancedAllocation = %d, want 87", got)
	}
	// A pod with no requests counts 100m and 200Mi when spreading.
	got, _ = NodeResourcesFit{}.Score(context.Background(), state, pod("e", "", ""), node("n", "1", "1000Mi", nil))
	if got != 85 { // cpu 90, memory 80
		t.Errorf("LeastAllocated of an empty pod = %d, want 85", got)
	}
}

func TestTaintToleration(t *testing.T) {
	t.Parallel()
	n := node("n", "1", "1Gi", nil)
	n.Node.Spec.Taints = []api.Taint{{Key: "dedicated", Value: "gpu", Effect: api.TaintEffectNoSchedule}, {Key: "soft", Effect: api.TaintEffectPreferNoSchedule}}
	p := pod("p", "", "")
	st := filter(t, TaintToleration{}, p, n)
	if st == nil || st.Code != framework.UnschedulableAndUnresolvable || st.Reasons[0] != "node(s) had untolerated taint {dedicated: gpu}" {
		t.Errorf("untolerated: %+v", st)
	}
	p.Spec.Tolerations = []api.Toleration{{Key: "dedicated", Operator: api.TolerationOpEqual, Value: "gpu", Effect: api.TaintEffectNoSchedule}}
	if st := filter(t, TaintToleration{}, p, n); st != nil {
		t.Errorf("tolerated: %+v", st)
	}
	p.Spec.Tolerations = []api.Toleration{{Operator: api.TolerationOpExists}}
	if st := filter(t, TaintToleration{}, p, n); st != nil {
		t.Errorf("tolerate everything: %+v", st)
	}
	// Score: untolerated PreferNoSchedule taints, normalized in reverse.
	q := pod("q", "", "")
	q.Spec.Tolerations = []api.Toleration{{Key: "dedicated", Operator: api.TolerationOpExists}}
	clean := node("clean", "1", "1Gi", nil)
	s1, _ := TaintToleration{}.Score(context.Background(), nil, q, n)
	s2, _ := TaintToleration{}.Score(context.Background(), nil, q, clean)
	scores := []framework.NodeScore{{Name: "n", Score: s1}, {Name: "clean", Score: s2}}
	TaintToleration{}.NormalizeScore(context.Background(), nil, q, scores)
	if scores[0].Score != 0 || scores[1].Score != 100 {
		t.Errorf("scores %+v, want n 0, clean 100", scores)
	}
}

func TestNodeAffinity(t *testing.T) {
	t.Parallel()
	zoneA := node("a", "1", "1Gi", map[string]string{"zone": "a", "gen": "5"})
	zoneB := node("b", "1", "1Gi", map[string]string{"zone": "b", "gen": "3"})
	p := pod("p", "", "")
	p.Spec.NodeSelector = map[string]string{"zone": "a"}
	if filter(t, NodeAffinity{}, p, zoneA) != nil || filter(t, NodeAffinity{}, p, zoneB) == nil {
		t.Error("nodeSelector")
	}
	p.Spec.NodeSelector = nil
	p.Spec.Affinity = &api.Affinity{NodeAffinity: &api.NodeAffinity{
		RequiredDuringSchedulingIgnoredDuringExecution: &api.NodeSelector{NodeSelectorTerms: []api.NodeSelectorTerm{
			{MatchExpressions: []api.NodeSelectorRequirement{{Key: "gen", Operator: api.NodeSelectorOpGt, Values: []string{"4"}}}},
			{MatchFields: []api.NodeSelectorRequirement{{Key: "metadata.name", Operator: api.NodeSelectorOpIn, Values: []string{"c"}}}},
		}},
		PreferredDuringSchedulingIgnoredDuringExecution: []api.PreferredSchedulingTerm{
			{Weight: 10, Preference: api.NodeSelectorTerm{MatchExpressions: []api.NodeSelectorRequirement{{Key: "zone", Operator: api.NodeSelectorOpIn, Values: []string{"b"}}}}},
		},
	}}
	st := filter(t, NodeAffinity{}, p, zoneB)
	if filter(t, NodeAffinity{}, p, zoneA) != nil || st == nil || st.Reasons[0] != "node(s) didn't match Pod's node affinity/selector" {
		t.Errorf("required affinity: %+v", st)
	}
	sa, _ := NodeAffinity{}.Score(context.Background(), nil, p, zoneA)
	sb, _ := NodeAffinity{}.Score(context.Background(), nil, p, zoneB)
	scores := []framework.NodeScore{{Name: "a", Score: sa}, {Name: "b", Score: sb}}
	NodeAffinity{}.NormalizeScore(context.Background(), nil, p, scores)
	if scores[0].Score != 0 || scores[1].Score != 100 {
		t.Errorf("preferred scores %+v", scores)
	}
}

func TestNodePortsAndUnschedulable(t *testing.T) {
	t.Parallel()
	withPort := func(name string, port int32, ip string) *api.Pod {
		p := pod(name, "", "")
		p.Spec.Containers[0].Ports = []api.ContainerPort{{ContainerPort: 80, HostPort: port, HostIP: ip}}
		return p
	}
	n := with(node("n", "1", "1Gi", nil), withPort("a", 8080, ""))
	if st := filter(t, NodePorts{}, withPort("p", 8080, "10.0.0.1"), n); st == nil || st.Reasons[0] != "node(s) didn't have free ports for the requested pod ports" {
		t.Errorf("conflict: %+v", st)
	}
	if st := filter(t, NodePorts{}, withPort("p", 8081, ""), n); st != nil {
		t.Errorf("free port: %+v", st)
	}
	cordoned := node("c", "1", "1Gi", nil)
	cordoned.Node.Spec.Unschedulable = true
	if st := filter(t, NodeUnschedulable{}, pod("p", "", ""), cordoned); st == nil || st.Reasons[0] != "node(s) were unschedulable" {
		t.Errorf("cordoned: %+v", st)
	}
}

func labelled(name string, lbls map[string]string) *api.Pod {
	p := pod(name, "", "")
	p.Labels = lbls
	return p
}

func TestInterPodAffinity(t *testing.T) {
	t.Parallel()
	z1a := with(node("z1a", "1", "1Gi", map[string]string{"zone": "z1"}), labelled("db", map[string]string{"app": "db"}))
	z1b := node("z1b", "1", "1Gi", map[string]string{"zone": "z1"})
	z2 := node("z2", "1", "1Gi", map[string]string{"zone": "z2"})
	nodes := []*framework.NodeInfo{z1a, z1b, z2}
	run := func(p *api.Pod, n *framework.NodeInfo) *framework.Status {
		state := framework.NewCycleState(nodes)
		if st := (InterPodAffinity{}).PreFilter(context.Background(), state, p, nodes); !st.IsSuccess() {
			return st
		}
		return InterPodAffinity{}.Filter(context.Background(), state, p, n)
	}
	term := api.PodAffinityTerm{LabelSelector: &api.LabelSelector{MatchLabels: map[string]string{"app": "db"}}, TopologyKey: "zone"}
	near := labelled("web", map[string]string{"app": "web"})
	near.Spec.Affinity = &api.Affinity{PodAffinity: &api.PodAffinity{RequiredDuringSchedulingIgnoredDuringExecution: []api.PodAffinityTerm{term}}}
	if run(near, z1b) != nil || run(near, z2) == nil {
		t.Error("affinity: z1b (same zone as db) should pass, z2 fail")
	}
	far := labelled("web", map[string]string{"app": "web"})
	far.Spec.Affinity = &api.Affinity{PodAntiAffinity: &api.PodAntiAffinity{RequiredDuringSchedulingIgnoredDuringExecution: []api.PodAffinityTerm{term}}}
	if st := run(far, z1b); st == nil || st.Reasons[0] != "node(s) didn't match pod anti-affinity rules" || run(far, z2) != nil {
		t.Errorf("anti-affinity: %+v", st)
	}
	// The existing pod's anti-affinity keeps matching pods out of its zone.
	lonely := labelled("lonely", map[string]string{"app": "lonely"})
	lonely.Spec.Affinity = &api.Affinity{PodAntiAffinity: &api.PodAntiAffinity{RequiredDuringSchedulingIgnoredDuringExecution: []api.PodAffinityTerm{
		{LabelSelector: &api.LabelSelector{MatchLabels: map[string]string{"app": "web"}}, TopologyKey: "zone"}}}}
	with(z2, lonely)
	if st := run(labelled("w", map[string]string{"app": "web"}), z2); st == nil || st.Reasons[0] != "node(s) didn't satisfy existing pods anti-affinity rules" {
		t.Errorf("existing anti-affinity: %+v", st)
	}
	// The first pod of a group that wants itself goes anywhere with the key.
	first := labelled("cache-0", map[string]string{"app": "cache"})
	first.Spec.Affinity = &api.Affinity{PodAffinity: &api.PodAffinity{RequiredDuringSchedulingIgnoredDuringExecution: []api.PodAffinityTerm{
		{LabelSelector: &api.LabelSelector{MatchLabels: map[string]string{"app": "cache"}}, TopologyKey: "zone"}}}}
	if st := run(first, z1b); st != nil {
		t.Errorf("self-affinity of the first pod: %+v", st)
	}
}

func TestPodTopologySpread(t *testing.T) {
	t.Parallel()
	app := map[string]string{"app": "web"}
	a := with(node("a", "1", "1Gi", map[string]string{"zone": "a"}), labelled("w1", app), labelled("w2", app))
	b := with(node("b", "1", "1Gi", map[string]string{"zone": "b"}), labelled("w3", app))
	c := node("c", "1", "1Gi", map[string]string{"zone": "c"})
	nolabel := node("d", "1", "1Gi", nil)
	nodes := []*framework.NodeInfo{a, b, c, nolabel}
	p := labelled("w4", app)
	p.Spec.TopologySpreadConstraints = []api.TopologySpreadConstraint{{MaxSkew: 1, TopologyKey: "zone",
		WhenUnsatisfiable: api.DoNotSchedule, LabelSelector: &api.LabelSelector{MatchLabels: app}}}
	run := func(n *framework.NodeInfo) *framework.Status {
		state := framework.NewCycleState(nodes)
		PodTopologySpread{}.PreFilter(context.Background(), state, p, nodes)
		return PodTopologySpread{}.Filter(context.Background(), state, p, n)
	}
	// Counts a=2, b=1, c=0 (min 0): a gives skew 3, b 2, c 1.
	if st := run(a); st == nil || st.Reasons[0] != "node(s) didn't match pod topology spread constraints" {
		t.Errorf("zone a: %+v", st)
	}
	if run(b) == nil || run(c) != nil {
		t.Error("zone b should fail (skew 2), zone c pass")
	}
	if st := run(nolabel); st == nil || st.Code != framework.UnschedulableAndUnresolvable {
		t.Errorf("node without the key: %+v", st)
	}
}
