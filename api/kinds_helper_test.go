package api

// testKinds are the built-in kinds for this package's tests (package api/builtin
// registers them, but it imports this package, so these tests cannot import it).
func testKinds() []KindInfo {
	kind := func(kind string, newObj func() Object, newList func() ListObject) KindInfo {
		return KindInfo{Kind: kind, ListKind: kind + "List", New: newObj, NewList: newList}
	}
	return []KindInfo{
		kind("Pod", func() Object { return &Pod{} }, func() ListObject { return &PodList{} }),
		kind("Node", func() Object { return &Node{} }, func() ListObject { return &NodeList{} }),
		kind("Namespace", func() Object { return &Namespace{} }, func() ListObject { return &NamespaceList{} }),
		kind("Event", func() Object { return &Event{} }, func() ListObject { return &EventList{} }),
		kind("ReplicaSet", func() Object { return &ReplicaSet{} }, func() ListObject { return &ReplicaSetList{} }),
		kind("Lease", func() Object { return &Lease{} }, func() ListObject { return &LeaseList{} }),
		kind("Deployment", func() Object { return &Deployment{} }, func() ListObject { return &DeploymentList{} }),
	}
}
