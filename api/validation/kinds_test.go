package validation

import (
	"testing"

	"github.com/orrery-dev/orrery/api"
)

func TestValidateNode(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name   string
		mutate func(n *api.Node)
		want   []fieldErr
	}{
		{"valid", func(n *api.Node) {}, nil},
		{"namespace set", func(n *api.Node) { n.Namespace = "default" }, []fieldErr{{ErrorTypeForbidden, "metadata.namespace"}}},
		{"subdomain name", func(n *api.Node) { n.Name = "node-1.example.com" }, nil},
		{"bad name", func(n *api.Node) { n.Name = "Node_1" }, []fieldErr{{ErrorTypeInvalid, "metadata.name"}}},
		{"taint without effect", func(n *api.Node) { n.Spec.Taints[0].Effect = "" }, []fieldErr{{ErrorTypeRequired, "spec.taints[0].effect"}}},
		{"taint with bad effect", func(n *api.Node) { n.Spec.Taints[0].Effect = "Evict" }, []fieldErr{{ErrorTypeNotSupported, "spec.taints[0].effect"}}},
		{"taint without key", func(n *api.Node) { n.Spec.Taints[0].Key = "" }, []fieldErr{{ErrorTypeRequired, "spec.taints[0].key"}}},
		{"taint with bad value", func(n *api.Node) { n.Spec.Taints[0].Value = "a b" }, []fieldErr{{ErrorTypeInvalid, "spec.taints[0].value"}}},
		{"duplicate taint", func(n *api.Node) { n.Spec.Taints = append(n.Spec.Taints, n.Spec.Taints[0]) }, []fieldErr{{ErrorTypeDuplicate, "spec.taints[1]"}}},
		{"same key, other effect", func(n *api.Node) {
			n.Spec.Taints = append(n.Spec.Taints, api.Taint{Key: api.TaintNodeUnschedulable, Effect: api.TaintEffectNoExecute})
		}, nil},
		{"bad pod CIDR", func(n *api.Node) { n.Spec.PodCIDRs = []string{"10.244.1.0"}; n.Spec.PodCIDR = "10.244.1.0" }, []fieldErr{{ErrorTypeInvalid, "spec.podCIDRs[0]"}}},
		{"pod CIDRs disagree", func(n *api.Node) { n.Spec.PodCIDRs = []string{"10.244.2.0/24"} }, []fieldErr{{ErrorTypeInvalid, "spec.podCIDRs[0]"}}},
		{"negative capacity", func(n *api.Node) { n.Status.Capacity[api.ResourceCPU] = api.MustParseQuantity("-1") }, []fieldErr{{ErrorTypeInvalid, "status.capacity[cpu]"}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			n := validNode()
			tt.mutate(n)
			checkErrors(t, ValidateNode(n), tt.want)
		})
	}
}

func TestValidateNodeUpdate(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name   string
		old    func(n *api.Node)
		mutate func(n *api.Node)
		want   []fieldErr
	}{
		{"cordon", func(n *api.Node) {}, func(n *api.Node) { n.Spec.Unschedulable = true }, nil},
		{"status", func(n *api.Node) {}, func(n *api.Node) {
			n.Status.Conditions = []api.NodeCondition{{Type: api.NodeReady, Status: api.ConditionTrue}}
		}, nil},
		{"pod CIDR set once", func(n *api.Node) { n.Spec.PodCIDR, n.Spec.PodCIDRs = "", nil }, func(n *api.Node) {}, nil},
		{"pod CIDR changed", func(n *api.Node) {}, func(n *api.Node) {
			n.Spec.PodCIDR, n.Spec.PodCIDRs = "10.244.9.0/24", []string{"10.244.9.0/24"}
		}, []fieldErr{{ErrorTypeForbidden, "spec.podCIDRs"}}},
		{"provider ID changed", func(n *api.Node) { n.Spec.ProviderID = "a" }, func(n *api.Node) { n.Spec.ProviderID = "b" }, []fieldErr{{ErrorTypeForbidden, "spec.providerID"}}},
		{"name changed", func(n *api.Node) {}, func(n *api.Node) { n.Name = "node-2" }, []fieldErr{{ErrorTypeInvalid, "metadata.name"}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			old := validNode()
			tt.old(old)
			n := validNode()
			tt.mutate(n)
			checkErrors(t, ValidateNodeUpdate(n, old), tt.want)
		})
	}
}

func TestValidateNamespace(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name   string
		mutate func(n *api.Namespace)
		want   []fieldErr
	}{
		{"valid", func(n *api.Namespace) {}, nil},
		{"dotted name", func(n *api.Namespace) { n.Name = "team.a" }, []fieldErr{{ErrorTypeInvalid, "metadata.name"}}},
		{"long name", func(n *api.Namespace) { n.Name = "a234567890123456789012345678901234567890123456789012345678901234" }, []fieldErr{{ErrorTypeInvalid, "metadata.name"}}},
		{"namespace set", func(n *api.Namespace) { n.Namespace = "default" }, []fieldErr{{ErrorTypeForbidden, "metadata.namespace"}}},
		{"bad finalizer", func(n *api.Namespace) { n.Spec.Finalizers = []api.FinalizerName{"mine"} }, []fieldErr{{ErrorTypeInvalid, "spec.finalizers[0]"}}},
		{"qualified finalizer", func(n *api.Namespace) { n.Spec.Finalizers = []api.FinalizerName{"example.com/mine"} }, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			n := validNamespace()
			tt.mutate(n)
			checkErrors(t, ValidateNamespace(n), tt.want)
		})
	}
}

func TestValidateNamespaceUpdates(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name       string
		mutate     func(n *api.Namespace)
		wantUpdate []fieldErr
		wantStatus []fieldErr
	}{
		{"labels", func(n *api.Namespace) { n.Labels = map[string]string{"team": "a"} }, nil, nil},
		{"name", func(n *api.Namespace) { n.Name = "team-b" },
			[]fieldErr{{ErrorTypeInvalid, "metadata.name"}}, []fieldErr{{ErrorTypeInvalid, "metadata.name"}}},
		{"terminating without deletion", func(n *api.Namespace) { n.Status.Phase = api.NamespaceTerminating },
			nil, []fieldErr{{ErrorTypeInvalid, "status.phase"}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			old := validNamespace()
			n := validNamespace()
			tt.mutate(n)
			checkErrors(t, ValidateNamespaceUpdate(n, old), tt.wantUpdate)
			checkErrors(t, ValidateNamespaceStatusUpdate(n, old), tt.wantStatus)
		})
	}

	t.Run("deleting", func(t *testing.T) {
		t.Parallel()
		old := validNamespace()
		old.DeletionTimestamp = &created
		n := validNamespace()
		n.DeletionTimestamp = &created
		checkErrors(t, ValidateNamespaceStatusUpdate(n, old), []fieldErr{{ErrorTypeInvalid, "status.phase"}})
		n.Status.Phase = api.NamespaceTerminating
		checkErrors(t, ValidateNamespaceStatusUpdate(n, old), nil)
	})
}

func TestValidateEvent(t *testing.T) {
	t.Parallel()
	newStyle := func(e *api.Event) {
		e.EventTime = api.NewMicroTime(created.Time)
		e.ReportingComponent = "default-scheduler"
		e.ReportingInstance = "scheduler-1"
		e.Action = "Binding"
	}
	tests := []struct {
		name   string
		mutate func(e *api.Event)
		want   []fieldErr
	}{
		{"legacy", func(e *api.Event) {}, nil},
		{"new style", newStyle, nil},
		{"missing namespace", func(e *api.Event) { e.Namespace = "" }, []fieldErr{{ErrorTypeRequired, "metadata.namespace"}, {ErrorTypeInvalid, "involvedObject.namespace"}}},
		{"namespace mismatch", func(e *api.Event) { e.InvolvedObject.Namespace = "other" }, []fieldErr{{ErrorTypeInvalid, "involvedObject.namespace"}}},
		{"cluster-scoped object in default", func(e *api.Event) {
			e.InvolvedObject = api.ObjectReference{Kind: "Node", Name: "node-1"}
		}, nil},
		{"cluster-scoped object elsewhere", func(e *api.Event) {
			e.Namespace = "team-a"
			e.InvolvedObject = api.ObjectReference{Kind: "Node", Name: "node-1"}
		}, []fieldErr{{ErrorTypeInvalid, "involvedObject.namespace"}}},
		{"bad type", func(e *api.Event) { e.Type = "Info" }, []fieldErr{{ErrorTypeNotSupported, "type"}}},
		{"new style without reporter", func(e *api.Event) {
			newStyle(e)
			e.ReportingComponent, e.ReportingInstance, e.Action, e.Reason = "", "", "", ""
		}, []fieldErr{{ErrorTypeRequired, "reportingComponent"}, {ErrorTypeRequired, "reportingInstance"}, {ErrorTypeRequired, "action"}, {ErrorTypeRequired, "reason"}}},
		{"new style with long message", func(e *api.Event) {
			newStyle(e)
			e.Message = string(make([]byte, 1025))
		}, []fieldErr{{ErrorTypeInvalid, "message"}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			e := validEvent()
			tt.mutate(e)
			checkErrors(t, ValidateEvent(e), tt.want)
		})
	}
}

func TestValidateEventUpdate(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name   string
		mutate func(e *api.Event)
		want   []fieldErr
	}{
		{"count and last timestamp", func(e *api.Event) { e.Count = 2; e.LastTimestamp = api.NewTime(created.Add(60e9)) }, nil},
		{"involved object", func(e *api.Event) { e.InvolvedObject.Name = "other" }, []fieldErr{{ErrorTypeInvalid, "involvedObject"}}},
		{"bad type", func(e *api.Event) { e.Type = "Info" }, []fieldErr{{ErrorTypeNotSupported, "type"}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			old := validEvent()
			e := validEvent()
			tt.mutate(e)
			checkErrors(t, ValidateEventUpdate(e, old), tt.want)
		})
	}
}

func TestValidateReplicaSet(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name   string
		mutate func(rs *api.ReplicaSet)
		want   []fieldErr
	}{
		{"valid", func(rs *api.ReplicaSet) {}, nil},
		{"zero replicas", func(rs *api.ReplicaSet) { rs.Spec.Replicas = ptr(int32(0)) }, nil},
		{"negative replicas", func(rs *api.ReplicaSet) { rs.Spec.Replicas = ptr(int32(-1)) }, []fieldErr{{ErrorTypeInvalid, "spec.replicas"}}},
		{"negative minReadySeconds", func(rs *api.ReplicaSet) { rs.Spec.MinReadySeconds = -1 }, []fieldErr{{ErrorTypeInvalid, "spec.minReadySeconds"}}},
		{"missing namespace", func(rs *api.ReplicaSet) { rs.Namespace = "" }, []fieldErr{{ErrorTypeRequired, "metadata.namespace"}}},
		{"no selector", func(rs *api.ReplicaSet) { rs.Spec.Selector = nil }, []fieldErr{{ErrorTypeRequired, "spec.selector"}}},
		{"empty selector", func(rs *api.ReplicaSet) { rs.Spec.Selector = &api.LabelSelector{} }, []fieldErr{{ErrorTypeInvalid, "spec.selector"}}},
		{"selector does not match", func(rs *api.ReplicaSet) { rs.Spec.Template.Labels = map[string]string{"app": "db"} },
			[]fieldErr{{ErrorTypeInvalid, "spec.template.metadata.labels"}}},
		{"NotIn excludes the template", func(rs *api.ReplicaSet) { rs.Spec.Template.Labels["tier"] = "cache" },
			[]fieldErr{{ErrorTypeInvalid, "spec.template.metadata.labels"}}},
		{"expressions only", func(rs *api.ReplicaSet) {
			rs.Spec.Selector = &api.LabelSelector{MatchExpressions: []api.LabelSelectorRequirement{
				{Key: "app", Operator: api.LabelSelectorOpIn, Values: []string{"web", "api"}},
				{Key: "app", Operator: api.LabelSelectorOpExists},
				{Key: "legacy", Operator: api.LabelSelectorOpDoesNotExist},
			}}
		}, nil},
		{"bad selector operator", func(rs *api.ReplicaSet) { rs.Spec.Selector.MatchExpressions[0].Operator = "Equals" },
			[]fieldErr{{ErrorTypeInvalid, "spec.selector.matchExpressions[0].operator"}, {ErrorTypeInvalid, "spec.selector"}}},
		{"In without values", func(rs *api.ReplicaSet) {
			rs.Spec.Selector.MatchExpressions[0].Operator = api.LabelSelectorOpIn
			rs.Spec.Selector.MatchExpressions[0].Values = nil
		}, []fieldErr{{ErrorTypeRequired, "spec.selector.matchExpressions[0].values"}, {ErrorTypeInvalid, "spec.selector"}}},
		{"Exists with values", func(rs *api.ReplicaSet) { rs.Spec.Selector.MatchExpressions[0].Operator = api.LabelSelectorOpExists },
			[]fieldErr{{ErrorTypeForbidden, "spec.selector.matchExpressions[0].values"}, {ErrorTypeInvalid, "spec.selector"}}},
		{"bad selector key", func(rs *api.ReplicaSet) { rs.Spec.Selector.MatchExpressions[0].Key = "a/b/c" },
			[]fieldErr{{ErrorTypeInvalid, "spec.selector.matchExpressions[0].key"}, {ErrorTypeInvalid, "spec.selector"}}},
		{"bad selector value", func(rs *api.ReplicaSet) { rs.Spec.Selector.MatchExpressions[0].Values = []string{"ok", "not ok"} },
			[]fieldErr{{ErrorTypeInvalid, "spec.selector.matchExpressions[0].values[1]"}, {ErrorTypeInvalid, "spec.selector"}}},
		{"bad matchLabels", func(rs *api.ReplicaSet) { rs.Spec.Selector.MatchLabels["app"] = "-web" },
			[]fieldErr{{ErrorTypeInvalid, "spec.selector.matchLabels"}, {ErrorTypeInvalid, "spec.selector"}}},
		{"bad template label", func(rs *api.ReplicaSet) { rs.Spec.Template.Labels["x"] = "-" },
			[]fieldErr{{ErrorTypeInvalid, "spec.template.labels"}}},
		{"template without image", func(rs *api.ReplicaSet) { rs.Spec.Template.Spec.Containers[0].Image = "" },
			[]fieldErr{{ErrorTypeRequired, "spec.template.spec.containers[0].image"}}},
		{"template restart policy", func(rs *api.ReplicaSet) { rs.Spec.Template.Spec.RestartPolicy = api.RestartPolicyNever },
			[]fieldErr{{ErrorTypeNotSupported, "spec.template.spec.restartPolicy"}}},
		{"template active deadline", func(rs *api.ReplicaSet) { rs.Spec.Template.Spec.ActiveDeadlineSeconds = ptr(int64(5)) },
			[]fieldErr{{ErrorTypeInvalid, "spec.template.spec.activeDeadlineSeconds"}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			rs := validReplicaSet()
			tt.mutate(rs)
			checkErrors(t, ValidateReplicaSet(rs), tt.want)
		})
	}
}

func TestValidateReplicaSetUpdate(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name   string
		mutate func(rs *api.ReplicaSet)
		want   []fieldErr
	}{
		{"scale", func(rs *api.ReplicaSet) { rs.Spec.Replicas = ptr(int32(5)) }, nil},
		{"new image", func(rs *api.ReplicaSet) { rs.Spec.Template.Spec.Containers[0].Image = "nginx:2" }, nil},
		{"selector changed", func(rs *api.ReplicaSet) {
			rs.Spec.Selector.MatchLabels["tier"] = "front"
			rs.Spec.Template.Labels["tier"] = "front"
		}, []fieldErr{{ErrorTypeInvalid, "spec.selector"}}},
		{"selector rewritten equivalently", func(rs *api.ReplicaSet) { rs.Spec.Selector.MatchExpressions[0].Values = []string{"cache"} }, nil},
		{"negative replicas", func(rs *api.ReplicaSet) { rs.Spec.Replicas = ptr(int32(-2)) }, []fieldErr{{ErrorTypeInvalid, "spec.replicas"}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			old := validReplicaSet()
			rs := validReplicaSet()
			tt.mutate(rs)
			checkErrors(t, ValidateReplicaSetUpdate(rs, old), tt.want)
		})
	}
}

func TestValidateReplicaSetStatusUpdate(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name   string
		status api.ReplicaSetStatus
		want   []fieldErr
	}{
		{"consistent", api.ReplicaSetStatus{Replicas: 3, FullyLabeledReplicas: 3, ReadyReplicas: 2, AvailableReplicas: 1, ObservedGeneration: 1}, nil},
		{"negative", api.ReplicaSetStatus{Replicas: -1, FullyLabeledReplicas: -1, ReadyReplicas: -1, AvailableReplicas: -1, ObservedGeneration: -1},
			[]fieldErr{{ErrorTypeInvalid, "status.replicas"}, {ErrorTypeInvalid, "status.fullyLabeledReplicas"},
				{ErrorTypeInvalid, "status.readyReplicas"}, {ErrorTypeInvalid, "status.availableReplicas"}, {ErrorTypeInvalid, "status.observedGeneration"}}},
		{"ready above replicas", api.ReplicaSetStatus{Replicas: 1, ReadyReplicas: 2, AvailableReplicas: 1},
			[]fieldErr{{ErrorTypeInvalid, "status.readyReplicas"}}},
		{"available above ready", api.ReplicaSetStatus{Replicas: 3, ReadyReplicas: 1, AvailableReplicas: 2},
			[]fieldErr{{ErrorTypeInvalid, "status.availableReplicas"}}},
		{"fully labeled above replicas", api.ReplicaSetStatus{Replicas: 1, FullyLabeledReplicas: 2},
			[]fieldErr{{ErrorTypeInvalid, "status.fullyLabeledReplicas"}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			old := validReplicaSet()
			rs := validReplicaSet()
			rs.Status = tt.status
			checkErrors(t, ValidateReplicaSetStatusUpdate(rs, old), tt.want)
		})
	}
}

func TestValidateScale(t *testing.T) {
	t.Parallel()
	s := &api.Scale{ObjectMeta: api.ObjectMeta{Name: "web", Namespace: "default"}, Spec: api.ScaleSpec{Replicas: 2}}
	checkErrors(t, ValidateScale(s), nil)
	s.Spec.Replicas = -1
	checkErrors(t, ValidateScale(s), []fieldErr{{ErrorTypeInvalid, "spec.replicas"}})
}

func TestValidateLease(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name   string
		mutate func(l *api.Lease)
		want   []fieldErr
	}{
		{"valid", func(l *api.Lease) {}, nil},
		{"empty spec", func(l *api.Lease) { l.Spec = api.LeaseSpec{} }, nil},
		{"zero duration", func(l *api.Lease) { l.Spec.LeaseDurationSeconds = ptr(int32(0)) }, []fieldErr{{ErrorTypeInvalid, "spec.leaseDurationSeconds"}}},
		{"negative duration", func(l *api.Lease) { l.Spec.LeaseDurationSeconds = ptr(int32(-5)) }, []fieldErr{{ErrorTypeInvalid, "spec.leaseDurationSeconds"}}},
		{"negative transitions", func(l *api.Lease) { l.Spec.LeaseTransitions = ptr(int32(-1)) }, []fieldErr{{ErrorTypeInvalid, "spec.leaseTransitions"}}},
		{"missing namespace", func(l *api.Lease) { l.Namespace = "" }, []fieldErr{{ErrorTypeRequired, "metadata.namespace"}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			l := validLease()
			tt.mutate(l)
			checkErrors(t, ValidateLease(l), tt.want)
			old := validLease()
			l.Namespace = old.Namespace
			var wantUpdate []fieldErr
			for _, w := range tt.want {
				if w.Field != "metadata.namespace" {
					wantUpdate = append(wantUpdate, w)
				}
			}
			checkErrors(t, ValidateLeaseUpdate(l, old), wantUpdate)
		})
	}
}
