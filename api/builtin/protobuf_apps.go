package builtin

import "github.com/orrery-dev/orrery/api/protoschema"

// The messages of apps/v1 (k8s.io/api/apps/v1/generated.proto) that Orrery's api types
// model, by Kubernetes' field numbers.
var (
	replicaSetMsg = protoschema.NewMessage("ReplicaSet",
		protoschema.Embedded(1, "metadata", protoschema.ObjectMeta),
		protoschema.Embedded(2, "spec", replicaSetSpecMsg),
		protoschema.Embedded(3, "status", replicaSetStatusMsg),
	)
	replicaSetSpecMsg = protoschema.NewMessage("ReplicaSetSpec",
		protoschema.Int32(1, "replicas"),
		protoschema.Embedded(2, "selector", protoschema.LabelSelector),
		protoschema.Embedded(3, "template", podTemplateSpecMsg),
		protoschema.Int32(4, "minReadySeconds"),
	)
	replicaSetStatusMsg = protoschema.NewMessage("ReplicaSetStatus",
		protoschema.Int32(1, "replicas"),
		protoschema.Int32(2, "fullyLabeledReplicas"),
		protoschema.Int64(3, "observedGeneration"),
		protoschema.Int32(4, "readyReplicas"),
		protoschema.Int32(5, "availableReplicas"),
		protoschema.EmbeddedList(6, "conditions", replicaSetConditionMsg),
	)
	replicaSetConditionMsg = protoschema.NewMessage("ReplicaSetCondition",
		protoschema.String(1, "type"),
		protoschema.String(2, "status"),
		protoschema.Time(3, "lastTransitionTime"),
		protoschema.String(4, "reason"),
		protoschema.String(5, "message"),
	)
	deploymentMsg = protoschema.NewMessage("Deployment",
		protoschema.Embedded(1, "metadata", protoschema.ObjectMeta),
		protoschema.Embedded(2, "spec", deploymentSpecMsg),
		protoschema.Embedded(3, "status", deploymentStatusMsg),
	)
	deploymentSpecMsg = protoschema.NewMessage("DeploymentSpec",
		protoschema.Int32(1, "replicas"),
		protoschema.Embedded(2, "selector", protoschema.LabelSelector),
		protoschema.Embedded(3, "template", podTemplateSpecMsg),
		protoschema.Embedded(4, "strategy", deploymentStrategyMsg),
		protoschema.Int32(5, "minReadySeconds"),
		protoschema.Int32(6, "revisionHistoryLimit"),
		protoschema.Bool(7, "paused"),
		protoschema.Int32(9, "progressDeadlineSeconds"),
	)
	deploymentStrategyMsg = protoschema.NewMessage("DeploymentStrategy",
		protoschema.String(1, "type"),
		protoschema.Embedded(2, "rollingUpdate", rollingUpdateDeploymentMsg),
	)
	rollingUpdateDeploymentMsg = protoschema.NewMessage("RollingUpdateDeployment",
		protoschema.IntOrString(1, "maxUnavailable"),
		protoschema.IntOrString(2, "maxSurge"),
	)
	deploymentStatusMsg = protoschema.NewMessage("DeploymentStatus",
		protoschema.Int64(1, "observedGeneration"),
		protoschema.Int32(2, "replicas"),
		protoschema.Int32(3, "updatedReplicas"),
		protoschema.Int32(4, "availableReplicas"),
		protoschema.Int32(5, "unavailableReplicas"),
		protoschema.EmbeddedList(6, "conditions", deploymentConditionMsg),
		protoschema.Int32(7, "readyReplicas"),
		protoschema.Int32(8, "collisionCount"),
		protoschema.Int32(9, "terminatingReplicas"),
	)
	deploymentConditionMsg = protoschema.NewMessage("DeploymentCondition",
		protoschema.String(1, "type"),
		protoschema.String(2, "status"),
		protoschema.String(4, "reason"),
		protoschema.String(5, "message"),
		protoschema.Time(6, "lastUpdateTime"),
		protoschema.Time(7, "lastTransitionTime"),
	)
)
