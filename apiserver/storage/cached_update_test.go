package storage_test

import (
	"context"
	"errors"
	"testing"

	"github.com/orrery-dev/orrery/api"
	"github.com/orrery-dev/orrery/apiserver/storage"
	"github.com/orrery-dev/orrery/apiserver/storage/storagetest"
	"github.com/orrery-dev/orrery/internal/testutil"
)

// TestUpdateFromCachedState: an update tried on a cached state writes without reading
// storage when the state is current, and is retried on storage's state when it is
// stale: the write's revision check, a failed precondition, a tryUpdate error and a
// no-op on the stale state each lead there, never to a wrong answer.
func TestUpdateFromCachedState(t *testing.T) {
	t.Parallel()
	e := testutil.StartEtcd(t)
	s, err := storage.New(storage.Config{Client: e.Client, Prefix: e.Prefix + "/widgets", NewFunc: storagetest.NewWidget, Attrs: storagetest.WidgetAttrs})
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	w := &storagetest.Widget{TypeMeta: api.TypeMeta{Kind: "Widget", APIVersion: "test/v1"},
		ObjectMeta: api.ObjectMeta{Namespace: "ns", Name: "w", UID: "uid-w"}, Spec: storagetest.WidgetSpec{Value: 1}}
	created, err := s.Create(ctx, "ns/w", w)
	if err != nil {
		t.Fatal(err)
	}
	stale := cachedOf(t, created)
	add := func(n int) storage.UpdateFunc {
		return func(in api.Object) (api.Object, error) {
			out := in.(*storagetest.Widget)
			out.Spec.Value += n
			return out, nil
		}
	}
	value := func(o api.Object) int { return o.(*storagetest.Widget).Spec.Value }

	// Current cached state: the update applies to it.
	second, err := s.GuaranteedUpdate(ctx, "ns/w", storage.UpdateOptions{Cached: stale}, add(10))
	if err != nil || value(second) != 11 {
		t.Fatalf("update on the current cached state: %v %v", second, err)
	}
	// The same, now stale, state: the revision check sends the update to storage's.
	third, err := s.GuaranteedUpdate(ctx, "ns/w", storage.UpdateOptions{Cached: stale}, add(100))
	if err != nil || value(third) != 111 {
		t.Fatalf("update on a stale cached state: %v %v", third, err)
	}
	// A resourceVersion precondition that only the stale state fails.
	rv := third.GetObjectMeta().ResourceVersion
	fourth, err := s.GuaranteedUpdate(ctx, "ns/w", storage.UpdateOptions{Cached: stale, Preconditions: &storage.Preconditions{ResourceVersion: &rv}}, add(1000))
	if err != nil || value(fourth) != 1111 {
		t.Fatalf("precondition on a stale cached state: %v %v", fourth, err)
	}
	// A tryUpdate that refuses what it sees in the stale state.
	fifth, err := s.GuaranteedUpdate(ctx, "ns/w", storage.UpdateOptions{Cached: stale}, func(in api.Object) (api.Object, error) {
		if value(in) == 1 {
			return nil, errors.New("refused the stale state")
		}
		return add(1)(in)
	})
	if err != nil || value(fifth) != 1112 {
		t.Fatalf("tryUpdate error on a stale cached state: %v %v", fifth, err)
	}
	// An update that would change nothing on the stale state changes storage's.
	sixth, err := s.GuaranteedUpdate(ctx, "ns/w", storage.UpdateOptions{Cached: stale}, func(in api.Object) (api.Object, error) {
		out := in.(*storagetest.Widget)
		out.Spec.Value = 1
		return out, nil
	})
	if err != nil || value(sixth) != 1 || sixth.GetObjectMeta().ResourceVersion == fifth.GetObjectMeta().ResourceVersion {
		t.Fatalf("no-op on a stale cached state: %v %v", sixth, err)
	}
	got, err := s.Get(ctx, "ns/w", storage.GetOptions{})
	if err != nil || value(got) != 1 || got.GetObjectMeta().ResourceVersion != sixth.GetObjectMeta().ResourceVersion {
		t.Fatalf("stored: %v %v", got, err)
	}
}

// cachedOf is obj as a cache holds it.
func cachedOf(t *testing.T, obj api.Object) *storage.CachedState {
	t.Helper()
	rev, err := storage.ParseResourceVersion(obj.GetObjectMeta().ResourceVersion)
	if err != nil {
		t.Fatal(err)
	}
	cp := *obj.(*storagetest.Widget)
	cp.ResourceVersion = ""
	return &storage.CachedState{Object: &cp, Revision: rev}
}
