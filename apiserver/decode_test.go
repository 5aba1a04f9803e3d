package apiserver

import (
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/orrery-dev/orrery/api"
)

func TestDecodeIntoFindsUnknownFields(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		in   string
		want []string
	}{
		{"none", `{"apiVersion":"v1","kind":"Pod","metadata":{"name":"a","labels":{"x":"y"}},"spec":{"containers":[{"name":"c","image":"i","resources":{"limits":{"cpu":"1"}}}]}}`, nil},
		{"top level", `{"kind":"Pod","bogus":1}`, []string{"bogus"}},
		{"nested and in lists", `{"metadata":{"name":"a","nope":true},"spec":{"containers":[{"name":"c"},{"name":"d","imagee":"x"}]}}`, []string{"metadata.nope", "spec.containers[1].imagee"}},
		{"inside a time is fine", `{"metadata":{"creationTimestamp":"2024-01-01T00:00:00Z"}}`, nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var pod api.Pod
			got, err := decodeInto([]byte(tc.in), &pod)
			if err != nil {
				t.Fatalf("decodeInto: %v", err)
			}
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("unknown fields (-want +got):\n%s", diff)
			}
		})
	}
}

func TestToJSONAcceptsYAML(t *testing.T) {
	t.Parallel()
	got, err := toJSON([]byte("apiVersion: v1\nkind: Pod\nmetadata:\n  name: a\n"))
	if err != nil {
		t.Fatalf("toJSON: %v", err)
	}
	if want := `{"apiVersion":"v1","kind":"Pod","metadata":{"name":"a"}}`; string(got) != want {
		t.Errorf("got %s, want %s", got, want)
	}
	if _, err := toJSON([]byte("a: [")); err == nil {
		t.Error("malformed YAML: got nil error")
	}
}
