package patch

import "testing"

func TestMergePatch(t *testing.T) {
	t.Parallel()
	tests := []patchCase{
		// RFC 7386 appendix A, verbatim.
		{name: "rfc7386/replace member", doc: `{"a":"b"}`, patch: `{"a":"c"}`, want: `{"a":"c"}`},
		{name: "rfc7386/add member", doc: `{"a":"b"}`, patch: `{"b":"c"}`, want: `{"a":"b", "b":"c"}`},
		{name: "rfc7386/delete member", doc: `{"a":"b"}`, patch: `{"a":null}`, want: `{}`},
		{name: "rfc7386/delete one of two", doc: `{"a":"b", "b":"c"}`, patch: `{"a":null}`, want: `{"b":"c"}`},
		{name: "rfc7386/array replaced by string", doc: `{"a":["b"]}`, patch: `{"a":"c"}`, want: `{"a":"c"}`},
		{name: "rfc7386/string replaced by array", doc: `{"a":"c"}`, patch: `{"a":["b"]}`, want: `{"a":["b"]}`},
		{name: "rfc7386/nested merge", doc: `{"a": {"b": "c"}}`, patch: `{"a": {"b": "d", "c": null}}`, want: `{"a": {"b": "d"}}`},
		{name: "rfc7386/array replaced", doc: `{"a": [{"b":"c"}]}`, patch: `{"a": [1]}`, want: `{"a": [1]}`},
		{name: "rfc7386/array document", doc: `["a","b"]`, patch: `["c","d"]`, want: `["c","d"]`},
		{name: "rfc7386/array patch replaces object", doc: `{"a":"b"}`, patch: `["c"]`, want: `["c"]`},
		{name: "rfc7386/null patch", doc: `{"a":"foo"}`, patch: `null`, want: `null`},
		{name: "rfc7386/string patch", doc: `{"a":"foo"}`, patch: `"bar"`, want: `"bar"`},
		{name: "rfc7386/null in document kept", doc: `{"e":null}`, patch: `{"a":1}`, want: `{"e":null, "a":1}`},
		{name: "rfc7386/object patch replaces array", doc: `[1,2]`, patch: `{"a":"b", "c":null}`, want: `{"a":"b"}`},
		{name: "rfc7386/nested nulls pruned", doc: `{}`, patch: `{"a": {"bb": {"ccc": null}}}`, want: `{"a": {"bb": {}}}`},

		// Kubernetes usage.
		{
			name:  "kubectl patch --type merge replaces the containers list",
			doc:   `{"spec":{"template":{"spec":{"containers":[{"name":"patch-demo-ctr","image":"nginx"},{"name":"patch-demo-ctr-2","image":"redis"}]}}}}`,
			patch: `{"spec":{"template":{"spec":{"containers":[{"name":"patch-demo-ctr-3","image":"gcr.io/google-samples/hello-app:2.0"}]}}}}`,
			want:  `{"spec":{"template":{"spec":{"containers":[{"name":"patch-demo-ctr-3","image":"gcr.io/google-samples/hello-app:2.0"}]}}}}`,
		},
		{
			name:  "scale subresource",
			doc:   `{"kind":"Scale","spec":{"replicas":2},"status":{"replicas":2}}`,
			patch: `{"spec":{"replicas":3}}`,
			want:  `{"kind":"Scale","spec":{"replicas":3},"status":{"replicas":2}}`,
		},
		{
			name:  "label removed and annotation added",
			doc:   `{"metadata":{"name":"p","labels":{"app":"a","tier":"web"}}}`,
			patch: `{"metadata":{"labels":{"tier":null},"annotations":{"note":"x"}}}`,
			want:  `{"metadata":{"name":"p","labels":{"app":"a"},"annotations":{"note":"x"}}}`,
		},
		{name: "integers keep exact values", doc: `{"a":9007199254740993}`, patch: `{"b":12345678901234567890}`, want: `{"a":9007199254740993,"b":12345678901234567890}`},
		{name: "nulls inside a patch array are kept", doc: `{}`, patch: `{"a":[null,{"b":null}]}`, want: `{"a":[null,{"b":null}]}`},
		{name: "empty patch object", doc: `{"a":1}`, patch: `{}`, want: `{"a":1}`},

		{name: "patch not JSON", doc: `{}`, patch: `{"a":`, wantErr: "invalid JSON merge patch: unexpected EOF", wantClass: ErrInvalidPatch},
		{name: "patch with trailing data", doc: `{}`, patch: `{} {}`, wantClass: ErrInvalidPatch},
		{name: "empty patch", doc: `{}`, patch: ``, wantErr: "invalid JSON merge patch: unexpected end of JSON input", wantClass: ErrInvalidPatch},
		{name: "document not JSON", doc: `{"a"`, patch: `{}`, wantClass: ErrInvalidDocument},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			got, err := MergePatch([]byte(tc.doc), []byte(tc.patch))
			tc.check(t, got, err)
		})
	}
}

func TestMergePatchDoesNotModifyInputs(t *testing.T) {
	t.Parallel()
	doc := []byte(`{"a":{"b":1}}`)
	patch := []byte(`{"a":{"c":2}}`)
	docCopy, patchCopy := string(doc), string(patch)
	if _, err := MergePatch(doc, patch); err != nil {
		t.Fatal(err)
	}
	if string(doc) != docCopy || string(patch) != patchCopy {
		t.Errorf("inputs modified: got %s and %s", doc, patch)
	}
}
