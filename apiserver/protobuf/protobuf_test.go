package protobuf

import (
	"encoding/json"
	"errors"
	"strings"
	"testing"

	"github.com/orrery-dev/orrery/api/protoschema"
)

// meta is an ObjectMeta with every field Orrery models.
func meta() *pb {
	return newPB().
		str(1, "web").
		str(2, "web-").
		str(3, "prod").
		str(4, "/api/v1/self-link-is-skipped").
		str(5, "uid-1").
		str(6, "42").
		int(7, 3).
		timestamp(8, 1700000000, 999).
		timestamp(9, 1700000060, 0).
		int(10, 30).
		entry(11, "app", "web").
		entry(11, "tier", "front").
		entry(12, "note", "x").
		msg(13, newPB().str(1, "ReplicaSet").str(3, "rs").str(4, "uid-rs").str(5, "apps/v1").boolean(6, true).boolean(7, false)).
		str(14, "a/b").
		str(14, "c/d").
		msg(17, newPB().str(1, "manager-is-skipped"))
}

const metaJSON = `{
	"name": "web", "generateName": "web-", "namespace": "prod", "uid": "uid-1",
	"resourceVersion": "42", "generation": 3,
	"creationTimestamp": "2023-11-14T22:13:20Z", "deletionTimestamp": "2023-11-14T22:14:20Z",
	"deletionGracePeriodSeconds": 30,
	"labels": {"app": "web", "tier": "front"}, "annotations": {"note": "x"},
	"ownerReferences": [{"kind": "ReplicaSet", "name": "rs", "uid": "uid-rs", "apiVersion": "apps/v1", "controller": true, "blockOwnerDeletion": false}],
	"finalizers": ["a/b", "c/d"]
}`

func container(name string) *pb {
	return newPB().
		str(1, name).
		str(2, "registry.example/app:1").
		str(3, "/bin/app").
		str(4, "--port").str(4, "80").
		str(5, "/work").
		msg(6, newPB().str(1, "http").int(2, 8080).int(3, 80).str(4, "TCP").str(5, "0.0.0.0")).
		msg(7, newPB().str(1, "A").str(2, "1")).
		msg(7, newPB().str(1, "B").msg(3, newPB().
			msg(1, newPB().str(1, "v1").str(2, "metadata.name")).
			msg(3, newPB().msg(1, newPB().str(1, "cm")).str(2, "k").boolean(3, true)).
			msg(4, newPB().msg(1, newPB().str(1, "sec")).str(2, "s")))).
		msg(8, newPB().quantityEntry(1, "cpu", "500m").quantityEntry(1, "memory", "128Mi").quantityEntry(2, "cpu", "250m")).
		str(13, "/dev/termination-log").
		str(14, "IfNotPresent").
		str(20, "File").
		boolean(17, true) // stdinOnce: not modelled
}

func containerJSON(name string) string {
	return `{"name": "` + name + `", "image": "registry.example/app:1", "command": ["/bin/app"], "args": ["--port", "80"],
		"workingDir": "/work",
		"ports": [{"name": "http", "hostPort": 8080, "containerPort": 80, "protocol": "TCP", "hostIP": "0.0.0.0"}],
		"env": [{"name": "A", "value": "1"}, {"name": "B", "valueFrom": {
			"fieldRef": {"apiVersion": "v1", "fieldPath": "metadata.name"},
			"configMapKeyRef": {"name": "cm", "key": "k", "optional": true},
			"secretKeyRef": {"name": "sec", "key": "s"}}}],
		"resources": {"limits": {"cpu": "500m", "memory": "128Mi"}, "requests": {"cpu": "250m"}},
		"terminationMessagePath": "/dev/termination-log", "imagePullPolicy": "IfNotPresent",
		"terminationMessagePolicy": "File"}`
}

func podSpec() *pb {
	term := newPB().msg(1, newPB().str(1, "zone").str(2, "In").str(3, "a").str(3, "b")).
		msg(2, newPB().str(1, "metadata.name").str(2, "NotIn").str(3, "n1"))
	return newPB().
		msg(26, newPB().str(1, "dns-config-is-skipped")).
		msg(20, container("init")).
		msg(2, container("app")).
		str(3, "Always").
		int(4, 30).
		int(5, 600).
		str(6, "ClusterFirst").
		entry(7, "disk", "ssd").
		str(8, "sa").
		str(9, "sa").
		str(10, "node-1").
		boolean(11, true).
		str(16, "host").
		str(17, "sub").
		msg(18, newPB().msg(1, newPB().
			msg(1, newPB().msg(1, term)).
			msg(2, newPB().int(1, 10).msg(2, term)))).
		str(19, "default-scheduler").
		msg(22, newPB().str(1, "k").str(2, "Equal").str(3, "v").str(4, "NoExecute").int(5, 300)).
		str(24, "high").
		int(25, -5)
}

const termJSON = `{"matchExpressions": [{"key": "zone", "operator": "In", "values": ["a", "b"]}],
	"matchFields": [{"key": "metadata.name", "operator": "NotIn", "values": ["n1"]}]}`

func podSpecJSON() string {
	return `{"initContainers": [` + containerJSON("init") + `], "containers": [` + containerJSON("app") + `],
		"restartPolicy": "Always", "terminationGracePeriodSeconds": 30, "activeDeadlineSeconds": 600,
		"dnsPolicy": "ClusterFirst", "nodeSelector": {"disk": "ssd"}, "serviceAccountName": "sa",
		"serviceAccount": "sa", "nodeName": "node-1", "hostNetwork": true, "hostname": "host",
		"subdomain": "sub",
		"affinity": {"nodeAffinity": {
			"requiredDuringSchedulingIgnoredDuringExecution": {"nodeSelectorTerms": [` + termJSON + `]},
			"preferredDuringSchedulingIgnoredDuringExecution": [{"weight": 10, "preference": ` + termJSON + `}]}},
		"schedulerName": "default-scheduler",
		"tolerations": [{"key": "k", "operator": "Equal", "value": "v", "effect": "NoExecute", "tolerationSeconds": 300}],
		"priorityClassName": "high", "priority": -5}`
}

func podStatus() *pb {
	state := newPB().
		msg(1, newPB().str(1, "Pulling").str(2, "pulling image")).
		msg(2, newPB().timestamp(1, 1700000000, 0)).
		msg(3, newPB().int(1, 137).int(2, 9).str(3, "OOMKilled").str(4, "oom").
			timestamp(5, 1700000000, 0).timestamp(6, 1700000001, 0).str(7, "containerd://1"))
	status := newPB().str(1, "c").msg(2, state).msg(3, newPB()).boolean(4, true).int(5, 2).
		str(6, "img").str(7, "sha").str(8, "containerd://1").boolean(9, false)
	return newPB().
		str(1, "Running").
		msg(2, newPB().str(1, "Ready").str(2, "True").msg(3, newPB()).timestamp(4, 1700000000, 0).str(5, "r").str(6, "m")).
		str(3, "msg").
		str(4, "reason").
		str(5, "10.0.0.1").
		str(6, "10.1.0.5").
		timestamp(7, 1700000000, 0).
		msg(8, status).
		str(9, "Burstable").
		msg(10, status).
		str(11, "node-2").
		msg(12, newPB().str(1, "10.1.0.5")).
		msg(16, newPB().str(1, "10.0.0.1")).
		int(17, 7) // observedGeneration: not modelled
}

const stateJSON = `{"waiting": {"reason": "Pulling", "message": "pulling image"},
	"running": {"startedAt": "2023-11-14T22:13:20Z"},
	"terminated": {"exitCode": 137, "signal": 9, "reason": "OOMKilled", "message": "oom",
		"startedAt": "2023-11-14T22:13:20Z", "finishedAt": "2023-11-14T22:13:21Z", "containerID": "containerd://1"}}`

const containerStatusJSON = `{"name": "c", "state": ` + stateJSON + `, "lastState": {}, "ready": true, "restartCount": 2,
	"image": "img", "imageID": "sha", "containerID": "containerd://1", "started": false}`

const podStatusJSON = `{"phase": "Running",
	"conditions": [{"type": "Ready", "status": "True", "lastProbeTime": null, "lastTransitionTime": "2023-11-14T22:13:20Z", "reason": "r", "message": "m"}],
	"message": "msg", "reason": "reason", "hostIP": "10.0.0.1", "podIP": "10.1.0.5",
	"startTime": "2023-11-14T22:13:20Z", "containerStatuses": [` + containerStatusJSON + `],
	"qosClass": "Burstable", "initContainerStatuses": [` + containerStatusJSON + `],
	"nominatedNodeName": "node-2", "podIPs": [{"ip": "10.1.0.5"}], "hostIPs": [{"ip": "10.0.0.1"}]}`

func TestToJSONKinds(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name       string
		apiVersion string
		kind       string
		raw        *pb
		want       string
	}{
		{
			name: "pod", apiVersion: "v1", kind: "Pod",
			raw:  newPB().msg(1, meta()).msg(2, podSpec()).msg(3, podStatus()),
			want: `{"kind": "Pod", "apiVersion": "v1", "metadata": ` + metaJSON + `, "spec": ` + podSpecJSON() + `, "status": ` + podStatusJSON + `}`,
		},
		{
			name: "node", apiVersion: "v1", kind: "Node",
			raw: newPB().msg(1, newPB().str(1, "n1")).
				msg(2, newPB().str(1, "10.1.0.0/24").str(2, "external-id-skipped").str(3, "kind://n1").boolean(4, true).
					msg(5, newPB().str(1, "k").str(2, "v").str(3, "NoSchedule").timestamp(4, 1700000000, 0)).
					str(7, "10.1.0.0/24").str(7, "fd00::/64")).
				msg(3, newPB().quantityEntry(1, "cpu", "4").quantityEntry(1, "pods", "110").quantityEntry(2, "memory", "8Gi").
					str(3, "Running").
					msg(4, newPB().str(1, "Ready").str(2, "True").timestamp(3, 1700000000, 0).timestamp(4, 1700000000, 0).str(5, "KubeletReady").str(6, "ok")).
					msg(5, newPB().str(1, "InternalIP").str(2, "10.0.0.1")).
					msg(6, newPB().msg(1, newPB().int(1, 10250))).
					msg(7, newPB().str(1, "m").str(2, "s").str(3, "b").str(4, "k").str(5, "o").str(6, "c").str(7, "kv").str(8, "kp").str(9, "linux").str(10, "amd64")).
					msg(8, newPB().str(1, "img:1").str(1, "img@sha").int(2, 1<<40)).
					str(9, "volume-in-use-skipped")),
			want: `{"kind": "Node", "apiVersion": "v1", "metadata": {"name": "n1"},
				"spec": {"podCIDR": "10.1.0.0/24", "providerID": "kind://n1", "unschedulable": true,
					"taints": [{"key": "k", "value": "v", "effect": "NoSchedule", "timeAdded": "2023-11-14T22:13:20Z"}],
					"podCIDRs": ["10.1.0.0/24", "fd00::/64"]},
				"status": {"capacity": {"cpu": "4", "pods": "110"}, "allocatable": {"memory": "8Gi"}, "phase": "Running",
					"conditions": [{"type": "Ready", "status": "True", "lastHeartbeatTime": "2023-11-14T22:13:20Z",
						"lastTransitionTime": "2023-11-14T22:13:20Z", "reason": "KubeletReady", "message": "ok"}],
					"addresses": [{"type": "InternalIP", "address": "10.0.0.1"}],
					"daemonEndpoints": {"kubeletEndpoint": {"Port": 10250}},
					"nodeInfo": {"machineID": "m", "systemUUID": "s", "bootID": "b", "kernelVersion": "k", "osImage": "o",
						"containerRuntimeVersion": "c", "kubeletVersion": "kv", "kubeProxyVersion": "kp",
						"operatingSystem": "linux", "architecture": "amd64"},
					"images": [{"names": ["img:1", "img@sha"], "sizeBytes": 1099511627776}]}}`,
		},
		{
			name: "namespace", apiVersion: "v1", kind: "Namespace",
			raw: newPB().msg(1, newPB().str(1, "prod")).msg(2, newPB().str(1, "kubernetes")).
				msg(3, newPB().str(1, "Terminating").msg(2, newPB().str(1, "NamespaceDeletionContentFailure").str(2, "False").
					timestamp(4, 1700000000, 0).str(5, "r").str(6, "m"))),
			want: `{"kind": "Namespace", "apiVersion": "v1", "metadata": {"name": "prod"}, "spec": {"finalizers": ["kubernetes"]},
				"status": {"phase": "Terminating", "conditions": [{"type": "NamespaceDeletionContentFailure", "status": "False",
					"lastTransitionTime": "2023-11-14T22:13:20Z", "reason": "r", "message": "m"}]}}`,
		},
		{
			name: "event", apiVersion: "v1", kind: "Event",
			raw: newPB().msg(1, newPB().str(1, "e1").str(3, "default")).
				msg(2, newPB().str(1, "Pod").str(2, "default").str(3, "web").str(4, "u").str(5, "v1").str(6, "9").str(7, "spec.containers{app}")).
				str(3, "Scheduled").str(4, "assigned").
				msg(5, newPB().str(1, "scheduler").str(2, "host-1")).
				timestamp(6, 1700000000, 0).timestamp(7, 1700000005, 0).int(8, 2).str(9, "Normal").
				timestamp(10, 1700000000, 123456789).
				msg(11, newPB().int(1, 3).timestamp(2, 1700000005, 1000)).
				str(12, "Binding").
				msg(13, newPB().str(1, "Node").str(3, "node-1")).
				str(14, "default-scheduler").str(15, "sched-1"),
			want: `{"kind": "Event", "apiVersion": "v1", "metadata": {"name": "e1", "namespace": "default"},
				"involvedObject": {"kind": "Pod", "namespace": "default", "name": "web", "uid": "u", "apiVersion": "v1",
					"resourceVersion": "9", "fieldPath": "spec.containers{app}"},
				"reason": "Scheduled", "message": "assigned", "source": {"component": "scheduler", "host": "host-1"},
				"firstTimestamp": "2023-11-14T22:13:20Z", "lastTimestamp": "2023-11-14T22:13:25Z", "count": 2, "type": "Normal",
				"eventTime": "2023-11-14T22:13:20.123456Z",
				"series": {"count": 3, "lastObservedTime": "2023-11-14T22:13:25.000001Z"},
				"action": "Binding", "related": {"kind": "Node", "name": "node-1"},
				"reportingComponent": "default-scheduler", "reportingInstance": "sched-1"}`,
		},
		{
			name: "binding", apiVersion: "v1", kind: "Binding",
			raw:  newPB().msg(1, newPB().str(1, "web")).msg(2, newPB().str(1, "Node").str(3, "node-1")),
			want: `{"kind": "Binding", "apiVersion": "v1", "metadata": {"name": "web"}, "target": {"kind": "Node", "name": "node-1"}}`,
		},
		{
			name: "replicaset", apiVersion: "apps/v1", kind: "ReplicaSet",
			raw: newPB().msg(1, newPB().str(1, "rs")).
				msg(2, newPB().int(1, 3).int(4, 5).
					msg(2, newPB().entry(1, "app", "web").msg(2, newPB().str(1, "tier").str(2, "In").str(3, "front"))).
					msg(3, newPB().msg(1, newPB().entry(11, "app", "web")).msg(2, newPB().msg(2, newPB().str(1, "app"))))).
				msg(3, newPB().int(1, 3).int(2, 3).int(3, 4).int(4, 2).int(5, 1).int(7, 1).
					msg(6, newPB().str(1, "ReplicaFailure").str(2, "True").timestamp(3, 1700000000, 0).str(4, "FailedCreate").str(5, "quota"))),
			want: `{"kind": "ReplicaSet", "apiVersion": "apps/v1", "metadata": {"name": "rs"},
				"spec": {"replicas": 3, "minReadySeconds": 5,
					"selector": {"matchLabels": {"app": "web"}, "matchExpressions": [{"key": "tier", "operator": "In", "values": ["front"]}]},
					"template": {"metadata": {"labels": {"app": "web"}}, "spec": {"containers": [{"name": "app"}]}}},
				"status": {"replicas": 3, "fullyLabeledReplicas": 3, "observedGeneration": 4, "readyReplicas": 2, "availableReplicas": 1,
					"conditions": [{"type": "ReplicaFailure", "status": "True", "lastTransitionTime": "2023-11-14T22:13:20Z",
						"reason": "FailedCreate", "message": "quota"}]}}`,
		},
		{
			name: "scale", apiVersion: "autoscaling/v1", kind: "Scale",
			raw: newPB().msg(1, newPB().str(1, "rs").str(3, "default")).msg(2, newPB().int(1, 5)).
				msg(3, newPB().int(1, 3).str(2, "app=web")),
			want: `{"kind": "Scale", "apiVersion": "autoscaling/v1", "metadata": {"name": "rs", "namespace": "default"},
				"spec": {"replicas": 5}, "status": {"replicas": 3, "selector": "app=web"}}`,
		},
		{
			name: "lease", apiVersion: "coordination.k8s.io/v1", kind: "Lease",
			raw: newPB().msg(1, newPB().str(1, "node-1").str(3, "kube-node-lease")).
				msg(2, newPB().str(1, "node-1").int(2, 40).timestamp(3, 1700000000, 1500).timestamp(4, 1700000001, 999999999).
					int(5, 2).str(6, "strategy-skipped")),
			want: `{"kind": "Lease", "apiVersion": "coordination.k8s.io/v1", "metadata": {"name": "node-1", "namespace": "kube-node-lease"},
				"spec": {"holderIdentity": "node-1", "leaseDurationSeconds": 40, "acquireTime": "2023-11-14T22:13:20.000001Z",
					"renewTime": "2023-11-14T22:13:21.999999Z", "leaseTransitions": 2}}`,
		},
		{
			name: "delete options in a group's version", apiVersion: "apps/v1", kind: "DeleteOptions",
			raw: newPB().int(1, 0).msg(2, newPB().str(1, "uid-1").str(2, "7")).boolean(3, false).str(4, "Foreground").
				str(5, "All").boolean(6, true),
			want: `{"kind": "DeleteOptions", "apiVersion": "apps/v1", "gracePeriodSeconds": 0,
				"preconditions": {"uid": "uid-1", "resourceVersion": "7"}, "orphanDependents": false,
				"propagationPolicy": "Foreground", "dryRun": ["All"]}`,
		},
		{
			name: "delete options in meta.k8s.io", apiVersion: "meta.k8s.io/v1", kind: "DeleteOptions",
			raw:  newPB().str(4, "Background"),
			want: `{"kind": "DeleteOptions", "apiVersion": "meta.k8s.io/v1", "propagationPolicy": "Background"}`,
		},
		{
			name: "status", apiVersion: "v1", kind: "Status",
			raw: newPB().msg(1, newPB().str(1, "self").str(2, "5").str(3, "tok").int(4, 9)).str(2, "Failure").str(3, "bad").
				str(4, "Invalid").msg(5, newPB().str(1, "web").str(2, "apps").str(3, "ReplicaSet").str(6, "u").
				msg(4, newPB().str(1, "FieldValueInvalid").str(2, "must be").str(3, "spec.replicas")).int(5, 2)).int(6, 422),
			want: `{"kind": "Status", "apiVersion": "v1", "metadata": {"resourceVersion": "5", "continue": "tok", "remainingItemCount": 9},
				"status": "Failure", "message": "bad", "reason": "Invalid",
				"details": {"name": "web", "group": "apps", "kind": "ReplicaSet", "uid": "u",
					"causes": [{"reason": "FieldValueInvalid", "message": "must be", "field": "spec.replicas"}], "retryAfterSeconds": 2},
				"code": 422}`,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got, err := testDecoder.ToJSON(body(tt.apiVersion, tt.kind, tt.raw))
			if err != nil {
				t.Fatalf("ToJSON: %v", err)
			}
			jsonEqual(t, got, tt.want)
		})
	}
}

// TestToJSONWireRules covers protobuf's rules for unknown fields, repetition and
// merging, and the edge values of each scalar.
func TestToJSONWireRules(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		raw  *pb
		want string
	}{
		{
			name: "unknown fields of every wire type are skipped",
			raw: newPB().int(99, 5).fixed32(98).fixed64(97).str(96, "x").
				tag(95, wireStartGroup).int(1, 1).tag(2, wireStartGroup).str(3, "y").tag(2, wireEndGroup).tag(95, wireEndGroup).
				msg(1, newPB().str(1, "prod").fixed64(50)),
			want: `{"metadata": {"name": "prod"}}`,
		},
		{
			name: "a repeated field may be interleaved with others",
			raw:  newPB().msg(2, newPB().str(1, "a")).msg(1, newPB().str(1, "prod")).msg(2, newPB().str(1, "b")),
			want: `{"metadata": {"name": "prod"}, "spec": {"finalizers": ["a", "b"]}}`,
		},
		{
			name: "an embedded message given twice is merged",
			raw:  newPB().msg(1, newPB().str(1, "prod").entry(11, "a", "1")).msg(1, newPB().str(3, "ns").entry(11, "b", "2")),
			want: `{"metadata": {"name": "prod", "namespace": "ns", "labels": {"a": "1", "b": "2"}}}`,
		},
		{
			name: "the last value of a scalar wins",
			raw:  newPB().msg(1, newPB().str(1, "first").str(1, "second").int(7, 1).int(7, 2)),
			want: `{"metadata": {"name": "second", "generation": 2}}`,
		},
		{
			name: "the last entry of a map key wins",
			raw:  newPB().msg(1, newPB().entry(11, "a", "1").entry(11, "a", "2")),
			want: `{"metadata": {"labels": {"a": "2"}}}`,
		},
		{
			name: "a map entry without key or value",
			raw:  newPB().msg(1, newPB().msg(11, newPB()).msg(12, newPB().str(1, "k"))),
			want: `{"metadata": {"labels": {"": ""}, "annotations": {"k": ""}}}`,
		},
		{
			name: "empty strings, zero numbers and empty messages are kept",
			raw:  newPB().msg(1, newPB().str(1, "").int(7, 0)).msg(2, newPB()),
			want: `{"metadata": {"name": "", "generation": 0}, "spec": {}}`,
		},
		{
			name: "a zero time is an empty message and null",
			raw:  newPB().msg(1, newPB().msg(8, newPB())),
			want: `{"metadata": {"creationTimestamp": null}}`,
		},
		{
			name: "a time at the epoch is not zero",
			raw:  newPB().msg(1, newPB().timestamp(8, 0, 0)),
			want: `{"metadata": {"creationTimestamp": "1970-01-01T00:00:00Z"}}`,
		},
		{
			name: "a time before the epoch",
			raw:  newPB().msg(1, newPB().timestamp(8, -1, 0)),
			want: `{"metadata": {"creationTimestamp": "1969-12-31T23:59:59Z"}}`,
		},
		{
			name: "a time drops its nanoseconds",
			raw:  newPB().msg(1, newPB().timestamp(8, 1700000000, 999999999)),
			want: `{"metadata": {"creationTimestamp": "2023-11-14T22:13:20Z"}}`,
		},
		{
			name: "a time given twice keeps the last",
			raw:  newPB().msg(1, newPB().timestamp(8, 1, 0).msg(8, newPB().int(2, 5))),
			want: `{"metadata": {"creationTimestamp": "1970-01-01T00:00:00Z"}}`,
		},
		{
			name: "the largest and smallest times",
			raw:  newPB().msg(1, newPB().timestamp(8, maxTimestampSeconds, 0).timestamp(9, minTimestampSeconds, 0)),
			want: `{"metadata": {"creationTimestamp": "9999-12-31T23:59:59Z", "deletionTimestamp": "0001-01-01T00:00:00Z"}}`,
		},
		{
			name: "int64 extremes",
			raw:  newPB().msg(1, newPB().int(7, -1<<63).int(10, 1<<63-1)),
			want: `{"metadata": {"generation": -9223372036854775808, "deletionGracePeriodSeconds": 9223372036854775807}}`,
		},
		{
			name: "strings are not unescaped or trimmed",
			raw:  newPB().msg(1, newPB().str(1, " \"quoted\" \\ \n <tag> é ")),
			want: `{"metadata": {"name": " \"quoted\" \\ \n <tag> é "}}`,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got, err := testDecoder.ToJSON(body("v1", "Namespace", tt.raw))
			if err != nil {
				t.Fatalf("ToJSON: %v", err)
			}
			jsonEqual(t, got, `{"kind": "Namespace", "apiVersion": "v1", `+strings.TrimPrefix(tt.want, "{"))
		})
	}
}

func TestToJSONInt32(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		v    int64
		want string
	}{
		{name: "zero", v: 0, want: "0"},
		{name: "negative takes ten bytes", v: -5, want: "-5"},
		{name: "largest", v: 1<<31 - 1, want: "2147483647"},
		{name: "smallest", v: -1 << 31, want: "-2147483648"},
		{name: "wider values are truncated as Kubernetes does", v: 1<<32 + 7, want: "7"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got, err := testDecoder.ToJSON(body("autoscaling/v1", "Scale", newPB().msg(2, newPB().int(1, tt.v))))
			if err != nil {
				t.Fatalf("ToJSON: %v", err)
			}
			jsonEqual(t, got, `{"kind": "Scale", "apiVersion": "autoscaling/v1", "spec": {"replicas": `+tt.want+`}}`)
		})
	}
}

func TestToJSONQuantityMapZero(t *testing.T) {
	t.Parallel()
	raw := newPB().msg(3, newPB().msg(1, newPB().str(1, "cpu")).msg(2, newPB().str(1, "pods").msg(2, newPB())))
	got, err := testDecoder.ToJSON(body("v1", "Node", raw))
	if err != nil {
		t.Fatalf("ToJSON: %v", err)
	}
	jsonEqual(t, got, `{"kind": "Node", "apiVersion": "v1", "status": {"capacity": {"cpu": "0"}, "allocatable": {"pods": "0"}}}`)
}

// The kinds of Orrery that have no protobuf schema here, and the scalar messages no
// modelled kind uses directly, are covered through a schema built for the test.
func TestDecodeScalarMessages(t *testing.T) {
	t.Parallel()
	m := protoschema.NewMessage("Test",
		protoschema.Quantity(1, "q"),
		protoschema.Field{Num: 2, Name: "ios", Kind: protoschema.KindIntOrString, Repeated: true},
		protoschema.MicroTime(3, "mt"),
	)
	tests := []struct {
		name    string
		raw     *pb
		want    string
		wantErr string
	}{
		{
			name: "quantity",
			raw:  newPB().msg(1, newPB().str(1, "1.5Gi")),
			want: `{"q": "1.5Gi"}`,
		},
		{
			name: "empty quantity is zero",
			raw:  newPB().msg(1, newPB()),
			want: `{"q": "0"}`,
		},
		{
			name: "int-or-string of both types",
			raw: newPB().msg(2, newPB().int(1, 0).int(2, 8080)).msg(2, newPB().int(1, 1).str(3, "http")).
				msg(2, newPB()).msg(2, newPB().int(2, -1)),
			want: `{"ios": [8080, "http", 0, -1]}`,
		},
		{
			name:    "int-or-string of an unknown type",
			raw:     newPB().msg(2, newPB().int(1, 2)),
			wantErr: "unknown type 2",
		},
		{
			name:    "int-or-string with a wrong wire type",
			raw:     newPB().msg(2, newPB().str(2, "x")),
			wantErr: "invalid wire type",
		},
		{
			name: "micro time",
			raw:  newPB().timestamp(3, 1700000000, 1999),
			want: `{"mt": "2023-11-14T22:13:20.000001Z"}`,
		},
		{
			name:    "micro time with negative nanos",
			raw:     newPB().timestamp(3, 1700000000, -1),
			wantErr: "nanos -1 out of range",
		},
		{
			name:    "micro time with too many nanos",
			raw:     newPB().timestamp(3, 1700000000, 1e9),
			wantErr: "out of range",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			out := map[string]any{}
			err := decodeMessage(tt.raw.b, m, out, 1)
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("got error %v; want one containing %q", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatalf("decode: %v", err)
			}
			got, err := json.Marshal(out)
			if err != nil {
				t.Fatalf("marshal: %v", err)
			}
			jsonEqual(t, got, tt.want)
		})
	}
}

func TestToJSONErrors(t *testing.T) {
	t.Parallel()
	ns := func(raw *pb) []byte { return body("v1", "Namespace", raw) }
	deepGroups := newPB()
	for range maxDepth + 1 {
		deepGroups.tag(9, wireStartGroup)
	}
	for range maxDepth + 1 {
		deepGroups.tag(9, wireEndGroup)
	}
	tests := []struct {
		name    string
		data    []byte
		wantErr string
		wantIs  error
	}{
		{name: "empty", data: nil, wantErr: "does not appear to be a protobuf message"},
		{name: "JSON", data: []byte(`{"kind":"Pod"}`), wantErr: "does not appear to be a protobuf message"},
		{name: "magic only", data: []byte("k8s\x00"), wantErr: "no kind"},
		{name: "unsupported kind", data: body("v1", "Secret", newPB()), wantIs: ErrUnsupportedKind},
		{name: "events.k8s.io Event", data: body("events.k8s.io/v1", "Event", newPB()), wantIs: ErrUnsupportedKind},
		{name: "ReplicaSet in the wrong group", data: body("extensions/v1beta1", "ReplicaSet", newPB()), wantIs: ErrUnsupportedKind},
		{name: "DeleteOptions of another version", data: body("meta.k8s.io/v1beta1", "DeleteOptions", newPB()), wantIs: ErrUnsupportedKind},
		{
			name:    "compressed payload",
			data:    append(body("v1", "Namespace", newPB()), newPB().str(3, "gzip").b...),
			wantErr: `unsupported content encoding "gzip"`,
		},
		{
			name:    "JSON payload",
			data:    append(body("v1", "Namespace", newPB()), newPB().str(4, "application/json").b...),
			wantErr: "unsupported content type",
		},
		{
			name: "protobuf payload type with parameters",
			data: append(body("v1", "Namespace", newPB()), newPB().str(4, "application/vnd.kubernetes.protobuf; x=y").b...),
		},
		{name: "envelope field with a wrong wire type", data: append([]byte("k8s\x00"), newPB().int(2, 1).b...), wantErr: "wrong wire type"},
		{name: "envelope truncated", data: body("v1", "Namespace", newPB().str(1, "x"))[:12], wantErr: "past the end"},
		{name: "truncated tag varint", data: ns(newPB().raw(0x80)), wantErr: "unexpected end"},
		{name: "truncated value varint", data: ns(newPB().msg(1, newPB().tag(7, wireVarint).raw(0xff))), wantErr: "unexpected end"},
		{name: "varint of eleven bytes", data: ns(newPB().msg(1, newPB().tag(7, wireVarint).raw(0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01))), wantErr: "overflows"},
		{name: "varint overflowing in its tenth byte", data: ns(newPB().msg(1, newPB().tag(7, wireVarint).raw(0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x02))), wantErr: "overflows"},
		{name: "length past the end", data: ns(newPB().msg(1, newPB().tag(1, wireBytes).varint(10).raw('a'))), wantErr: "past the end"},
		{name: "huge length", data: ns(newPB().msg(1, newPB().tag(1, wireBytes).varint(1<<63))), wantErr: "past the end"},
		{name: "string field as varint", data: ns(newPB().msg(1, newPB().int(1, 5))), wantErr: "ObjectMeta.name: invalid wire type 0"},
		{name: "varint field as bytes", data: ns(newPB().msg(1, newPB().str(7, "5"))), wantErr: "ObjectMeta.generation: invalid wire type 2"},
		{name: "message field as fixed32", data: ns(newPB().fixed32(1)), wantErr: "Namespace.metadata: invalid wire type 5"},
		{name: "map field as varint", data: ns(newPB().msg(1, newPB().int(11, 1))), wantErr: "invalid wire type"},
		{name: "map key as varint", data: ns(newPB().msg(1, newPB().msg(11, newPB().int(1, 1)))), wantErr: "key must be a string"},
		{name: "map value as varint", data: ns(newPB().msg(1, newPB().msg(11, newPB().int(2, 1)))), wantErr: "invalid wire type"},
		{name: "quantity string as varint", data: body("v1", "Node", newPB().msg(3, newPB().msg(1, newPB().str(1, "cpu").msg(2, newPB().int(1, 1))))), wantErr: "invalid wire type"},
		{name: "time seconds as bytes", data: ns(newPB().msg(1, newPB().msg(8, newPB().str(1, "x")))), wantErr: "invalid wire type"},
		{name: "time out of range", data: ns(newPB().msg(1, newPB().timestamp(8, maxTimestampSeconds+1, 0))), wantErr: "out of range"},
		{name: "time before year one", data: ns(newPB().msg(1, newPB().timestamp(8, minTimestampSeconds-1, 0))), wantErr: "out of range"},
		{name: "field number zero", data: ns(newPB().raw(0x02, 0x00)), wantErr: "illegal field number 0"},
		{name: "wire type 6", data: ns(newPB().tag(5, 6)), wantErr: "invalid wire type 6"},
		{name: "wire type 7", data: ns(newPB().tag(5, 7)), wantErr: "invalid wire type 7"},
		{name: "end group without start", data: ns(newPB().tag(5, wireEndGroup)), wantErr: "end group without"},
		{name: "unterminated group", data: ns(newPB().tag(5, wireStartGroup).int(1, 1)), wantErr: "unexpected end"},
		{name: "mismatched end group", data: ns(newPB().tag(5, wireStartGroup).tag(6, wireEndGroup)), wantErr: "does not match"},
		{name: "groups nested too deep", data: ns(deepGroups), wantErr: "nesting exceeds"},
		{name: "truncated fixed64", data: ns(newPB().tag(50, wireFixed64).raw(1, 2, 3)), wantErr: "unexpected end"},
		{name: "truncated fixed32", data: ns(newPB().tag(50, wireFixed32).raw(1)), wantErr: "unexpected end"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got, err := testDecoder.ToJSON(tt.data)
			switch {
			case tt.wantIs != nil:
				if !errors.Is(err, tt.wantIs) {
					t.Fatalf("got %s, error %v; want an error matching %v", got, err, tt.wantIs)
				}
			case tt.wantErr != "":
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("got %s, error %v; want an error containing %q", got, err, tt.wantErr)
				}
			default:
				if err != nil {
					t.Fatalf("got error %v; want none", err)
				}
			}
		})
	}
}

// TestDecodeDepthBound nests messages beyond the bound: no kind Orrery serves nests
// that deep, so a schema built for the test does, a message per level.
func TestDecodeDepthBound(t *testing.T) {
	t.Parallel()
	rec := protoschema.NewMessage("Leaf")
	for range maxDepth + 1 {
		rec = protoschema.NewMessage("Level", protoschema.Embedded(1, "child", rec))
	}
	nest := func(levels int) []byte {
		b := newPB()
		for range levels {
			b = newPB().msg(1, b)
		}
		return b.b
	}
	if err := decodeMessage(nest(maxDepth-1), rec, map[string]any{}, 1); err != nil {
		t.Errorf("nesting of %d levels: got error %v; want none", maxDepth, err)
	}
	if err := decodeMessage(nest(maxDepth), rec, map[string]any{}, 1); !errors.Is(err, errTooDeep) {
		t.Errorf("nesting of %d levels: got error %v; want %v", maxDepth+1, err, errTooDeep)
	}
}

func TestIsProtobuf(t *testing.T) {
	t.Parallel()
	tests := []struct {
		contentType string
		want        bool
	}{
		{"application/vnd.kubernetes.protobuf", true},
		{"application/vnd.kubernetes.protobuf; charset=utf-8", true},
		{"Application/VND.Kubernetes.Protobuf", true},
		{"application/vnd.kubernetes.protobuf;stream=watch", true},
		{"application/vnd.kubernetes.protobuf;;bad", true},
		{"application/json", false},
		{"application/vnd.kubernetes.protobuf+json", false},
		{"", false},
		{"application/yaml", false},
	}
	for _, tt := range tests {
		t.Run(tt.contentType, func(t *testing.T) {
			t.Parallel()
			if got := IsProtobuf(tt.contentType); got != tt.want {
				t.Errorf("IsProtobuf(%q) = %v; want %v", tt.contentType, got, tt.want)
			}
		})
	}
}
