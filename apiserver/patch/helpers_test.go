package patch

import (
	"errors"
	"testing"
)

// canonical re-encodes a JSON document the way this package encodes its results, so
// that expectations can be written with any key order and spacing.
func canonical(t *testing.T, doc string) string {
	t.Helper()
	v, err := decode([]byte(doc))
	if err != nil {
		t.Fatalf("bad JSON in test case %q: %v", doc, err)
	}
	b, err := encode(v)
	if err != nil {
		t.Fatalf("encode %q: %v", doc, err)
	}
	return string(b)
}

// errorClasses are the classes every error of the package belongs to.
var errorClasses = []error{ErrInvalidPatch, ErrCannotApply, ErrTooManyOperations, ErrInvalidDocument}

// classOf returns the one class err belongs to, or nil if it belongs to none or many.
func classOf(err error) error {
	var found error
	for _, c := range errorClasses {
		if errors.Is(err, c) {
			if found != nil {
				return nil
			}
			found = c
		}
	}
	return found
}

// patchCase is one row of a table of patch applications.
type patchCase struct {
	name  string
	doc   string
	patch string
	want  string // expected document, when wantErr is empty
	// wantErr is the exact error message; wantClass its class.
	wantErr   string
	wantClass error
}

// check compares the outcome of applying tc with its expectation.
func (tc patchCase) check(t *testing.T, got []byte, err error) {
	t.Helper()
	if tc.wantErr != "" || tc.wantClass != nil {
		if err == nil {
			t.Fatalf("got %s, want error %q", got, tc.wantErr)
		}
		if tc.wantErr != "" && err.Error() != tc.wantErr {
			t.Errorf("got error %q, want %q", err, tc.wantErr)
		}
		if c := classOf(err); tc.wantClass != nil && c != tc.wantClass {
			t.Errorf("got error class %v, want %v (error %q)", c, tc.wantClass, err)
		}
		return
	}
	if err != nil {
		t.Fatalf("got error %q (class %v), want %s", err, classOf(err), tc.want)
	}
	if want := canonical(t, tc.want); string(got) != want {
		t.Errorf("got  %s\nwant %s", got, want)
	}
}
