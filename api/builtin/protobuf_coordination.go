package builtin

import "github.com/orrery-dev/orrery/api/protoschema"

// The messages of coordination.k8s.io/v1 (k8s.io/api/coordination/v1/generated.proto),
// by Kubernetes' field numbers.
var (
	leaseMsg = protoschema.NewMessage("Lease",
		protoschema.Embedded(1, "metadata", protoschema.ObjectMeta),
		protoschema.Embedded(2, "spec", leaseSpecMsg),
	)
	leaseSpecMsg = protoschema.NewMessage("LeaseSpec",
		protoschema.String(1, "holderIdentity"),
		protoschema.Int32(2, "leaseDurationSeconds"),
		protoschema.MicroTime(3, "acquireTime"),
		protoschema.MicroTime(4, "renewTime"),
		protoschema.Int32(5, "leaseTransitions"),
	)
)
