package expectations

import (
	"testing"
	"time"
)

func TestExpectations(t *testing.T) {
	now := time.Unix(1000, 0)
	e := New(func() time.Time { return now })
	if !e.Satisfied("rs") {
		t.Fatal("a key never seen is not satisfied")
	}
	e.ExpectCreations("rs", 2)
	if e.Satisfied("rs") {
		t.Fatal("satisfied with 2 creates pending")
	}
	e.CreationObserved("rs")
	if e.Satisfied("rs") {
		t.Fatal("satisfied with 1 create pending")
	}
	e.CreationObserved("rs")
	e.CreationObserved("rs") // one more than expected does no harm
	if !e.Satisfied("rs") {
		t.Fatal("not satisfied after both creates")
	}
	e.ExpectDeletions("rs", []string{"ns/a", "ns/b"})
	e.DeletionObserved("rs", "ns/a")
	e.DeletionObserved("rs", "ns/x")
	if e.Satisfied("rs") {
		t.Fatal("satisfied with ns/b's delete pending")
	}
	now = now.Add(TTL + time.Second)
	if !e.Satisfied("rs") {
		t.Fatal("expectations older than the TTL still hold")
	}
	e.ExpectCreations("rs", 1)
	e.Delete("rs")
	if !e.Satisfied("rs") {
		t.Fatal("a deleted key is not satisfied")
	}
}
