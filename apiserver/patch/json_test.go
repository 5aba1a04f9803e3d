package patch

import (
	"encoding/json"
	"testing"
)

func TestSMPEqual(t *testing.T) {
	t.Parallel()
	n := func(s string) json.Number { return json.Number(s) }
	tests := []struct {
		name string
		a, b any
		want bool
	}{
		{"same integers", n("80"), n("80"), true},
		{"integer and float", n("80"), n("80.0"), false},
		{"floats of equal value", n("1.0"), n("1e0"), true},
		{"different floats", n("1.5"), n("2.5"), false},
		{"integer beyond int64 is a float", n("9223372036854775808"), n("9.223372036854775808e18"), true},
		{"number and string", n("1"), "1", false},
		{"strings", "a", "a", true},
		{"booleans", true, true, true},
		{"boolean and string", true, "true", false},
		{"nulls", nil, nil, true},
		{"objects", map[string]any{"a": n("1")}, map[string]any{"a": n("1")}, true},
		{"object and array", map[string]any{}, []any{}, false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			if got := smpEqual(tc.a, tc.b); got != tc.want {
				t.Errorf("smpEqual(%v, %v) = %v, want %v", tc.a, tc.b, got, tc.want)
			}
		})
	}
}

func TestStrategicMergeKeysCompareAsKubernetes(t *testing.T) {
	t.Parallel()
	tests := []patchCase{
		{
			name:  "integer merge keys match",
			doc:   `{"spec":{"containers":[{"name":"a","ports":[{"containerPort":80}]}]}}`,
			patch: `{"spec":{"containers":[{"name":"a","ports":[{"containerPort":80,"name":"http"}]}]}}`,
			want:  `{"spec":{"containers":[{"name":"a","ports":[{"containerPort":80,"name":"http"}]}]}}`,
		},
		{
			// Kubernetes decodes 80.0 to float64(80), which is not int64(80).
			name:  "a float never matches an integer",
			doc:   `{"spec":{"containers":[{"name":"a","ports":[{"containerPort":80}]}]}}`,
			patch: `{"spec":{"containers":[{"name":"a","ports":[{"containerPort":80.0}]}]}}`,
			want:  `{"spec":{"containers":[{"name":"a","ports":[{"containerPort":80.0},{"containerPort":80}]}]}}`,
		},
		{
			name:      "integers and floats in one merged list",
			doc:       `{"metadata":{"finalizers":[1]}}`,
			patch:     `{"metadata":{"finalizers":[1.5]}}`,
			wantErr:   "list element types are not identical: [[1] [1.5]]",
			wantClass: ErrCannotApply,
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			got, err := StrategicMergePatch([]byte(tc.doc), []byte(tc.patch), schemaFor("Pod"))
			tc.check(t, got, err)
		})
	}
}
