package api

import (
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestKinds(t *testing.T) {
	t.Parallel()
	tests := []struct {
		resource   string
		group      string
		apiVersion string
		kind       string
		namespaced bool
		shortNames []string
		categories []string
	}{
		{"pods", "", "v1", "Pod", true, []string{"po"}, []string{"all"}},
		{"nodes", "", "v1", "Node", false, []string{"no"}, nil},
		{"namespaces", "", "v1", "Namespace", false, []string{"ns"}, nil},
		{"events", "", "v1", "Event", true, []string{"ev"}, nil},
		{"replicasets", "apps", "apps/v1", "ReplicaSet", true, []string{"rs"}, []string{"all"}},
		{"leases", "coordination.k8s.io", "coordination.k8s.io/v1", "Lease", true, nil, nil},
	}
	if got, want := len(Kinds()), len(tests); got != want {
		t.Fatalf("len(Kinds()) = %d, want %d", got, want)
	}
	for _, tt := range tests {
		t.Run(tt.resource, func(t *testing.T) {
			t.Parallel()
			k, ok := KindByResource(tt.group, tt.resource)
			if !ok {
				t.Fatalf("KindByResource(%q, %q) not found", tt.group, tt.resource)
			}
			if k.Kind != tt.kind || k.APIVersion() != tt.apiVersion || k.Namespaced != tt.namespaced ||
				k.ListKind != tt.kind+"List" {
				t.Errorf("got %s %s %s namespaced=%v, want %s %s namespaced=%v", k.Kind, k.ListKind, k.APIVersion(), k.Namespaced, tt.kind, tt.apiVersion, tt.namespaced)
			}
			if diff := cmp.Diff(tt.shortNames, k.ShortNames); diff != "" {
				t.Errorf("ShortNames (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff(tt.categories, k.Categories); diff != "" {
				t.Errorf("Categories (-want +got):\n%s", diff)
			}
			obj := k.New()
			if tm := obj.GetTypeMeta(); tm.Kind != tt.kind || tm.APIVersion != tt.apiVersion {
				t.Errorf("New() TypeMeta = %+v", *tm)
			}
			list := k.NewList()
			if tm := list.GetTypeMeta(); tm.Kind != tt.kind+"List" || tm.APIVersion != tt.apiVersion {
				t.Errorf("NewList() TypeMeta = %+v", *tm)
			}
			if obj == k.New() {
				t.Error("New returns the same object twice")
			}
			got, ok := KindOf(obj)
			if !ok || got.Resource != tt.resource {
				t.Errorf("KindOf(New()) = %v, %v", got.Resource, ok)
			}
		})
	}
	// Kinds returns fresh values: changing one result does not change the next.
	first := Kinds()
	first[0].ShortNames[0] = "changed"
	if Kinds()[0].ShortNames[0] != "po" {
		t.Error("Kinds shares state between calls")
	}
	if _, ok := KindByResource("", "replicasets"); ok {
		t.Error("KindByResource found replicasets in the core group")
	}
}

func TestSelectableFields(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		obj  Object
		want map[string]string
	}{
		{
			name: "pod",
			obj: &Pod{ObjectMeta: ObjectMeta{Name: "web", Namespace: "default"},
				Spec: PodSpec{NodeName: "node-1", RestartPolicy: RestartPolicyAlways, SchedulerName: "default-scheduler",
					ServiceAccountName: "default", HostNetwork: true},
				Status: PodStatus{Phase: PodRunning, PodIPs: []PodIP{{IP: "10.0.0.5"}}, NominatedNodeName: "node-2"}},
			want: map[string]string{
				"metadata.name": "web", "metadata.namespace": "default",
				"spec.nodeName": "node-1", "spec.restartPolicy": "Always", "spec.schedulerName": "default-scheduler",
				"spec.serviceAccountName": "default", "spec.hostNetwork": "true",
				"status.phase": "Running", "status.podIP": "10.0.0.5", "status.nominatedNodeName": "node-2",
			},
		},
		{
			name: "unscheduled pod",
			obj:  &Pod{ObjectMeta: ObjectMeta{Name: "web", Namespace: "default"}},
			want: map[string]string{
				"metadata.name": "web", "metadata.namespace": "default",
				"spec.nodeName": "", "spec.restartPolicy": "", "spec.schedulerName": "",
				"spec.serviceAccountName": "", "spec.hostNetwork": "false",
				"status.phase": "", "status.podIP": "", "status.nominatedNodeName": "",
			},
		},
		{
			name: "node",
			obj:  &Node{ObjectMeta: ObjectMeta{Name: "node-1"}, Spec: NodeSpec{Unschedulable: true}},
			want: map[string]string{"metadata.name": "node-1", "spec.unschedulable": "true"},
		},
		{
			name: "namespace",
			obj:  &Namespace{ObjectMeta: ObjectMeta{Name: "team-a"}, Status: NamespaceStatus{Phase: NamespaceActive}},
			want: map[string]string{"metadata.name": "team-a", "name": "team-a", "status.phase": "Active"},
		},
		{
			name: "event",
			obj: &Event{ObjectMeta: ObjectMeta{Name: "e", Namespace: "default"},
				InvolvedObject: ObjectReference{Kind: "Pod", Namespace: "default", Name: "web", UID: "u1",
					APIVersion: "v1", ResourceVersion: "5", FieldPath: "spec.containers{web}"},
				Reason: "Scheduled", ReportingComponent: "default-scheduler",
				Source: EventSource{Component: "default-scheduler", Host: "cp"}, Type: EventTypeNormal},
			want: map[string]string{
				"metadata.name": "e", "metadata.namespace": "default",
				"involvedObject.kind": "Pod", "involvedObject.namespace": "default", "involvedObject.name": "web",
				"involvedObject.uid": "u1", "involvedObject.apiVersion": "v1", "involvedObject.resourceVersion": "5",
				"involvedObject.fieldPath": "spec.containers{web}", "reason": "Scheduled",
				"reportingComponent": "default-scheduler", "source": "default-scheduler", "type": "Normal",
			},
		},
		{
			name: "replicaset",
			obj:  &ReplicaSet{ObjectMeta: ObjectMeta{Name: "rs", Namespace: "default"}, Status: ReplicaSetStatus{Replicas: 3}},
			want: map[string]string{"metadata.name": "rs", "metadata.namespace": "default", "status.replicas": "3"},
		},
		{
			name: "lease",
			obj:  &Lease{ObjectMeta: ObjectMeta{Name: "node-1", Namespace: "kube-node-lease"}},
			want: map[string]string{"metadata.name": "node-1", "metadata.namespace": "kube-node-lease"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			if diff := cmp.Diff(tt.want, SelectableFields(tt.obj)); diff != "" {
				t.Errorf("SelectableFields (-want +got):\n%s", diff)
			}
		})
	}
}
