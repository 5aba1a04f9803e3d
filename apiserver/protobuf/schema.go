package protobuf

// This file describes the protobuf messages of the kinds Orrery serves: for each
// message, the field numbers of Kubernetes' generated.proto files (k8s.io/api core/v1,
// apps/v1, autoscaling/v1, coordination/v1; k8s.io/apimachinery meta/v1, resource,
// intstr) that Orrery's api types model, with their JSON names. Fields that Orrery does
// not model are absent and skipped when decoding. The descriptors are built during
// package initialization and never modified afterwards.

// kind is how a field's value is encoded on the wire and rendered as JSON.
type kind uint8

const (
	kindString      kind = iota + 1 // length-delimited UTF-8 → JSON string
	kindBool                        // varint → JSON true/false
	kindInt32                       // varint, truncated to 32 bits → JSON number
	kindInt64                       // varint → JSON number
	kindMessage                     // embedded message → JSON object
	kindInline                      // embedded message whose fields join the parent's JSON object
	kindTime                        // meta/v1 Time → RFC 3339 string with seconds, or null
	kindMicroTime                   // meta/v1 MicroTime → RFC 3339 string with microseconds, or null
	kindQuantity                    // resource.Quantity → its string
	kindIntOrString                 // intstr.IntOrString → JSON number or string
	kindStringMap                   // map<string, string> → JSON object of strings
	kindQuantityMap                 // map<string, Quantity> → JSON object of strings
)

// wireType is the wire type a field of kind k must arrive with.
func (k kind) wireType() int {
	switch k {
	case kindBool, kindInt32, kindInt64:
		return wireVarint
	default:
		return wireBytes
	}
}

// field is one modelled field of a message.
type field struct {
	num      int
	name     string // JSON name; empty for kindInline
	kind     kind
	repeated bool
	msg      *message // for kindMessage and kindInline
}

// message describes one protobuf message.
type message struct {
	name string
	// fields is indexed by field number; an entry of kind 0 is a field Orrery does not
	// model.
	fields []field
}

// lookup returns the modelled field numbered num, if any.
func (m *message) lookup(num int) (*field, bool) {
	if num >= len(m.fields) || m.fields[num].kind == 0 {
		return nil, false
	}
	return &m.fields[num], true
}

func newMessage(name string, fields ...field) *message {
	top := 0
	for _, f := range fields {
		top = max(top, f.num)
	}
	m := &message{name: name, fields: make([]field, top+1)}
	for _, f := range fields {
		m.fields[f.num] = f // a duplicate number would drop a field: the tests catch it
	}
	return m
}

func str(num int, name string) field { return field{num: num, name: name, kind: kindString} }
func strs(num int, name string) field {
	return field{num: num, name: name, kind: kindString, repeated: true}
}
func boolean(num int, name string) field {
	return field{num: num, name: name, kind: kindBool}
}
func i32(num int, name string) field { return field{num: num, name: name, kind: kindInt32} }
func i64(num int, name string) field { return field{num: num, name: name, kind: kindInt64} }
func msg(num int, name string, m *message) field {
	return field{num: num, name: name, kind: kindMessage, msg: m}
}
func msgs(num int, name string, m *message) field {
	return field{num: num, name: name, kind: kindMessage, repeated: true, msg: m}
}
func inline(num int, m *message) field { return field{num: num, kind: kindInline, msg: m} }
func tm(num int, name string) field    { return field{num: num, name: name, kind: kindTime} }
func microTime(num int, name string) field {
	return field{num: num, name: name, kind: kindMicroTime}
}
func quantity(num int, name string) field {
	return field{num: num, name: name, kind: kindQuantity}
}
func intOrString(num int, name string) field {
	return field{num: num, name: name, kind: kindIntOrString}
}
func i64s(num int, name string) field {
	return field{num: num, name: name, kind: kindInt64, repeated: true}
}
func stringMap(num int, name string) field {
	return field{num: num, name: name, kind: kindStringMap}
}
func quantityMap(num int, name string) field {
	return field{num: num, name: name, kind: kindQuantityMap}
}

// meta/v1 (k8s.io/apimachinery/pkg/apis/meta/v1/generated.proto).
var (
	objectMetaMsg = newMessage("ObjectMeta",
		str(1, "name"),
		str(2, "generateName"),
		str(3, "namespace"),
		str(5, "uid"),
		str(6, "resourceVersion"),
		i64(7, "generation"),
		tm(8, "creationTimestamp"),
		tm(9, "deletionTimestamp"),
		i64(10, "deletionGracePeriodSeconds"),
		stringMap(11, "labels"),
		stringMap(12, "annotations"),
		msgs(13, "ownerReferences", ownerReferenceMsg),
		strs(14, "finalizers"),
	)
	ownerReferenceMsg = newMessage("OwnerReference",
		str(1, "kind"),
		str(3, "name"),
		str(4, "uid"),
		str(5, "apiVersion"),
		boolean(6, "controller"),
		boolean(7, "blockOwnerDeletion"),
	)
	labelSelectorMsg = newMessage("LabelSelector",
		stringMap(1, "matchLabels"),
		msgs(2, "matchExpressions", labelSelectorRequirementMsg),
	)
	labelSelectorRequirementMsg = newMessage("LabelSelectorRequirement",
		str(1, "key"),
		str(2, "operator"),
		strs(3, "values"),
	)
	deleteOptionsMsg = newMessage("DeleteOptions",
		i64(1, "gracePeriodSeconds"),
		msg(2, "preconditions", preconditionsMsg),
		boolean(3, "orphanDependents"),
		str(4, "propagationPolicy"),
		strs(5, "dryRun"),
	)
	preconditionsMsg = newMessage("Preconditions",
		str(1, "uid"),
		str(2, "resourceVersion"),
	)
	statusMsg = newMessage("Status",
		msg(1, "metadata", listMetaMsg),
		str(2, "status"),
		str(3, "message"),
		str(4, "reason"),
		msg(5, "details", statusDetailsMsg),
		i32(6, "code"),
	)
	listMetaMsg = newMessage("ListMeta",
		str(2, "resourceVersion"),
		str(3, "continue"),
		i64(4, "remainingItemCount"),
	)
	statusDetailsMsg = newMessage("StatusDetails",
		str(1, "name"),
		str(2, "group"),
		str(3, "kind"),
		msgs(4, "causes", statusCauseMsg),
		i32(5, "retryAfterSeconds"),
		str(6, "uid"),
	)
	statusCauseMsg = newMessage("StatusCause",
		str(1, "reason"),
		str(2, "message"),
		str(3, "field"),
	)
)

// core/v1 (k8s.io/api/core/v1/generated.proto).
var (
	podMsg = newMessage("Pod",
		msg(1, "metadata", objectMetaMsg),
		msg(2, "spec", podSpecMsg),
		msg(3, "status", podStatusMsg),
	)
	podSpecMsg = newMessage("PodSpec",
		msgs(1, "volumes", volumeMsg),
		msgs(2, "containers", containerMsg),
		str(3, "restartPolicy"),
		i64(4, "terminationGracePeriodSeconds"),
		i64(5, "activeDeadlineSeconds"),
		str(6, "dnsPolicy"),
		stringMap(7, "nodeSelector"),
		str(8, "serviceAccountName"),
		str(9, "serviceAccount"),
		str(10, "nodeName"),
		boolean(11, "hostNetwork"),
		msg(14, "securityContext", podSecurityContextMsg),
		msgs(15, "imagePullSecrets", localObjectReferenceMsg),
		str(16, "hostname"),
		str(17, "subdomain"),
		msg(18, "affinity", affinityMsg),
		str(19, "schedulerName"),
		msgs(20, "initContainers", containerMsg),
		boolean(21, "automountServiceAccountToken"),
		msgs(22, "tolerations", tolerationMsg),
		str(24, "priorityClassName"),
		i32(25, "priority"),
		boolean(30, "enableServiceLinks"),
		str(31, "preemptionPolicy"),
		quantityMap(32, "overhead"),
		msgs(33, "topologySpreadConstraints", topologySpreadConstraintMsg),
	)
	volumeMsg = newMessage("Volume",
		str(1, "name"),
		inline(2, volumeSourceMsg),
	)
	volumeSourceMsg = newMessage("VolumeSource",
		msg(1, "hostPath", hostPathVolumeSourceMsg),
		msg(2, "emptyDir", emptyDirVolumeSourceMsg),
		msg(6, "secret", secretVolumeSourceMsg),
		msg(10, "persistentVolumeClaim", persistentVolumeClaimVolumeSourceMsg),
		msg(16, "downwardAPI", downwardAPIVolumeSourceMsg),
		msg(19, "configMap", configMapVolumeSourceMsg),
	)
	hostPathVolumeSourceMsg = newMessage("HostPathVolumeSource",
		str(1, "path"),
		str(2, "type"),
	)
	emptyDirVolumeSourceMsg = newMessage("EmptyDirVolumeSource",
		str(1, "medium"),
		quantity(2, "sizeLimit"),
	)
	secretVolumeSourceMsg = newMessage("SecretVolumeSource",
		str(1, "secretName"),
		msgs(2, "items", keyToPathMsg),
		i32(3, "defaultMode"),
		boolean(4, "optional"),
	)
	keyToPathMsg = newMessage("KeyToPath",
		str(1, "key"),
		str(2, "path"),
		i32(3, "mode"),
	)
	persistentVolumeClaimVolumeSourceMsg = newMessage("PersistentVolumeClaimVolumeSource",
		str(1, "claimName"),
		boolean(2, "readOnly"),
	)
	downwardAPIVolumeSourceMsg = newMessage("DownwardAPIVolumeSource",
		msgs(1, "items", downwardAPIVolumeFileMsg),
		i32(2, "defaultMode"),
	)
	downwardAPIVolumeFileMsg = newMessage("DownwardAPIVolumeFile",
		str(1, "path"),
		msg(2, "fieldRef", objectFieldSelectorMsg),
		i32(4, "mode"),
	)
	configMapVolumeSourceMsg = newMessage("ConfigMapVolumeSource",
		inline(1, localObjectReferenceMsg),
		msgs(2, "items", keyToPathMsg),
		i32(3, "defaultMode"),
		boolean(4, "optional"),
	)
	podSecurityContextMsg = newMessage("PodSecurityContext",
		i64(2, "runAsUser"),
		boolean(3, "runAsNonRoot"),
		i64s(4, "supplementalGroups"),
		i64(5, "fsGroup"),
		i64(6, "runAsGroup"),
		msg(10, "seccompProfile", seccompProfileMsg),
	)
	seccompProfileMsg = newMessage("SeccompProfile",
		str(1, "type"),
		str(2, "localhostProfile"),
	)
	volumeMountMsg = newMessage("VolumeMount",
		str(1, "name"),
		boolean(2, "readOnly"),
		str(3, "mountPath"),
		str(4, "subPath"),
	)
	// envSourceMsg is both ConfigMapEnvSource and SecretEnvSource.
	envSourceMsg = newMessage("EnvSource",
		inline(1, localObjectReferenceMsg),
		boolean(2, "optional"),
	)
	envFromSourceMsg = newMessage("EnvFromSource",
		str(1, "prefix"),
		msg(2, "configMapRef", envSourceMsg),
		msg(3, "secretRef", envSourceMsg),
	)
	probeMsg = newMessage("Probe",
		inline(1, probeHandlerMsg),
		i32(2, "initialDelaySeconds"),
		i32(3, "timeoutSeconds"),
		i32(4, "periodSeconds"),
		i32(5, "successThreshold"),
		i32(6, "failureThreshold"),
		i64(7, "terminationGracePeriodSeconds"),
	)
	probeHandlerMsg = newMessage("ProbeHandler",
		msg(1, "exec", execActionMsg),
		msg(2, "httpGet", httpGetActionMsg),
		msg(3, "tcpSocket", tcpSocketActionMsg),
		msg(4, "grpc", grpcActionMsg),
	)
	execActionMsg = newMessage("ExecAction",
		strs(1, "command"),
	)
	httpGetActionMsg = newMessage("HTTPGetAction",
		str(1, "path"),
		intOrString(2, "port"),
		str(3, "host"),
		str(4, "scheme"),
		msgs(5, "httpHeaders", httpHeaderMsg),
	)
	httpHeaderMsg = newMessage("HTTPHeader",
		str(1, "name"),
		str(2, "value"),
	)
	tcpSocketActionMsg = newMessage("TCPSocketAction",
		intOrString(1, "port"),
		str(2, "host"),
	)
	grpcActionMsg = newMessage("GRPCAction",
		i32(1, "port"),
		str(2, "service"),
	)
	securityContextMsg = newMessage("SecurityContext",
		msg(1, "capabilities", capabilitiesMsg),
		boolean(2, "privileged"),
		i64(4, "runAsUser"),
		boolean(5, "runAsNonRoot"),
		boolean(6, "readOnlyRootFilesystem"),
		boolean(7, "allowPrivilegeEscalation"),
		i64(8, "runAsGroup"),
		msg(11, "seccompProfile", seccompProfileMsg),
	)
	capabilitiesMsg = newMessage("Capabilities",
		strs(1, "add"),
		strs(2, "drop"),
	)
	containerMsg = newMessage("Container",
		str(1, "name"),
		str(2, "image"),
		strs(3, "command"),
		strs(4, "args"),
		str(5, "workingDir"),
		msgs(6, "ports", containerPortMsg),
		msgs(7, "env", envVarMsg),
		msg(8, "resources", resourceRequirementsMsg),
		msgs(9, "volumeMounts", volumeMountMsg),
		msg(10, "livenessProbe", probeMsg),
		msg(11, "readinessProbe", probeMsg),
		str(13, "terminationMessagePath"),
		str(14, "imagePullPolicy"),
		msg(15, "securityContext", securityContextMsg),
		boolean(16, "stdin"),
		boolean(18, "tty"),
		msgs(19, "envFrom", envFromSourceMsg),
		str(20, "terminationMessagePolicy"),
		msg(22, "startupProbe", probeMsg),
	)
	containerPortMsg = newMessage("ContainerPort",
		str(1, "name"),
		i32(2, "hostPort"),
		i32(3, "containerPort"),
		str(4, "protocol"),
		str(5, "hostIP"),
	)
	envVarMsg = newMessage("EnvVar",
		str(1, "name"),
		str(2, "value"),
		msg(3, "valueFrom", envVarSourceMsg),
	)
	envVarSourceMsg = newMessage("EnvVarSource",
		msg(1, "fieldRef", objectFieldSelectorMsg),
		msg(3, "configMapKeyRef", keySelectorMsg),
		msg(4, "secretKeyRef", keySelectorMsg),
	)
	objectFieldSelectorMsg = newMessage("ObjectFieldSelector",
		str(1, "apiVersion"),
		str(2, "fieldPath"),
	)
	// keySelectorMsg is both ConfigMapKeySelector and SecretKeySelector: they embed a
	// LocalObjectReference, whose name is inlined in JSON.
	keySelectorMsg = newMessage("KeySelector",
		inline(1, localObjectReferenceMsg),
		str(2, "key"),
		boolean(3, "optional"),
	)
	localObjectReferenceMsg = newMessage("LocalObjectReference",
		str(1, "name"),
	)
	resourceRequirementsMsg = newMessage("ResourceRequirements",
		quantityMap(1, "limits"),
		quantityMap(2, "requests"),
	)
	affinityMsg = newMessage("Affinity",
		msg(1, "nodeAffinity", nodeAffinityMsg),
		msg(2, "podAffinity", podAffinityMsg),
		msg(3, "podAntiAffinity", podAffinityMsg),
	)
	nodeAffinityMsg = newMessage("NodeAffinity",
		msg(1, "requiredDuringSchedulingIgnoredDuringExecution", nodeSelectorMsg),
		msgs(2, "preferredDuringSchedulingIgnoredDuringExecution", preferredSchedulingTermMsg),
	)
	nodeSelectorMsg = newMessage("NodeSelector",
		msgs(1, "nodeSelectorTerms", nodeSelectorTermMsg),
	)
	nodeSelectorTermMsg = newMessage("NodeSelectorTerm",
		msgs(1, "matchExpressions", nodeSelectorRequirementMsg),
		msgs(2, "matchFields", nodeSelectorRequirementMsg),
	)
	nodeSelectorRequirementMsg = newMessage("NodeSelectorRequirement",
		str(1, "key"),
		str(2, "operator"),
		strs(3, "values"),
	)
	preferredSchedulingTermMsg = newMessage("PreferredSchedulingTerm",
		i32(1, "weight"),
		msg(2, "preference", nodeSelectorTermMsg),
	)
	// podAffinityMsg is both PodAffinity and PodAntiAffinity.
	podAffinityMsg = newMessage("PodAffinity",
		msgs(1, "requiredDuringSchedulingIgnoredDuringExecution", podAffinityTermMsg),
		msgs(2, "preferredDuringSchedulingIgnoredDuringExecution", weightedPodAffinityTermMsg),
	)
	podAffinityTermMsg = newMessage("PodAffinityTerm",
		msg(1, "labelSelector", labelSelectorMsg),
		strs(2, "namespaces"),
		str(3, "topologyKey"),
		msg(4, "namespaceSelector", labelSelectorMsg),
		strs(5, "matchLabelKeys"),
		strs(6, "mismatchLabelKeys"),
	)
	weightedPodAffinityTermMsg = newMessage("WeightedPodAffinityTerm",
		i32(1, "weight"),
		msg(2, "podAffinityTerm", podAffinityTermMsg),
	)
	topologySpreadConstraintMsg = newMessage("TopologySpreadConstraint",
		i32(1, "maxSkew"),
		str(2, "topologyKey"),
		str(3, "whenUnsatisfiable"),
		msg(4, "labelSelector", labelSelectorMsg),
		i32(5, "minDomains"),
		str(6, "nodeAffinityPolicy"),
		str(7, "nodeTaintsPolicy"),
		strs(8, "matchLabelKeys"),
	)
	tolerationMsg = newMessage("Toleration",
		str(1, "key"),
		str(2, "operator"),
		str(3, "value"),
		str(4, "effect"),
		i64(5, "tolerationSeconds"),
	)
	podStatusMsg = newMessage("PodStatus",
		str(1, "phase"),
		msgs(2, "conditions", podConditionMsg),
		str(3, "message"),
		str(4, "reason"),
		str(5, "hostIP"),
		str(6, "podIP"),
		tm(7, "startTime"),
		msgs(8, "containerStatuses", containerStatusMsg),
		str(9, "qosClass"),
		msgs(10, "initContainerStatuses", containerStatusMsg),
		str(11, "nominatedNodeName"),
		msgs(12, "podIPs", ipMsg),
		msgs(16, "hostIPs", ipMsg),
	)
	podConditionMsg = newMessage("PodCondition",
		str(1, "type"),
		str(2, "status"),
		tm(3, "lastProbeTime"),
		tm(4, "lastTransitionTime"),
		str(5, "reason"),
		str(6, "message"),
	)
	// ipMsg is both HostIP and PodIP.
	ipMsg = newMessage("IP",
		str(1, "ip"),
	)
	containerStatusMsg = newMessage("ContainerStatus",
		str(1, "name"),
		msg(2, "state", containerStateMsg),
		msg(3, "lastState", containerStateMsg),
		boolean(4, "ready"),
		i32(5, "restartCount"),
		str(6, "image"),
		str(7, "imageID"),
		str(8, "containerID"),
		boolean(9, "started"),
	)
	containerStateMsg = newMessage("ContainerState",
		msg(1, "waiting", containerStateWaitingMsg),
		msg(2, "running", containerStateRunningMsg),
		msg(3, "terminated", containerStateTerminatedMsg),
	)
	containerStateWaitingMsg = newMessage("ContainerStateWaiting",
		str(1, "reason"),
		str(2, "message"),
	)
	containerStateRunningMsg = newMessage("ContainerStateRunning",
		tm(1, "startedAt"),
	)
	containerStateTerminatedMsg = newMessage("ContainerStateTerminated",
		i32(1, "exitCode"),
		i32(2, "signal"),
		str(3, "reason"),
		str(4, "message"),
		tm(5, "startedAt"),
		tm(6, "finishedAt"),
		str(7, "containerID"),
	)
	objectReferenceMsg = newMessage("ObjectReference",
		str(1, "kind"),
		str(2, "namespace"),
		str(3, "name"),
		str(4, "uid"),
		str(5, "apiVersion"),
		str(6, "resourceVersion"),
		str(7, "fieldPath"),
	)
	bindingMsg = newMessage("Binding",
		msg(1, "metadata", objectMetaMsg),
		msg(2, "target", objectReferenceMsg),
	)
	nodeMsg = newMessage("Node",
		msg(1, "metadata", objectMetaMsg),
		msg(2, "spec", nodeSpecMsg),
		msg(3, "status", nodeStatusMsg),
	)
	nodeSpecMsg = newMessage("NodeSpec",
		str(1, "podCIDR"),
		str(3, "providerID"),
		boolean(4, "unschedulable"),
		msgs(5, "taints", taintMsg),
		strs(7, "podCIDRs"),
	)
	taintMsg = newMessage("Taint",
		str(1, "key"),
		str(2, "value"),
		str(3, "effect"),
		tm(4, "timeAdded"),
	)
	nodeStatusMsg = newMessage("NodeStatus",
		quantityMap(1, "capacity"),
		quantityMap(2, "allocatable"),
		str(3, "phase"),
		msgs(4, "conditions", nodeConditionMsg),
		msgs(5, "addresses", nodeAddressMsg),
		msg(6, "daemonEndpoints", nodeDaemonEndpointsMsg),
		msg(7, "nodeInfo", nodeSystemInfoMsg),
		msgs(8, "images", containerImageMsg),
	)
	nodeConditionMsg = newMessage("NodeCondition",
		str(1, "type"),
		str(2, "status"),
		tm(3, "lastHeartbeatTime"),
		tm(4, "lastTransitionTime"),
		str(5, "reason"),
		str(6, "message"),
	)
	nodeAddressMsg = newMessage("NodeAddress",
		str(1, "type"),
		str(2, "address"),
	)
	nodeDaemonEndpointsMsg = newMessage("NodeDaemonEndpoints",
		msg(1, "kubeletEndpoint", daemonEndpointMsg),
	)
	daemonEndpointMsg = newMessage("DaemonEndpoint",
		i32(1, "Port"),
	)
	nodeSystemInfoMsg = newMessage("NodeSystemInfo",
		str(1, "machineID"),
		str(2, "systemUUID"),
		str(3, "bootID"),
		str(4, "kernelVersion"),
		str(5, "osImage"),
		str(6, "containerRuntimeVersion"),
		str(7, "kubeletVersion"),
		str(8, "kubeProxyVersion"),
		str(9, "operatingSystem"),
		str(10, "architecture"),
	)
	containerImageMsg = newMessage("ContainerImage",
		strs(1, "names"),
		i64(2, "sizeBytes"),
	)
	namespaceMsg = newMessage("Namespace",
		msg(1, "metadata", objectMetaMsg),
		msg(2, "spec", namespaceSpecMsg),
		msg(3, "status", namespaceStatusMsg),
	)
	namespaceSpecMsg = newMessage("NamespaceSpec",
		strs(1, "finalizers"),
	)
	namespaceStatusMsg = newMessage("NamespaceStatus",
		str(1, "phase"),
		msgs(2, "conditions", namespaceConditionMsg),
	)
	namespaceConditionMsg = newMessage("NamespaceCondition",
		str(1, "type"),
		str(2, "status"),
		tm(4, "lastTransitionTime"),
		str(5, "reason"),
		str(6, "message"),
	)
	eventMsg = newMessage("Event",
		msg(1, "metadata", objectMetaMsg),
		msg(2, "involvedObject", objectReferenceMsg),
		str(3, "reason"),
		str(4, "message"),
		msg(5, "source", eventSourceMsg),
		tm(6, "firstTimestamp"),
		tm(7, "lastTimestamp"),
		i32(8, "count"),
		str(9, "type"),
		microTime(10, "eventTime"),
		msg(11, "series", eventSeriesMsg),
		str(12, "action"),
		msg(13, "related", objectReferenceMsg),
		str(14, "reportingComponent"),
		str(15, "reportingInstance"),
	)
	eventSourceMsg = newMessage("EventSource",
		str(1, "component"),
		str(2, "host"),
	)
	eventSeriesMsg = newMessage("EventSeries",
		i32(1, "count"),
		microTime(2, "lastObservedTime"),
	)
	podTemplateSpecMsg = newMessage("PodTemplateSpec",
		msg(1, "metadata", objectMetaMsg),
		msg(2, "spec", podSpecMsg),
	)
)

// apps/v1, autoscaling/v1 and coordination.k8s.io/v1.
var (
	replicaSetMsg = newMessage("ReplicaSet",
		msg(1, "metadata", objectMetaMsg),
		msg(2, "spec", replicaSetSpecMsg),
		msg(3, "status", replicaSetStatusMsg),
	)
	replicaSetSpecMsg = newMessage("ReplicaSetSpec",
		i32(1, "replicas"),
		msg(2, "selector", labelSelectorMsg),
		msg(3, "template", podTemplateSpecMsg),
		i32(4, "minReadySeconds"),
	)
	replicaSetStatusMsg = newMessage("ReplicaSetStatus",
		i32(1, "replicas"),
		i32(2, "fullyLabeledReplicas"),
		i64(3, "observedGeneration"),
		i32(4, "readyReplicas"),
		i32(5, "availableReplicas"),
		msgs(6, "conditions", replicaSetConditionMsg),
	)
	replicaSetConditionMsg = newMessage("ReplicaSetCondition",
		str(1, "type"),
		str(2, "status"),
		tm(3, "lastTransitionTime"),
		str(4, "reason"),
		str(5, "message"),
	)
	deploymentMsg = newMessage("Deployment",
		msg(1, "metadata", objectMetaMsg),
		msg(2, "spec", deploymentSpecMsg),
		msg(3, "status", deploymentStatusMsg),
	)
	deploymentSpecMsg = newMessage("DeploymentSpec",
		i32(1, "replicas"),
		msg(2, "selector", labelSelectorMsg),
		msg(3, "template", podTemplateSpecMsg),
		msg(4, "strategy", deploymentStrategyMsg),
		i32(5, "minReadySeconds"),
		i32(6, "revisionHistoryLimit"),
		boolean(7, "paused"),
		i32(9, "progressDeadlineSeconds"),
	)
	deploymentStrategyMsg = newMessage("DeploymentStrategy",
		str(1, "type"),
		msg(2, "rollingUpdate", rollingUpdateDeploymentMsg),
	)
	rollingUpdateDeploymentMsg = newMessage("RollingUpdateDeployment",
		intOrString(1, "maxUnavailable"),
		intOrString(2, "maxSurge"),
	)
	deploymentStatusMsg = newMessage("DeploymentStatus",
		i64(1, "observedGeneration"),
		i32(2, "replicas"),
		i32(3, "updatedReplicas"),
		i32(4, "availableReplicas"),
		i32(5, "unavailableReplicas"),
		msgs(6, "conditions", deploymentConditionMsg),
		i32(7, "readyReplicas"),
		i32(8, "collisionCount"),
		i32(9, "terminatingReplicas"),
	)
	deploymentConditionMsg = newMessage("DeploymentCondition",
		str(1, "type"),
		str(2, "status"),
		str(4, "reason"),
		str(5, "message"),
		tm(6, "lastUpdateTime"),
		tm(7, "lastTransitionTime"),
	)
	scaleMsg = newMessage("Scale",
		msg(1, "metadata", objectMetaMsg),
		msg(2, "spec", scaleSpecMsg),
		msg(3, "status", scaleStatusMsg),
	)
	scaleSpecMsg = newMessage("ScaleSpec",
		i32(1, "replicas"),
	)
	scaleStatusMsg = newMessage("ScaleStatus",
		i32(1, "replicas"),
		str(2, "selector"),
	)
	leaseMsg = newMessage("Lease",
		msg(1, "metadata", objectMetaMsg),
		msg(2, "spec", leaseSpecMsg),
	)
	leaseSpecMsg = newMessage("LeaseSpec",
		str(1, "holderIdentity"),
		i32(2, "leaseDurationSeconds"),
		microTime(3, "acquireTime"),
		microTime(4, "renewTime"),
		i32(5, "leaseTransitions"),
	)
)
