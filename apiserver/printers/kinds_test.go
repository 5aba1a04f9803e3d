package printers

import (
	"testing"
	"time"

	"github.com/orrery-dev/orrery/api"
)

func readyCondition(s api.ConditionStatus) []api.NodeCondition {
	return []api.NodeCondition{
		{Type: api.NodeMemoryPressure, Status: api.ConditionFalse},
		{Type: api.NodeReady, Status: s},
	}
}

func TestNodeColumns(t *testing.T) {
	t.Parallel()
	full := &api.Node{
		ObjectMeta: api.ObjectMeta{Name: "node-a", CreationTimestamp: ago(9 * 24 * time.Hour),
			Labels: map[string]string{"node-role.kubernetes.io/control-plane": "", "kubernetes.io/hostname": "node-a"}},
		Status: api.NodeStatus{
			Conditions: readyCondition(api.ConditionTrue),
			Addresses: []api.NodeAddress{
				{Type: api.NodeHostName, Address: "node-a"},
				{Type: api.NodeInternalIP, Address: "192.168.0.10"},
				{Type: api.NodeInternalIP, Address: "192.168.0.11"},
				{Type: api.NodeExternalIP, Address: "203.0.113.5"},
			},
			NodeInfo: api.NodeSystemInfo{
				KubeletVersion: "v1.31.0", OSImage: "Debian GNU/Linux 12 (bookworm)",
				KernelVersion: "6.1.0-18-amd64", ContainerRuntimeVersion: "containerd://1.7.13",
			},
		},
	}
	tests := []struct {
		name string
		node *api.Node
		want map[string]any
	}{
		{
			name: "every column",
			node: full,
			want: map[string]any{
				"Name": "node-a", "Status": "Ready", "Roles": "control-plane", "Age": "9d",
				"Version": "v1.31.0", "Internal-IP": "192.168.0.10", "External-IP": "203.0.113.5",
				"OS-Image": "Debian GNU/Linux 12 (bookworm)", "Kernel-Version": "6.1.0-18-amd64",
				"Container-Runtime": "containerd://1.7.13",
			},
		},
		{
			name: "bare node",
			node: &api.Node{ObjectMeta: api.ObjectMeta{Name: "node-b"}},
			want: map[string]any{
				"Name": "node-b", "Status": "Unknown", "Roles": "<none>", "Age": "<unknown>",
				"Version": "", "Internal-IP": "<none>", "External-IP": "<none>",
				"OS-Image": "<unknown>", "Kernel-Version": "<unknown>", "Container-Runtime": "<unknown>",
			},
		},
		{
			name: "not ready",
			node: &api.Node{Status: api.NodeStatus{Conditions: readyCondition(api.ConditionFalse)}},
			want: map[string]any{"Status": "NotReady"},
		},
		{
			name: "ready status unknown reads not ready",
			node: &api.Node{Status: api.NodeStatus{Conditions: readyCondition(api.ConditionUnknown)}},
			want: map[string]any{"Status": "NotReady"},
		},
		{
			name: "other conditions only",
			node: &api.Node{Status: api.NodeStatus{Conditions: []api.NodeCondition{{Type: api.NodeDiskPressure, Status: api.ConditionTrue}}}},
			want: map[string]any{"Status": "Unknown"},
		},
		{
			name: "last ready condition wins",
			node: &api.Node{Status: api.NodeStatus{Conditions: []api.NodeCondition{
				{Type: api.NodeReady, Status: api.ConditionTrue}, {Type: api.NodeReady, Status: api.ConditionFalse},
			}}},
			want: map[string]any{"Status": "NotReady"},
		},
		{
			name: "cordoned ready node",
			node: &api.Node{Spec: api.NodeSpec{Unschedulable: true}, Status: api.NodeStatus{Conditions: readyCondition(api.ConditionTrue)}},
			want: map[string]any{"Status": "Ready,SchedulingDisabled"},
		},
		{
			name: "cordoned node without conditions",
			node: &api.Node{Spec: api.NodeSpec{Unschedulable: true}},
			want: map[string]any{"Status": "Unknown,SchedulingDisabled"},
		},
		{
			name: "roles from both label forms, sorted, without duplicates",
			node: &api.Node{ObjectMeta: api.ObjectMeta{Labels: map[string]string{
				"node-role.kubernetes.io/worker":        "",
				"node-role.kubernetes.io/control-plane": "true",
				"kubernetes.io/role":                    "worker",
				"node-role.kubernetes.io/":              "",
				"example.com/role":                      "ignored",
			}}},
			want: map[string]any{"Roles": "control-plane,worker"},
		},
		{
			name: "empty legacy role label is no role",
			node: &api.Node{ObjectMeta: api.ObjectMeta{Labels: map[string]string{"kubernetes.io/role": ""}}},
			want: map[string]any{"Roles": "<none>"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			checkCells(t, "Node", tt.node, tt.want)
		})
	}
}

func TestReplicaSetColumns(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		rs   *api.ReplicaSet
		want map[string]any
	}{
		{
			name: "every column",
			rs: &api.ReplicaSet{
				ObjectMeta: api.ObjectMeta{Name: "web-5d8f", CreationTimestamp: ago(2*time.Hour + 30*time.Minute)},
				Spec: api.ReplicaSetSpec{
					Replicas: ptr[int32](3),
					Selector: &api.LabelSelector{
						MatchLabels: map[string]string{"app": "web", "pod-template-hash": "5d8f"},
						MatchExpressions: []api.LabelSelectorRequirement{
							{Key: "tier", Operator: api.LabelSelectorOpIn, Values: []string{"front", "back"}},
							{Key: "canary", Operator: api.LabelSelectorOpDoesNotExist},
						},
					},
					Template: api.PodTemplateSpec{Spec: api.PodSpec{Containers: []api.Container{
						{Name: "nginx", Image: "nginx:1.25"}, {Name: "sidecar", Image: "envoy:1.29"},
					}}},
				},
				Status: api.ReplicaSetStatus{Replicas: 3, ReadyReplicas: 2},
			},
			want: map[string]any{
				"Name": "web-5d8f", "Desired": int64(3), "Current": int64(3), "Ready": int64(2), "Age": "150m",
				"Containers": "nginx,sidecar", "Images": "nginx:1.25,envoy:1.29",
				"Selector": "app=web,!canary,pod-template-hash=5d8f,tier in (back,front)",
			},
		},
		{
			name: "unset replicas print the default",
			rs:   &api.ReplicaSet{Spec: api.ReplicaSetSpec{Selector: &api.LabelSelector{}}},
			want: map[string]any{"Desired": int64(1), "Current": int64(0), "Ready": int64(0), "Selector": "<none>", "Containers": "", "Images": ""},
		},
		{
			name: "scaled to zero",
			rs:   &api.ReplicaSet{Spec: api.ReplicaSetSpec{Replicas: ptr[int32](0)}},
			want: map[string]any{"Desired": int64(0), "Selector": "<none>"},
		},
		{
			name: "invalid selector",
			rs: &api.ReplicaSet{Spec: api.ReplicaSetSpec{Selector: &api.LabelSelector{
				MatchExpressions: []api.LabelSelectorRequirement{{Key: "tier", Operator: api.LabelSelectorOpIn}},
			}}},
			want: map[string]any{"Selector": "<error>"},
		},
		{
			name: "unknown selector operator",
			rs: &api.ReplicaSet{Spec: api.ReplicaSetSpec{Selector: &api.LabelSelector{
				MatchExpressions: []api.LabelSelectorRequirement{{Key: "tier", Operator: "Near"}},
			}}},
			want: map[string]any{"Selector": "<error>"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			checkCells(t, "ReplicaSet", tt.rs, tt.want)
		})
	}
}

func TestNamespaceColumns(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		ns   *api.Namespace
		want map[string]any
	}{
		{
			name: "active",
			ns: &api.Namespace{ObjectMeta: api.ObjectMeta{Name: "default", CreationTimestamp: ago(400 * 24 * time.Hour)},
				Status: api.NamespaceStatus{Phase: api.NamespaceActive}},
			want: map[string]any{"Name": "default", "Status": "Active", "Age": "400d"},
		},
		{
			name: "terminating",
			ns: &api.Namespace{ObjectMeta: api.ObjectMeta{Name: "old", CreationTimestamp: ago(time.Minute), DeletionTimestamp: agoPtr(0)},
				Status: api.NamespaceStatus{Phase: api.NamespaceTerminating}},
			want: map[string]any{"Name": "old", "Status": "Terminating", "Age": "60s"},
		},
		{
			name: "no phase yet",
			ns:   &api.Namespace{ObjectMeta: api.ObjectMeta{Name: "new"}},
			want: map[string]any{"Name": "new", "Status": "", "Age": "<unknown>"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			checkCells(t, "Namespace", tt.ns, tt.want)
		})
	}
}

func TestLeaseColumns(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name  string
		lease *api.Lease
		want  map[string]any
	}{
		{
			name: "held",
			lease: &api.Lease{ObjectMeta: api.ObjectMeta{Name: "node-a", CreationTimestamp: ago(3 * 365 * 24 * time.Hour)},
				Spec: api.LeaseSpec{HolderIdentity: ptr("node-a")}},
			want: map[string]any{"Name": "node-a", "Holder": "node-a", "Age": "3y"},
		},
		{
			name:  "unheld",
			lease: &api.Lease{ObjectMeta: api.ObjectMeta{Name: "controller", CreationTimestamp: ago(7 * time.Hour)}},
			want:  map[string]any{"Name": "controller", "Holder": "", "Age": "7h"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			checkCells(t, "Lease", tt.lease, tt.want)
		})
	}
}

func TestEventColumns(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name  string
		event *api.Event
		want  map[string]any
	}{
		{
			name: "every column of an old-style event",
			event: &api.Event{
				ObjectMeta:     api.ObjectMeta{Name: "web.17c2a", Namespace: "default"},
				InvolvedObject: api.ObjectReference{Kind: "Pod", Name: "web", FieldPath: "spec.containers{nginx}"},
				Reason:         "BackOff", Message: "  Back-off restarting failed container\n", Type: api.EventTypeWarning,
				Source:         api.EventSource{Component: "kubelet", Host: "node-a"},
				FirstTimestamp: ago(10 * time.Minute), LastTimestamp: ago(30 * time.Second), Count: 12,
			},
			want: map[string]any{
				"Last Seen": "30s", "Type": "Warning", "Reason": "BackOff", "Object": "pod/web",
				"Subobject": "spec.containers{nginx}", "Source": "kubelet, node-a",
				"Message": "Back-off restarting failed container", "First Seen": "10m",
				"Count": int64(12), "Name": "web.17c2a",
			},
		},
		{
			name: "no last timestamp falls back to the first",
			event: &api.Event{InvolvedObject: api.ObjectReference{Kind: "ReplicaSet", Name: "web-5d8f"},
				FirstTimestamp: ago(4 * time.Minute), Count: 1},
			want: map[string]any{"Last Seen": "4m", "First Seen": "4m", "Count": int64(1), "Object": "replicaset/web-5d8f", "Source": ""},
		},
		{
			name: "new-style singleton event uses eventTime and counts one",
			event: &api.Event{InvolvedObject: api.ObjectReference{Kind: "Node", Name: "node-a"},
				EventTime: api.NewMicroTime(now.Add(-75 * time.Second)), ReportingComponent: "node-controller"},
			want: map[string]any{"Last Seen": "75s", "First Seen": "75s", "Count": int64(1), "Source": "node-controller"},
		},
		{
			name: "series gives last seen and count",
			event: &api.Event{
				EventTime: api.NewMicroTime(now.Add(-time.Hour)), Count: 1,
				Series:             &api.EventSeries{Count: 42, LastObservedTime: api.NewMicroTime(now.Add(-5 * time.Second))},
				ReportingComponent: "default-scheduler", ReportingInstance: "scheduler-0",
			},
			want: map[string]any{"Last Seen": "5s", "First Seen": "60m", "Count": int64(42), "Source": "default-scheduler, scheduler-0"},
		},
		{
			name:  "series without an observed time",
			event: &api.Event{LastTimestamp: ago(time.Minute), Series: &api.EventSeries{Count: 2}},
			want:  map[string]any{"Last Seen": "<unknown>", "Count": int64(2)},
		},
		{
			name:  "no times at all",
			event: &api.Event{},
			want:  map[string]any{"Last Seen": "<unknown>", "First Seen": "<unknown>", "Count": int64(1), "Object": ""},
		},
		{
			name:  "kind without a name",
			event: &api.Event{InvolvedObject: api.ObjectReference{Kind: "Namespace"}},
			want:  map[string]any{"Object": "namespace"},
		},
		{
			name:  "source component wins over the reporting component, host over instance",
			event: &api.Event{Source: api.EventSource{Component: "kubelet", Host: "node-a"}, ReportingComponent: "x", ReportingInstance: "y"},
			want:  map[string]any{"Source": "kubelet, node-a"},
		},
		{
			name:  "host without a component",
			event: &api.Event{Source: api.EventSource{Host: "node-a"}},
			want:  map[string]any{"Source": ", node-a"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			checkCells(t, "Event", tt.event, tt.want)
		})
	}
}
