package patch

import (
	"errors"
	"fmt"
	"strings"
	"testing"
)

func TestJSONPatch(t *testing.T) {
	t.Parallel()
	tests := []patchCase{
		// RFC 6902 appendix A, verbatim.
		{
			name:  "rfc6902/A.1 adding an object member",
			doc:   `{ "foo": "bar"}`,
			patch: `[ { "op": "add", "path": "/baz", "value": "qux" } ]`,
			want:  `{ "baz": "qux", "foo": "bar" }`,
		},
		{
			name:  "rfc6902/A.2 adding an array element",
			doc:   `{ "foo": [ "bar", "baz" ] }`,
			patch: `[ { "op": "add", "path": "/foo/1", "value": "qux" } ]`,
			want:  `{ "foo": [ "bar", "qux", "baz" ] }`,
		},
		{
			name:  "rfc6902/A.3 removing an object member",
			doc:   `{ "baz": "qux", "foo": "bar" }`,
			patch: `[ { "op": "remove", "path": "/baz" } ]`,
			want:  `{ "foo": "bar" }`,
		},
		{
			name:  "rfc6902/A.4 removing an array element",
			doc:   `{ "foo": [ "bar", "qux", "baz" ] }`,
			patch: `[ { "op": "remove", "path": "/foo/1" } ]`,
			want:  `{ "foo": [ "bar", "baz" ] }`,
		},
		{
			name:  "rfc6902/A.5 replacing a value",
			doc:   `{ "baz": "qux", "foo": "bar" }`,
			patch: `[ { "op": "replace", "path": "/baz", "value": "boo" } ]`,
			want:  `{ "baz": "boo", "foo": "bar" }`,
		},
		{
			name:  "rfc6902/A.6 moving a value",
			doc:   `{ "foo": { "bar": "baz", "waldo": "fred" }, "qux": { "corge": "grault" } }`,
			patch: `[ { "op": "move", "from": "/foo/waldo", "path": "/qux/thud" } ]`,
			want:  `{ "foo": { "bar": "baz" }, "qux": { "corge": "grault", "thud": "fred" } }`,
		},
		{
			name:  "rfc6902/A.7 moving an array element",
			doc:   `{ "foo": [ "all", "grass", "cows", "eat" ] }`,
			patch: `[ { "op": "move", "from": "/foo/1", "path": "/foo/3" } ]`,
			want:  `{ "foo": [ "all", "cows", "eat", "grass" ] }`,
		},
		{
			name:  "rfc6902/A.8 testing a value: success",
			doc:   `{ "baz": "qux", "foo": [ "a", 2, "c" ] }`,
			patch: `[ { "op": "test", "path": "/baz", "value": "qux" }, { "op": "test", "path": "/foo/1", "value": 2 } ]`,
			want:  `{ "baz": "qux", "foo": [ "a", 2, "c" ] }`,
		},
		{
			name:      "rfc6902/A.9 testing a value: error",
			doc:       `{ "baz": "qux" }`,
			patch:     `[ { "op": "test", "path": "/baz", "value": "bar" } ]`,
			wantErr:   "testing value /baz failed: test failed",
			wantClass: ErrCannotApply,
		},
		{
			name:  "rfc6902/A.10 adding a nested member object",
			doc:   `{ "foo": "bar" }`,
			patch: `[ { "op": "add", "path": "/child", "value": { "grandchild": { } } } ]`,
			want:  `{ "foo": "bar", "child": { "grandchild": { } } }`,
		},
		{
			name:  "rfc6902/A.11 ignoring unrecognized elements",
			doc:   `{ "foo": "bar" }`,
			patch: `[ { "op": "add", "path": "/baz", "value": "qux", "xyz": 123 } ]`,
			want:  `{ "foo": "bar", "baz": "qux" }`,
		},
		{
			name:      "rfc6902/A.12 adding to a nonexistent target",
			doc:       `{ "foo": "bar" }`,
			patch:     `[ { "op": "add", "path": "/baz/bat", "value": "qux" } ]`,
			wantErr:   `add operation does not apply: doc is missing path: "/baz/bat": missing value`,
			wantClass: ErrCannotApply,
		},
		{
			// The later "op" wins, as in Kubernetes; removing a missing member fails.
			name:      "rfc6902/A.13 invalid JSON patch document",
			doc:       `{ "foo": "bar" }`,
			patch:     `[ { "op": "add", "path": "/baz", "value": "qux", "op": "remove" } ]`,
			wantErr:   "error in remove for path: '/baz': Unable to remove nonexistent key: baz: missing value",
			wantClass: ErrCannotApply,
		},
		{
			name:  "rfc6902/A.14 ~ escape ordering",
			doc:   `{ "/": 9, "~1": 10 }`,
			patch: `[ {"op": "test", "path": "/~01", "value": 10} ]`,
			want:  `{ "/": 9, "~1": 10 }`,
		},
		{
			name:      "rfc6902/A.15 comparing strings and numbers",
			doc:       `{ "/": 9, "~1": 10 }`,
			patch:     `[ {"op": "test", "path": "/~01", "value": "10"} ]`,
			wantErr:   "testing value /~01 failed: test failed",
			wantClass: ErrCannotApply,
		},
		{
			name:  "rfc6902/A.16 adding an array value",
			doc:   `{ "foo": ["bar"] }`,
			patch: `[ { "op": "add", "path": "/foo/-", "value": ["abc", "def"] } ]`,
			want:  `{ "foo": ["bar", ["abc", "def"]] }`,
		},

		// Kubernetes usage.
		{
			name:  "kubectl patch --type json replaces a container image",
			doc:   `{"spec":{"containers":[{"name":"kubernetes-serve-hostname","image":"old"}]}}`,
			patch: `[{"op": "replace", "path": "/spec/containers/0/image", "value":"new image"}]`,
			want:  `{"spec":{"containers":[{"name":"kubernetes-serve-hostname","image":"new image"}]}}`,
		},
		{
			name:  "guarded update of a label with test",
			doc:   `{"metadata":{"name":"p","labels":{"app/tier":"a"}}}`,
			patch: `[{"op":"test","path":"/metadata/name","value":"p"},{"op":"replace","path":"/metadata/labels/app~1tier","value":"b"}]`,
			want:  `{"metadata":{"name":"p","labels":{"app/tier":"b"}}}`,
		},
		{
			name:      "failed test fails the whole patch",
			doc:       `{"metadata":{"name":"p"}}`,
			patch:     `[{"op":"add","path":"/metadata/labels","value":{}},{"op":"test","path":"/metadata/name","value":"q"}]`,
			wantErr:   "testing value /metadata/name failed: test failed",
			wantClass: ErrCannotApply,
		},
		{
			name:      "add below a missing member",
			doc:       `{"spec":{}}`,
			patch:     `[{"op":"add","path":"/spec/foo/bar","value":1}]`,
			wantErr:   `add operation does not apply: doc is missing path: "/spec/foo/bar": missing value`,
			wantClass: ErrCannotApply,
		},
		{name: "add replaces an existing member", doc: `{"a":1}`, patch: `[{"op":"add","path":"/a","value":2}]`, want: `{"a":2}`},
		{name: "add without value adds null", doc: `{}`, patch: `[{"op":"add","path":"/a"}]`, want: `{"a":null}`},
		{name: "add at the end index", doc: `{"a":[1]}`, patch: `[{"op":"add","path":"/a/1","value":2}]`, want: `{"a":[1,2]}`},
		{name: "add at -1 appends", doc: `{"a":[1,2]}`, patch: `[{"op":"add","path":"/a/-1","value":3}]`, want: `{"a":[1,2,3]}`},
		{name: "add at -3 prepends", doc: `{"a":[1,2]}`, patch: `[{"op":"add","path":"/a/-3","value":0}]`, want: `{"a":[0,1,2]}`},
		{name: "add to empty member name", doc: `{}`, patch: `[{"op":"add","path":"/","value":1}]`, want: `{"":1}`},
		{name: "add into a root array", doc: `[1]`, patch: `[{"op":"add","path":"/0","value":0}]`, want: `[0,1]`},
		{name: "add through an array index", doc: `{"a":[{"b":1}]}`, patch: `[{"op":"add","path":"/a/0/c","value":2}]`, want: `{"a":[{"b":1,"c":2}]}`},
		{name: "add through a negative index", doc: `{"a":[{"b":1},{"b":2}]}`, patch: `[{"op":"add","path":"/a/-1/c","value":3}]`, want: `{"a":[{"b":1},{"b":2,"c":3}]}`},
		{
			name:      "add past the end",
			doc:       `{"a":[1]}`,
			patch:     `[{"op":"add","path":"/a/2","value":2}]`,
			wantErr:   "error in add for path: '/a/2': Unable to access invalid index: 2: invalid index referenced",
			wantClass: ErrCannotApply,
		},
		{
			name:      "add before the start",
			doc:       `{"a":[1]}`,
			patch:     `[{"op":"add","path":"/a/-3","value":2}]`,
			wantErr:   "error in add for path: '/a/-3': Unable to access invalid index: -3: invalid index referenced",
			wantClass: ErrCannotApply,
		},
		{
			name:      "add with a non-numeric index",
			doc:       `{"a":[1]}`,
			patch:     `[{"op":"add","path":"/a/x","value":2}]`,
			wantErr:   `error in add for path: '/a/x': value was not a proper array index: 'x': strconv.Atoi: parsing "x": invalid syntax`,
			wantClass: ErrCannotApply,
		},
		{
			name:      "add at the root",
			doc:       `{}`,
			patch:     `[{"op":"add","path":"","value":{"a":1}}]`,
			wantErr:   `add operation does not apply: doc is missing path: "": missing value`,
			wantClass: ErrCannotApply,
		},
		{
			name:      "add through a scalar",
			doc:       `{"a":1}`,
			patch:     `[{"op":"add","path":"/a/b","value":2}]`,
			wantErr:   `add operation does not apply: doc is missing path: "/a/b": missing value`,
			wantClass: ErrCannotApply,
		},
		{
			name:      "add through null",
			doc:       `{"a":null}`,
			patch:     `[{"op":"add","path":"/a/b","value":2}]`,
			wantErr:   `add operation does not apply: doc is missing path: "/a/b": missing value`,
			wantClass: ErrCannotApply,
		},
		{
			name:      "pointer without leading slash",
			doc:       `{"a":{}}`,
			patch:     `[{"op":"add","path":"a/b","value":2}]`,
			wantErr:   `add operation does not apply: doc is missing path: "a/b": missing value`,
			wantClass: ErrCannotApply,
		},
		{name: "remove the last element with -1", doc: `{"a":[1,2,3]}`, patch: `[{"op":"remove","path":"/a/-1"}]`, want: `{"a":[1,2]}`},
		{
			name:      "remove a missing member",
			doc:       `{"metadata":{}}`,
			patch:     `[{"op":"remove","path":"/metadata/labels"}]`,
			wantErr:   "error in remove for path: '/metadata/labels': Unable to remove nonexistent key: labels: missing value",
			wantClass: ErrCannotApply,
		},
		{
			name:      "remove below a missing member",
			doc:       `{}`,
			patch:     `[{"op":"remove","path":"/metadata/labels"}]`,
			wantErr:   `remove operation does not apply: doc is missing path: "/metadata/labels": missing value`,
			wantClass: ErrCannotApply,
		},
		{
			name:      "remove past the end",
			doc:       `{"a":[1]}`,
			patch:     `[{"op":"remove","path":"/a/1"}]`,
			wantErr:   "error in remove for path: '/a/1': Unable to access invalid index: 1: invalid index referenced",
			wantClass: ErrCannotApply,
		},
		{
			name:      "remove with -",
			doc:       `{"a":[1]}`,
			patch:     `[{"op":"remove","path":"/a/-"}]`,
			wantErr:   `error in remove for path: '/a/-': strconv.Atoi: parsing "-": invalid syntax`,
			wantClass: ErrCannotApply,
		},
		{name: "replace a missing member adds it", doc: `{"a":1}`, patch: `[{"op":"replace","path":"/b","value":2}]`, want: `{"a":1,"b":2}`},
		{name: "replace with a negative index", doc: `{"a":[1,2]}`, patch: `[{"op":"replace","path":"/a/-2","value":0}]`, want: `{"a":[0,2]}`},
		{name: "replace the whole document", doc: `{"a":1}`, patch: `[{"op":"replace","path":"","value":{"b":2}}]`, want: `{"b":2}`},
		{
			name:      "replace the whole document with a scalar",
			doc:       `{"a":1}`,
			patch:     `[{"op":"replace","path":"","value":2}]`,
			wantErr:   "replace operation value must be object or array",
			wantClass: ErrCannotApply,
		},
		{
			name:      "replace past the end",
			doc:       `{"a":[1]}`,
			patch:     `[{"op":"replace","path":"/a/1","value":2}]`,
			wantErr:   "replace operation does not apply: doc is missing key: /a/1: missing value",
			wantClass: ErrCannotApply,
		},
		{
			name:      "replace below a missing member",
			doc:       `{}`,
			patch:     `[{"op":"replace","path":"/a/b","value":2}]`,
			wantErr:   "replace operation does not apply: doc is missing path: /a/b: missing value",
			wantClass: ErrCannotApply,
		},
		{name: "move within an array to the end", doc: `{"a":[1,2,3]}`, patch: `[{"op":"move","from":"/a/0","path":"/a/-"}]`, want: `{"a":[2,3,1]}`},
		{name: "move onto itself", doc: `{"a":1}`, patch: `[{"op":"move","from":"/a","path":"/a"}]`, want: `{"a":1}`},
		{
			name:      "move from a missing member",
			doc:       `{"a":1}`,
			patch:     `[{"op":"move","from":"/b","path":"/c"}]`,
			wantErr:   "error in move for path: 'b': Unable to remove nonexistent key: b: missing value",
			wantClass: ErrCannotApply,
		},
		{
			name:      "move into its own child",
			doc:       `{"a":{"b":1}}`,
			patch:     `[{"op":"move","from":"/a","path":"/a/c"}]`,
			wantErr:   "move operation does not apply: doc is missing destination path: /a/c: missing value",
			wantClass: ErrCannotApply,
		},
		{
			name:      "move from past the end",
			doc:       `{"a":[1]}`,
			patch:     `[{"op":"move","from":"/a/3","path":"/b"}]`,
			wantErr:   "error in move for path: '3': Unable to access invalid index: 3: invalid index referenced",
			wantClass: ErrCannotApply,
		},
		{
			name:      "move below a missing member",
			doc:       `{}`,
			patch:     `[{"op":"move","from":"/a/b","path":"/c"}]`,
			wantErr:   "move operation does not apply: doc is missing from path: /a/b: missing value",
			wantClass: ErrCannotApply,
		},
		{name: "copy an object", doc: `{"a":{"b":1}}`, patch: `[{"op":"copy","from":"/a","path":"/c"}]`, want: `{"a":{"b":1},"c":{"b":1}}`},
		{
			name:  "copies are independent",
			doc:   `{"a":{"b":[1]}}`,
			patch: `[{"op":"copy","from":"/a","path":"/c"},{"op":"add","path":"/c/b/-","value":2},{"op":"replace","path":"/a/b/0","value":0}]`,
			want:  `{"a":{"b":[0]},"c":{"b":[1,2]}}`,
		},
		{name: "copy a missing member copies null", doc: `{}`, patch: `[{"op":"copy","from":"/a","path":"/b"}]`, want: `{"b":null}`},
		{name: "copy into an array", doc: `{"a":[1,2]}`, patch: `[{"op":"copy","from":"/a/1","path":"/a/0"}]`, want: `{"a":[2,1,2]}`},
		{
			name:      "copy to a missing destination",
			doc:       `{"a":1}`,
			patch:     `[{"op":"copy","from":"/a","path":"/b/c"}]`,
			wantErr:   "copy operation does not apply: doc is missing destination path: /b/c: missing value",
			wantClass: ErrCannotApply,
		},
		{
			name:      "copy from past the end",
			doc:       `{"a":[1]}`,
			patch:     `[{"op":"copy","from":"/a/1","path":"/b"}]`,
			wantErr:   "error in copy for from: '/a/1': Unable to access invalid index: 1: invalid index referenced",
			wantClass: ErrCannotApply,
		},
		{
			name:      "copy to past the end",
			doc:       `{"a":[1]}`,
			patch:     `[{"op":"copy","from":"/a/0","path":"/a/5"}]`,
			wantErr:   "error while adding value during copy: Unable to access invalid index: 5: invalid index referenced",
			wantClass: ErrCannotApply,
		},
		{name: "test the whole document", doc: `{"a":[1,{"b":true}]}`, patch: `[{"op":"test","path":"","value":{"a":[1,{"b":true}]}}]`, want: `{"a":[1,{"b":true}]}`},
		{name: "test a missing member against null", doc: `{}`, patch: `[{"op":"test","path":"/a","value":null}]`, want: `{}`},
		{name: "test a null member", doc: `{"a":null}`, patch: `[{"op":"test","path":"/a","value":null}]`, want: `{"a":null}`},
		{
			name:      "test compares number literals",
			doc:       `{"a":1}`,
			patch:     `[{"op":"test","path":"/a","value":1.0}]`,
			wantErr:   "testing value /a failed: test failed",
			wantClass: ErrCannotApply,
		},
		{
			name:      "test objects of different sizes",
			doc:       `{"a":{"b":1}}`,
			patch:     `[{"op":"test","path":"/a","value":{"b":1,"c":null}}]`,
			wantErr:   "testing value /a failed: test failed",
			wantClass: ErrCannotApply,
		},
		{
			name:      "test without value",
			doc:       `{"a":1}`,
			patch:     `[{"op":"test","path":"/a"}]`,
			wantErr:   "testing value /a failed: test failed",
			wantClass: ErrCannotApply,
		},
		{
			name:      "test below a missing member",
			doc:       `{}`,
			patch:     `[{"op":"test","path":"/a/b","value":1}]`,
			wantErr:   "test operation does not apply: is missing path: /a/b: missing value",
			wantClass: ErrCannotApply,
		},
		{
			name:      "test past the end",
			doc:       `{"a":[]}`,
			patch:     `[{"op":"test","path":"/a/0","value":1}]`,
			wantErr:   "error in test for path: '/a/0': Unable to access invalid index: 0: invalid index referenced",
			wantClass: ErrCannotApply,
		},
		{name: "empty patch", doc: `{"a":1}`, patch: `[]`, want: `{"a":1}`},
		{name: "null patch", doc: `{"a":1}`, patch: `null`, want: `{"a":1}`},

		{name: "unknown operation", doc: `{}`, patch: `[{"op":"merge","path":"/a"}]`, wantErr: "Unexpected kind: merge", wantClass: ErrInvalidPatch},
		{name: "missing op", doc: `{}`, patch: `[{"path":"/a"}]`, wantErr: "Unexpected kind: unknown", wantClass: ErrInvalidPatch},
		{name: "null operation", doc: `{}`, patch: `[null]`, wantErr: "Unexpected kind: unknown", wantClass: ErrInvalidPatch},
		{name: "add without path", doc: `{}`, patch: `[{"op":"add","value":1}]`, wantErr: "add operation failed to decode path: missing value", wantClass: ErrInvalidPatch},
		{name: "remove with a numeric path", doc: `{}`, patch: `[{"op":"remove","path":1}]`, wantErr: "remove operation failed to decode path: missing value", wantClass: ErrInvalidPatch},
		{
			name:      "replace without path",
			doc:       `{}`,
			patch:     `[{"op":"replace","value":1}]`,
			wantErr:   "replace operation failed to decode path: operation missing path field: missing value",
			wantClass: ErrInvalidPatch,
		},
		{
			name:      "move without from",
			doc:       `{}`,
			patch:     `[{"op":"move","path":"/a"}]`,
			wantErr:   "move operation failed to decode from: operation, missing from field: missing value",
			wantClass: ErrInvalidPatch,
		},
		{
			name:      "test with a non-string path",
			doc:       `{}`,
			patch:     `[{"op":"test","path":true}]`,
			wantErr:   "test operation failed to decode path: json: cannot unmarshal bool into Go value of type string",
			wantClass: ErrInvalidPatch,
		},
		{name: "patch is an object", doc: `{}`, patch: `{"op":"add"}`, wantClass: ErrInvalidPatch},
		{name: "operation is a string", doc: `{}`, patch: `["add"]`, wantClass: ErrInvalidPatch},
		{name: "patch is not JSON", doc: `{}`, patch: `[{]`, wantClass: ErrInvalidPatch},
		{name: "document is a string", doc: `"a"`, patch: `[]`, wantClass: ErrInvalidDocument},
		{name: "document is not JSON", doc: `{`, patch: `[]`, wantClass: ErrInvalidDocument},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			got, err := JSONPatch([]byte(tc.doc), []byte(tc.patch))
			tc.check(t, got, err)
		})
	}
}

func TestJSONPatchLimits(t *testing.T) {
	t.Parallel()
	t.Run("too many operations", func(t *testing.T) {
		t.Parallel()
		ops := strings.Repeat(`{"op":"test","path":"/a","value":1},`, MaxJSONPatchOperations+1)
		_, err := JSONPatch([]byte(`{"a":1}`), []byte("["+strings.TrimSuffix(ops, ",")+"]"))
		want := fmt.Sprintf("The allowed maximum operations in a JSON patch is %d, got %d", MaxJSONPatchOperations, MaxJSONPatchOperations+1)
		if err == nil || err.Error() != want || !errors.Is(err, ErrTooManyOperations) {
			t.Errorf("got error %v, want %q (ErrTooManyOperations)", err, want)
		}
	})
	t.Run("as many operations as allowed", func(t *testing.T) {
		t.Parallel()
		ops := strings.Repeat(`{"op":"test","path":"/a","value":1},`, MaxJSONPatchOperations)
		if _, err := JSONPatch([]byte(`{"a":1}`), []byte("["+strings.TrimSuffix(ops, ",")+"]")); err != nil {
			t.Errorf("got error %v, want none", err)
		}
	})
	t.Run("copies that double the document", func(t *testing.T) {
		t.Parallel()
		// Each copy doubles /a; without a limit 64 of them would need 2^64 elements.
		ops := []string{`{"op":"add","path":"/a","value":["xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"]}`}
		for range 64 {
			ops = append(ops, `{"op":"copy","from":"/a","path":"/b"}`, `{"op":"move","from":"/b","path":"/a/-"}`)
		}
		_, err := JSONPatch([]byte(`{}`), []byte("["+strings.Join(ops, ",")+"]"))
		if err == nil || !strings.HasPrefix(err.Error(), "Unable to complete the copy, the accumulated size increase of copy is ") || !errors.Is(err, ErrCannotApply) {
			t.Errorf("got error %v, want the accumulated copy size error", err)
		}
	})
}

func TestJSONPatchDoesNotModifyInputs(t *testing.T) {
	t.Parallel()
	doc := []byte(`{"a":[1,2]}`)
	patch := []byte(`[{"op":"remove","path":"/a/0"},{"op":"add","path":"/b","value":{"c":1}}]`)
	docCopy, patchCopy := string(doc), string(patch)
	got, err := JSONPatch(doc, patch)
	if err != nil {
		t.Fatal(err)
	}
	if want := `{"a":[2],"b":{"c":1}}`; string(got) != want {
		t.Errorf("got %s, want %s", got, want)
	}
	if string(doc) != docCopy || string(patch) != patchCopy {
		t.Errorf("inputs modified: got %s and %s", doc, patch)
	}
}
