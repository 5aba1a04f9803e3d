package validation

import (
	"encoding/json"
	"os"
	"path/filepath"
	"testing"

	"github.com/orrery-dev/orrery/api"
)

// FuzzValidate decodes arbitrary JSON as every kind, defaults it and validates it as a
// create, an update of itself and of a fresh object, and a status update: none of it
// may panic, and validation must not change its arguments.
func FuzzValidate(f *testing.F) {
	files, err := filepath.Glob(filepath.Join("..", "testdata", "*.json"))
	if err != nil {
		f.Fatal(err)
	}
	for _, name := range files {
		data, err := os.ReadFile(name)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data)
	}
	for _, s := range []string{`{}`, `{"spec":{"containers":[{"ports":[{}],"env":[{"valueFrom":{}}]}]}}`,
		`{"spec":{"selector":{"matchExpressions":[{"operator":"In"}]},"template":{"spec":{"containers":[]}}}}`,
		`{"spec":{"affinity":{"nodeAffinity":{"requiredDuringSchedulingIgnoredDuringExecution":{}}}}}`,
		`{"spec":{"tolerations":[{"operator":"Exists","value":"x","tolerationSeconds":1}]}}`,
		`{"metadata":{"ownerReferences":[{"controller":true},{"controller":true}]}}`} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		for _, k := range fuzzKinds() {
			obj := k.newObj()
			if err := json.Unmarshal(data, obj); err != nil {
				continue
			}
			k.defaults(obj)
			fresh := k.newObj()
			k.defaults(fresh)
			before, err := json.Marshal(obj)
			if err != nil {
				t.Fatalf("%s: encode: %v", k.kind, err)
			}
			for _, errs := range k.checks(obj, fresh) {
				for _, e := range errs {
					_ = e.Error()
				}
				_ = errs.ToStatus(k.group, k.kind, obj.GetObjectMeta().Name)
			}
			UpdateGeneration(fresh, obj)
			after, err := json.Marshal(obj)
			if err != nil {
				t.Fatalf("%s: encode: %v", k.kind, err)
			}
			if string(before) != string(after) {
				t.Fatalf("%s: validation changed the object:\n%s\n%s", k.kind, before, after)
			}
		}
	})
}

// fuzzKind is one kind as FuzzValidate exercises it.
type fuzzKind struct {
	group, kind string
	newObj      func() api.Object
	defaults    func(api.Object)
	// checks validates obj as a create, an update of itself and of fresh (and fresh of
	// it), and a status update.
	checks func(obj, fresh api.Object) []ErrorList
}

func fuzzKindOf[T api.Object](group, kind string, newObj func() T, defaults func(T), validate func(T) ErrorList, update, status func(T, T) ErrorList) fuzzKind {
	return fuzzKind{
		group: group, kind: kind,
		newObj: func() api.Object { return newObj() },
		defaults: func(obj api.Object) {
			if defaults != nil {
				defaults(obj.(T))
			}
		},
		checks: func(obj, fresh api.Object) []ErrorList {
			o, f := obj.(T), fresh.(T)
			out := []ErrorList{validate(o), update(o, o), update(o, f), update(f, o)}
			if status != nil {
				out = append(out, status(o, f))
			}
			return out
		},
	}
}

func fuzzKinds() []fuzzKind {
	return []fuzzKind{
		fuzzKindOf("", "Pod", func() *api.Pod { return &api.Pod{} }, DefaultPod, ValidatePod, ValidatePodUpdate, ValidatePodStatusUpdate),
		fuzzKindOf("", "Node", func() *api.Node { return &api.Node{} }, DefaultNode, ValidateNode, ValidateNodeUpdate, ValidateNodeUpdate),
		fuzzKindOf("", "Namespace", func() *api.Namespace { return &api.Namespace{} }, DefaultNamespace, ValidateNamespace, ValidateNamespaceUpdate, ValidateNamespaceStatusUpdate),
		fuzzKindOf("", "Event", func() *api.Event { return &api.Event{} }, nil, ValidateEvent, ValidateEventUpdate, nil),
		fuzzKindOf("apps", "ReplicaSet", func() *api.ReplicaSet { return &api.ReplicaSet{} }, DefaultReplicaSet, ValidateReplicaSet, ValidateReplicaSetUpdate, ValidateReplicaSetStatusUpdate),
		fuzzKindOf("apps", "Deployment", func() *api.Deployment { return &api.Deployment{} }, DefaultDeployment, ValidateDeployment, ValidateDeploymentUpdate, ValidateDeploymentStatusUpdate),
		fuzzKindOf("coordination.k8s.io", "Lease", func() *api.Lease { return &api.Lease{} }, nil, ValidateLease, ValidateLeaseUpdate, nil),
	}
}
