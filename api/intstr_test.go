package api

import (
	"encoding/json"
	"testing"
)

func TestIntOrStringJSON(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		in      string
		want    IntOrString
		wantOut string
		wantErr bool
	}{
		{name: "int", in: `80`, want: FromInt32(80), wantOut: `80`},
		{name: "negative int", in: `-1`, want: FromInt32(-1), wantOut: `-1`},
		{name: "string", in: `"http"`, want: FromString("http"), wantOut: `"http"`},
		{name: "numeric string stays a string", in: `"80"`, want: FromString("80"), wantOut: `"80"`},
		{name: "null is zero", in: `null`, want: FromInt32(0), wantOut: `0`},
		{name: "float", in: `1.5`, wantErr: true},
		{name: "too large", in: `2147483648`, wantErr: true},
		{name: "object", in: `{}`, wantErr: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			var got IntOrString
			err := json.Unmarshal([]byte(tt.in), &got)
			if tt.wantErr {
				if err == nil {
					t.Fatalf("Unmarshal(%s) = %+v, want an error", tt.in, got)
				}
				return
			}
			if err != nil {
				t.Fatalf("Unmarshal(%s): %v", tt.in, err)
			}
			if got != tt.want {
				t.Errorf("Unmarshal(%s) = %+v, want %+v", tt.in, got, tt.want)
			}
			out, err := json.Marshal(got)
			if err != nil {
				t.Fatal(err)
			}
			if string(out) != tt.wantOut {
				t.Errorf("Marshal = %s, want %s", out, tt.wantOut)
			}
		})
	}
}

func TestIntOrStringString(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		v    IntOrString
		want string
	}{
		{"int", FromInt32(8080), "8080"},
		{"string", FromString("http"), "http"},
		{"zero", IntOrString{}, "0"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			if got := tt.v.String(); got != tt.want {
				t.Errorf("String() = %q, want %q", got, tt.want)
			}
		})
	}
}

func TestIntOrStringMarshalBadType(t *testing.T) {
	t.Parallel()
	if _, err := json.Marshal(IntOrString{Type: 7}); err == nil {
		t.Error("Marshal of an IntOrString of unknown type succeeded, want an error")
	}
}
