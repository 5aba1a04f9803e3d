package apiserver

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestParseTokenFile(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		in      string
		want    map[string]*User
		wantErr string
	}{
		{
			name: "kubernetes format with groups",
			in:   "# comment\nabc,alice,1,\"system:masters,dev\"\n\ndef,bob,2\n",
			want: map[string]*User{
				"abc": {Name: "alice", UID: "1", Groups: []string{"system:masters", "dev", GroupAuthenticated}},
				"def": {Name: "bob", UID: "2", Groups: []string{GroupAuthenticated}},
			},
		},
		{name: "too few fields", in: "abc,alice\n", wantErr: "want token,user,uid"},
		{name: "duplicate token", in: "abc,alice,1\nabc,bob,2\n", wantErr: "duplicate token"},
		{name: "empty user", in: "abc,,1\n", wantErr: "empty token or user"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := parseTokenFile(strings.NewReader(tc.in))
			if tc.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
					t.Fatalf("got error %v, want one containing %q", err, tc.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatalf("parseTokenFile: %v", err)
			}
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
		})
	}
}

func TestAuthorize(t *testing.T) {
	t.Parallel()
	admin := &User{Name: "admin", Groups: []string{GroupMasters, GroupAuthenticated}}
	viewer := &User{Name: "viewer", Groups: []string{GroupAuthenticated}}
	for _, verb := range []string{"get", "list", "watch", "create", "update", "patch", "delete", "deletecollection"} {
		if !authorize(admin, verb) {
			t.Errorf("admin may not %s", verb)
		}
		if got, want := authorize(viewer, verb), isReadOnly(verb); got != want {
			t.Errorf("viewer %s: got %v, want %v", verb, got, want)
		}
	}
}
