package api

// Every kind is an Object and every list a ListObject.
var (
	_ Object     = (*Pod)(nil)
	_ Object     = (*Node)(nil)
	_ Object     = (*Namespace)(nil)
	_ Object     = (*Event)(nil)
	_ Object     = (*ReplicaSet)(nil)
	_ Object     = (*Lease)(nil)
	_ Object     = (*Binding)(nil)
	_ Object     = (*Scale)(nil)
	_ Object     = (*PartialObjectMetadata)(nil)
	_ ListObject = (*PodList)(nil)
	_ ListObject = (*NodeList)(nil)
	_ ListObject = (*NamespaceList)(nil)
	_ ListObject = (*EventList)(nil)
	_ ListObject = (*ReplicaSetList)(nil)
	_ ListObject = (*LeaseList)(nil)
	_ ListObject = (*PartialObjectMetadataList)(nil)
	_ ListObject = (*Table)(nil)
	_ error      = (*Status)(nil)
)
