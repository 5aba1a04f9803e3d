package storage_test

import (
	"encoding/json"
	"testing"

	clientv3 "go.etcd.io/etcd/client/v3"

	"github.com/orrery-dev/orrery/api"
	"github.com/orrery-dev/orrery/api/labels"
	"github.com/orrery-dev/orrery/apiserver/storage"
	"github.com/orrery-dev/orrery/apiserver/storage/storagetest"
	"github.com/orrery-dev/orrery/internal/testutil"
)

// TestTransactionChangesAreMarked: every change of a transaction but its last comes
// with More, so that a reader can apply the transaction whole.
func TestTransactionChangesAreMarked(t *testing.T) {
	e := testutil.StartEtcd(t)
	st, err := storage.New(storage.Config{Client: e.Client, Prefix: e.Prefix + "/widgets", NewFunc: storagetest.NewWidget})
	if err != nil {
		t.Fatal(err)
	}
	ctx := t.Context()
	start, err := st.CurrentRevision(ctx)
	if err != nil {
		t.Fatal(err)
	}
	w, err := st.Watch(ctx, "", storage.WatchOptions{ResourceVersion: start})
	if err != nil {
		t.Fatal(err)
	}
	defer w.Stop()
	put := func(name string) clientv3.Op {
		data, err := json.Marshal(&storagetest.Widget{ObjectMeta: api.ObjectMeta{Namespace: "ns", Name: name}})
		if err != nil {
			t.Fatal(err)
		}
		return clientv3.OpPut(e.Prefix+"/widgets/ns/"+name, string(data))
	}
	// A transaction of three puts, one of them unreadable, then a single put.
	txn := []clientv3.Op{put("a"), put("b"), clientv3.OpPut(e.Prefix+"/widgets/ns/bad", "{"), put("c")}
	if _, err := e.Client.Txn(ctx).Then(txn...).Commit(); err != nil {
		t.Fatal(err)
	}
	if _, err := e.Client.Txn(ctx).Then(put("d")).Commit(); err != nil {
		t.Fatal(err)
	}
	want := []struct {
		name string
		more bool
	}{{"a", true}, {"b", true}, {"c", false}, {"d", false}}
	for _, wt := range want {
		ev := <-w.ResultChan()
		if ev.Type != api.Added || ev.Object.GetObjectMeta().Name != wt.name || ev.More != wt.more {
			t.Fatalf("got %s %v more=%v, want ADDED %s more=%v", ev.Type, ev.Object, ev.More, wt.name, wt.more)
		}
	}
}

// TestWatchWithoutPrevious: a watch that does not ask for previous values sends a
// deletion, and a change to a state that does not decode, as a DELETED event with
// only the key and the revision; it refuses a predicate, which needs them.
func TestWatchWithoutPrevious(t *testing.T) {
	e := testutil.StartEtcd(t)
	st, err := storage.New(storage.Config{Client: e.Client, Prefix: e.Prefix + "/widgets", NewFunc: storagetest.NewWidget})
	if err != nil {
		t.Fatal(err)
	}
	ctx := t.Context()
	if _, err := st.Watch(ctx, "", storage.WatchOptions{WithoutPrevious: true, Predicate: storage.Predicate{Label: labels.SelectorFromSet(labels.Set{"k": "v"})}}); err == nil {
		t.Error("a watch without previous values took a predicate")
	}
	for _, name := range []string{"a", "b"} {
		w := &storagetest.Widget{ObjectMeta: api.ObjectMeta{Namespace: "ns", Name: name, Labels: map[string]string{"k": "v"}}}
		if _, err := st.Create(ctx, storage.ObjectKey("ns", name), w); err != nil {
			t.Fatal(err)
		}
	}
	start, err := st.CurrentRevision(ctx)
	if err != nil {
		t.Fatal(err)
	}
	w, err := st.Watch(ctx, "", storage.WatchOptions{ResourceVersion: start, WithoutPrevious: true})
	if err != nil {
		t.Fatal(err)
	}
	defer w.Stop()
	if _, err := st.Delete(ctx, storage.ObjectKey("ns", "a"), storage.DeleteOptions{}); err != nil {
		t.Fatal(err)
	}
	if _, err := e.Client.Put(ctx, e.Prefix+"/widgets/ns/b", "{"); err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{"a", "b"} {
		ev := <-w.ResultChan()
		m := ev.Object.GetObjectMeta()
		if ev.Type != api.Deleted || m.Namespace != "ns" || m.Name != name || m.Labels != nil || m.ResourceVersion != storage.FormatResourceVersion(ev.Revision) {
			t.Errorf("got %s %+v at %d, want DELETED of ns/%s with only its key", ev.Type, m, ev.Revision, name)
		}
	}
}
