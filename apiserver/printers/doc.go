// Package printers converts API objects to the meta.k8s.io/v1 Table that the Kubernetes
// apiserver returns when a client asks for
//
//	Accept: application/json;as=Table;v=v1;g=meta.k8s.io
//
// which is what kubectl get sends. [Table] builds the table for a slice of objects of one
// kind with the columns and rows of the kind's registration (api.Kind.Columns and Row).
// The built-in kinds' (package api/builtin) are those of Kubernetes' own printers
// (pkg/printers/internalversion), so kubectl prints the same lines against Orrery as
// against a real cluster:
//
//	Pod         NAME READY STATUS RESTARTS AGE | IP NODE NOMINATED-NODE READINESS-GATES
//	Node        NAME STATUS ROLES AGE VERSION | INTERNAL-IP EXTERNAL-IP OS-IMAGE KERNEL-VERSION CONTAINER-RUNTIME
//	ReplicaSet  NAME DESIRED CURRENT READY AGE | CONTAINERS IMAGES SELECTOR
//	Deployment  NAME READY UP-TO-DATE AVAILABLE AGE | CONTAINERS IMAGES SELECTOR
//	Namespace   NAME STATUS AGE
//	Event       LAST-SEEN TYPE REASON OBJECT [SUBOBJECT SOURCE] MESSAGE [FIRST-SEEN COUNT NAME]
//	Lease       NAME HOLDER AGE
//	other kinds NAME CREATED-AT
//
// Columns after "|" (and in brackets) have priority 1. A kind whose registration gives
// no columns gets Kubernetes' default table: NAME and "Created At", a "date" column
// holding the RFC 3339 creation time.
//
// # Guarantees
//
//   - Like the Kubernetes apiserver, Table always returns every column, priority 1 ones
//     included; kubectl hides priority > 0 columns itself unless run with -o wide. There is
//     therefore no "wide" option.
//   - Cells are in column order: strings, or int64 for "integer" columns. Ages and other
//     durations are Kubernetes' HumanDuration of Options.Now minus the timestamp
//     (builtin.HumanDuration); a zero timestamp prints "<unknown>".
//   - Each row's object follows Options.IncludeObject exactly as the apiserver does: the
//     full object with kind and apiVersion set ("Object"), a PartialObjectMetadata in the
//     Table's group version ("Metadata", also the default when the parameter is absent),
//     or JSON null ("None"). kubectl asks for "Object" only with --sort-by; otherwise it
//     leaves the parameter out and gets metadata.
//   - Table never modifies the objects it is given; they may be shared cache objects.
//   - The package holds no state, starts no goroutines and is safe for concurrent use.
//
// # What the caller does
//
// Table leaves the Table's metadata empty: the caller sets metadata.resourceVersion (the
// list's resourceVersion, or the object's for a single GET) and metadata.continue and
// remainingItemCount when paging, as Kubernetes copies them from the list. For a watch
// served as Tables, the caller converts each event's object with a one-element slice and
// sets Options.NoHeaders on every event but the first, as Kubernetes does.
//
// # Differences from Kubernetes
//
// Orrery's API has no readiness gates and no restartable ("sidecar") init containers, so
// READINESS GATES is always "<none>" and every init container counts as a plain one.
package printers
