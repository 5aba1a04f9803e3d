package protoschema

// The messages of meta/v1 (k8s.io/apimachinery/pkg/apis/meta/v1/generated.proto) and
// autoscaling/v1 (k8s.io/api/autoscaling/v1/generated.proto), as far as Orrery's api
// types model them.
var (
	ObjectMeta = NewMessage("ObjectMeta",
		String(1, "name"),
		String(2, "generateName"),
		String(3, "namespace"),
		String(5, "uid"),
		String(6, "resourceVersion"),
		Int64(7, "generation"),
		Time(8, "creationTimestamp"),
		Time(9, "deletionTimestamp"),
		Int64(10, "deletionGracePeriodSeconds"),
		StringMap(11, "labels"),
		StringMap(12, "annotations"),
		EmbeddedList(13, "ownerReferences", OwnerReference),
		Strings(14, "finalizers"),
	)
	OwnerReference = NewMessage("OwnerReference",
		String(1, "kind"),
		String(3, "name"),
		String(4, "uid"),
		String(5, "apiVersion"),
		Bool(6, "controller"),
		Bool(7, "blockOwnerDeletion"),
	)
	LabelSelector = NewMessage("LabelSelector",
		StringMap(1, "matchLabels"),
		EmbeddedList(2, "matchExpressions", LabelSelectorRequirement),
	)
	LabelSelectorRequirement = NewMessage("LabelSelectorRequirement",
		String(1, "key"),
		String(2, "operator"),
		Strings(3, "values"),
	)
	DeleteOptions = NewMessage("DeleteOptions",
		Int64(1, "gracePeriodSeconds"),
		Embedded(2, "preconditions", Preconditions),
		Bool(3, "orphanDependents"),
		String(4, "propagationPolicy"),
		Strings(5, "dryRun"),
	)
	Preconditions = NewMessage("Preconditions",
		String(1, "uid"),
		String(2, "resourceVersion"),
	)
	Status = NewMessage("Status",
		Embedded(1, "metadata", ListMeta),
		String(2, "status"),
		String(3, "message"),
		String(4, "reason"),
		Embedded(5, "details", StatusDetails),
		Int32(6, "code"),
	)
	ListMeta = NewMessage("ListMeta",
		String(2, "resourceVersion"),
		String(3, "continue"),
		Int64(4, "remainingItemCount"),
	)
	StatusDetails = NewMessage("StatusDetails",
		String(1, "name"),
		String(2, "group"),
		String(3, "kind"),
		EmbeddedList(4, "causes", StatusCause),
		Int32(5, "retryAfterSeconds"),
		String(6, "uid"),
	)
	StatusCause = NewMessage("StatusCause",
		String(1, "reason"),
		String(2, "message"),
		String(3, "field"),
	)
	Scale = NewMessage("Scale",
		Embedded(1, "metadata", ObjectMeta),
		Embedded(2, "spec", ScaleSpec),
		Embedded(3, "status", ScaleStatus),
	)
	ScaleSpec = NewMessage("ScaleSpec",
		Int32(1, "replicas"),
	)
	ScaleStatus = NewMessage("ScaleStatus",
		Int32(1, "replicas"),
		String(2, "selector"),
	)
	Condition = NewMessage("Condition",
		String(1, "type"),
		String(2, "status"),
		Int64(3, "observedGeneration"),
		Time(4, "lastTransitionTime"),
		String(5, "reason"),
		String(6, "message"),
	)
	// Eviction is policy/v1's, the body of pods/{name}/eviction.
	Eviction = NewMessage("Eviction",
		Embedded(1, "metadata", ObjectMeta),
		Embedded(2, "deleteOptions", DeleteOptions),
	)
)
