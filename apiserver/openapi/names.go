package openapi

import (
	"reflect"

	"github.com/orrery-dev/orrery/api"
)

// Prefixes of Kubernetes' schema names, one per Go package of the Kubernetes API.
const (
	core         = "io.k8s.api.core.v1."
	apps         = "io.k8s.api.apps.v1."
	coordination = "io.k8s.api.coordination.v1."
	autoscaling  = "io.k8s.api.autoscaling.v1."
	policy       = "io.k8s.api.policy.v1."
	meta         = "io.k8s.apimachinery.pkg.apis.meta.v1."
	resource     = "io.k8s.apimachinery.pkg.api.resource."
	intstr       = "io.k8s.apimachinery.pkg.util.intstr."
)

// Names of the schemas that are not derived from a Go struct's fields.
const (
	timeName      = meta + "Time"
	microTimeName = meta + "MicroTime"
	quantityName  = resource + "Quantity"
	intOrStrName  = intstr + "IntOrString"
	patchName     = meta + "Patch"
	statusName    = meta + "Status"
	deleteName    = meta + "DeleteOptions"
)

// schemaNames maps each Go type of package api that appears in a served object to the
// name of its schema: the Kubernetes package the type belongs to and its Kubernetes
// name. A type missing here makes New fail, so adding a field of a new type to a served
// kind requires a line here.
func schemaNames() map[reflect.Type]string {
	return map[reflect.Type]string{
		// core/v1
		reflect.TypeFor[api.Affinity]():                          core + "Affinity",
		reflect.TypeFor[api.Binding]():                           core + "Binding",
		reflect.TypeFor[api.Container]():                         core + "Container",
		reflect.TypeFor[api.ContainerImage]():                    core + "ContainerImage",
		reflect.TypeFor[api.ContainerPort]():                     core + "ContainerPort",
		reflect.TypeFor[api.ContainerState]():                    core + "ContainerState",
		reflect.TypeFor[api.ContainerStateRunning]():             core + "ContainerStateRunning",
		reflect.TypeFor[api.ContainerStateTerminated]():          core + "ContainerStateTerminated",
		reflect.TypeFor[api.ContainerStateWaiting]():             core + "ContainerStateWaiting",
		reflect.TypeFor[api.ContainerStatus]():                   core + "ContainerStatus",
		reflect.TypeFor[api.DaemonEndpoint]():                    core + "DaemonEndpoint",
		reflect.TypeFor[api.EnvVar]():                            core + "EnvVar",
		reflect.TypeFor[api.EnvVarSource]():                      core + "EnvVarSource",
		reflect.TypeFor[api.Event]():                             core + "Event",
		reflect.TypeFor[api.EventList]():                         core + "EventList",
		reflect.TypeFor[api.EventSeries]():                       core + "EventSeries",
		reflect.TypeFor[api.EventSource]():                       core + "EventSource",
		reflect.TypeFor[api.HostIP]():                            core + "HostIP",
		reflect.TypeFor[api.Namespace]():                         core + "Namespace",
		reflect.TypeFor[api.NamespaceCondition]():                core + "NamespaceCondition",
		reflect.TypeFor[api.NamespaceList]():                     core + "NamespaceList",
		reflect.TypeFor[api.NamespaceSpec]():                     core + "NamespaceSpec",
		reflect.TypeFor[api.NamespaceStatus]():                   core + "NamespaceStatus",
		reflect.TypeFor[api.Node]():                              core + "Node",
		reflect.TypeFor[api.NodeAddress]():                       core + "NodeAddress",
		reflect.TypeFor[api.NodeAffinity]():                      core + "NodeAffinity",
		reflect.TypeFor[api.NodeCondition]():                     core + "NodeCondition",
		reflect.TypeFor[api.NodeDaemonEndpoints]():               core + "NodeDaemonEndpoints",
		reflect.TypeFor[api.NodeList]():                          core + "NodeList",
		reflect.TypeFor[api.NodeSelector]():                      core + "NodeSelector",
		reflect.TypeFor[api.NodeSelectorRequirement]():           core + "NodeSelectorRequirement",
		reflect.TypeFor[api.NodeSelectorTerm]():                  core + "NodeSelectorTerm",
		reflect.TypeFor[api.NodeSpec]():                          core + "NodeSpec",
		reflect.TypeFor[api.NodeStatus]():                        core + "NodeStatus",
		reflect.TypeFor[api.NodeSystemInfo]():                    core + "NodeSystemInfo",
		reflect.TypeFor[api.ObjectFieldSelector]():               core + "ObjectFieldSelector",
		reflect.TypeFor[api.ObjectReference]():                   core + "ObjectReference",
		reflect.TypeFor[api.Pod]():                               core + "Pod",
		reflect.TypeFor[api.PodAffinity]():                       core + "PodAffinity",
		reflect.TypeFor[api.PodAffinityTerm]():                   core + "PodAffinityTerm",
		reflect.TypeFor[api.PodAntiAffinity]():                   core + "PodAntiAffinity",
		reflect.TypeFor[api.PodCondition]():                      core + "PodCondition",
		reflect.TypeFor[api.PodIP]():                             core + "PodIP",
		reflect.TypeFor[api.PodList]():                           core + "PodList",
		reflect.TypeFor[api.PodSpec]():                           core + "PodSpec",
		reflect.TypeFor[api.PodStatus]():                         core + "PodStatus",
		reflect.TypeFor[api.PodTemplateSpec]():                   core + "PodTemplateSpec",
		reflect.TypeFor[api.PreferredSchedulingTerm]():           core + "PreferredSchedulingTerm",
		reflect.TypeFor[api.ResourceRequirements]():              core + "ResourceRequirements",
		reflect.TypeFor[api.Taint]():                             core + "Taint",
		reflect.TypeFor[api.Toleration]():                        core + "Toleration",
		reflect.TypeFor[api.TopologySpreadConstraint]():          core + "TopologySpreadConstraint",
		reflect.TypeFor[api.WeightedPodAffinityTerm]():           core + "WeightedPodAffinityTerm",
		reflect.TypeFor[api.Capabilities]():                      core + "Capabilities",
		reflect.TypeFor[api.ConfigMapEnvSource]():                core + "ConfigMapEnvSource",
		reflect.TypeFor[api.ConfigMapVolumeSource]():             core + "ConfigMapVolumeSource",
		reflect.TypeFor[api.DownwardAPIVolumeFile]():             core + "DownwardAPIVolumeFile",
		reflect.TypeFor[api.DownwardAPIVolumeSource]():           core + "DownwardAPIVolumeSource",
		reflect.TypeFor[api.EmptyDirVolumeSource]():              core + "EmptyDirVolumeSource",
		reflect.TypeFor[api.EnvFromSource]():                     core + "EnvFromSource",
		reflect.TypeFor[api.ExecAction]():                        core + "ExecAction",
		reflect.TypeFor[api.GRPCAction]():                        core + "GRPCAction",
		reflect.TypeFor[api.HTTPGetAction]():                     core + "HTTPGetAction",
		reflect.TypeFor[api.HTTPHeader]():                        core + "HTTPHeader",
		reflect.TypeFor[api.HostPathVolumeSource]():              core + "HostPathVolumeSource",
		reflect.TypeFor[api.KeyToPath]():                         core + "KeyToPath",
		reflect.TypeFor[api.LocalObjectReference]():              core + "LocalObjectReference",
		reflect.TypeFor[api.PersistentVolumeClaimVolumeSource](): core + "PersistentVolumeClaimVolumeSource",
		reflect.TypeFor[api.PodSecurityContext]():                core + "PodSecurityContext",
		reflect.TypeFor[api.Probe]():                             core + "Probe",
		reflect.TypeFor[api.SeccompProfile]():                    core + "SeccompProfile",
		reflect.TypeFor[api.SecretEnvSource]():                   core + "SecretEnvSource",
		reflect.TypeFor[api.SecretVolumeSource]():                core + "SecretVolumeSource",
		reflect.TypeFor[api.SecurityContext]():                   core + "SecurityContext",
		reflect.TypeFor[api.TCPSocketAction]():                   core + "TCPSocketAction",
		reflect.TypeFor[api.Volume]():                            core + "Volume",
		reflect.TypeFor[api.VolumeMount]():                       core + "VolumeMount",

		// apps/v1
		reflect.TypeFor[api.ReplicaSet]():          apps + "ReplicaSet",
		reflect.TypeFor[api.ReplicaSetCondition](): apps + "ReplicaSetCondition",
		reflect.TypeFor[api.ReplicaSetList]():      apps + "ReplicaSetList",
		reflect.TypeFor[api.ReplicaSetSpec]():      apps + "ReplicaSetSpec",
		reflect.TypeFor[api.ReplicaSetStatus]():    apps + "ReplicaSetStatus",

		// coordination/v1
		reflect.TypeFor[api.Lease]():     coordination + "Lease",
		reflect.TypeFor[api.LeaseList](): coordination + "LeaseList",
		reflect.TypeFor[api.LeaseSpec](): coordination + "LeaseSpec",

		// policy/v1: the body of pods/eviction
		reflect.TypeFor[api.Eviction](): policy + "Eviction",

		// autoscaling/v1
		reflect.TypeFor[api.Scale]():       autoscaling + "Scale",
		reflect.TypeFor[api.ScaleSpec]():   autoscaling + "ScaleSpec",
		reflect.TypeFor[api.ScaleStatus](): autoscaling + "ScaleStatus",

		// meta/v1
		reflect.TypeFor[api.Condition]():                meta + "Condition",
		reflect.TypeFor[api.DeleteOptions]():            deleteName,
		reflect.TypeFor[api.LabelSelector]():            meta + "LabelSelector",
		reflect.TypeFor[api.LabelSelectorRequirement](): meta + "LabelSelectorRequirement",
		reflect.TypeFor[api.ListMeta]():                 meta + "ListMeta",
		reflect.TypeFor[api.ObjectMeta]():               meta + "ObjectMeta",
		reflect.TypeFor[api.OwnerReference]():           meta + "OwnerReference",
		reflect.TypeFor[api.Preconditions]():            meta + "Preconditions",
		reflect.TypeFor[api.Status]():                   statusName,
		reflect.TypeFor[api.StatusCause]():              meta + "StatusCause",
		reflect.TypeFor[api.StatusDetails]():            meta + "StatusDetails",

		// Types that write themselves as strings; their schemas are in scalarSchemas.
		reflect.TypeFor[api.Time]():        timeName,
		reflect.TypeFor[api.MicroTime]():   microTimeName,
		reflect.TypeFor[api.Quantity]():    quantityName,
		reflect.TypeFor[api.IntOrString](): intOrStrName,
	}
}

// fieldSchemaNames names the schema of a field whose Go type Kubernetes splits into
// several types, by "<schema of the owner>.<json field>".
func fieldSchemaNames() map[string]string {
	return map[string]string{
		// One Go KeySelector stands for Kubernetes' two selectors.
		core + "EnvVarSource.configMapKeyRef": core + "ConfigMapKeySelector",
		core + "EnvVarSource.secretKeyRef":    core + "SecretKeySelector",
	}
}

// scalarSchemas are the schemas of the types that marshal themselves to a JSON scalar,
// written as Kubernetes writes them.
func scalarSchemas() map[string]*Schema {
	return map[string]*Schema{
		timeName: {
			Type: "string", Format: "date-time",
			Description: "Time is a timestamp in RFC 3339 form with second precision, in UTC (\"2006-01-02T15:04:05Z\").",
		},
		microTimeName: {
			Type: "string", Format: "date-time",
			Description: "MicroTime is a timestamp in RFC 3339 form with microsecond precision (\"2006-01-02T15:04:05.000000Z\").",
		},
		quantityName: {
			OneOf: []*Schema{{Type: "string"}, {Type: "number"}},
			Description: "Quantity is a fixed-point number with an optional suffix: a binary SI suffix (Ki, Mi, Gi, Ti, Pi, Ei), " +
				"a decimal SI suffix (m, \"\", k, M, G, T, P, E) or a decimal exponent (e3, E6). Examples: \"100m\", \"1.5Gi\", \"2\". " +
				"It is written in canonical form: \"1.5\" becomes \"1500m\", \"1.5Gi\" becomes \"1536Mi\".",
		},
		intOrStrName: {
			Type: "string", Format: "int-or-string",
			Description: "IntOrString is a type that can hold an int32 or a string. When used in JSON or YAML marshalling and unmarshalling, it produces or consumes the inner type. This allows you to have, for example, a JSON field that can accept a name or number.",
		},
		patchName: {
			Type:        "object",
			Description: "Patch is the body of a PATCH request: a JSON patch, a JSON merge patch, a strategic merge patch or an apply configuration.",
		},
	}
}

// enums lists the values of the string types Kubernetes marks as enums, sorted as
// Kubernetes writes them.
func enums() map[reflect.Type][]string {
	return map[reflect.Type][]string{
		reflect.TypeFor[api.DNSPolicy]():                {"ClusterFirst", "ClusterFirstWithHostNet", "Default", "None"},
		reflect.TypeFor[api.NamespacePhase]():           {"Active", "Terminating"},
		reflect.TypeFor[api.NodePhase]():                {"Pending", "Running", "Terminated"},
		reflect.TypeFor[api.NodeSelectorOperator]():     {"DoesNotExist", "Exists", "Gt", "In", "Lt", "NotIn"},
		reflect.TypeFor[api.PodPhase]():                 {"Failed", "Pending", "Running", "Succeeded", "Unknown"},
		reflect.TypeFor[api.PodQOSClass]():              {"BestEffort", "Burstable", "Guaranteed"},
		reflect.TypeFor[api.Protocol]():                 {"SCTP", "TCP", "UDP"},
		reflect.TypeFor[api.PullPolicy]():               {"Always", "IfNotPresent", "Never"},
		reflect.TypeFor[api.RestartPolicy]():            {"Always", "Never", "OnFailure"},
		reflect.TypeFor[api.TaintEffect]():              {"NoExecute", "NoSchedule", "PreferNoSchedule"},
		reflect.TypeFor[api.TerminationMessagePolicy](): {"FallbackToLogsOnError", "File"},
		reflect.TypeFor[api.TolerationOperator]():       {"Equal", "Exists"},

		// Scheduling.
		reflect.TypeFor[api.NodeInclusionPolicy]():           {"Honor", "Ignore"},
		reflect.TypeFor[api.PreemptionPolicy]():              {"Never", "PreemptLowerPriority"},
		reflect.TypeFor[api.UnsatisfiableConstraintAction](): {"DoNotSchedule", "ScheduleAnyway"},
	}
}

// optionalFields are fields Kubernetes marks optional although their JSON tag has no
// omitempty, by "<schema>.<json field>". Every other field without omitempty is
// required.
func optionalFields() map[string]bool {
	return map[string]bool{
		core + "Event.reportingComponent": true,
		core + "Event.reportingInstance":  true,
		core + "ContainerImage.names":     true,
		core + "GRPCAction.service":       true,
	}
}

// fieldDefaults are the explicit defaults Kubernetes declares (+default markers), as
// JSON, by "<schema>.<json field>". Other fields default to their zero value when they
// are structs or have no omitempty.
func fieldDefaults() map[string]string {
	return map[string]string{
		core + "ContainerPort.protocol":     `"TCP"`,
		core + "ConfigMapKeySelector.name":  `""`,
		core + "SecretKeySelector.name":     `""`,
		core + "LocalObjectReference.name":  `""`,
		core + "ConfigMapVolumeSource.name": `""`,
		core + "ConfigMapEnvSource.name":    `""`,
		core + "SecretEnvSource.name":       `""`,
		core + "GRPCAction.service":         `""`,
	}
}

// listExtensions are the x-kubernetes-list-type, -list-map-keys and -map-type markers
// Kubernetes puts on fields, by "<schema>.<json field>".
func listExtensions() map[string]Schema {
	return map[string]Schema{
		core + "Container.ports":                                              {ListType: "map", ListMapKeys: []string{"containerPort", "protocol"}},
		core + "PodSpec.nodeSelector":                                         {MapType: "atomic"},
		core + "PodSpec.volumes":                                              {ListType: "map", ListMapKeys: []string{"name"}},
		core + "PodSpec.imagePullSecrets":                                     {ListType: "map", ListMapKeys: []string{"name"}},
		core + "Container.volumeMounts":                                       {ListType: "map", ListMapKeys: []string{"mountPath"}},
		core + "Container.envFrom":                                            {ListType: "atomic"},
		core + "PodSecurityContext.supplementalGroups":                        {ListType: "atomic"},
		core + "ConfigMapVolumeSource.items":                                  {ListType: "atomic"},
		core + "SecretVolumeSource.items":                                     {ListType: "atomic"},
		core + "DownwardAPIVolumeSource.items":                                {ListType: "atomic"},
		core + "ExecAction.command":                                           {ListType: "atomic"},
		core + "HTTPGetAction.httpHeaders":                                    {ListType: "atomic"},
		core + "Capabilities.add":                                             {ListType: "atomic"},
		core + "Capabilities.drop":                                            {ListType: "atomic"},
		core + "NodeSelectorTerm.matchExpressions":                            {ListType: "atomic"},
		core + "NodeSelectorTerm.matchFields":                                 {ListType: "atomic"},
		core + "NodeSelectorRequirement.values":                               {ListType: "atomic"},
		core + "NodeSelector.nodeSelectorTerms":                               {ListType: "atomic"},
		core + "NodeAffinity.preferredDuringSchedulingIgnoredDuringExecution": {ListType: "atomic"},
		meta + "ObjectMeta.finalizers":                                        {ListType: "set"},
		meta + "LabelSelector.matchExpressions":                               {ListType: "atomic"},
		meta + "LabelSelectorRequirement.values":                              {ListType: "atomic"},
		meta + "StatusDetails.causes":                                         {ListType: "atomic"},
		meta + "DeleteOptions.dryRun":                                         {ListType: "atomic"},

		// Scheduling.
		core + "PodSpec.tolerations":                                             {ListType: "atomic"},
		core + "PodSpec.topologySpreadConstraints":                               {ListType: "map", ListMapKeys: []string{"topologyKey", "whenUnsatisfiable"}},
		core + "PodAffinity.requiredDuringSchedulingIgnoredDuringExecution":      {ListType: "atomic"},
		core + "PodAffinity.preferredDuringSchedulingIgnoredDuringExecution":     {ListType: "atomic"},
		core + "PodAntiAffinity.requiredDuringSchedulingIgnoredDuringExecution":  {ListType: "atomic"},
		core + "PodAntiAffinity.preferredDuringSchedulingIgnoredDuringExecution": {ListType: "atomic"},
		core + "PodAffinityTerm.namespaces":                                      {ListType: "atomic"},
		core + "PodAffinityTerm.matchLabelKeys":                                  {ListType: "atomic"},
		core + "PodAffinityTerm.mismatchLabelKeys":                               {ListType: "atomic"},
		core + "TopologySpreadConstraint.matchLabelKeys":                         {ListType: "atomic"},
	}
}

// typeExtensions are the markers Kubernetes puts on whole schemas, by schema name.
func typeExtensions() map[string]Schema {
	return map[string]Schema{
		meta + "OwnerReference":       {MapType: "atomic"},
		meta + "LabelSelector":        {MapType: "atomic"},
		core + "ObjectFieldSelector":  {MapType: "atomic"},
		core + "ConfigMapKeySelector": {MapType: "atomic"},
		core + "SecretKeySelector":    {MapType: "atomic"},
		core + "NodeSelector":         {MapType: "atomic"},
		core + "NodeSelectorTerm":     {MapType: "atomic"},
		core + "ObjectReference":      {MapType: "atomic"},
		core + "LocalObjectReference": {MapType: "atomic"},
	}
}
