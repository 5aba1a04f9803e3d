package validation

import (
	"encoding/json"
	"os"
	"path/filepath"
	"reflect"
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
		for _, k := range []struct {
			Group, Kind string
			New         func() api.Object
		}{
			{"", "Pod", func() api.Object { return &api.Pod{} }},
			{"", "Node", func() api.Object { return &api.Node{} }},
			{"", "Namespace", func() api.Object { return &api.Namespace{} }},
			{"", "Event", func() api.Object { return &api.Event{} }},
			{"apps", "ReplicaSet", func() api.Object { return &api.ReplicaSet{} }},
			{"coordination.k8s.io", "Lease", func() api.Object { return &api.Lease{} }},
		} {
			objType := reflect.TypeOf(k.New()).Elem()
			obj := reflect.New(objType).Interface().(api.Object)
			if err := json.Unmarshal(data, obj); err != nil {
				continue
			}
			Default(obj)
			fresh := k.New()
			Default(fresh)
			before, err := json.Marshal(obj)
			if err != nil {
				t.Fatalf("%s: encode: %v", k.Kind, err)
			}
			for _, errs := range []ErrorList{
				Validate(obj), ValidateUpdate(obj, obj), ValidateUpdate(obj, fresh), ValidateUpdate(fresh, obj),
				ValidateStatusUpdate(obj, fresh),
			} {
				for _, e := range errs {
					_ = e.Error()
				}
				_ = errs.ToStatus(k.Group, k.Kind, obj.GetObjectMeta().Name)
			}
			UpdateGeneration(fresh, obj)
			after, err := json.Marshal(obj)
			if err != nil {
				t.Fatalf("%s: encode: %v", k.Kind, err)
			}
			if string(before) != string(after) {
				t.Fatalf("%s: validation changed the object:\n%s\n%s", k.Kind, before, after)
			}
		}
	})
}
