package validation

import (
	"strings"
	"testing"

	"github.com/orrery-dev/orrery/api"
)

func TestValidatePod(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name   string
		mutate func(p *api.Pod)
		want   []fieldErr
	}{
		{"valid", func(p *api.Pod) {}, nil},
		{"generateName instead of name", func(p *api.Pod) { p.Name, p.GenerateName = "", "web-" }, nil},
		{"missing name", func(p *api.Pod) { p.Name = "" }, []fieldErr{{ErrorTypeRequired, "metadata.name"}}},
		{"bad name", func(p *api.Pod) { p.Name = "Web_1" }, []fieldErr{{ErrorTypeInvalid, "metadata.name"}}},
		{"bad generateName", func(p *api.Pod) { p.Name, p.GenerateName = "", "Web-" }, []fieldErr{{ErrorTypeInvalid, "metadata.generateName"}}},
		{"subdomain name", func(p *api.Pod) { p.Name = "web.v1" }, nil},
		{"missing namespace", func(p *api.Pod) { p.Namespace = "" }, []fieldErr{{ErrorTypeRequired, "metadata.namespace"}}},
		{"bad namespace", func(p *api.Pod) { p.Namespace = "a.b" }, []fieldErr{{ErrorTypeInvalid, "metadata.namespace"}}},
		{"negative generation", func(p *api.Pod) { p.Generation = -1 }, []fieldErr{{ErrorTypeInvalid, "metadata.generation"}}},
		{"bad label key", func(p *api.Pod) { p.Labels["-bad"] = "x" }, []fieldErr{{ErrorTypeInvalid, "metadata.labels"}}},
		{"bad label value", func(p *api.Pod) { p.Labels["app"] = "has space" }, []fieldErr{{ErrorTypeInvalid, "metadata.labels"}}},
		{"prefixed label", func(p *api.Pod) { p.Labels["example.com/tier"] = "front" }, nil},
		{"bad annotation key", func(p *api.Pod) { p.Annotations = map[string]string{"a/b/c": "x"} }, []fieldErr{{ErrorTypeInvalid, "metadata.annotations"}}},
		{"upper-case annotation key", func(p *api.Pod) { p.Annotations = map[string]string{"Example.COM/Key": "x"} }, nil},
		{"annotations too large", func(p *api.Pod) {
			p.Annotations = map[string]string{"big": strings.Repeat("x", TotalAnnotationSizeLimit)}
		}, []fieldErr{{ErrorTypeTooLong, "metadata.annotations"}}},
		{"annotations at limit", func(p *api.Pod) {
			p.Annotations = map[string]string{"big": strings.Repeat("x", TotalAnnotationSizeLimit-3)}
		}, nil},
		{"owner reference incomplete", func(p *api.Pod) {
			p.OwnerReferences = []api.OwnerReference{{APIVersion: "apps/", Kind: "", Name: "", UID: ""}}
		}, []fieldErr{
			{ErrorTypeInvalid, "metadata.ownerReferences.apiVersion"}, {ErrorTypeInvalid, "metadata.ownerReferences.kind"},
			{ErrorTypeInvalid, "metadata.ownerReferences.name"}, {ErrorTypeInvalid, "metadata.ownerReferences.uid"},
		}},
		{"two controllers", func(p *api.Pod) {
			p.OwnerReferences = []api.OwnerReference{
				{APIVersion: "apps/v1", Kind: "ReplicaSet", Name: "a", UID: "1", Controller: ptr(true)},
				{APIVersion: "apps/v1", Kind: "ReplicaSet", Name: "b", UID: "2", Controller: ptr(true)},
			}
		}, []fieldErr{{ErrorTypeInvalid, "metadata.ownerReferences"}}},
		{"unqualified finalizer", func(p *api.Pod) { p.Finalizers = []string{"mine"} }, []fieldErr{{ErrorTypeInvalid, "metadata.finalizers"}}},
		{"qualified finalizer", func(p *api.Pod) { p.Finalizers = []string{"example.com/cleanup", "foregroundDeletion"} }, nil},
		{"no containers", func(p *api.Pod) { p.Spec.Containers = nil }, []fieldErr{{ErrorTypeRequired, "spec.containers"}}},
		{"container without name", func(p *api.Pod) { p.Spec.Containers[0].Name = "" }, []fieldErr{{ErrorTypeRequired, "spec.containers[0].name"}}},
		{"container name not a label", func(p *api.Pod) { p.Spec.Containers[0].Name = "web.1" }, []fieldErr{{ErrorTypeInvalid, "spec.containers[0].name"}}},
		{"duplicate container names", func(p *api.Pod) {
			p.Spec.Containers = append(p.Spec.Containers, p.Spec.Containers[0].DeepCopy())
		}, []fieldErr{{ErrorTypeDuplicate, "spec.containers[1].name"}}},
		{"init container shares a name", func(p *api.Pod) {
			p.Spec.InitContainers = []api.Container{p.Spec.Containers[0].DeepCopy()}
		}, []fieldErr{{ErrorTypeDuplicate, "spec.containers[0].name"}}},
		{"missing image", func(p *api.Pod) { p.Spec.Containers[0].Image = "" }, []fieldErr{{ErrorTypeRequired, "spec.containers[0].image"}}},
		{"image with spaces", func(p *api.Pod) { p.Spec.Containers[0].Image = " nginx" }, []fieldErr{{ErrorTypeInvalid, "spec.containers[0].image"}}},
		{"bad pull policy", func(p *api.Pod) { p.Spec.Containers[0].ImagePullPolicy = "Sometimes" }, []fieldErr{{ErrorTypeNotSupported, "spec.containers[0].imagePullPolicy"}}},
		{"bad termination message policy", func(p *api.Pod) { p.Spec.Containers[0].TerminationMessagePolicy = "Logs" },
			[]fieldErr{{ErrorTypeInvalid, "spec.containers[0].terminationMessagePolicy"}}},
		{"missing termination message policy", func(p *api.Pod) { p.Spec.Containers[0].TerminationMessagePolicy = "" },
			[]fieldErr{{ErrorTypeRequired, "spec.containers[0].terminationMessagePolicy"}}},
		{"port zero", func(p *api.Pod) { p.Spec.Containers[0].Ports[0].ContainerPort = 0 }, []fieldErr{{ErrorTypeRequired, "spec.containers[0].ports[0].containerPort"}}},
		{"port too high", func(p *api.Pod) { p.Spec.Containers[0].Ports[0].ContainerPort = 65536 }, []fieldErr{{ErrorTypeInvalid, "spec.containers[0].ports[0].containerPort"}}},
		{"negative port", func(p *api.Pod) { p.Spec.Containers[0].Ports[0].ContainerPort = -1 }, []fieldErr{{ErrorTypeInvalid, "spec.containers[0].ports[0].containerPort"}}},
		{"port bounds", func(p *api.Pod) {
			p.Spec.Containers[0].Ports = []api.ContainerPort{{ContainerPort: 1, Protocol: api.ProtocolTCP}, {ContainerPort: 65535, HostPort: 65535, Protocol: api.ProtocolUDP}}
		}, nil},
		{"bad host port", func(p *api.Pod) { p.Spec.Containers[0].Ports[0].HostPort = 70000 }, []fieldErr{{ErrorTypeInvalid, "spec.containers[0].ports[0].hostPort"}}},
		{"bad port name", func(p *api.Pod) { p.Spec.Containers[0].Ports[0].Name = "HTTP" }, []fieldErr{{ErrorTypeInvalid, "spec.containers[0].ports[0].name"}, {ErrorTypeInvalid, "spec.containers[0].ports[0].name"}}},
		{"duplicate port name", func(p *api.Pod) {
			p.Spec.Containers[0].Ports = append(p.Spec.Containers[0].Ports, api.ContainerPort{Name: "http", ContainerPort: 81, Protocol: api.ProtocolTCP})
		}, []fieldErr{{ErrorTypeDuplicate, "spec.containers[0].ports[1].name"}}},
		{"bad protocol", func(p *api.Pod) { p.Spec.Containers[0].Ports[0].Protocol = "HTTP" }, []fieldErr{{ErrorTypeNotSupported, "spec.containers[0].ports[0].protocol"}}},
		{"env without name", func(p *api.Pod) { p.Spec.Containers[0].Env[0].Name = "" }, []fieldErr{{ErrorTypeRequired, "spec.containers[0].env[0].name"}}},
		{"bad env name", func(p *api.Pod) { p.Spec.Containers[0].Env[0].Name = "1X" }, []fieldErr{{ErrorTypeInvalid, "spec.containers[0].env[0].name"}}},
		{"env value and valueFrom", func(p *api.Pod) {
			p.Spec.Containers[0].Env[0].ValueFrom = &api.EnvVarSource{FieldRef: &api.ObjectFieldSelector{APIVersion: "v1", FieldPath: "metadata.name"}}
		}, []fieldErr{{ErrorTypeInvalid, "spec.containers[0].env[0].valueFrom"}}},
		{"env from unsupported field", func(p *api.Pod) {
			p.Spec.Containers[0].Env[0] = api.EnvVar{Name: "X", ValueFrom: &api.EnvVarSource{FieldRef: &api.ObjectFieldSelector{APIVersion: "v1", FieldPath: "spec.containers"}}}
		}, []fieldErr{{ErrorTypeNotSupported, "spec.containers[0].env[0].valueFrom.fieldRef.fieldPath"}}},
		{"env from label", func(p *api.Pod) {
			p.Spec.Containers[0].Env[0] = api.EnvVar{Name: "X", ValueFrom: &api.EnvVarSource{FieldRef: &api.ObjectFieldSelector{APIVersion: "v1", FieldPath: "metadata.labels['app']"}}}
		}, nil},
		{"env from nothing", func(p *api.Pod) {
			p.Spec.Containers[0].Env[0] = api.EnvVar{Name: "X", ValueFrom: &api.EnvVarSource{}}
		}, []fieldErr{{ErrorTypeInvalid, "spec.containers[0].env[0].valueFrom"}}},
		{"env from two sources", func(p *api.Pod) {
			p.Spec.Containers[0].Env[0] = api.EnvVar{Name: "X", ValueFrom: &api.EnvVarSource{
				ConfigMapKeyRef: &api.KeySelector{Name: "cm", Key: "k"}, SecretKeyRef: &api.KeySelector{Name: "s"}}}
		}, []fieldErr{{ErrorTypeRequired, "spec.containers[0].env[0].valueFrom.secretKeyRef.key"}, {ErrorTypeInvalid, "spec.containers[0].env[0].valueFrom"}}},
		{"request above limit", func(p *api.Pod) {
			p.Spec.Containers[0].Resources.Requests[api.ResourceCPU] = api.MustParseQuantity("1500m")
		}, []fieldErr{{ErrorTypeInvalid, "spec.containers[0].resources.requests"}}},
		{"request equal to limit", func(p *api.Pod) {
			p.Spec.Containers[0].Resources.Requests[api.ResourceCPU] = api.MustParseQuantity("1000m")
		}, nil},
		{"negative request", func(p *api.Pod) {
			p.Spec.Containers[0].Resources.Requests[api.ResourceCPU] = api.MustParseQuantity("-1")
		}, []fieldErr{{ErrorTypeInvalid, "spec.containers[0].resources.requests[cpu]"}}},
		{"negative limit", func(p *api.Pod) {
			p.Spec.Containers[0].Resources.Limits[api.ResourceMemory] = api.MustParseQuantity("-1Mi")
			p.Spec.Containers[0].Resources.Requests[api.ResourceMemory] = api.MustParseQuantity("-2Mi")
		}, []fieldErr{{ErrorTypeInvalid, "spec.containers[0].resources.limits[memory]"}, {ErrorTypeInvalid, "spec.containers[0].resources.requests[memory]"}}},
		{"unknown resource", func(p *api.Pod) {
			p.Spec.Containers[0].Resources.Limits["gpu"] = api.MustParseQuantity("1")
		}, []fieldErr{{ErrorTypeInvalid, "spec.containers[0].resources.limits[gpu]"}}},
		{"extended resource", func(p *api.Pod) {
			p.Spec.Containers[0].Resources.Limits["example.com/gpu"] = api.MustParseQuantity("2")
			p.Spec.Containers[0].Resources.Requests["example.com/gpu"] = api.MustParseQuantity("2")
		}, nil},
		{"extended resource without limit", func(p *api.Pod) {
			p.Spec.Containers[0].Resources.Requests["example.com/gpu"] = api.MustParseQuantity("1")
		}, []fieldErr{{ErrorTypeRequired, "spec.containers[0].resources.limits"}}},
		{"extended resource overcommitted", func(p *api.Pod) {
			p.Spec.Containers[0].Resources.Limits["example.com/gpu"] = api.MustParseQuantity("2")
			p.Spec.Containers[0].Resources.Requests["example.com/gpu"] = api.MustParseQuantity("1")
		}, []fieldErr{{ErrorTypeInvalid, "spec.containers[0].resources.requests"}}},
		{"fractional extended resource", func(p *api.Pod) {
			p.Spec.Containers[0].Resources.Limits["example.com/gpu"] = api.MustParseQuantity("500m")
			p.Spec.Containers[0].Resources.Requests["example.com/gpu"] = api.MustParseQuantity("500m")
		}, []fieldErr{{ErrorTypeInvalid, "spec.containers[0].resources.limits[example.com/gpu]"}, {ErrorTypeInvalid, "spec.containers[0].resources.requests[example.com/gpu]"}}},
		{"missing restart policy", func(p *api.Pod) { p.Spec.RestartPolicy = "" }, []fieldErr{{ErrorTypeRequired, "spec.restartPolicy"}}},
		{"bad restart policy", func(p *api.Pod) { p.Spec.RestartPolicy = "Sometimes" }, []fieldErr{{ErrorTypeNotSupported, "spec.restartPolicy"}}},
		{"restart policy never", func(p *api.Pod) { p.Spec.RestartPolicy = api.RestartPolicyNever }, nil},
		{"bad dns policy", func(p *api.Pod) { p.Spec.DNSPolicy = "Cluster" }, []fieldErr{{ErrorTypeNotSupported, "spec.dnsPolicy"}}},
		{"dns policy none", func(p *api.Pod) { p.Spec.DNSPolicy = api.DNSNone }, []fieldErr{{ErrorTypeRequired, "spec.dnsConfig"}}},
		{"negative grace period", func(p *api.Pod) { p.Spec.TerminationGracePeriodSeconds = ptr(int64(-1)) }, []fieldErr{{ErrorTypeInvalid, "spec.terminationGracePeriodSeconds"}}},
		{"zero active deadline", func(p *api.Pod) { p.Spec.ActiveDeadlineSeconds = ptr(int64(0)) }, []fieldErr{{ErrorTypeInvalid, "spec.activeDeadlineSeconds"}}},
		{"bad node name", func(p *api.Pod) { p.Spec.NodeName = "Node_1" }, []fieldErr{{ErrorTypeInvalid, "spec.nodeName"}}},
		{"bad scheduler name", func(p *api.Pod) { p.Spec.SchedulerName = "My Scheduler" }, []fieldErr{{ErrorTypeInvalid, "spec.schedulerName"}}},
		{"bad node selector", func(p *api.Pod) { p.Spec.NodeSelector = map[string]string{"disk": "fast ssd"} }, []fieldErr{{ErrorTypeInvalid, "spec.nodeSelector"}}},
		{"toleration: empty key needs Exists", func(p *api.Pod) {
			p.Spec.Tolerations = []api.Toleration{{Operator: api.TolerationOpEqual, Value: "x"}}
		}, []fieldErr{{ErrorTypeInvalid, "spec.tolerations[0].operator"}}},
		{"toleration: match everything", func(p *api.Pod) {
			p.Spec.Tolerations = []api.Toleration{{Operator: api.TolerationOpExists}}
		}, nil},
		{"toleration: seconds need NoExecute", func(p *api.Pod) { p.Spec.Tolerations[0].Effect = api.TaintEffectNoSchedule }, []fieldErr{{ErrorTypeInvalid, "spec.tolerations[0].effect"}}},
		{"toleration: Exists with value", func(p *api.Pod) { p.Spec.Tolerations[0].Value = "x" }, []fieldErr{{ErrorTypeInvalid, "spec.tolerations[0].operator"}}},
		{"toleration: Equal with bad value", func(p *api.Pod) {
			p.Spec.Tolerations[0].Operator = api.TolerationOpEqual
			p.Spec.Tolerations[0].Value = "not valid"
		}, []fieldErr{{ErrorTypeInvalid, "spec.tolerations[0].operator"}}},
		{"toleration: empty operator means Equal", func(p *api.Pod) {
			p.Spec.Tolerations = []api.Toleration{{Key: "dedicated", Value: "gpu", Effect: api.TaintEffectNoSchedule}}
		}, nil},
		{"toleration: bad operator", func(p *api.Pod) { p.Spec.Tolerations[0].Operator = "Like" }, []fieldErr{{ErrorTypeNotSupported, "spec.tolerations[0].operator"}}},
		{"toleration: bad effect", func(p *api.Pod) {
			p.Spec.Tolerations[0].Effect = "Evict"
			p.Spec.Tolerations[0].TolerationSeconds = nil
		}, []fieldErr{{ErrorTypeNotSupported, "spec.tolerations[0].effect"}}},
		{"toleration: bad key", func(p *api.Pod) { p.Spec.Tolerations[0].Key = "a b" }, []fieldErr{{ErrorTypeInvalid, "spec.tolerations[0].key"}}},
		{"node affinity: valid", func(p *api.Pod) { p.Spec.Affinity = validAffinity() }, nil},
		{"node affinity: no terms", func(p *api.Pod) {
			p.Spec.Affinity = validAffinity()
			p.Spec.Affinity.NodeAffinity.RequiredDuringSchedulingIgnoredDuringExecution.NodeSelectorTerms = nil
		}, []fieldErr{{ErrorTypeRequired, "spec.affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms"}}},
		{"node affinity: In without values", func(p *api.Pod) {
			p.Spec.Affinity = validAffinity()
			p.Spec.Affinity.NodeAffinity.RequiredDuringSchedulingIgnoredDuringExecution.NodeSelectorTerms[0].MatchExpressions[0].Values = nil
		}, []fieldErr{{ErrorTypeRequired, "spec.affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms[0].matchExpressions[0].values"}}},
		{"node affinity: Exists with values", func(p *api.Pod) {
			p.Spec.Affinity = validAffinity()
			p.Spec.Affinity.NodeAffinity.RequiredDuringSchedulingIgnoredDuringExecution.NodeSelectorTerms[0].MatchExpressions[0].Operator = api.NodeSelectorOpExists
		}, []fieldErr{{ErrorTypeForbidden, "spec.affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms[0].matchExpressions[0].values"}}},
		{"node affinity: Gt with one value that is no integer", func(p *api.Pod) {
			p.Spec.Affinity = validAffinity()
			p.Spec.Affinity.NodeAffinity.RequiredDuringSchedulingIgnoredDuringExecution.NodeSelectorTerms[0].MatchExpressions[0].Operator = api.NodeSelectorOpGt
		}, nil},
		{"node affinity: Lt with two values", func(p *api.Pod) {
			p.Spec.Affinity = validAffinity()
			r := &p.Spec.Affinity.NodeAffinity.RequiredDuringSchedulingIgnoredDuringExecution.NodeSelectorTerms[0].MatchExpressions[0]
			r.Operator, r.Values = api.NodeSelectorOpLt, []string{"1", "2"}
		}, []fieldErr{{ErrorTypeRequired, "spec.affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms[0].matchExpressions[0].values"}}},
		{"node affinity: required value not a label value", func(p *api.Pod) {
			p.Spec.Affinity = validAffinity()
			p.Spec.Affinity.NodeAffinity.RequiredDuringSchedulingIgnoredDuringExecution.NodeSelectorTerms[0].MatchExpressions[0].Values = []string{"linux", "not valid"}
		}, []fieldErr{{ErrorTypeInvalid, "spec.affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms[0].matchExpressions[0].values[1]"}}},
		{"node affinity: preferred value not a label value", func(p *api.Pod) {
			p.Spec.Affinity = validAffinity()
			p.Spec.Affinity.NodeAffinity.PreferredDuringSchedulingIgnoredDuringExecution[0].Preference.MatchExpressions[0].Values = []string{"not valid"}
		}, nil},
		{"node affinity: bad key", func(p *api.Pod) {
			p.Spec.Affinity = validAffinity()
			p.Spec.Affinity.NodeAffinity.PreferredDuringSchedulingIgnoredDuringExecution[0].Preference.MatchExpressions[0].Key = "a/b/c"
		}, []fieldErr{{ErrorTypeInvalid, "spec.affinity.nodeAffinity.preferredDuringSchedulingIgnoredDuringExecution[0].preference.matchExpressions[0].key"}}},
		{"node affinity: bad operator", func(p *api.Pod) {
			p.Spec.Affinity = validAffinity()
			p.Spec.Affinity.NodeAffinity.RequiredDuringSchedulingIgnoredDuringExecution.NodeSelectorTerms[0].MatchExpressions[0].Operator = "Near"
		}, []fieldErr{{ErrorTypeInvalid, "spec.affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms[0].matchExpressions[0].operator"}}},
		{"node affinity: field other than metadata.name", func(p *api.Pod) {
			p.Spec.Affinity = validAffinity()
			p.Spec.Affinity.NodeAffinity.RequiredDuringSchedulingIgnoredDuringExecution.NodeSelectorTerms[0].MatchFields[0].Key = "spec.unschedulable"
		}, []fieldErr{{ErrorTypeInvalid, "spec.affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms[0].matchFields[0].key"}}},
		{"node affinity: field with two values", func(p *api.Pod) {
			p.Spec.Affinity = validAffinity()
			p.Spec.Affinity.NodeAffinity.RequiredDuringSchedulingIgnoredDuringExecution.NodeSelectorTerms[0].MatchFields[0].Values = []string{"a", "b"}
		}, []fieldErr{{ErrorTypeRequired, "spec.affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms[0].matchFields[0].values"}}},
		{"node affinity: bad weight", func(p *api.Pod) {
			p.Spec.Affinity = validAffinity()
			p.Spec.Affinity.NodeAffinity.PreferredDuringSchedulingIgnoredDuringExecution[0].Weight = 0
		}, []fieldErr{{ErrorTypeInvalid, "spec.affinity.nodeAffinity.preferredDuringSchedulingIgnoredDuringExecution[0].weight"}}},
		{"node affinity: weight above 100", func(p *api.Pod) {
			p.Spec.Affinity = validAffinity()
			p.Spec.Affinity.NodeAffinity.PreferredDuringSchedulingIgnoredDuringExecution[0].Weight = 101
		}, []fieldErr{{ErrorTypeInvalid, "spec.affinity.nodeAffinity.preferredDuringSchedulingIgnoredDuringExecution[0].weight"}}},
		{"node affinity: field with Exists", func(p *api.Pod) {
			p.Spec.Affinity = validAffinity()
			r := &p.Spec.Affinity.NodeAffinity.RequiredDuringSchedulingIgnoredDuringExecution.NodeSelectorTerms[0].MatchFields[0]
			r.Operator, r.Values = api.NodeSelectorOpExists, nil
		}, []fieldErr{{ErrorTypeInvalid, "spec.affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms[0].matchFields[0].operator"}}},
		{"node affinity: field value not a node name", func(p *api.Pod) {
			p.Spec.Affinity = validAffinity()
			p.Spec.Affinity.NodeAffinity.RequiredDuringSchedulingIgnoredDuringExecution.NodeSelectorTerms[0].MatchFields[0].Values = []string{"Node_9"}
		}, []fieldErr{{ErrorTypeInvalid, "spec.affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms[0].matchFields[0].values[0]"}}},
		{"priority class name", func(p *api.Pod) { p.Spec.PriorityClassName = "system-node-critical" }, nil},
		{"bad priority class name", func(p *api.Pod) { p.Spec.PriorityClassName = "High_Priority" }, []fieldErr{{ErrorTypeInvalid, "spec.priorityClassName"}}},
		{"preemption policy never", func(p *api.Pod) { p.Spec.PreemptionPolicy = ptr(api.PreemptNever) }, nil},
		{"empty preemption policy", func(p *api.Pod) { p.Spec.PreemptionPolicy = ptr(api.PreemptionPolicy("")) }, []fieldErr{{ErrorTypeRequired, "spec.preemptionPolicy"}}},
		{"bad preemption policy", func(p *api.Pod) { p.Spec.PreemptionPolicy = ptr(api.PreemptionPolicy("Always")) }, []fieldErr{{ErrorTypeNotSupported, "spec.preemptionPolicy"}}},
		{"overhead", func(p *api.Pod) {
			p.Spec.Overhead = api.ResourceList{api.ResourceCPU: api.MustParseQuantity("250m"), api.ResourceMemory: api.MustParseQuantity("120Mi")}
		}, nil},
		{"negative overhead", func(p *api.Pod) {
			p.Spec.Overhead = api.ResourceList{api.ResourceCPU: api.MustParseQuantity("-1")}
		}, []fieldErr{{ErrorTypeInvalid, "spec.overhead.limits[cpu]"}}},
		{"overhead of an unknown resource", func(p *api.Pod) {
			p.Spec.Overhead = api.ResourceList{"gpu": api.MustParseQuantity("1")}
		}, []fieldErr{{ErrorTypeInvalid, "spec.overhead.limits[gpu]"}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			pod := validPod()
			tt.mutate(pod)
			before := *pod.DeepCopy()
			checkErrors(t, ValidatePod(pod), tt.want)
			if !semanticEqual(before, *pod) {
				t.Error("validation changed the pod")
			}
		})
	}
}

func validAffinity() *api.Affinity {
	return &api.Affinity{NodeAffinity: &api.NodeAffinity{
		RequiredDuringSchedulingIgnoredDuringExecution: &api.NodeSelector{NodeSelectorTerms: []api.NodeSelectorTerm{{
			MatchExpressions: []api.NodeSelectorRequirement{{Key: "kubernetes.io/os", Operator: api.NodeSelectorOpIn, Values: []string{"linux"}}},
			MatchFields:      []api.NodeSelectorRequirement{{Key: "metadata.name", Operator: api.NodeSelectorOpNotIn, Values: []string{"node-9"}}},
		}}},
		PreferredDuringSchedulingIgnoredDuringExecution: []api.PreferredSchedulingTerm{{Weight: 10, Preference: api.NodeSelectorTerm{
			MatchExpressions: []api.NodeSelectorRequirement{{Key: "zone", Operator: api.NodeSelectorOpIn, Values: []string{"a"}}},
		}}},
	}}
}

func TestValidateTopologySpreadConstraints(t *testing.T) {
	t.Parallel()
	const c0 = "spec.topologySpreadConstraints[0]."
	tests := []struct {
		name   string
		mutate func(c []api.TopologySpreadConstraint) []api.TopologySpreadConstraint
		want   []fieldErr
	}{
		{"valid", func(c []api.TopologySpreadConstraint) []api.TopologySpreadConstraint { return c }, nil},
		{"zero maxSkew", func(c []api.TopologySpreadConstraint) []api.TopologySpreadConstraint {
			c[0].MaxSkew = 0
			return c
		}, []fieldErr{{ErrorTypeInvalid, c0 + "maxSkew"}}},
		{"no topology key", func(c []api.TopologySpreadConstraint) []api.TopologySpreadConstraint {
			c[0].TopologyKey = ""
			return c
		}, []fieldErr{{ErrorTypeRequired, c0 + "topologyKey"}}},
		{"no whenUnsatisfiable", func(c []api.TopologySpreadConstraint) []api.TopologySpreadConstraint {
			c[1].WhenUnsatisfiable = ""
			return c
		}, []fieldErr{{ErrorTypeNotSupported, "spec.topologySpreadConstraints[1].whenUnsatisfiable"}}},
		{"same key, other action", func(c []api.TopologySpreadConstraint) []api.TopologySpreadConstraint {
			c[1].TopologyKey = c[0].TopologyKey
			return c
		}, nil},
		{"duplicate key and action", func(c []api.TopologySpreadConstraint) []api.TopologySpreadConstraint {
			c = append(c, c[0].DeepCopy(), c[0].DeepCopy())
			c[2].MinDomains = nil
			c[3].MinDomains = nil
			return c
		}, []fieldErr{
			{ErrorTypeDuplicate, c0 + "{topologyKey, whenUnsatisfiable}"},
			{ErrorTypeDuplicate, "spec.topologySpreadConstraints[2].{topologyKey, whenUnsatisfiable}"},
		}},
		{"zero minDomains", func(c []api.TopologySpreadConstraint) []api.TopologySpreadConstraint {
			c[0].MinDomains = ptr(int32(0))
			return c
		}, []fieldErr{{ErrorTypeInvalid, c0 + "minDomains"}}},
		{"minDomains with ScheduleAnyway", func(c []api.TopologySpreadConstraint) []api.TopologySpreadConstraint {
			c[1].MinDomains = ptr(int32(-1))
			return c
		}, []fieldErr{
			{ErrorTypeInvalid, "spec.topologySpreadConstraints[1].minDomains"},
			{ErrorTypeInvalid, "spec.topologySpreadConstraints[1].minDomains"},
		}},
		{"bad node inclusion policies", func(c []api.TopologySpreadConstraint) []api.TopologySpreadConstraint {
			c[0].NodeAffinityPolicy = ptr(api.NodeInclusionPolicy("Always"))
			c[0].NodeTaintsPolicy = ptr(api.NodeInclusionPolicy(""))
			return c
		}, []fieldErr{{ErrorTypeNotSupported, c0 + "nodeAffinityPolicy"}, {ErrorTypeNotSupported, c0 + "nodeTaintsPolicy"}}},
		{"matchLabelKeys without selector", func(c []api.TopologySpreadConstraint) []api.TopologySpreadConstraint {
			c[0].LabelSelector = nil
			return c
		}, []fieldErr{{ErrorTypeForbidden, c0 + "matchLabelKeys"}}},
		{"matchLabelKeys in the selector", func(c []api.TopologySpreadConstraint) []api.TopologySpreadConstraint {
			c[0].MatchLabelKeys = []string{"app", "-bad"}
			return c
		}, []fieldErr{{ErrorTypeInvalid, c0 + "matchLabelKeys[0]"}, {ErrorTypeInvalid, c0 + "matchLabelKeys[1]"}}},
		{"bad selector", func(c []api.TopologySpreadConstraint) []api.TopologySpreadConstraint {
			c[1].LabelSelector.MatchExpressions[0].Operator = "Gt"
			return c
		}, []fieldErr{{ErrorTypeInvalid, "spec.topologySpreadConstraints[1].labelSelector.matchExpressions[0].operator"}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			pod := validPod()
			pod.Spec.TopologySpreadConstraints = tt.mutate(validSpreadConstraints())
			checkErrors(t, ValidatePod(pod), tt.want)
		})
	}
}

// validSpreadConstraints returns two valid constraints that set every field.
func validSpreadConstraints() []api.TopologySpreadConstraint {
	return []api.TopologySpreadConstraint{
		{MaxSkew: 1, TopologyKey: "topology.kubernetes.io/zone", WhenUnsatisfiable: api.DoNotSchedule,
			LabelSelector: &api.LabelSelector{MatchLabels: map[string]string{"app": "web"}},
			MinDomains:    ptr(int32(3)), NodeAffinityPolicy: ptr(api.NodeInclusionPolicyIgnore),
			NodeTaintsPolicy: ptr(api.NodeInclusionPolicyHonor), MatchLabelKeys: []string{"pod-template-hash"}},
		{MaxSkew: 2, TopologyKey: "kubernetes.io/hostname", WhenUnsatisfiable: api.ScheduleAnyway,
			LabelSelector: &api.LabelSelector{MatchExpressions: []api.LabelSelectorRequirement{
				{Key: "tier", Operator: api.LabelSelectorOpIn, Values: []string{"front"}}}}},
	}
}

func TestValidatePodUpdate(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name   string
		mutate func(p *api.Pod)
		want   []fieldErr
	}{
		{"unchanged", func(p *api.Pod) {}, nil},
		{"labels and annotations", func(p *api.Pod) {
			p.Labels["tier"] = "front"
			p.Annotations = map[string]string{"note": "x"}
		}, nil},
		{"new image", func(p *api.Pod) { p.Spec.Containers[0].Image = "nginx:1.26" }, nil},
		{"empty image", func(p *api.Pod) { p.Spec.Containers[0].Image = "" }, []fieldErr{{ErrorTypeRequired, "spec.containers[0].image"}}},
		{"new command", func(p *api.Pod) { p.Spec.Containers[0].Command = []string{"sh"} }, []fieldErr{{ErrorTypeForbidden, "spec"}}},
		{"new resources", func(p *api.Pod) {
			p.Spec.Containers[0].Resources.Limits[api.ResourceCPU] = api.MustParseQuantity("2")
		}, []fieldErr{{ErrorTypeForbidden, "spec"}}},
		{"same resources written differently", func(p *api.Pod) {
			p.Spec.Containers[0].Resources.Limits[api.ResourceMemory] = api.MustParseQuantity("131072Ki")
		}, nil},
		{"node name set", func(p *api.Pod) { p.Spec.NodeName = "node-1" }, []fieldErr{{ErrorTypeForbidden, "spec"}}},
		{"container added", func(p *api.Pod) {
			c := p.Spec.Containers[0].DeepCopy()
			c.Name = "sidecar"
			p.Spec.Containers = append(p.Spec.Containers, c)
		}, []fieldErr{{ErrorTypeForbidden, "spec.containers"}}},
		{"toleration added", func(p *api.Pod) {
			p.Spec.Tolerations = append(p.Spec.Tolerations, api.Toleration{Key: "dedicated", Operator: api.TolerationOpExists})
		}, nil},
		{"toleration seconds changed", func(p *api.Pod) { p.Spec.Tolerations[0].TolerationSeconds = ptr(int64(10)) }, nil},
		{"toleration removed", func(p *api.Pod) { p.Spec.Tolerations = nil }, []fieldErr{{ErrorTypeForbidden, "spec.tolerations"}}},
		{"toleration changed", func(p *api.Pod) { p.Spec.Tolerations[0].Key = "other" }, []fieldErr{{ErrorTypeForbidden, "spec.tolerations"}}},
		{"active deadline set", func(p *api.Pod) { p.Spec.ActiveDeadlineSeconds = ptr(int64(600)) }, nil},
		{"affinity set", func(p *api.Pod) { p.Spec.Affinity = validAffinity() }, []fieldErr{{ErrorTypeForbidden, "spec"}}},
		{"topology spread set", func(p *api.Pod) { p.Spec.TopologySpreadConstraints = validSpreadConstraints() }, []fieldErr{{ErrorTypeForbidden, "spec"}}},
		{"preemption policy changed", func(p *api.Pod) { p.Spec.PreemptionPolicy = ptr(api.PreemptNever) }, []fieldErr{{ErrorTypeForbidden, "spec"}}},
		{"name changed", func(p *api.Pod) { p.Name = "other" }, []fieldErr{{ErrorTypeInvalid, "metadata.name"}}},
		{"namespace changed", func(p *api.Pod) { p.Namespace = "other" }, []fieldErr{{ErrorTypeInvalid, "metadata.namespace"}}},
		{"uid changed", func(p *api.Pod) { p.UID = "u9" }, []fieldErr{{ErrorTypeInvalid, "metadata.uid"}}},
		{"creation timestamp changed", func(p *api.Pod) { p.CreationTimestamp = api.NewTime(created.Add(1e9)) }, []fieldErr{{ErrorTypeInvalid, "metadata.creationTimestamp"}}},
		{"deletion timestamp set", func(p *api.Pod) { p.DeletionTimestamp = &created }, []fieldErr{{ErrorTypeInvalid, "metadata.deletionTimestamp"}}},
		{"no resource version", func(p *api.Pod) { p.ResourceVersion = "" }, []fieldErr{{ErrorTypeInvalid, "metadata.resourceVersion"}}},
		{"generation decremented", func(p *api.Pod) { p.Generation = 1 }, []fieldErr{{ErrorTypeInvalid, "metadata.generation"}}},
		{"bad new label", func(p *api.Pod) { p.Labels["app"] = "-x" }, []fieldErr{{ErrorTypeInvalid, "metadata.labels"}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			old := validPod()
			old.Generation = 2
			pod := old.DeepCopy()
			tt.mutate(pod)
			checkErrors(t, ValidatePodUpdate(pod, old), tt.want)
		})
	}
}

func TestValidatePodUpdateActiveDeadline(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name     string
		old, new *int64
		want     []fieldErr
	}{
		{"lowered", ptr(int64(600)), ptr(int64(300)), nil},
		{"raised", ptr(int64(300)), ptr(int64(600)), []fieldErr{{ErrorTypeInvalid, "spec.activeDeadlineSeconds"}}},
		{"removed", ptr(int64(300)), nil, []fieldErr{{ErrorTypeInvalid, "spec.activeDeadlineSeconds"}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			old := validPod()
			old.Spec.ActiveDeadlineSeconds = tt.old
			pod := old.DeepCopy()
			pod.Spec.ActiveDeadlineSeconds = tt.new
			checkErrors(t, ValidatePodUpdate(pod, old), tt.want)
		})
	}
}

// TestValidatePodUpdateKeepsInvalidRequiredNodeAffinityValues: a pod whose required
// node affinity has values that are not label values (stored before they were
// checked) can still be updated, as in Kubernetes; a new such value cannot be created.
func TestValidatePodUpdateKeepsInvalidRequiredNodeAffinityValues(t *testing.T) {
	t.Parallel()
	const values = "spec.affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms[0].matchExpressions[0].values[0]"
	old := validPod()
	old.Spec.Affinity = validAffinity()
	old.Spec.Affinity.NodeAffinity.RequiredDuringSchedulingIgnoredDuringExecution.NodeSelectorTerms[0].MatchExpressions[0].Values = []string{"not valid"}
	checkErrors(t, ValidatePod(old), []fieldErr{{ErrorTypeInvalid, values}})
	pod := old.DeepCopy()
	pod.Labels["version"] = "2"
	checkErrors(t, ValidatePodUpdate(pod, old), nil)
}

func TestValidatePodUpdateNoNewFinalizersWhileDeleting(t *testing.T) {
	t.Parallel()
	old := validPod()
	old.DeletionTimestamp = &created
	old.Finalizers = []string{"example.com/a"}
	pod := old.DeepCopy()
	pod.Finalizers = append(pod.Finalizers, "example.com/b")
	checkErrors(t, ValidatePodUpdate(pod, old), []fieldErr{{ErrorTypeForbidden, "metadata.finalizers"}})
	pod.Finalizers = nil
	checkErrors(t, ValidatePodUpdate(pod, old), nil)
}

func TestValidatePodStatusUpdate(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name   string
		mutate func(p *api.Pod)
		want   []fieldErr
	}{
		{"running", func(p *api.Pod) {
			p.Status.Phase = api.PodRunning
			p.Status.PodIP = "10.244.1.7"
			p.Status.PodIPs = []api.PodIP{{IP: "10.244.1.7"}, {IP: "fd00::7"}}
			p.Status.HostIP = "10.0.0.11"
		}, nil},
		{"bad phase", func(p *api.Pod) { p.Status.Phase = "Sleeping" }, []fieldErr{{ErrorTypeNotSupported, "status.phase"}}},
		{"bad pod IP", func(p *api.Pod) { p.Status.PodIP = "10.0.0" }, []fieldErr{{ErrorTypeInvalid, "status.podIP"}}},
		{"bad pod IPs", func(p *api.Pod) { p.Status.PodIPs = []api.PodIP{{IP: "x"}} }, []fieldErr{{ErrorTypeInvalid, "status.podIPs[0].ip"}}},
		{"duplicate pod IPs", func(p *api.Pod) { p.Status.PodIPs = []api.PodIP{{IP: "10.0.0.1"}, {IP: "10.0.0.1"}} }, []fieldErr{{ErrorTypeDuplicate, "status.podIPs[1].ip"}}},
		{"too many pod IPs", func(p *api.Pod) {
			p.Status.PodIPs = []api.PodIP{{IP: "10.0.0.1"}, {IP: "10.0.0.2"}, {IP: "10.0.0.3"}}
		}, []fieldErr{{ErrorTypeTooMany, "status.podIPs"}}},
		{"bad nominated node", func(p *api.Pod) { p.Status.NominatedNodeName = "A B" }, []fieldErr{{ErrorTypeInvalid, "status.nominatedNodeName"}}},
		{"name changed", func(p *api.Pod) { p.Name = "x" }, []fieldErr{{ErrorTypeInvalid, "metadata.name"}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			old := validPod()
			pod := old.DeepCopy()
			tt.mutate(pod)
			checkErrors(t, ValidatePodStatusUpdate(pod, old), tt.want)
		})
	}
}

func TestValidateBinding(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name   string
		target api.ObjectReference
		want   []fieldErr
	}{
		{"node", api.ObjectReference{Kind: "Node", Name: "node-1"}, nil},
		{"kind omitted", api.ObjectReference{Name: "node-1"}, nil},
		{"not a node", api.ObjectReference{Kind: "Pod", Name: "x"}, []fieldErr{{ErrorTypeNotSupported, "target.kind"}}},
		{"no name", api.ObjectReference{Kind: "Node"}, []fieldErr{{ErrorTypeRequired, "target.name"}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			b := &api.Binding{ObjectMeta: api.ObjectMeta{Name: "web", Namespace: "default"}, Target: tt.target}
			checkErrors(t, ValidateBinding(b), tt.want)
		})
	}
}
