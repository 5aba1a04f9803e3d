package patch

import (
	"strings"
	"testing"
)

// deploymentSchema is apps/v1 Deployment, for the examples of Kubernetes' documentation:
// a ReplicaSet's schema plus spec.strategy, tagged patchStrategy "retainKeys".
func deploymentSchema() *Schema {
	s := schemaFor("ReplicaSet")
	s.Fields["spec"].Fields["strategy"] = &Schema{PatchStrategy: StrategyRetainKeys}
	return s
}

type strategicCase struct {
	patchCase
	schema *Schema
}

func TestStrategicMergePatch(t *testing.T) {
	t.Parallel()
	pod, rs, node, ns := schemaFor("Pod"), schemaFor("ReplicaSet"), schemaFor("Node"), schemaFor("Namespace")
	deploy := deploymentSchema()

	const demo = `{"apiVersion":"apps/v1","kind":"Deployment","metadata":{"name":"patch-demo"},"spec":{"replicas":2,
		"selector":{"matchLabels":{"app":"nginx"}},"template":{"metadata":{"labels":{"app":"nginx"}},
		"spec":{"containers":[{"name":"patch-demo-ctr","image":"nginx"}],
		"tolerations":[{"effect":"NoSchedule","key":"dedicated","value":"test-team"}]}}}}`

	tests := []strategicCase{
		// Examples of "Update API Objects in Place Using kubectl patch".
		{schema: deploy, patchCase: patchCase{
			name:  "kubectl patch docs/containers are merged by name",
			doc:   demo,
			patch: `{"spec":{"template":{"spec":{"containers":[{"name":"patch-demo-ctr-2","image":"redis"}]}}}}`,
			want: `{"apiVersion":"apps/v1","kind":"Deployment","metadata":{"name":"patch-demo"},"spec":{"replicas":2,
				"selector":{"matchLabels":{"app":"nginx"}},"template":{"metadata":{"labels":{"app":"nginx"}},
				"spec":{"containers":[{"name":"patch-demo-ctr-2","image":"redis"},{"name":"patch-demo-ctr","image":"nginx"}],
				"tolerations":[{"effect":"NoSchedule","key":"dedicated","value":"test-team"}]}}}}`,
		}},
		{schema: deploy, patchCase: patchCase{
			name:  "kubectl patch docs/tolerations are replaced",
			doc:   demo,
			patch: `{"spec":{"template":{"spec":{"tolerations":[{"effect":"NoSchedule","key":"disktype","value":"ssd"}]}}}}`,
			want: `{"apiVersion":"apps/v1","kind":"Deployment","metadata":{"name":"patch-demo"},"spec":{"replicas":2,
				"selector":{"matchLabels":{"app":"nginx"}},"template":{"metadata":{"labels":{"app":"nginx"}},
				"spec":{"containers":[{"name":"patch-demo-ctr","image":"nginx"}],
				"tolerations":[{"effect":"NoSchedule","key":"disktype","value":"ssd"}]}}}}`,
		}},
		{schema: deploy, patchCase: patchCase{
			name:  "kubectl patch docs/strategy without retainKeys keeps rollingUpdate",
			doc:   `{"spec":{"strategy":{"rollingUpdate":{"maxSurge":"30%"}}}}`,
			patch: `{"spec":{"strategy":{"type":"Recreate"}}}`,
			want:  `{"spec":{"strategy":{"rollingUpdate":{"maxSurge":"30%"},"type":"Recreate"}}}`,
		}},
		{schema: deploy, patchCase: patchCase{
			name:  "kubectl patch docs/retainKeys clears rollingUpdate",
			doc:   `{"spec":{"strategy":{"rollingUpdate":{"maxSurge":"30%"}}}}`,
			patch: `{"spec":{"strategy":{"$retainKeys":["type"],"type":"Recreate"}}}`,
			want:  `{"spec":{"strategy":{"type":"Recreate"}}}`,
		}},
		{schema: node, patchCase: patchCase{
			name:  "kubectl patch node unschedulable",
			doc:   `{"metadata":{"name":"k8s-node-1"},"spec":{"podCIDR":"10.0.0.0/24"}}`,
			patch: `{"spec":{"unschedulable":true}}`,
			want:  `{"metadata":{"name":"k8s-node-1"},"spec":{"podCIDR":"10.0.0.0/24","unschedulable":true}}`,
		}},
		{schema: pod, patchCase: patchCase{
			name:  "kubectl patch pod container image",
			doc:   `{"spec":{"containers":[{"name":"kubernetes-serve-hostname","image":"old","ports":[{"containerPort":9376}]}]}}`,
			patch: `{"spec":{"containers":[{"name":"kubernetes-serve-hostname","image":"new image"}]}}`,
			want:  `{"spec":{"containers":[{"name":"kubernetes-serve-hostname","image":"new image","ports":[{"containerPort":9376}]}]}}`,
		}},

		// Examples of the strategic merge patch design document, one per directive.
		{schema: pod, patchCase: patchCase{
			name:  "design doc/replace a map",
			doc:   `{"spec":{"nodeName":"n1","containers":[{"name":"old","image":"old"}]}}`,
			patch: `{"spec":{"$patch":"replace","containers":[{"name":"nginx","image":"nginx-1.0"}]}}`,
			want:  `{"spec":{"containers":[{"name":"nginx","image":"nginx-1.0"}]}}`,
		}},
		{schema: pod, patchCase: patchCase{
			name:  "design doc/replace a list of maps",
			doc:   `{"spec":{"containers":[{"name":"nginx","image":"nginx-0.9"},{"name":"log-tailer","image":"log-tailer-1.0"}]}}`,
			patch: `{"spec":{"containers":[{"name":"nginx","image":"nginx-1.0"},{"$patch":"replace"}]}}`,
			want:  `{"spec":{"containers":[{"name":"nginx","image":"nginx-1.0"}]}}`,
		}},
		{schema: pod, patchCase: patchCase{
			name:  "design doc/delete from a list of maps",
			doc:   `{"spec":{"containers":[{"name":"nginx","image":"nginx-0.9"},{"name":"log-tailer","image":"log-tailer-1.0"}]}}`,
			patch: `{"spec":{"containers":[{"name":"nginx","image":"nginx-1.0"},{"$patch":"delete","name":"log-tailer"}]}}`,
			want:  `{"spec":{"containers":[{"name":"nginx","image":"nginx-1.0"}]}}`,
		}},
		{schema: pod, patchCase: patchCase{
			name:  "design doc/delete removes every matching entry",
			doc:   `{"spec":{"containers":[{"name":"a"},{"name":"b"},{"name":"a","image":"dup"}]}}`,
			patch: `{"spec":{"containers":[{"$patch":"delete","name":"a"}]}}`,
			want:  `{"spec":{"containers":[{"name":"b"}]}}`,
		}},
		{schema: deploy, patchCase: patchCase{
			// Kubernetes leaves an empty map, which decodes to a zero struct.
			name:  "design doc/delete a map",
			doc:   `{"spec":{"strategy":{"type":"RollingUpdate","rollingUpdate":{"maxSurge":1}}}}`,
			patch: `{"spec":{"strategy":{"rollingUpdate":{"$patch":"delete"}}}}`,
			want:  `{"spec":{"strategy":{"type":"RollingUpdate","rollingUpdate":{}}}}`,
		}},
		{schema: deploy, patchCase: patchCase{
			name:  "design doc/delete a map with null",
			doc:   `{"spec":{"strategy":{"type":"RollingUpdate","rollingUpdate":{"maxSurge":1}}}}`,
			patch: `{"spec":{"strategy":{"rollingUpdate":null}}}`,
			want:  `{"spec":{"strategy":{"type":"RollingUpdate"}}}`,
		}},
		{schema: pod, patchCase: patchCase{
			name:  "design doc/deleteFromPrimitiveList",
			doc:   `{"metadata":{"finalizers":["a","b","c"]}}`,
			patch: `{"metadata":{"$deleteFromPrimitiveList/finalizers":["b","c"]}}`,
			want:  `{"metadata":{"finalizers":["a"]}}`,
		}},
		{schema: pod, patchCase: patchCase{
			name:  "design doc/deleteFromPrimitiveList removes duplicates too",
			doc:   `{"metadata":{"finalizers":["a","b","b","c"]}}`,
			patch: `{"metadata":{"$deleteFromPrimitiveList/finalizers":["b"]}}`,
			want:  `{"metadata":{"finalizers":["a","c"]}}`,
		}},
		{schema: pod, patchCase: patchCase{
			name:  "design doc/setElementOrder of primitives",
			doc:   `{"metadata":{"finalizers":["a","b","c"]}}`,
			patch: `{"metadata":{"$setElementOrder/finalizers":["b","c","a"]}}`,
			want:  `{"metadata":{"finalizers":["b","c","a"]}}`,
		}},
		{schema: pod, patchCase: patchCase{
			name:  "design doc/setElementOrder of maps",
			doc:   `{"spec":{"containers":[{"name":"a","image":"ia"},{"name":"b","image":"ib"},{"name":"c","image":"ic"}]}}`,
			patch: `{"spec":{"$setElementOrder/containers":[{"name":"b"},{"name":"c"},{"name":"a"}]}}`,
			want:  `{"spec":{"containers":[{"name":"b","image":"ib"},{"name":"c","image":"ic"},{"name":"a","image":"ia"}]}}`,
		}},
		{schema: nil, patchCase: patchCase{
			name:  "design doc/retainKeys on a union",
			doc:   `{"union":{"foo":"a","other":"b"}}`,
			patch: `{"union":{"$retainKeys":["another","bar"],"another":"d","bar":"c"}}`,
			want:  `{"union":{"another":"d","bar":"c"}}`,
		}},

		// Merging lists the way Kubernetes orders them.
		{schema: pod, patchCase: patchCase{
			name:  "finalizers are merged as a set",
			doc:   `{"metadata":{"finalizers":["a","b","c"]}}`,
			patch: `{"metadata":{"finalizers":["b","d"]}}`,
			want:  `{"metadata":{"finalizers":["a","b","d","c"]}}`,
		}},
		{schema: pod, patchCase: patchCase{
			name:  "a new finalizer comes first",
			doc:   `{"metadata":{"finalizers":["a"]}}`,
			patch: `{"metadata":{"finalizers":["b"]}}`,
			want:  `{"metadata":{"finalizers":["b","a"]}}`,
		}},
		{schema: pod, patchCase: patchCase{
			name:  "finalizer already present",
			doc:   `{"metadata":{"finalizers":["a","b"]}}`,
			patch: `{"metadata":{"finalizers":["b"]}}`,
			want:  `{"metadata":{"finalizers":["a","b"]}}`,
		}},
		{schema: pod, patchCase: patchCase{
			name:  "finalizers set where there were none",
			doc:   `{"metadata":{"name":"p"}}`,
			patch: `{"metadata":{"finalizers":["a"]}}`,
			want:  `{"metadata":{"name":"p","finalizers":["a"]}}`,
		}},
		{schema: pod, patchCase: patchCase{
			name:  "ownerReferences merge by uid",
			doc:   `{"metadata":{"ownerReferences":[{"uid":"1","name":"a","kind":"ReplicaSet"},{"uid":"2","name":"b","kind":"ReplicaSet"}]}}`,
			patch: `{"metadata":{"ownerReferences":[{"uid":"2","controller":true}]}}`,
			want:  `{"metadata":{"ownerReferences":[{"uid":"1","name":"a","kind":"ReplicaSet"},{"uid":"2","name":"b","kind":"ReplicaSet","controller":true}]}}`,
		}},
		{schema: pod, patchCase: patchCase{
			name:  "ownerReference deleted by uid",
			doc:   `{"metadata":{"ownerReferences":[{"uid":"1","name":"a"},{"uid":"2","name":"b"}]}}`,
			patch: `{"metadata":{"ownerReferences":[{"$patch":"delete","uid":"1"}]}}`,
			want:  `{"metadata":{"ownerReferences":[{"uid":"2","name":"b"}]}}`,
		}},
		{schema: pod, patchCase: patchCase{
			name:  "an empty merge list changes nothing",
			doc:   `{"spec":{"containers":[{"name":"a"},{"name":"b"}]}}`,
			patch: `{"spec":{"containers":[]}}`,
			want:  `{"spec":{"containers":[{"name":"a"},{"name":"b"}]}}`,
		}},
		{schema: pod, patchCase: patchCase{
			name:  "patch elements come in patch order",
			doc:   `{"spec":{"containers":[{"name":"a"},{"name":"b"},{"name":"c"}]}}`,
			patch: `{"spec":{"containers":[{"name":"c","image":"ic"},{"name":"a","image":"ia"}]}}`,
			want:  `{"spec":{"containers":[{"name":"b"},{"name":"c","image":"ic"},{"name":"a","image":"ia"}]}}`,
		}},
		{schema: pod, patchCase: patchCase{
			name: "container ports, env and volumeMounts merge by their keys",
			doc: `{"spec":{"containers":[{"name":"a","ports":[{"containerPort":80,"protocol":"TCP"}],
				"env":[{"name":"X","value":"1"},{"name":"Y","value":"2"}],"volumeMounts":[{"name":"v","mountPath":"/data"}]}]}}`,
			patch: `{"spec":{"containers":[{"name":"a","ports":[{"containerPort":80,"name":"http"},{"containerPort":443}],
				"env":[{"name":"Y","value":"3"},{"$patch":"delete","name":"X"}],"volumeMounts":[{"mountPath":"/data","readOnly":true}]}]}}`,
			want: `{"spec":{"containers":[{"name":"a","ports":[{"containerPort":80,"protocol":"TCP","name":"http"},{"containerPort":443}],
				"env":[{"name":"Y","value":"3"}],"volumeMounts":[{"name":"v","mountPath":"/data","readOnly":true}]}]}}`,
		}},
		{schema: pod, patchCase: patchCase{
			name:  "initContainers and imagePullSecrets merge by name",
			doc:   `{"spec":{"initContainers":[{"name":"init","image":"busybox"}],"imagePullSecrets":[{"name":"a"}]}}`,
			patch: `{"spec":{"initContainers":[{"name":"init","image":"busybox:1.36"}],"imagePullSecrets":[{"name":"b"}]}}`,
			want:  `{"spec":{"initContainers":[{"name":"init","image":"busybox:1.36"}],"imagePullSecrets":[{"name":"b"},{"name":"a"}]}}`,
		}},
		{schema: pod, patchCase: patchCase{
			name:  "volumes merge by name and retain keys",
			doc:   `{"spec":{"volumes":[{"name":"v","emptyDir":{}},{"name":"w","emptyDir":{}}]}}`,
			patch: `{"spec":{"volumes":[{"name":"v","$retainKeys":["name","configMap"],"configMap":{"name":"cm"}}]}}`,
			want:  `{"spec":{"volumes":[{"name":"v","configMap":{"name":"cm"}},{"name":"w","emptyDir":{}}]}}`,
		}},
		{schema: pod, patchCase: patchCase{
			name:  "nested replace inside a merged element",
			doc:   `{"spec":{"containers":[{"name":"a","resources":{"limits":{"cpu":"1"},"requests":{"cpu":"1"}}}]}}`,
			patch: `{"spec":{"containers":[{"name":"a","resources":{"$patch":"replace","limits":{"cpu":"2"}}}]}}`,
			want:  `{"spec":{"containers":[{"name":"a","resources":{"limits":{"cpu":"2"}}}]}}`,
		}},
		{schema: pod, patchCase: patchCase{
			name:  "tolerations are replaced",
			doc:   `{"spec":{"tolerations":[{"key":"a","operator":"Exists"}]}}`,
			patch: `{"spec":{"tolerations":[{"key":"b","operator":"Exists"}]}}`,
			want:  `{"spec":{"tolerations":[{"key":"b","operator":"Exists"}]}}`,
		}},
		{schema: pod, patchCase: patchCase{
			name:  "pod status conditions merge by type",
			doc:   `{"status":{"phase":"Pending","conditions":[{"type":"PodScheduled","status":"True"},{"type":"Ready","status":"False"}]}}`,
			patch: `{"status":{"phase":"Running","conditions":[{"type":"Ready","status":"True"}]}}`,
			want:  `{"status":{"phase":"Running","conditions":[{"type":"PodScheduled","status":"True"},{"type":"Ready","status":"True"}]}}`,
		}},
		{schema: pod, patchCase: patchCase{
			name: "kubelet status patch with setElementOrder",
			doc: `{"status":{"conditions":[{"type":"Initialized","status":"True"},{"type":"Ready","status":"False"},
				{"type":"ContainersReady","status":"False"},{"type":"PodScheduled","status":"True"}]}}`,
			patch: `{"status":{"$setElementOrder/conditions":[{"type":"Initialized"},{"type":"Ready"},{"type":"ContainersReady"},{"type":"PodScheduled"}],
				"conditions":[{"type":"Ready","status":"True"},{"type":"ContainersReady","status":"True"}],
				"podIPs":[{"ip":"10.0.0.5"}],"podIP":"10.0.0.5"}}`,
			want: `{"status":{"conditions":[{"type":"Initialized","status":"True"},{"type":"Ready","status":"True"},
				{"type":"ContainersReady","status":"True"},{"type":"PodScheduled","status":"True"}],
				"podIPs":[{"ip":"10.0.0.5"}],"podIP":"10.0.0.5"}}`,
		}},
		{schema: pod, patchCase: patchCase{
			name:  "podIPs merge by ip",
			doc:   `{"status":{"podIPs":[{"ip":"10.0.0.5"}]}}`,
			patch: `{"status":{"podIPs":[{"ip":"fd00::5"}]}}`,
			want:  `{"status":{"podIPs":[{"ip":"fd00::5"},{"ip":"10.0.0.5"}]}}`,
		}},
		{schema: pod, patchCase: patchCase{
			name:  "setElementOrder places new elements",
			doc:   `{"spec":{"containers":[{"name":"a"},{"name":"b"}]}}`,
			patch: `{"spec":{"$setElementOrder/containers":[{"name":"a"},{"name":"c"},{"name":"b"}],"containers":[{"name":"c","image":"ic"}]}}`,
			want:  `{"spec":{"containers":[{"name":"a"},{"name":"c","image":"ic"},{"name":"b"}]}}`,
		}},
		{schema: pod, patchCase: patchCase{
			name:  "setElementOrder with a deletion (kubectl apply)",
			doc:   `{"spec":{"containers":[{"name":"a"},{"name":"b"}]}}`,
			patch: `{"spec":{"$setElementOrder/containers":[{"name":"a"}],"containers":[{"$patch":"delete","name":"b"}]}}`,
			want:  `{"spec":{"containers":[{"name":"a"}]}}`,
		}},
		{schema: pod, patchCase: patchCase{
			name:  "setElementOrder keeps server-only elements",
			doc:   `{"spec":{"containers":[{"name":"a"},{"name":"x"},{"name":"b"}]}}`,
			patch: `{"spec":{"$setElementOrder/containers":[{"name":"b"},{"name":"a"}]}}`,
			want:  `{"spec":{"containers":[{"name":"x"},{"name":"b"},{"name":"a"}]}}`,
		}},
		{schema: pod, patchCase: patchCase{
			name:  "setElementOrder for a list the document lacks",
			doc:   `{"spec":{}}`,
			patch: `{"spec":{"$setElementOrder/containers":[{"name":"b"},{"name":"a"}],"containers":[{"name":"b","x":null},{"name":"a"}]}}`,
			want:  `{"spec":{"containers":[{"name":"b","x":null},{"name":"a"}]}}`,
		}},
		{schema: rs, patchCase: patchCase{
			name:  "replicaset template containers and status conditions",
			doc:   `{"spec":{"replicas":1,"template":{"spec":{"containers":[{"name":"a","image":"v1"}]}}},"status":{"conditions":[{"type":"ReplicaFailure","status":"True"}]}}`,
			patch: `{"spec":{"replicas":3,"template":{"spec":{"containers":[{"name":"a","image":"v2"}]}}},"status":{"conditions":[{"type":"ReplicaFailure","status":"False"}]}}`,
			want:  `{"spec":{"replicas":3,"template":{"spec":{"containers":[{"name":"a","image":"v2"}]}}},"status":{"conditions":[{"type":"ReplicaFailure","status":"False"}]}}`,
		}},
		{schema: node, patchCase: patchCase{
			name: "node status conditions and addresses merge by type",
			doc: `{"status":{"conditions":[{"type":"Ready","status":"True","reason":"KubeletReady"},{"type":"MemoryPressure","status":"False"}],
				"addresses":[{"type":"InternalIP","address":"10.0.0.1"},{"type":"Hostname","address":"n1"}]}}`,
			patch: `{"status":{"conditions":[{"type":"Ready","status":"Unknown","reason":"NodeStatusUnknown"}],"addresses":[{"type":"InternalIP","address":"10.0.0.2"}]}}`,
			want: `{"status":{"conditions":[{"type":"Ready","status":"Unknown","reason":"NodeStatusUnknown"},{"type":"MemoryPressure","status":"False"}],
				"addresses":[{"type":"InternalIP","address":"10.0.0.2"},{"type":"Hostname","address":"n1"}]}}`,
		}},
		{schema: node, patchCase: patchCase{
			name:  "node taints are replaced and podCIDRs merged",
			doc:   `{"spec":{"podCIDRs":["10.0.0.0/24"],"taints":[{"key":"a","effect":"NoSchedule"}]}}`,
			patch: `{"spec":{"podCIDRs":["fd00::/64"],"taints":[{"key":"node.kubernetes.io/unreachable","effect":"NoExecute"}]}}`,
			want:  `{"spec":{"podCIDRs":["fd00::/64","10.0.0.0/24"],"taints":[{"key":"node.kubernetes.io/unreachable","effect":"NoExecute"}]}}`,
		}},
		{schema: node, patchCase: patchCase{
			name:  "taint removed by patching the whole list",
			doc:   `{"spec":{"taints":[{"key":"a","effect":"NoSchedule"},{"key":"b","effect":"NoExecute"}]}}`,
			patch: `{"spec":{"taints":[{"key":"b","effect":"NoExecute"}]}}`,
			want:  `{"spec":{"taints":[{"key":"b","effect":"NoExecute"}]}}`,
		}},
		{schema: ns, patchCase: patchCase{
			name:  "namespace spec finalizers are replaced, status conditions merged",
			doc:   `{"spec":{"finalizers":["kubernetes"]},"status":{"phase":"Active"}}`,
			patch: `{"spec":{"finalizers":[]},"status":{"phase":"Terminating","conditions":[{"type":"NamespaceDeletionContentFailure","status":"False"}]}}`,
			want:  `{"spec":{"finalizers":[]},"status":{"phase":"Terminating","conditions":[{"type":"NamespaceDeletionContentFailure","status":"False"}]}}`,
		}},
		{schema: schemaFor("Lease"), patchCase: patchCase{
			name:  "lease renewal",
			doc:   `{"metadata":{"name":"n1"},"spec":{"holderIdentity":"n1","leaseDurationSeconds":40,"renewTime":"2024-01-01T00:00:00.000000Z"}}`,
			patch: `{"spec":{"renewTime":"2024-01-01T00:00:10.000000Z"}}`,
			want:  `{"metadata":{"name":"n1"},"spec":{"holderIdentity":"n1","leaseDurationSeconds":40,"renewTime":"2024-01-01T00:00:10.000000Z"}}`,
		}},

		// Merge semantics shared with JSON merge patch.
		{schema: pod, patchCase: patchCase{
			name:  "null deletes a key",
			doc:   `{"metadata":{"labels":{"a":"1","b":"2"}}}`,
			patch: `{"metadata":{"labels":{"a":null}}}`,
			want:  `{"metadata":{"labels":{"b":"2"}}}`,
		}},
		{schema: pod, patchCase: patchCase{
			name:  "nulls in a new subtree are dropped",
			doc:   `{"metadata":{}}`,
			patch: `{"metadata":{"labels":{"a":null,"b":"x"}}}`,
			want:  `{"metadata":{"labels":{"b":"x"}}}`,
		}},
		{schema: pod, patchCase: patchCase{
			name:  "a value of another type replaces",
			doc:   `{"a":"x","b":[1]}`,
			patch: `{"a":{"b":null,"c":1},"b":{"c":2}}`,
			want:  `{"a":{"c":1},"b":{"c":2}}`,
		}},
		{schema: pod, patchCase: patchCase{
			// As in Kubernetes: a new value carrying "$patch" is dropped whole.
			name:  "a new subtree with a directive is dropped",
			doc:   `{"metadata":{"name":"p"}}`,
			patch: `{"metadata":{"annotations":{"$patch":"replace","a":"b"},"labels":{"x":"y","z":{"$patch":"delete"}}}}`,
			want:  `{"metadata":{"name":"p","labels":{"x":"y"}}}`,
		}},
		{schema: nil, patchCase: patchCase{
			name:  "no schema replaces lists",
			doc:   `{"spec":{"containers":[{"name":"a"},{"name":"b"}]}}`,
			patch: `{"spec":{"containers":[{"name":"c"}]}}`,
			want:  `{"spec":{"containers":[{"name":"c"}]}}`,
		}},
		{schema: nil, patchCase: patchCase{
			name:  "no schema still honours deleteFromPrimitiveList",
			doc:   `{"metadata":{"finalizers":["a","b"]}}`,
			patch: `{"metadata":{"$deleteFromPrimitiveList/finalizers":["a"]}}`,
			want:  `{"metadata":{"finalizers":["b"]}}`,
		}},
		{schema: nil, patchCase: patchCase{
			name:  "no schema still honours map directives",
			doc:   `{"a":{"b":1,"c":2},"d":{"e":1}}`,
			patch: `{"a":{"$patch":"replace","f":3},"d":{"$patch":"delete"}}`,
			want:  `{"a":{"f":3},"d":{}}`,
		}},
		{schema: pod, patchCase: patchCase{
			name:  "whole object deleted",
			doc:   `{"a":1}`,
			patch: `{"$patch":"delete"}`,
			want:  `{}`,
		}},
		{schema: pod, patchCase: patchCase{name: "null patch changes nothing", doc: `{"a":1}`, patch: `null`, want: `{"a":1}`}},
		{schema: pod, patchCase: patchCase{name: "integers keep exact values", doc: `{"a":9007199254740993}`, patch: `{"b":-9223372036854775808}`, want: `{"a":9007199254740993,"b":-9223372036854775808}`}},

		// Errors.
		{schema: pod, patchCase: patchCase{
			name: "merge directive in a map", doc: `{"a":{"b":1}}`, patch: `{"a":{"$patch":"merge","c":1}}`,
			wantErr: "unknown patch type: merge in map: map[$patch:merge c:1]", wantClass: ErrInvalidPatch,
		}},
		{schema: pod, patchCase: patchCase{
			name: "merge directive in a list", doc: `{"spec":{"containers":[{"name":"a"}]}}`, patch: `{"spec":{"containers":[{"$patch":"merge"}]}}`,
			wantErr: "merging lists cannot yet be specified in the patch", wantClass: ErrInvalidPatch,
		}},
		{schema: pod, patchCase: patchCase{
			name: "unknown directive in a list", doc: `{"spec":{"containers":[{"name":"a"}]}}`, patch: `{"spec":{"containers":[{"$patch":"drop","name":"a"}]}}`,
			wantErr: "unknown patch type: drop in map: map[$patch:drop name:a]", wantClass: ErrInvalidPatch,
		}},
		{schema: pod, patchCase: patchCase{
			name: "patch element without merge key", doc: `{"spec":{"containers":[{"name":"a"}]}}`, patch: `{"spec":{"containers":[{"image":"x"}]}}`,
			wantErr: "map: map[image:x] does not contain declared merge key: name", wantClass: ErrInvalidPatch,
		}},
		{schema: pod, patchCase: patchCase{
			name: "delete element without merge key", doc: `{"spec":{"containers":[{"name":"a"}]}}`, patch: `{"spec":{"containers":[{"$patch":"delete"}]}}`,
			wantErr: "map: map[$patch:delete] does not contain declared merge key: name", wantClass: ErrInvalidPatch,
		}},
		{schema: pod, patchCase: patchCase{
			name: "document element without merge key", doc: `{"spec":{"containers":[{"image":"x"}]}}`, patch: `{"spec":{"containers":[{"name":"a"}]}}`,
			wantErr: "map: map[image:x] does not contain declared merge key: name", wantClass: ErrCannotApply,
		}},
		{schema: pod, patchCase: patchCase{
			name: "retainKeys is not a list", doc: `{"a":{}}`, patch: `{"a":{"$retainKeys":"b"}}`,
			wantErr: "invalid patch format of retainKeys", wantClass: ErrInvalidPatch,
		}},
		{schema: pod, patchCase: patchCase{
			name: "patch sets a field retainKeys clears", doc: `{"a":{}}`, patch: `{"a":{"$retainKeys":["b"],"c":1}}`,
			wantErr: "invalid patch format of retainKeys", wantClass: ErrInvalidPatch,
		}},
		{schema: pod, patchCase: patchCase{
			name: "malformed deleteFromPrimitiveList", doc: `{"a":["x"]}`, patch: `{"$deleteFromPrimitiveLista":["x"]}`,
			wantErr: "invalid patch format of primitive list", wantClass: ErrInvalidPatch,
		}},
		{schema: pod, patchCase: patchCase{
			name: "malformed setElementOrder", doc: `{"a":["x"]}`, patch: `{"$setElementOrdera":["x"]}`,
			wantErr: "invalid patch format of setElementOrder list", wantClass: ErrInvalidPatch,
		}},
		{schema: pod, patchCase: patchCase{
			name: "setElementOrder that is not a list", doc: `{"a":["x"]}`, patch: `{"$setElementOrder/a":"x"}`,
			wantClass: ErrInvalidPatch,
		}},
		{schema: pod, patchCase: patchCase{
			name: "setElementOrder contradicting the patch list", doc: `{"spec":{"containers":[{"name":"a"},{"name":"b"}]}}`,
			patch:     `{"spec":{"$setElementOrder/containers":[{"name":"a"},{"name":"b"}],"containers":[{"name":"b"},{"name":"a"}]}}`,
			wantClass: ErrInvalidPatch,
		}},
		{schema: pod, patchCase: patchCase{
			name: "lists of lists", doc: `{"metadata":{"finalizers":[["a"]]}}`, patch: `{"metadata":{"finalizers":[["b"]]}}`,
			wantErr: "lists of lists are not supported", wantClass: ErrCannotApply,
		}},
		{schema: pod, patchCase: patchCase{
			name: "elements of different types", doc: `{"metadata":{"finalizers":["a"]}}`, patch: `{"metadata":{"finalizers":[1]}}`,
			wantErr: "list element types are not identical: [[a] [1]]", wantClass: ErrCannotApply,
		}},
		{schema: pod, patchCase: patchCase{
			name: "null element in a merged list", doc: `{"metadata":{"finalizers":[null]}}`, patch: `{"metadata":{"finalizers":["a"]}}`,
			wantClass: ErrCannotApply,
		}},
		{schema: pod, patchCase: patchCase{
			name: "object-valued merge keys", doc: `{"spec":{"containers":[{"name":{"a":1},"image":"x"}]}}`, patch: `{"spec":{"containers":[{"name":{"a":1},"image":"y"}]}}`,
			want: `{"spec":{"containers":[{"name":{"a":1},"image":"y"}]}}`,
		}},
		{schema: pod, patchCase: patchCase{name: "patch is a list", doc: `{}`, patch: `[]`, wantClass: ErrInvalidPatch}},
		{schema: pod, patchCase: patchCase{name: "patch is not JSON", doc: `{}`, patch: `{`, wantClass: ErrInvalidPatch}},
		{schema: pod, patchCase: patchCase{name: "document is a list", doc: `[]`, patch: `{}`, wantClass: ErrInvalidDocument}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			got, err := StrategicMergePatch([]byte(tc.doc), []byte(tc.patch), tc.schema)
			tc.check(t, got, err)
		})
	}
}

func TestStrategicMergePatchResultHasNoDirectives(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name  string
		doc   string
		patch string
	}{
		{"appended element", `{"spec":{"containers":[{"name":"a"}]}}`, `{"spec":{"containers":[{"name":"b","resources":{"$patch":"replace","limits":{}}}]}}`},
		{"replaced list", `{"spec":{"tolerations":[{"key":"a"}]}}`, `{"spec":{"tolerations":[{"key":"b","x":{"$retainKeys":["y"],"y":1}}]}}`},
		{"replaced map", `{"a":{"b":1}}`, `{"a":{"$patch":"replace","c":{"$setElementOrder/d":[],"$deleteFromPrimitiveList/e":[]}}}`},
		{"new subtree", `{}`, `{"a":{"b":{"$retainKeys":["c"],"c":1},"$setElementOrder/x":[1]}}`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			got, err := StrategicMergePatch([]byte(tc.doc), []byte(tc.patch), schemaFor("Pod"))
			if err != nil {
				t.Fatal(err)
			}
			if strings.Contains(string(got), `"$`) {
				t.Errorf("got %s, want no directive keys", got)
			}
		})
	}
}
