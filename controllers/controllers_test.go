package controllers

import "testing"

func names(cs []Controller) []string {
	var out []string
	for _, c := range cs {
		out = append(out, c.Name)
	}
	return out
}

func TestSelect(t *testing.T) {
	t.Parallel()
	all := len(All())
	for _, tt := range []struct {
		spec []string
		want int
		err  bool
	}{
		{[]string{"*"}, all, false},
		{[]string{"*", "-deployment"}, all - 1, false},
		{[]string{"replicaset"}, 1, false},
		{[]string{"replicaset-controller", "deployment"}, 2, false},
		{[]string{"*", "-nosuch"}, 0, true},
		{nil, 0, false},
	} {
		got, err := Select(tt.spec)
		if (err != nil) != tt.err || (!tt.err && len(got) != tt.want) {
			t.Errorf("Select(%q) = %v, %v; want %d controllers (error %v)", tt.spec, names(got), err, tt.want, tt.err)
		}
	}
}
