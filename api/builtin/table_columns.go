package builtin

import "github.com/orrery-dev/orrery/api"

// Column descriptions, word for word as Kubernetes' printers take them from the API's
// field documentation, so that `kubectl explain`-like tools and diffs against a real
// cluster's Tables agree.
const (
	descName = "Name must be unique within a namespace. Is required when creating resources, " +
		"although some resources may allow a client to request the generation of an appropriate " +
		"name automatically. Name is primarily intended for creation idempotence and configuration " +
		"definition. Cannot be updated. More info: " +
		"https://kubernetes.io/docs/concepts/overview/working-with-objects/names#names"
	descCreationTimestamp = "CreationTimestamp is a timestamp representing the server time when " +
		"this object was created. It is not guaranteed to be set in happens-before order across " +
		"separate operations. Clients may not set this value. It is represented in RFC3339 form " +
		"and is in UTC.\n\nPopulated by the system. Read-only. Null for lists. More info: " +
		"https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#metadata"

	descPodReady    = "The aggregate readiness state of this pod for accepting traffic."
	descPodStatus   = "The aggregate status of the containers in this pod."
	descPodRestarts = "The number of times the containers in this pod have been restarted and " +
		"when the last container in this pod has restarted."
	descPodIP = "podIP address allocated to the pod. Routable at least within the cluster. " +
		"Empty if not yet allocated."
	descPodNodeName = "NodeName indicates in which node this pod is scheduled. If empty, this pod " +
		"is a candidate for scheduling by the scheduler defined in schedulerName. Once this field " +
		"is set, the kubelet for this node becomes responsible for the lifecycle of this pod. This " +
		"field should not be used to express a desire for the pod to be scheduled on a specific " +
		"node. https://kubernetes.io/docs/concepts/scheduling-eviction/assign-pod-node/#nodename"
	descPodNominatedNodeName = "nominatedNodeName is set only when this pod preempts other pods " +
		"on the node, but it cannot be scheduled right away as preemption victims receive their " +
		"graceful termination periods. This field does not guarantee that the pod will be " +
		"scheduled on this node. Scheduler may decide to place the pod elsewhere if other nodes " +
		"become available sooner. Scheduler may also decide to give the resources on this node to " +
		"a higher priority pod that is created after preemption. As a result, this field may be " +
		"different than PodSpec.nodeName when the pod is scheduled."
	descPodReadinessGates = "If specified, all readiness gates will be evaluated for pod " +
		"readiness. A pod is ready when all its containers are ready AND all conditions specified " +
		"in the readiness gates have status equal to \"True\" More info: " +
		"https://git.k8s.io/enhancements/keps/sig-network/580-pod-readiness-gates"

	descNodeStatus     = "The status of the node"
	descNodeRoles      = "The roles of the node"
	descKubeletVersion = "Kubelet Version reported by the node."
	descNodeAddresses  = "List of addresses reachable to the node. Queried from cloud provider, if " +
		"available. More info: https://kubernetes.io/docs/reference/node/node-status/#addresses " +
		"Note: This field is declared as mergeable, but the merge key is not sufficiently unique, " +
		"which can cause data corruption when it is merged. Callers should instead use a " +
		"full-replacement patch. See https://pr.k8s.io/79391 for an example. Consumers should " +
		"assume that addresses can change during the lifetime of a Node. However, there are some " +
		"exceptions where this may not be possible, such as Pods that inherit a Node's address in " +
		"its own status or consumers of the downward API (status.hostIP)."
	descOSImage = "OS Image reported by the node from /etc/os-release (e.g. Debian GNU/Linux 7 " +
		"(wheezy))."
	descKernelVersion    = "Kernel Version reported by the node from 'uname -r' (e.g. 3.16.0-0.bpo.4-amd64)."
	descContainerRuntime = "ContainerRuntime Version reported by the node through runtime remote " +
		"API (e.g. containerd://1.4.2)."

	descRSDesired = "Replicas is the number of desired pods. This is a pointer to distinguish " +
		"between explicit zero and unspecified. Defaults to 1. More info: " +
		"https://kubernetes.io/docs/concepts/workloads/controllers/replicaset"
	descRSCurrent = "Replicas is the most recently observed number of non-terminating pods. " +
		"More info: https://kubernetes.io/docs/concepts/workloads/controllers/replicaset"
	descRSReady    = "The number of non-terminating pods targeted by this ReplicaSet with a Ready Condition."
	descContainers = "Names of each container in the template."
	descImages     = "Images referenced by each container in the template."
	descRSSelector = "Selector is a label query over pods that should match the replica count. " +
		"If the selector is empty, it is defaulted to the labels present on the pod template. " +
		"Label keys and values that must match in order to be controlled by this replica set. " +
		"More info: https://kubernetes.io/docs/concepts/overview/working-with-objects/labels/#label-selectors"

	descNamespaceStatus = "The status of the namespace"

	descEventLastSeen  = "The time at which the most recent occurrence of this event was recorded."
	descEventType      = "Type of this event (Normal, Warning), new types could be added in the future"
	descEventReason    = "This should be a short, machine understandable string that gives the reason for the transition into the object's current status."
	descEventObject    = "The object that this event is about."
	descEventSubobject = "If referring to a piece of an object instead of an entire object, this " +
		"string should contain a valid JSON/Go field access statement, such as " +
		"desiredState.manifest.containers[2]. For example, if the object reference is to a " +
		"container within a pod, this would take on a value like: \"spec.containers{name}\" " +
		"(where \"name\" refers to the name of the container that triggered the event) or if no " +
		"container name is specified \"spec.containers[2]\" (container with index 2 in this " +
		"pod). This syntax is chosen only to have some well-defined way of referencing a part " +
		"of an object."
	descEventSource    = "The component reporting this event. Should be a short machine understandable string."
	descEventMessage   = "A human-readable description of the status of this operation."
	descEventFirstSeen = "The time at which the event was first recorded. (Time of server receipt is in TypeMeta.)"
	descEventCount     = "The number of times this event has occurred."

	descLeaseHolder = "holderIdentity contains the identity of the holder of a current lease. If " +
		"Coordinated Leader Election is used, the holder identity must be equal to the elected " +
		"LeaseCandidate.metadata.name field."
)

// Cell types of a column.
const (
	typeString  = "string"
	typeInteger = "integer"
)

// col builds a priority-0 column; wide builds a priority-1 one.
func col(name, typ, desc string) api.TableColumnDefinition {
	return api.TableColumnDefinition{Name: name, Type: typ, Description: desc}
}

func wide(name, typ, desc string) api.TableColumnDefinition {
	return api.TableColumnDefinition{Name: name, Type: typ, Description: desc, Priority: 1}
}

// nameColumn is the NAME column every printer starts with (Events have it last).
func nameColumn() api.TableColumnDefinition {
	return api.TableColumnDefinition{Name: "Name", Type: typeString, Format: "name", Description: descName}
}

// ageColumn is the AGE column; Kubernetes types it "string", the cell being preformatted.
func ageColumn() api.TableColumnDefinition {
	return col("Age", typeString, descCreationTimestamp)
}

// DefaultColumns are those of Kubernetes' default table convertor, for kinds whose
// registration gives no columns: NAME, and "Created At" (a "date" column holding the
// RFC 3339 creation time).
func DefaultColumns() []api.TableColumnDefinition {
	return []api.TableColumnDefinition{nameColumn(), col("Created At", "date", descCreationTimestamp)}
}
