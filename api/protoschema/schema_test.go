package protoschema

import (
	"strings"
	"testing"
)

func TestNewMessage(t *testing.T) {
	t.Parallel()
	m := NewMessage("Thing", String(3, "name"), Embedded(1, "meta", ObjectMeta), Strings(7, "tags"))
	if m.Name() != "Thing" {
		t.Errorf("Name() = %q", m.Name())
	}
	var nums []int
	for _, f := range m.Fields() {
		nums = append(nums, f.Num)
	}
	if want := []int{1, 3, 7}; len(nums) != len(want) || nums[0] != 1 || nums[1] != 3 || nums[2] != 7 {
		t.Errorf("Fields() numbers = %v, want %v", nums, want)
	}
	for _, tt := range []struct {
		num  int
		name string
	}{{1, "meta"}, {3, "name"}, {7, "tags"}, {0, ""}, {2, ""}, {8, ""}, {-1, ""}, {1 << 20, ""}} {
		f, ok := m.Lookup(tt.num)
		switch {
		case tt.name == "" && ok:
			t.Errorf("Lookup(%d) found %q, want nothing", tt.num, f.Name)
		case tt.name != "" && (!ok || f.Name != tt.name || f.Num != tt.num):
			t.Errorf("Lookup(%d) = %+v, %v; want %q", tt.num, f, ok, tt.name)
		}
	}
}

func TestNewMessageRefusesBadNumbers(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		name   string
		fields []Field
		want   string
	}{
		{"duplicate", []Field{String(1, "a"), Int32(1, "b")}, "numbers two fields alike: a and b"},
		{"zero", []Field{String(0, "a")}, "has no field number"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			defer func() {
				r := recover()
				if s, _ := r.(string); !strings.Contains(s, tt.want) {
					t.Errorf("panic %v, want one saying %q", r, tt.want)
				}
			}()
			NewMessage("Bad", tt.fields...)
		})
	}
}
