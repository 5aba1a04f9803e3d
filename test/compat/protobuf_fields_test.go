package compat

import (
	"bytes"
	"encoding/json"
	"reflect"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	appsv1 "k8s.io/api/apps/v1"
	autoscalingv1 "k8s.io/api/autoscaling/v1"
	coordinationv1 "k8s.io/api/coordination/v1"
	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/resource"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/apimachinery/pkg/util/intstr"
	"k8s.io/client-go/kubernetes/scheme"
	"k8s.io/utils/ptr"

	"github.com/orrery-dev/orrery/api"
	"github.com/orrery-dev/orrery/api/builtin"
	"github.com/orrery-dev/orrery/apiserver/protobuf"
)

// The times of the rich objects carry nanoseconds: a Time keeps whole seconds in both
// encodings, a MicroTime microseconds.
var (
	richTime  = metav1.NewTime(time.Date(2024, 5, 6, 7, 8, 9, 0, time.UTC))
	richTime2 = metav1.Time{Time: time.Date(2024, 5, 6, 7, 9, 10, 987654321, time.UTC)}
	richMicro = metav1.MicroTime{Time: time.Date(2024, 5, 6, 7, 8, 9, 123456789, time.UTC)}
)

// richMeta sets every ObjectMeta field Orrery models, and some it does not.
func richMeta(name, namespace string) metav1.ObjectMeta {
	return metav1.ObjectMeta{
		Name:                       name,
		GenerateName:               name + "-",
		Namespace:                  namespace,
		SelfLink:                   "/not/modelled",
		UID:                        types.UID("uid-" + name),
		ResourceVersion:            "42",
		Generation:                 3,
		CreationTimestamp:          richTime,
		DeletionTimestamp:          &richTime2,
		DeletionGracePeriodSeconds: ptr.To[int64](30),
		Labels:                     map[string]string{"app": "web", "tier": "front"},
		Annotations:                map[string]string{"note": "x", "empty": ""},
		OwnerReferences: []metav1.OwnerReference{{
			APIVersion: "apps/v1", Kind: "ReplicaSet", Name: "rs", UID: "uid-rs",
			Controller: ptr.To(true), BlockOwnerDeletion: ptr.To(false),
		}},
		Finalizers: []string{"example.com/a", "example.com/b"},
		ManagedFields: []metav1.ManagedFieldsEntry{{Manager: "not-modelled", Operation: metav1.ManagedFieldsOperationApply,
			FieldsV1: &metav1.FieldsV1{Raw: []byte(`{"f:metadata":{}}`)}}},
	}
}

func richTerm() corev1.NodeSelectorTerm {
	return corev1.NodeSelectorTerm{
		MatchExpressions: []corev1.NodeSelectorRequirement{{Key: "zone", Operator: corev1.NodeSelectorOpIn, Values: []string{"a", "b"}}},
		MatchFields:      []corev1.NodeSelectorRequirement{{Key: "metadata.name", Operator: corev1.NodeSelectorOpNotIn, Values: []string{"n1"}}},
	}
}

// richSelector sets both parts of a label selector.
func richSelector(app string) *metav1.LabelSelector {
	return &metav1.LabelSelector{
		MatchLabels:      map[string]string{"app": app},
		MatchExpressions: []metav1.LabelSelectorRequirement{{Key: "tier", Operator: metav1.LabelSelectorOpIn, Values: []string{"front", "back"}}},
	}
}

func richPodAffinityTerm(topologyKey string) corev1.PodAffinityTerm {
	return corev1.PodAffinityTerm{
		LabelSelector:     richSelector("web"),
		Namespaces:        []string{"prod", "staging"},
		TopologyKey:       topologyKey,
		NamespaceSelector: richSelector("ns"),
		MatchLabelKeys:    []string{"version"},
		MismatchLabelKeys: []string{"tenant"},
	}
}

func richEnvSource() *corev1.EnvVarSource {
	return &corev1.EnvVarSource{
		FieldRef: &corev1.ObjectFieldSelector{APIVersion: "v1", FieldPath: "metadata.name"},
		ConfigMapKeyRef: &corev1.ConfigMapKeySelector{
			LocalObjectReference: corev1.LocalObjectReference{Name: "cm"}, Key: "k", Optional: ptr.To(true)},
		SecretKeyRef: &corev1.SecretKeySelector{
			LocalObjectReference: corev1.LocalObjectReference{Name: "sec"}, Key: "s", Optional: ptr.To(false)},
		ResourceFieldRef: &corev1.ResourceFieldSelector{Resource: "limits.cpu"}, // not modelled
	}
}

func richContainer(name string) corev1.Container {
	return corev1.Container{
		Name:       name,
		Image:      "registry.example/app:1",
		Command:    []string{"/bin/app"},
		Args:       []string{"--port", "80"},
		WorkingDir: "/work",
		Ports:      []corev1.ContainerPort{{Name: "http", HostPort: 8080, ContainerPort: 80, Protocol: corev1.ProtocolTCP, HostIP: "0.0.0.0"}},
		// Value and ValueFrom exclude each other, and so do the sources, in a valid
		// pod; but all of them encode.
		Env: []corev1.EnvVar{
			{Name: "PLAIN", Value: "1", ValueFrom: richEnvSource()},
			{Name: "FROM", Value: "2", ValueFrom: richEnvSource()},
		},
		Resources: corev1.ResourceRequirements{
			Limits:   corev1.ResourceList{corev1.ResourceCPU: resource.MustParse("500m"), corev1.ResourceMemory: resource.MustParse("128Mi")},
			Requests: corev1.ResourceList{corev1.ResourceCPU: resource.MustParse("0.25"), "example.com/gpu": resource.MustParse("1")},
		},
		TerminationMessagePath:   "/dev/termination-log",
		TerminationMessagePolicy: corev1.TerminationMessageFallbackToLogsOnError,
		ImagePullPolicy:          corev1.PullIfNotPresent,
		VolumeMounts: []corev1.VolumeMount{{Name: "data", ReadOnly: true, MountPath: "/data", SubPath: "sub",
			MountPropagation: ptr.To(corev1.MountPropagationNone)}}, // mountPropagation: not modelled
		// A valid container sets one envFrom source, and a probe one handler; all of
		// them encode.
		EnvFrom: []corev1.EnvFromSource{{
			Prefix:       "APP_",
			ConfigMapRef: &corev1.ConfigMapEnvSource{LocalObjectReference: corev1.LocalObjectReference{Name: "cm"}, Optional: ptr.To(true)},
			SecretRef:    &corev1.SecretEnvSource{LocalObjectReference: corev1.LocalObjectReference{Name: "sec"}, Optional: ptr.To(false)},
		}},
		LivenessProbe:  richProbe(intstr.FromString("http")),
		ReadinessProbe: richProbe(intstr.FromInt32(80)),
		StartupProbe:   richProbe(intstr.FromInt32(8080)),
		SecurityContext: &corev1.SecurityContext{
			Capabilities:             &corev1.Capabilities{Add: []corev1.Capability{"NET_ADMIN"}, Drop: []corev1.Capability{"ALL"}},
			Privileged:               ptr.To(false),
			SELinuxOptions:           &corev1.SELinuxOptions{User: "u"}, // not modelled
			RunAsUser:                ptr.To[int64](1000),
			RunAsGroup:               ptr.To[int64](3000),
			RunAsNonRoot:             ptr.To(true),
			ReadOnlyRootFilesystem:   ptr.To(true),
			AllowPrivilegeEscalation: ptr.To(false),
			SeccompProfile:           richSeccompProfile(),
		},
		Stdin: true,
		TTY:   true,
		// Not modelled:
		StdinOnce: true,
	}
}

// richProbe sets every Probe field Orrery models: all four handlers, which a valid
// probe would not combine.
func richProbe(port intstr.IntOrString) *corev1.Probe {
	return &corev1.Probe{
		ProbeHandler: corev1.ProbeHandler{
			Exec: &corev1.ExecAction{Command: []string{"cat", "/tmp/ready"}},
			HTTPGet: &corev1.HTTPGetAction{Path: "/healthz", Port: port, Host: "10.0.0.1", Scheme: corev1.URISchemeHTTPS,
				HTTPHeaders: []corev1.HTTPHeader{{Name: "X-Probe", Value: "1"}}},
			TCPSocket: &corev1.TCPSocketAction{Port: port, Host: "10.0.0.2"},
			GRPC:      &corev1.GRPCAction{Port: 9000, Service: ptr.To("health")},
		},
		InitialDelaySeconds:           5,
		TimeoutSeconds:                2,
		PeriodSeconds:                 15,
		SuccessThreshold:              1,
		FailureThreshold:              4,
		TerminationGracePeriodSeconds: ptr.To[int64](20),
	}
}

func richSeccompProfile() *corev1.SeccompProfile {
	return &corev1.SeccompProfile{Type: corev1.SeccompProfileTypeLocalhost, LocalhostProfile: ptr.To("profiles/app.json")}
}

// richVolume sets every volume source Orrery models, which a valid volume would not
// combine, and one it does not.
func richVolume(name string) corev1.Volume {
	items := []corev1.KeyToPath{{Key: "k", Path: "p", Mode: ptr.To[int32](0o400)}}
	return corev1.Volume{Name: name, VolumeSource: corev1.VolumeSource{
		HostPath:              &corev1.HostPathVolumeSource{Path: "/var/log", Type: ptr.To(corev1.HostPathDirectory)},
		EmptyDir:              &corev1.EmptyDirVolumeSource{Medium: corev1.StorageMediumMemory, SizeLimit: ptr.To(resource.MustParse("64Mi"))},
		Secret:                &corev1.SecretVolumeSource{SecretName: "sec", Items: items, DefaultMode: ptr.To[int32](0o440), Optional: ptr.To(true)},
		PersistentVolumeClaim: &corev1.PersistentVolumeClaimVolumeSource{ClaimName: "claim", ReadOnly: true},
		DownwardAPI: &corev1.DownwardAPIVolumeSource{
			Items: []corev1.DownwardAPIVolumeFile{{Path: "labels",
				FieldRef:         &corev1.ObjectFieldSelector{APIVersion: "v1", FieldPath: "metadata.labels"},
				ResourceFieldRef: &corev1.ResourceFieldSelector{Resource: "limits.cpu"}, // not modelled
				Mode:             ptr.To[int32](0o444)}},
			DefaultMode: ptr.To[int32](0o644),
		},
		ConfigMap: &corev1.ConfigMapVolumeSource{LocalObjectReference: corev1.LocalObjectReference{Name: "cm"},
			Items: items, DefaultMode: ptr.To[int32](0o600), Optional: ptr.To(false)},
		NFS: &corev1.NFSVolumeSource{Server: "nfs", Path: "/export"}, // not modelled
	}}
}

func richPodSpec() corev1.PodSpec {
	return corev1.PodSpec{
		InitContainers:                []corev1.Container{richContainer("init")},
		Containers:                    []corev1.Container{richContainer("app"), richContainer("sidecar")},
		RestartPolicy:                 corev1.RestartPolicyOnFailure,
		TerminationGracePeriodSeconds: ptr.To[int64](45),
		ActiveDeadlineSeconds:         ptr.To[int64](600),
		DNSPolicy:                     corev1.DNSClusterFirstWithHostNet,
		NodeSelector:                  map[string]string{"disk": "ssd"},
		ServiceAccountName:            "sa",
		DeprecatedServiceAccount:      "sa-old",
		NodeName:                      "node-1",
		HostNetwork:                   true,
		Hostname:                      "host",
		Subdomain:                     "sub",
		Affinity: &corev1.Affinity{
			NodeAffinity: &corev1.NodeAffinity{
				RequiredDuringSchedulingIgnoredDuringExecution:  &corev1.NodeSelector{NodeSelectorTerms: []corev1.NodeSelectorTerm{richTerm()}},
				PreferredDuringSchedulingIgnoredDuringExecution: []corev1.PreferredSchedulingTerm{{Weight: 10, Preference: richTerm()}},
			},
			PodAffinity: &corev1.PodAffinity{
				RequiredDuringSchedulingIgnoredDuringExecution: []corev1.PodAffinityTerm{richPodAffinityTerm("kubernetes.io/hostname")},
				PreferredDuringSchedulingIgnoredDuringExecution: []corev1.WeightedPodAffinityTerm{
					{Weight: 20, PodAffinityTerm: richPodAffinityTerm("topology.kubernetes.io/zone")}},
			},
			PodAntiAffinity: &corev1.PodAntiAffinity{
				RequiredDuringSchedulingIgnoredDuringExecution: []corev1.PodAffinityTerm{richPodAffinityTerm("topology.kubernetes.io/zone")},
				PreferredDuringSchedulingIgnoredDuringExecution: []corev1.WeightedPodAffinityTerm{
					{Weight: 80, PodAffinityTerm: richPodAffinityTerm("kubernetes.io/hostname")}},
			},
		},
		SchedulerName:     "custom-scheduler",
		Tolerations:       []corev1.Toleration{{Key: "k", Operator: corev1.TolerationOpEqual, Value: "v", Effect: corev1.TaintEffectNoExecute, TolerationSeconds: ptr.To[int64](300)}},
		PriorityClassName: "high",
		Priority:          ptr.To[int32](-5),
		PreemptionPolicy:  ptr.To(corev1.PreemptNever),
		Overhead:          corev1.ResourceList{corev1.ResourceCPU: resource.MustParse("10m"), corev1.ResourceMemory: resource.MustParse("120Mi")},
		TopologySpreadConstraints: []corev1.TopologySpreadConstraint{
			{MaxSkew: 1, TopologyKey: "topology.kubernetes.io/zone", WhenUnsatisfiable: corev1.DoNotSchedule,
				LabelSelector: richSelector("web"), MinDomains: ptr.To[int32](3),
				NodeAffinityPolicy: ptr.To(corev1.NodeInclusionPolicyIgnore), NodeTaintsPolicy: ptr.To(corev1.NodeInclusionPolicyHonor),
				MatchLabelKeys: []string{"pod-template-hash", "version"}},
			{MaxSkew: 2, TopologyKey: "kubernetes.io/hostname", WhenUnsatisfiable: corev1.ScheduleAnyway,
				LabelSelector: richSelector("db"), MinDomains: ptr.To[int32](0),
				NodeAffinityPolicy: ptr.To(corev1.NodeInclusionPolicyHonor), NodeTaintsPolicy: ptr.To(corev1.NodeInclusionPolicyIgnore),
				MatchLabelKeys: []string{"release"}},
		},
		Volumes: []corev1.Volume{richVolume("data"), richVolume("more")},
		SecurityContext: &corev1.PodSecurityContext{
			SELinuxOptions:     &corev1.SELinuxOptions{Level: "s0"}, // not modelled
			RunAsUser:          ptr.To[int64](1000),
			RunAsNonRoot:       ptr.To(true),
			SupplementalGroups: []int64{4000, 4001},
			FSGroup:            ptr.To[int64](2000),
			RunAsGroup:         ptr.To[int64](3000),
			SeccompProfile:     richSeccompProfile(),
		},
		ImagePullSecrets:             []corev1.LocalObjectReference{{Name: "pull-a"}, {Name: "pull-b"}},
		EnableServiceLinks:           ptr.To(false),
		AutomountServiceAccountToken: ptr.To(true),
		// Not modelled:
		HostAliases: []corev1.HostAlias{{IP: "10.0.0.9", Hostnames: []string{"db.local"}}},
	}
}

func richContainerStatus(name string) corev1.ContainerStatus {
	state := corev1.ContainerState{
		Waiting: &corev1.ContainerStateWaiting{Reason: "Pulling", Message: "pulling image"},
		Running: &corev1.ContainerStateRunning{StartedAt: richTime},
		Terminated: &corev1.ContainerStateTerminated{ExitCode: 137, Signal: 9, Reason: "OOMKilled", Message: "oom",
			StartedAt: richTime, FinishedAt: richTime2, ContainerID: "containerd://1"},
	}
	return corev1.ContainerStatus{
		Name: name, State: state, LastTerminationState: state, Ready: true, RestartCount: 2,
		Image: "registry.example/app:1", ImageID: "sha256:abc", ContainerID: "containerd://1", Started: ptr.To(true),
		AllocatedResources: corev1.ResourceList{corev1.ResourceCPU: resource.MustParse("1")}, // not modelled
	}
}

func richPod() *corev1.Pod {
	return &corev1.Pod{
		TypeMeta:   metav1.TypeMeta{Kind: "Pod", APIVersion: "v1"},
		ObjectMeta: richMeta("web", "prod"),
		Spec:       richPodSpec(),
		Status: corev1.PodStatus{
			Phase: corev1.PodRunning,
			Conditions: []corev1.PodCondition{{Type: corev1.PodReady, Status: corev1.ConditionTrue,
				LastProbeTime: richTime, LastTransitionTime: richTime2, Reason: "r", Message: "m"}},
			Message:               "msg",
			Reason:                "reason",
			NominatedNodeName:     "node-2",
			HostIP:                "10.0.0.1",
			HostIPs:               []corev1.HostIP{{IP: "10.0.0.1"}, {IP: "fd00::1"}},
			PodIP:                 "10.1.0.5",
			PodIPs:                []corev1.PodIP{{IP: "10.1.0.5"}},
			StartTime:             &richTime,
			InitContainerStatuses: []corev1.ContainerStatus{richContainerStatus("init")},
			ContainerStatuses:     []corev1.ContainerStatus{richContainerStatus("app"), richContainerStatus("sidecar")},
			QOSClass:              corev1.PodQOSBurstable,
			ObservedGeneration:    3, // not modelled
		},
	}
}

func richNode() *corev1.Node {
	return &corev1.Node{
		TypeMeta:   metav1.TypeMeta{Kind: "Node", APIVersion: "v1"},
		ObjectMeta: richMeta("node-1", "cluster-scoped"),
		Spec: corev1.NodeSpec{
			PodCIDR: "10.1.0.0/24", PodCIDRs: []string{"10.1.0.0/24", "fd00::/64"}, ProviderID: "kind://node-1",
			Unschedulable: true,
			Taints: []corev1.Taint{
				{Key: "k", Value: "v", Effect: corev1.TaintEffectNoExecute, TimeAdded: &richTime},
				{Key: "k2", Value: "v2", Effect: corev1.TaintEffectNoSchedule, TimeAdded: &richTime2},
			},
			DoNotUseExternalID: "not-modelled",
		},
		Status: corev1.NodeStatus{
			Capacity:    corev1.ResourceList{corev1.ResourceCPU: resource.MustParse("4"), corev1.ResourcePods: resource.MustParse("110"), corev1.ResourceMemory: resource.MustParse("8Gi")},
			Allocatable: corev1.ResourceList{corev1.ResourceCPU: resource.MustParse("3800m"), corev1.ResourceMemory: resource.MustParse("7.5Gi")},
			Phase:       corev1.NodeRunning,
			Conditions: []corev1.NodeCondition{{Type: corev1.NodeReady, Status: corev1.ConditionTrue,
				LastHeartbeatTime: richTime2, LastTransitionTime: richTime, Reason: "KubeletReady", Message: "ok"}},
			Addresses:       []corev1.NodeAddress{{Type: corev1.NodeInternalIP, Address: "10.0.0.1"}, {Type: corev1.NodeHostName, Address: "node-1"}},
			DaemonEndpoints: corev1.NodeDaemonEndpoints{KubeletEndpoint: corev1.DaemonEndpoint{Port: 10250}},
			NodeInfo: corev1.NodeSystemInfo{MachineID: "m", SystemUUID: "s", BootID: "b", KernelVersion: "6.1", OSImage: "Debian",
				ContainerRuntimeVersion: "containerd://2", KubeletVersion: "v1.37.0", KubeProxyVersion: "v1.37.0",
				OperatingSystem: "linux", Architecture: "amd64"},
			Images:       []corev1.ContainerImage{{Names: []string{"img:1", "img@sha256:abc"}, SizeBytes: 1 << 40}},
			VolumesInUse: []corev1.UniqueVolumeName{"not-modelled"},
		},
	}
}

func richNamespace() *corev1.Namespace {
	return &corev1.Namespace{
		TypeMeta:   metav1.TypeMeta{Kind: "Namespace", APIVersion: "v1"},
		ObjectMeta: richMeta("prod", "cluster-scoped"),
		Spec:       corev1.NamespaceSpec{Finalizers: []corev1.FinalizerName{corev1.FinalizerKubernetes}},
		Status: corev1.NamespaceStatus{Phase: corev1.NamespaceTerminating, Conditions: []corev1.NamespaceCondition{{
			Type: corev1.NamespaceDeletionContentFailure, Status: corev1.ConditionFalse, LastTransitionTime: richTime, Reason: "r", Message: "m"}}},
	}
}

func richEvent() *corev1.Event {
	return &corev1.Event{
		TypeMeta:   metav1.TypeMeta{Kind: "Event", APIVersion: "v1"},
		ObjectMeta: richMeta("web.17c9", "prod"),
		InvolvedObject: corev1.ObjectReference{Kind: "Pod", Namespace: "prod", Name: "web", UID: "uid-web", APIVersion: "v1",
			ResourceVersion: "9", FieldPath: "spec.containers{app}"},
		Reason:              "Started",
		Message:             "Started container app",
		Source:              corev1.EventSource{Component: "kubelet", Host: "node-1"},
		FirstTimestamp:      richTime,
		LastTimestamp:       richTime2,
		Count:               4,
		Type:                corev1.EventTypeWarning,
		EventTime:           richMicro,
		Series:              &corev1.EventSeries{Count: 3, LastObservedTime: richMicro},
		Action:              "Starting",
		Related:             &corev1.ObjectReference{Kind: "Node", Name: "node-1", UID: "uid-node", APIVersion: "v1", ResourceVersion: "1", FieldPath: "x", Namespace: "y"},
		ReportingController: "kubelet",
		ReportingInstance:   "node-1",
	}
}

func richBinding() *corev1.Binding {
	return &corev1.Binding{
		TypeMeta:   metav1.TypeMeta{Kind: "Binding", APIVersion: "v1"},
		ObjectMeta: richMeta("web", "prod"),
		Target: corev1.ObjectReference{Kind: "Node", Namespace: "n", Name: "node-1", UID: "uid-node", APIVersion: "v1",
			ResourceVersion: "5", FieldPath: "f"},
	}
}

func richReplicaSet() *appsv1.ReplicaSet {
	return &appsv1.ReplicaSet{
		TypeMeta:   metav1.TypeMeta{Kind: "ReplicaSet", APIVersion: "apps/v1"},
		ObjectMeta: richMeta("rs", "prod"),
		Spec: appsv1.ReplicaSetSpec{
			Replicas:        ptr.To[int32](3),
			MinReadySeconds: 5,
			Selector: &metav1.LabelSelector{
				MatchLabels:      map[string]string{"app": "web"},
				MatchExpressions: []metav1.LabelSelectorRequirement{{Key: "tier", Operator: metav1.LabelSelectorOpIn, Values: []string{"front"}}},
			},
			Template: corev1.PodTemplateSpec{ObjectMeta: richMeta("tmpl", "prod"), Spec: richPodSpec()},
		},
		Status: appsv1.ReplicaSetStatus{
			Replicas: 3, FullyLabeledReplicas: 3, ReadyReplicas: 2, AvailableReplicas: 1, ObservedGeneration: 4,
			Conditions: []appsv1.ReplicaSetCondition{{Type: appsv1.ReplicaSetReplicaFailure, Status: corev1.ConditionTrue,
				LastTransitionTime: richTime, Reason: "FailedCreate", Message: "quota"}},
			TerminatingReplicas: ptr.To[int32](1), // not modelled
		},
	}
}

// richDeployment tells its two condition times apart, and its two int-or-strings,
// so that swapped field numbers would show.
func richDeployment() *appsv1.Deployment {
	return &appsv1.Deployment{
		TypeMeta:   metav1.TypeMeta{Kind: "Deployment", APIVersion: "apps/v1"},
		ObjectMeta: richMeta("web", "prod"),
		Spec: appsv1.DeploymentSpec{
			Replicas: ptr.To[int32](4),
			Selector: richSelector("web"),
			Template: corev1.PodTemplateSpec{ObjectMeta: richMeta("tmpl", "prod"), Spec: richPodSpec()},
			Strategy: appsv1.DeploymentStrategy{
				Type: appsv1.RollingUpdateDeploymentStrategyType,
				RollingUpdate: &appsv1.RollingUpdateDeployment{
					MaxUnavailable: ptr.To(intstr.FromString("25%")),
					MaxSurge:       ptr.To(intstr.FromInt32(2)),
				},
			},
			MinReadySeconds:         5,
			RevisionHistoryLimit:    ptr.To[int32](3),
			Paused:                  true,
			ProgressDeadlineSeconds: ptr.To[int32](600),
		},
		Status: appsv1.DeploymentStatus{
			ObservedGeneration:  7,
			Replicas:            5,
			UpdatedReplicas:     3,
			ReadyReplicas:       4,
			AvailableReplicas:   2,
			UnavailableReplicas: 6,
			TerminatingReplicas: ptr.To[int32](1),
			Conditions: []appsv1.DeploymentCondition{
				{Type: appsv1.DeploymentProgressing, Status: corev1.ConditionTrue,
					LastUpdateTime: richTime2, LastTransitionTime: richTime, Reason: "NewReplicaSetAvailable", Message: "rolled out"},
				{Type: appsv1.DeploymentAvailable, Status: corev1.ConditionFalse,
					LastUpdateTime: richTime, LastTransitionTime: richTime2, Reason: "MinimumReplicasUnavailable", Message: "too few"},
			},
			CollisionCount: ptr.To[int32](8),
		},
	}
}

func richScale() *autoscalingv1.Scale {
	return &autoscalingv1.Scale{
		TypeMeta:   metav1.TypeMeta{Kind: "Scale", APIVersion: "autoscaling/v1"},
		ObjectMeta: richMeta("rs", "prod"),
		Spec:       autoscalingv1.ScaleSpec{Replicas: 5},
		Status:     autoscalingv1.ScaleStatus{Replicas: 3, Selector: "app=web"},
	}
}

func richLease() *coordinationv1.Lease {
	return &coordinationv1.Lease{
		TypeMeta:   metav1.TypeMeta{Kind: "Lease", APIVersion: "coordination.k8s.io/v1"},
		ObjectMeta: richMeta("node-1", "kube-node-lease"),
		Spec: coordinationv1.LeaseSpec{
			HolderIdentity:       ptr.To("node-1"),
			LeaseDurationSeconds: ptr.To[int32](40),
			AcquireTime:          &richMicro,
			RenewTime:            &metav1.MicroTime{Time: richMicro.Add(1500 * time.Nanosecond)},
			LeaseTransitions:     ptr.To[int32](2),
			PreferredHolder:      ptr.To("not-modelled"),
		},
	}
}

func richDeleteOptions(apiVersion string) *metav1.DeleteOptions {
	return &metav1.DeleteOptions{
		TypeMeta:           metav1.TypeMeta{Kind: "DeleteOptions", APIVersion: apiVersion},
		GracePeriodSeconds: ptr.To[int64](0),
		Preconditions:      &metav1.Preconditions{UID: ptr.To[types.UID]("uid-web"), ResourceVersion: ptr.To("42")},
		OrphanDependents:   ptr.To(false),
		PropagationPolicy:  ptr.To(metav1.DeletePropagationForeground),
		DryRun:             []string{metav1.DryRunAll},
	}
}

func richStatus() *metav1.Status {
	return &metav1.Status{
		TypeMeta: metav1.TypeMeta{Kind: "Status", APIVersion: "v1"},
		ListMeta: metav1.ListMeta{SelfLink: "/x", ResourceVersion: "5", Continue: "tok", RemainingItemCount: ptr.To[int64](9)},
		Status:   metav1.StatusFailure,
		Message:  "bad",
		Reason:   metav1.StatusReasonInvalid,
		Details: &metav1.StatusDetails{Name: "web", Group: "apps", Kind: "ReplicaSet", UID: "uid-web",
			Causes:            []metav1.StatusCause{{Type: metav1.CauseTypeFieldValueInvalid, Message: "must be", Field: "spec.replicas"}},
			RetryAfterSeconds: 2},
		Code: 422,
	}
}

// encodeProtobuf encodes obj as client-go does for a request body with the default
// content type: the protobuf serializer behind a versioning encoder for gv.
func encodeProtobuf(t *testing.T, obj runtime.Object, gv schema.GroupVersion) []byte {
	t.Helper()
	info, ok := runtime.SerializerInfoForMediaType(scheme.Codecs.SupportedMediaTypes(), runtime.ContentTypeProtobuf)
	if !ok {
		t.Fatalf("client-go has no serializer for %s", runtime.ContentTypeProtobuf)
	}
	data, err := runtime.Encode(scheme.Codecs.EncoderForVersion(info.Serializer, gv), obj)
	if err != nil {
		t.Fatalf("encode %T as protobuf: %v", obj, err)
	}
	return data
}

// TestProtobufFieldNumbers proves the field numbers of Orrery's protobuf decoder
// against Kubernetes' generated code: for each kind, a richly populated object encoded
// as protobuf and decoded by Orrery must equal the same object sent as JSON. Every
// field Orrery models is set (checked), and fields Orrery does not model are set too
// and must be skipped.
func TestProtobufFieldNumbers(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		obj  runtime.Object
		gv   schema.GroupVersion
		into func() any
	}{
		{"Pod", richPod(), corev1.SchemeGroupVersion, func() any { return &api.Pod{} }},
		{"Node", richNode(), corev1.SchemeGroupVersion, func() any { return &api.Node{} }},
		{"Namespace", richNamespace(), corev1.SchemeGroupVersion, func() any { return &api.Namespace{} }},
		{"Event", richEvent(), corev1.SchemeGroupVersion, func() any { return &api.Event{} }},
		{"Binding", richBinding(), corev1.SchemeGroupVersion, func() any { return &api.Binding{} }},
		{"ReplicaSet", richReplicaSet(), appsv1.SchemeGroupVersion, func() any { return &api.ReplicaSet{} }},
		{"Deployment", richDeployment(), appsv1.SchemeGroupVersion, func() any { return &api.Deployment{} }},
		{"Scale", richScale(), autoscalingv1.SchemeGroupVersion, func() any { return &api.Scale{} }},
		{"Lease", richLease(), coordinationv1.SchemeGroupVersion, func() any { return &api.Lease{} }},
		{"DeleteOptions v1", richDeleteOptions("v1"), corev1.SchemeGroupVersion, func() any { return &api.DeleteOptions{} }},
		{"DeleteOptions apps/v1", richDeleteOptions("apps/v1"), appsv1.SchemeGroupVersion, func() any { return &api.DeleteOptions{} }},
		{"DeleteOptions coordination.k8s.io/v1", richDeleteOptions("coordination.k8s.io/v1"), coordinationv1.SchemeGroupVersion, func() any { return &api.DeleteOptions{} }},
		{"Status", richStatus(), corev1.SchemeGroupVersion, func() any { return &api.Status{} }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			// What a JSON client sends, decoded as Orrery's apiserver decodes it.
			jsonBody, err := json.Marshal(tt.obj)
			if err != nil {
				t.Fatalf("encode as JSON: %v", err)
			}
			want := tt.into()
			if err := json.Unmarshal(jsonBody, want); err != nil {
				t.Fatalf("decode the JSON into %T: %v", want, err)
			}

			pbBody := encodeProtobuf(t, tt.obj, tt.gv)
			if !bytes.HasPrefix(pbBody, []byte("k8s\x00")) {
				t.Fatalf("protobuf body starts %q; want the k8s magic", pbBody[:min(4, len(pbBody))])
			}
			converted, err := protobuf.NewDecoder(builtin.Registry()).ToJSON(pbBody)
			if err != nil {
				t.Fatalf("ToJSON: %v", err)
			}
			got := tt.into()
			dec := json.NewDecoder(bytes.NewReader(converted))
			dec.DisallowUnknownFields()
			if err := dec.Decode(got); err != nil {
				t.Fatalf("decode ToJSON's output strictly into %T: %v", got, err)
			}
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("protobuf body decoded differently from the JSON body (-json +protobuf):\n%s", diff)
			}
			if zero := zeroFields(reflect.ValueOf(got).Elem(), ""); len(zero) > 0 {
				t.Errorf("the test object leaves fields Orrery models unset, so their numbers are unproven: %s", strings.Join(zero, ", "))
			}
		})
	}
}

// zeroFields lists the exported fields of v, recursively, that hold their zero value
// (an empty slice or map counts as zero; every element of a slice is checked).
func zeroFields(v reflect.Value, path string) []string {
	var out []string
	if v.Type() == reflect.TypeFor[api.IntOrString]() {
		// One of its members is set; which one is the value's own business.
		if v.IsZero() {
			return []string{path}
		}
		return nil
	}
	switch v.Kind() {
	case reflect.Pointer:
		if v.IsNil() {
			return []string{path}
		}
		if v.Elem().Kind() != reflect.Struct {
			return nil // a pointer to a scalar is set even when it points at zero
		}
		return zeroFields(v.Elem(), path)
	case reflect.Slice, reflect.Map:
		if v.Len() == 0 {
			return []string{path}
		}
		if v.Kind() == reflect.Slice {
			for i := range v.Len() {
				out = append(out, zeroFields(v.Index(i), path+"["+strconv.Itoa(i)+"]")...)
			}
		}
		return out
	case reflect.Struct:
		if v.IsZero() {
			return []string{path}
		}
		t := v.Type()
		for i := range t.NumField() {
			f := t.Field(i)
			if !f.IsExported() {
				continue
			}
			out = append(out, zeroFields(v.Field(i), joinField(path, f.Name))...)
		}
		return out
	default:
		if v.IsZero() {
			return []string{path}
		}
		return nil
	}
}

func joinField(path, name string) string {
	if path == "" {
		return name
	}
	return path + "." + name
}
