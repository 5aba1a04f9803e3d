package compat

import (
	"context"
	"encoding/json"
	"fmt"
	"maps"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/api/resource"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/orrery-dev/orrery/client"
	"github.com/orrery-dev/orrery/controllers/kubelet"
	"github.com/orrery-dev/orrery/internal/testutil/controllertest"
	"github.com/orrery-dev/orrery/manager"
)

// kwokBinary is the real kwok (sigs.k8s.io/kwok), which `make test` builds and names
// in ORRERY_KWOK; its stages (node-initialize, node-heartbeat-with-lease, pod-ready
// and pod-delete, kwok's defaults) are beside it in kwok-stages/.
func kwokBinary(t *testing.T) (bin, stages string) {
	t.Helper()
	bin = os.Getenv("ORRERY_KWOK")
	if bin == "" {
		t.Skip("ORRERY_KWOK is not set: `make test` builds the real kwok and runs this test")
	}
	return bin, filepath.Join(filepath.Dir(bin), "kwok-stages")
}

// TestKubeletMatchesKwok runs the real kwok and Orrery's simulated kubelet side by
// side against one Orrery apiserver, gives each a node and the same pods, and
// compares what they report: the same phases, conditions and field shapes. Where
// Orrery reports more than kwok's stages, it is what the real kubelet reports
// (Kubernetes' pod lifecycle and container status documentation), listed below.
func TestKubeletMatchesKwok(t *testing.T) {
	bin, stageDir := kwokBinary(t)
	s := startServer(t)
	ctx := t.Context()
	dir := t.TempDir()

	// kwok, with kwok's default stages, managing the nodes annotated as its own.
	var stages []byte
	for _, f := range []string{"node-initialize.yaml", "node-heartbeat-with-lease.yaml", "pod-ready.yaml", "pod-delete.yaml"} {
		b, err := os.ReadFile(filepath.Join(stageDir, f))
		if err != nil {
			t.Fatal(err)
		}
		stages = append(append(stages, "---\n"...), b...)
	}
	kubeconfig := filepath.Join(dir, "kubeconfig")
	writeKubeconfig(t, kubeconfig, s)
	stageFile := filepath.Join(dir, "stages.yaml")
	if err := os.WriteFile(stageFile, stages, 0o600); err != nil {
		t.Fatal(err)
	}
	kwokCtx, stopKwok := context.WithCancel(context.Background())
	kwok := exec.CommandContext(kwokCtx, bin, "--kubeconfig", kubeconfig, "-c", stageFile,
		"--manage-nodes-with-annotation-selector", "kwok.x-k8s.io/node=fake",
		"--node-lease-duration-seconds", "40", "--cidr", "10.0.0.0/16", "--node-ip", "10.1.0.1")
	kwokLog, err := os.Create(filepath.Join(dir, "kwok.log"))
	if err != nil {
		t.Fatal(err)
	}
	kwok.Stdout, kwok.Stderr = kwokLog, kwokLog
	if err := kwok.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		stopKwok()
		_ = kwok.Wait()
		kwokLog.Close()
		if t.Failed() {
			b, _ := os.ReadFile(kwokLog.Name())
			t.Logf("kwok's log:\n%s", b)
		}
	})
	// Orrery's simulated kubelet, in this process, with one node of the same size.
	controllertest.Run(t, client.Config{Host: s.srv.URL(), CAData: s.srv.CAPEM(), BearerToken: s.srv.AdminToken(), QPS: -1},
		func(m *manager.Manager) error {
			_, err := kubelet.Setup(m, kubelet.Options{Nodes: 1, Zones: 1})
			return err
		})
	const kwokNode, orreryNode = "kwok-node-0", "orrery-node-0"
	quantities := corev1.ResourceList{corev1.ResourceCPU: resource.MustParse("32"), corev1.ResourceMemory: resource.MustParse("256Gi"),
		corev1.ResourcePods: resource.MustParse("110")}
	if _, err := s.client.CoreV1().Nodes().Create(ctx, &corev1.Node{
		ObjectMeta: metav1.ObjectMeta{Name: kwokNode, Annotations: map[string]string{"kwok.x-k8s.io/node": "fake"},
			Labels: map[string]string{"kubernetes.io/hostname": kwokNode, "kubernetes.io/os": "linux"}},
		Status: corev1.NodeStatus{Capacity: quantities, Allocatable: quantities},
	}, metav1.CreateOptions{}); err != nil {
		t.Fatal(err)
	}

	// Nodes: both Ready with the kubelet's conditions, and a Lease each.
	ready := func(name string) func(context.Context) (bool, error) {
		return func(ctx context.Context) (bool, error) {
			n, err := s.client.CoreV1().Nodes().Get(ctx, name, metav1.GetOptions{})
			if err != nil {
				return false, err
			}
			for _, c := range n.Status.Conditions {
				if c.Type == corev1.NodeReady {
					return c.Status == corev1.ConditionTrue, nil
				}
			}
			return false, nil
		}
	}
	poll(t, "kwok's node Ready", ready(kwokNode))
	poll(t, "Orrery's node Ready", ready(orreryNode))
	for _, name := range []string{kwokNode, orreryNode} {
		poll(t, "the Lease of "+name, func(ctx context.Context) (bool, error) {
			l, err := s.client.CoordinationV1().Leases("kube-node-lease").Get(ctx, name, metav1.GetOptions{})
			if err != nil {
				return false, err
			}
			// The real kubelet holds its Lease as the node; kwok as its own process.
			holder := l.Spec.HolderIdentity != nil && (*l.Spec.HolderIdentity == name || name == kwokNode && *l.Spec.HolderIdentity != "")
			ok := holder && l.Spec.RenewTime != nil &&
				l.Spec.LeaseDurationSeconds != nil && *l.Spec.LeaseDurationSeconds == 40 &&
				len(l.OwnerReferences) == 1 && l.OwnerReferences[0].Kind == "Node" && l.OwnerReferences[0].Name == name
			if !ok {
				b, _ := json.Marshal(l)
				return false, fmt.Errorf("lease %s", b)
			}
			return true, nil
		})
	}
	kn, err := s.client.CoreV1().Nodes().Get(ctx, kwokNode, metav1.GetOptions{})
	if err != nil {
		t.Fatal(err)
	}
	on, err := s.client.CoreV1().Nodes().Get(ctx, orreryNode, metav1.GetOptions{})
	if err != nil {
		t.Fatal(err)
	}
	// The kubelet's conditions; NetworkUnavailable is not the kubelet's but the network
	// plugin's or cloud route controller's, which kwok stands in for too.
	kwokTypes := slices.DeleteFunc(conditionTypes(kn.Status.Conditions, nodeConditionType), func(s string) bool { return s == "NetworkUnavailable" })
	if diff := cmp.Diff(kwokTypes, conditionTypes(on.Status.Conditions, nodeConditionType)); diff != "" {
		t.Errorf("node condition types (-kwok +orrery):\n%s", diff)
	}
	networkUnavailable := map[string]string{}
	for _, f := range []string{"lastHeartbeatTime", "lastTransitionTime", "message", "reason", "status", "type"} {
		networkUnavailable["conditions[type=NetworkUnavailable]."+f] = ""
	}
	compareShapes(t, "node status", kn.Status, on.Status, networkUnavailable, map[string]string{
		// The real kubelet reports its host name beside its IP, and the node's
		// ephemeral storage; kwok leaves them to the node's creator.
		"addresses[type=Hostname].address": "", "addresses[type=Hostname].type": "",
		"allocatable.ephemeral-storage": "", "capacity.ephemeral-storage": "",
	})

	// Pods: one plain, one with an init container, on each node.
	pods := s.client.CoreV1().Pods("default")
	newPods := func(node string) []*corev1.Pod {
		requests := corev1.ResourceRequirements{Requests: corev1.ResourceList{corev1.ResourceCPU: resource.MustParse("100m")}}
		return []*corev1.Pod{
			{ObjectMeta: metav1.ObjectMeta{Name: "plain-" + node},
				Spec: corev1.PodSpec{NodeName: node, Containers: []corev1.Container{{Name: "app", Image: "nginx", Resources: requests}}}},
			{ObjectMeta: metav1.ObjectMeta{Name: "init-" + node},
				Spec: corev1.PodSpec{NodeName: node, InitContainers: []corev1.Container{{Name: "setup", Image: "busybox"}},
					Containers: []corev1.Container{{Name: "app", Image: "nginx", Resources: requests}}}},
		}
	}
	for _, node := range []string{kwokNode, orreryNode} {
		for _, p := range newPods(node) {
			if _, err := pods.Create(ctx, p, metav1.CreateOptions{}); err != nil {
				t.Fatal(err)
			}
		}
	}
	running := func(name string) func(context.Context) (bool, error) {
		return func(ctx context.Context) (bool, error) {
			p, err := pods.Get(ctx, name, metav1.GetOptions{})
			if err != nil {
				return false, err
			}
			return p.Status.Phase == corev1.PodRunning && podReady(p), nil
		}
	}
	for _, kind := range []string{"plain-", "init-"} {
		poll(t, kind+kwokNode+" Running", running(kind+kwokNode))
		poll(t, kind+orreryNode+" Running", running(kind+orreryNode))
		kp, err := pods.Get(ctx, kind+kwokNode, metav1.GetOptions{})
		if err != nil {
			t.Fatal(err)
		}
		op, err := pods.Get(ctx, kind+orreryNode, metav1.GetOptions{})
		if err != nil {
			t.Fatal(err)
		}
		if kp.Status.Phase != op.Status.Phase {
			t.Errorf("%s: phase kwok %s, orrery %s", kind, kp.Status.Phase, op.Status.Phase)
		}
		// Every condition kwok reports, Orrery reports with the same status; Orrery adds
		// the two the real kubelet also reports.
		kc, oc := conditionTypes(kp.Status.Conditions, podConditionType), conditionTypes(op.Status.Conditions, podConditionType)
		want := slices.Sorted(slices.Values(append(slices.Clone(kc), "PodScheduled", "PodReadyToStartContainers")))
		if diff := cmp.Diff(want, oc); diff != "" {
			t.Errorf("%s pod condition types (-kwok and the kubelet's +orrery):\n%s", kind, diff)
		}
		for _, c := range op.Status.Conditions {
			if c.Status != corev1.ConditionTrue {
				t.Errorf("%s: Orrery's condition %s is %s", kind, c.Type, c.Status)
			}
		}
		if diff := cmp.Diff(containerSummary(kp), containerSummary(op)); diff != "" {
			t.Errorf("%s container statuses (-kwok +orrery):\n%s", kind, diff)
		}
		if op.Status.HostIP != on.Status.Addresses[0].Address || kp.Status.HostIP != kn.Status.Addresses[0].Address {
			t.Errorf("%s: hostIP kwok %s (node %s), orrery %s (node %s)", kind, kp.Status.HostIP, kn.Status.Addresses[0].Address,
				op.Status.HostIP, on.Status.Addresses[0].Address)
		}
		// What the real kubelet reports that kwok's pod-ready stage leaves out: two
		// conditions, and the containers' IDs and started flags.
		kubeletOnly := map[string]string{"containerStatuses[name=app].containerID": "", "containerStatuses[name=app].started": ""}
		for _, c := range []string{"PodScheduled", "PodReadyToStartContainers"} {
			for _, f := range []string{"lastProbeTime", "lastTransitionTime", "status", "type"} {
				kubeletOnly["conditions[type="+c+"]."+f] = ""
			}
		}
		if kind == "init-" {
			kubeletOnly["initContainerStatuses[name=setup].containerID"] = ""
			kubeletOnly["initContainerStatuses[name=setup].started"] = ""
			kubeletOnly["initContainerStatuses[name=setup].state.terminated.containerID"] = ""
		}
		compareShapes(t, kind+" pod status", kp.Status, op.Status, nil, kubeletOnly)
	}

	// Graceful deletion: both remove their pods.
	for _, node := range []string{kwokNode, orreryNode} {
		for _, p := range newPods(node) {
			if err := pods.Delete(ctx, p.Name, metav1.DeleteOptions{}); err != nil {
				t.Fatal(err)
			}
			poll(t, p.Name+" deleted", func(ctx context.Context) (bool, error) {
				_, err := pods.Get(ctx, p.Name, metav1.GetOptions{})
				if apierrors.IsNotFound(err) {
					return true, nil
				}
				return false, err
			})
		}
	}
}

// containerSummary is what both must report alike of p's containers: names, images,
// readiness, restarts, and how the init containers ended.
func containerSummary(p *corev1.Pod) []string {
	var out []string
	for _, list := range [][]corev1.ContainerStatus{p.Status.InitContainerStatuses, p.Status.ContainerStatuses} {
		for _, c := range list {
			s := fmt.Sprintf("%s image=%s ready=%v restarts=%d running=%v", c.Name, c.Image, c.Ready, c.RestartCount, c.State.Running != nil)
			if t := c.State.Terminated; t != nil {
				s += fmt.Sprintf(" terminated=%s/%d", t.Reason, t.ExitCode)
			}
			out = append(out, s)
		}
	}
	return out
}

func nodeConditionType(c corev1.NodeCondition) string { return string(c.Type) }
func podConditionType(c corev1.PodCondition) string   { return string(c.Type) }

// conditionTypes are the sorted types of conds.
func conditionTypes[C any](conds []C, typ func(C) string) []string {
	var out []string
	for _, c := range conds {
		out = append(out, typ(c))
	}
	sort.Strings(out)
	return out
}

func podReady(p *corev1.Pod) bool {
	for _, c := range p.Status.Conditions {
		if c.Type == corev1.PodReady {
			return c.Status == corev1.ConditionTrue
		}
	}
	return false
}

// compareShapes compares the fields kwok and Orrery set (their paths and JSON kinds):
// every field kwok sets, Orrery sets with the same kind, except those in onlyKwok;
// Orrery sets no field kwok lacks, except those in onlyOrrery.
func compareShapes(t *testing.T, what string, kwok, orrery any, onlyKwok, onlyOrrery map[string]string) {
	t.Helper()
	k, o := shape(t, kwok), shape(t, orrery)
	var missing, extra, kinds []string
	for path, kind := range k {
		switch ok, found := o[path]; {
		case !found:
			if _, allowed := onlyKwok[path]; !allowed {
				missing = append(missing, path)
			}
		case ok != kind:
			kinds = append(kinds, fmt.Sprintf("%s: kwok %s, orrery %s", path, kind, ok))
		}
	}
	for path := range o {
		if _, found := k[path]; !found {
			if _, allowed := onlyOrrery[path]; !allowed {
				extra = append(extra, path)
			}
		}
	}
	for _, l := range [][]string{missing, extra, kinds} {
		sort.Strings(l)
	}
	if len(missing)+len(extra)+len(kinds) > 0 {
		t.Errorf("%s: fields kwok sets and Orrery does not: %v\nfields Orrery sets and kwok does not: %v\ndifferent kinds: %v",
			what, missing, extra, kinds)
	}
	for path := range onlyOrrery {
		if _, found := o[path]; !found {
			t.Errorf("%s: Orrery does not set %s, which the real kubelet sets", what, path)
		}
	}
}

// shape is v's JSON as paths to the kinds of their values: list elements are named by
// their "type" or "name" field, or [] for all; maps of quantities keep their keys.
func shape(t *testing.T, v any) map[string]string {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	var tree any
	if err := json.Unmarshal(b, &tree); err != nil {
		t.Fatal(err)
	}
	out := map[string]string{}
	var walk func(prefix string, v any)
	walk = func(prefix string, v any) {
		switch v := v.(type) {
		case map[string]any:
			for _, key := range slices.Sorted(maps.Keys(v)) {
				walk(strings.TrimPrefix(prefix+"."+key, "."), v[key])
			}
		case []any:
			for _, e := range v {
				m, _ := e.(map[string]any)
				switch {
				case m != nil && m["type"] != nil:
					walk(fmt.Sprintf("%s[type=%v]", prefix, m["type"]), e)
				case m != nil && m["name"] != nil:
					walk(fmt.Sprintf("%s[name=%v]", prefix, m["name"]), e)
				default:
					walk(prefix+"[]", e)
				}
			}
		case nil:
			out[prefix] = "null"
		default:
			out[prefix] = fmt.Sprintf("%T", v)
		}
	}
	walk("", tree)
	return out
}

// writeKubeconfig writes a kubeconfig of the admin of s to path.
func writeKubeconfig(t *testing.T, path string, s *testServer) {
	t.Helper()
	ca := filepath.Join(filepath.Dir(path), "ca.crt")
	if err := os.WriteFile(ca, s.srv.CAPEM(), 0o600); err != nil {
		t.Fatal(err)
	}
	cfg := fmt.Sprintf(`apiVersion: v1
kind: Config
clusters:
- name: orrery
  cluster: {server: %q, certificate-authority: %q}
users:
- name: admin
  user: {token: %q}
contexts:
- name: orrery
  context: {cluster: orrery, user: admin}
current-context: orrery
`, s.srv.URL(), ca, s.srv.AdminToken())
	if err := os.WriteFile(path, []byte(cfg), 0o600); err != nil {
		t.Fatal(err)
	}
}
