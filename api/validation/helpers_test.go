package validation

import (
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/orrery-dev/orrery/api"
)

// fieldErr is what the tests assert about an error: its type and field path.
type fieldErr struct {
	Type  ErrorType
	Field string
}

func checkErrors(t *testing.T, got ErrorList, want []fieldErr) {
	t.Helper()
	gotFields := make([]fieldErr, len(got))
	for i, e := range got {
		gotFields[i] = fieldErr{e.Type, e.Field}
	}
	if len(want) == 0 {
		want = []fieldErr{}
	}
	if diff := cmp.Diff(want, gotFields); diff != "" {
		t.Errorf("errors (-want +got):\n%s\nall errors: %v", diff, got.Err())
	}
}

var created = api.NewTime(time.Date(2024, 5, 1, 10, 0, 0, 0, time.UTC))

func ptr[T any](v T) *T { return &v }

// validPod returns a defaulted, valid pod.
func validPod() *api.Pod {
	pod := &api.Pod{
		TypeMeta: api.TypeMeta{Kind: "Pod", APIVersion: "v1"},
		ObjectMeta: api.ObjectMeta{
			Name: "web", Namespace: "default", UID: "u1", ResourceVersion: "5", CreationTimestamp: created,
			Labels: map[string]string{"app": "web"},
		},
		Spec: api.PodSpec{
			Containers: []api.Container{{
				Name:  "web",
				Image: "nginx:1.25",
				Ports: []api.ContainerPort{{Name: "http", ContainerPort: 80}},
				Env:   []api.EnvVar{{Name: "MODE", Value: "prod"}},
				Resources: api.ResourceRequirements{
					Requests: api.ResourceList{api.ResourceCPU: api.MustParseQuantity("250m")},
					Limits:   api.ResourceList{api.ResourceCPU: api.MustParseQuantity("1"), api.ResourceMemory: api.MustParseQuantity("128Mi")},
				},
			}},
			Tolerations: []api.Toleration{{Key: api.TaintNodeNotReady, Operator: api.TolerationOpExists,
				Effect: api.TaintEffectNoExecute, TolerationSeconds: ptr(int64(300))}},
		},
	}
	DefaultPod(pod)
	return pod
}

func validReplicaSet() *api.ReplicaSet {
	rs := &api.ReplicaSet{
		ObjectMeta: api.ObjectMeta{Name: "web", Namespace: "default", UID: "u2", ResourceVersion: "6", CreationTimestamp: created},
		Spec: api.ReplicaSetSpec{
			Replicas: ptr(int32(3)),
			Selector: &api.LabelSelector{
				MatchLabels:      map[string]string{"app": "web"},
				MatchExpressions: []api.LabelSelectorRequirement{{Key: "tier", Operator: api.LabelSelectorOpNotIn, Values: []string{"cache"}}},
			},
			Template: api.PodTemplateSpec{
				ObjectMeta: api.ObjectMeta{Labels: map[string]string{"app": "web"}},
				Spec:       api.PodSpec{Containers: []api.Container{{Name: "web", Image: "nginx"}}},
			},
		},
	}
	DefaultReplicaSet(rs)
	return rs
}

func validNode() *api.Node {
	return &api.Node{
		ObjectMeta: api.ObjectMeta{Name: "node-1", UID: "u3", ResourceVersion: "7", CreationTimestamp: created},
		Spec: api.NodeSpec{
			PodCIDR: "10.244.1.0/24", PodCIDRs: []string{"10.244.1.0/24"},
			Taints: []api.Taint{{Key: api.TaintNodeUnschedulable, Effect: api.TaintEffectNoSchedule}},
		},
		Status: api.NodeStatus{
			Capacity: api.ResourceList{api.ResourceCPU: api.MustParseQuantity("8"), api.ResourcePods: api.MustParseQuantity("110")},
		},
	}
}

func validNamespace() *api.Namespace {
	return &api.Namespace{
		ObjectMeta: api.ObjectMeta{Name: "team-a", UID: "u4", ResourceVersion: "8", CreationTimestamp: created},
		Spec:       api.NamespaceSpec{Finalizers: []api.FinalizerName{api.FinalizerKubernetes}},
		Status:     api.NamespaceStatus{Phase: api.NamespaceActive},
	}
}

func validEvent() *api.Event {
	return &api.Event{
		ObjectMeta:     api.ObjectMeta{Name: "web.17c9a1b2", Namespace: "default", UID: "u5", ResourceVersion: "9", CreationTimestamp: created},
		InvolvedObject: api.ObjectReference{Kind: "Pod", Namespace: "default", Name: "web", UID: "u1", APIVersion: "v1"},
		Reason:         "Started", Message: "Started container web", Source: api.EventSource{Component: "kubelet", Host: "node-1"},
		FirstTimestamp: created, LastTimestamp: created, Count: 1, Type: api.EventTypeNormal,
	}
}

func validLease() *api.Lease {
	return &api.Lease{
		ObjectMeta: api.ObjectMeta{Name: "node-1", Namespace: "kube-node-lease", UID: "u6", ResourceVersion: "10", CreationTimestamp: created},
		Spec: api.LeaseSpec{HolderIdentity: ptr("node-1"), LeaseDurationSeconds: ptr(int32(40)),
			RenewTime: ptr(api.NewMicroTime(created.Time)), LeaseTransitions: ptr(int32(0))},
	}
}
