package patch

import (
	"encoding/json"
	"testing"
)

// fuzzDocs seed every fuzz target with documents shaped like the objects Orrery serves.
var fuzzDocs = []string{
	`{}`,
	`{"a":"b","c":{"d":[1,2,{"e":null}]}}`,
	`{"metadata":{"name":"p","finalizers":["a","b"],"ownerReferences":[{"uid":"1","name":"rs"}],"labels":{"app":"x"}},
	  "spec":{"containers":[{"name":"a","image":"i","ports":[{"containerPort":80}],"env":[{"name":"X","value":"1"}]}],
	  "volumes":[{"name":"v","emptyDir":{}}],"tolerations":[{"key":"k","operator":"Exists"}]},
	  "status":{"conditions":[{"type":"Ready","status":"True"}],"podIPs":[{"ip":"10.0.0.1"}]}}`,
	`[1,"two",{"three":3}]`,
	`"scalar"`,
}

// noNulls reports whether v holds no null anywhere.
func noNulls(v any) bool {
	switch t := v.(type) {
	case nil:
		return false
	case map[string]any:
		for _, e := range t {
			if !noNulls(e) {
				return false
			}
		}
	case []any:
		for _, e := range t {
			if !noNulls(e) {
				return false
			}
		}
	}
	return true
}

// checkResult fails unless a successful result is valid JSON and every error belongs
// to exactly one class.
func checkResult(t *testing.T, got []byte, err error) {
	t.Helper()
	if err != nil {
		if classOf(err) == nil {
			t.Fatalf("error %q belongs to no single class", err)
		}
		return
	}
	if !json.Valid(got) {
		t.Fatalf("result is not valid JSON: %q", got)
	}
}

func FuzzMergePatch(f *testing.F) {
	for _, d := range fuzzDocs {
		f.Add(d, `{"a":null,"metadata":{"labels":{"app":null,"tier":"web"}}}`)
		f.Add(d, d)
	}
	f.Add(`{"a":"foo"}`, `"bar"`)
	f.Add(`{}`, `{"a":{"bb":{"ccc":null}}}`)
	f.Fuzz(func(t *testing.T, doc, patch string) {
		got, err := MergePatch([]byte(doc), []byte(patch))
		checkResult(t, got, err)

		// A document without nulls merged with itself is itself.
		v, derr := decode([]byte(doc))
		if derr != nil || !noNulls(v) {
			return
		}
		self, err := MergePatch([]byte(doc), []byte(doc))
		if err != nil {
			t.Fatalf("merge of %q with itself: %v", doc, err)
		}
		want, _ := encode(v)
		if string(self) != string(want) {
			t.Fatalf("merge of %q with itself: got %s, want %s", doc, self, want)
		}
	})
}

func FuzzJSONPatch(f *testing.F) {
	for _, d := range fuzzDocs {
		f.Add(d, `[{"op":"add","path":"/a","value":1},{"op":"test","path":"/a","value":1}]`)
		f.Add(d, `[{"op":"copy","from":"/metadata","path":"/m"},{"op":"move","from":"/m/name","path":"/n"},{"op":"remove","path":"/spec/containers/-1"}]`)
		f.Add(d, `[{"op":"replace","path":"","value":[1]},{"op":"add","path":"/-","value":2},{"op":"remove","path":"/0"}]`)
	}
	f.Add(`{"/":9,"~1":10}`, `[{"op":"test","path":"/~01","value":10}]`)
	f.Fuzz(func(t *testing.T, doc, patch string) {
		got, err := JSONPatch([]byte(doc), []byte(patch))
		checkResult(t, got, err)
	})
}

func FuzzStrategicMergePatch(f *testing.F) {
	for _, d := range fuzzDocs {
		f.Add(d, `{"metadata":{"finalizers":["c"],"$deleteFromPrimitiveList/finalizers":["a"]}}`, true)
		f.Add(d, `{"spec":{"containers":[{"name":"b"},{"$patch":"delete","name":"a"}],"$setElementOrder/containers":[{"name":"b"}]}}`, true)
		f.Add(d, `{"spec":{"volumes":[{"name":"v","$retainKeys":["name","secret"],"secret":{}}]},"status":{"$patch":"replace"}}`, false)
		f.Add(d, d, false)
	}
	f.Fuzz(func(t *testing.T, doc, patch string, podSchema bool) {
		var schema *Schema
		if podSchema {
			schema = schemaFor("Pod")
		}
		got, err := StrategicMergePatch([]byte(doc), []byte(patch), schema)
		checkResult(t, got, err)
		if err == nil {
			if _, ok := mustDecode(t, got).(map[string]any); !ok {
				t.Fatalf("result is not an object: %s", got)
			}
		}

		// An empty patch changes nothing.
		v, derr := decode([]byte(doc))
		if _, ok := v.(map[string]any); derr != nil || !ok {
			return
		}
		same, err := StrategicMergePatch([]byte(doc), []byte(`{}`), schema)
		if err != nil {
			t.Fatalf("empty patch of %q: %v", doc, err)
		}
		want, _ := encode(v)
		if string(same) != string(want) {
			t.Fatalf("empty patch of %q: got %s, want %s", doc, same, want)
		}
	})
}

func mustDecode(t *testing.T, b []byte) any {
	t.Helper()
	v, err := decode(b)
	if err != nil {
		t.Fatalf("decode %q: %v", b, err)
	}
	return v
}
