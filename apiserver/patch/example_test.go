package patch_test

import (
	"fmt"
	"github.com/orrery-dev/orrery/api/builtin"

	"github.com/orrery-dev/orrery/apiserver/patch"
)

func ExampleStrategicMergePatch() {
	pod := []byte(`{"metadata":{"name":"web","finalizers":["a"]},
		"spec":{"containers":[{"name":"app","image":"app:1"}],"tolerations":[{"key":"x","operator":"Exists"}]}}`)
	p := []byte(`{"metadata":{"finalizers":["b"]},
		"spec":{"containers":[{"name":"app","image":"app:2"}],"tolerations":[{"key":"y","operator":"Exists"}]}}`)

	out, err := patch.StrategicMergePatch(pod, p, podSchema())
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(string(out))
	// Output:
	// {"metadata":{"finalizers":["b","a"],"name":"web"},"spec":{"containers":[{"image":"app:2","name":"app"}],"tolerations":[{"key":"y","operator":"Exists"}]}}
}

func ExampleMergePatch() {
	out, err := patch.MergePatch(
		[]byte(`{"metadata":{"labels":{"app":"web","tier":"frontend"}},"spec":{"replicas":1}}`),
		[]byte(`{"metadata":{"labels":{"tier":null}},"spec":{"replicas":3}}`))
	fmt.Println(string(out), err)
	// Output:
	// {"metadata":{"labels":{"app":"web"}},"spec":{"replicas":3}} <nil>
}

func ExampleJSONPatch() {
	doc := []byte(`{"metadata":{"name":"web"},"spec":{"containers":[{"name":"app","image":"app:1"}]}}`)

	out, err := patch.JSONPatch(doc, []byte(`[
		{"op":"test","path":"/metadata/name","value":"web"},
		{"op":"replace","path":"/spec/containers/0/image","value":"app:2"}]`))
	fmt.Println(string(out), err)

	_, err = patch.JSONPatch(doc, []byte(`[{"op":"add","path":"/spec/foo/bar","value":1}]`))
	fmt.Println(err)
	// Output:
	// {"metadata":{"name":"web"},"spec":{"containers":[{"image":"app:2","name":"app"}]}} <nil>
	// add operation does not apply: doc is missing path: "/spec/foo/bar": missing value
}

// podSchema is the strategic merge patch schema of pods, from their registration.
func podSchema() *patch.Schema {
	pods, _ := builtin.Registry().ByResource("", "pods")
	return patch.SchemaOf(pods.MergeRules)
}
