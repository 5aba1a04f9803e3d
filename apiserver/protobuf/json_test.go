package protobuf

import (
	"encoding/json"
	"testing"
)

// checkString checks that appendString writes s as valid JSON that reads back as
// encoding/json's rendering of s does.
func checkString(t *testing.T, s string) {
	t.Helper()
	got := appendString(nil, s)
	var back string
	if err := json.Unmarshal(got, &back); err != nil {
		t.Fatalf("appendString(%q) = %s: not a JSON string: %v", s, got, err)
	}
	ref, err := json.Marshal(s)
	if err != nil {
		t.Fatalf("json.Marshal(%q): %v", s, err)
	}
	var want string
	if err := json.Unmarshal(ref, &want); err != nil {
		t.Fatalf("json.Unmarshal(%s): %v", ref, err)
	}
	if back != want {
		t.Errorf("appendString(%q) reads back as %q; want %q", s, back, want)
	}
}

func TestAppendString(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		s    string
	}{
		{"empty", ""},
		{"plain", "registry.example/app:1"},
		{"quotes and backslashes", `"a\b"`},
		{"control characters", "\x00\x01\t\n\r\x1f\x7f"},
		{"html", "<a href='x'>&amp;</a>"},
		{"multibyte", "é 日本 🚀"},
		{"line separators", "a\u2028b\u2029c"},
		{"invalid utf-8", "a\xffb\xc3"},
		{"truncated multibyte at the end", "日\xe6\x97"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			checkString(t, tt.s)
		})
	}
}

func TestAppendJSON(t *testing.T) {
	t.Parallel()
	v := map[string]any{
		"b": []any{int64(-1), true, false, nil, "x", map[string]any{}},
		"a": map[string]any{"z": int64(9223372036854775807), "y": []any{}},
	}
	got := string(appendJSON(nil, v))
	want := `{"a":{"y":[],"z":9223372036854775807},"b":[-1,true,false,null,"x",{}]}`
	if got != want {
		t.Errorf("appendJSON = %s; want %s", got, want)
	}
}

func FuzzAppendString(f *testing.F) {
	for _, s := range []string{"", "a\"b", "\x00", "é", "\u2028", "\xff"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) { checkString(t, s) })
}
