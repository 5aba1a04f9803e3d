package storage_test

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/google/go-cmp/cmp"
	clientv3 "go.etcd.io/etcd/client/v3"

	"github.com/orrery-dev/orrery/api"
	"github.com/orrery-dev/orrery/apiserver/storage"
	"github.com/orrery-dev/orrery/apiserver/storage/storagetest"
	"github.com/orrery-dev/orrery/internal/testutil"
)

func keysOf(items []api.Object) []string {
	out := make([]string, len(items))
	for i, it := range items {
		m := it.GetObjectMeta()
		out[i] = storage.ObjectKey(m.Namespace, m.Name) + "@" + m.ResourceVersion
	}
	return out
}

// TestWholeRangesAreReadInPages: a List without a limit and the initial state of a
// watch hold more than one etcd response may carry; they are read in pages, all at
// one revision, while writers change the objects.
func TestWholeRangesAreReadInPages(t *testing.T) {
	e := testutil.StartEtcd(t)
	const objects, maxRecv = 300, 64 << 10
	st, err := storage.New(storage.Config{
		Client:   e.SmallClient(t, maxRecv),
		Prefix:   e.Prefix + "/widgets",
		NewFunc:  storagetest.NewWidget,
		Attrs:    storagetest.WidgetAttrs,
		PageSize: 40,
	})
	if err != nil {
		t.Fatal(err)
	}
	ctx := t.Context()
	padding := strings.Repeat("x", 500)
	for i := range objects {
		w := &storagetest.Widget{ObjectMeta: api.ObjectMeta{Namespace: "ns", Name: fmt.Sprintf("w%03d", i),
			Annotations: map[string]string{"padding": padding}}}
		if _, err := st.Create(ctx, storage.ObjectKey("ns", w.Name), w); err != nil {
			t.Fatalf("create: %v", err)
		}
	}
	// The whole range in one response would not fit.
	if _, err := e.SmallClient(t, maxRecv).Get(ctx, e.Prefix+"/widgets/", clientv3.WithPrefix()); err == nil {
		t.Fatal("one read of the whole range fit in the client's limit: the test proves nothing")
	}

	writeCtx, stop := context.WithCancel(ctx)
	var writers sync.WaitGroup
	for wr := range 2 {
		writers.Go(func() {
			for i := 0; writeCtx.Err() == nil; i++ {
				key := storage.ObjectKey("ns", fmt.Sprintf("w%03d", (i*7+wr*150)%objects))
				_, err := st.GuaranteedUpdate(writeCtx, key, storage.UpdateOptions{}, func(cur api.Object) (api.Object, error) {
					cur.(*storagetest.Widget).Spec.Value++
					return cur, nil
				})
				if err != nil && writeCtx.Err() == nil {
					t.Errorf("update: %v", err)
					return
				}
			}
		})
	}
	defer func() {
		stop()
		writers.Wait()
	}()

	for range 3 {
		res, err := st.List(ctx, "ns/", storage.ListOptions{})
		if err != nil {
			t.Fatalf("List: %v", err)
		}
		if len(res.Items) != objects {
			t.Fatalf("List: got %d items, want %d", len(res.Items), objects)
		}
		exact, err := st.List(ctx, "ns/", storage.ListOptions{ResourceVersion: strconv.FormatInt(res.ResourceVersion, 10), ResourceVersionMatch: storage.MatchExact})
		if err != nil {
			t.Fatalf("exact List: %v", err)
		}
		if diff := cmp.Diff(keysOf(exact.Items), keysOf(res.Items)); diff != "" {
			t.Fatalf("paged list differs from the list at its revision (-exact +paged):\n%s", diff)
		}
	}

	w, err := st.Watch(ctx, "ns/", storage.WatchOptions{InitialEventsEnd: true})
	if err != nil {
		t.Fatal(err)
	}
	defer w.Stop()
	added := 0
	for ev := range w.ResultChan() {
		if ev.Type == api.Error {
			t.Fatalf("watch: %v", ev.Err)
		}
		if ev.Type == api.Bookmark && ev.InitialEventsEnd {
			break
		}
		added++
	}
	if added != objects {
		t.Fatalf("initial state of a watch: got %d objects, want %d", added, objects)
	}
}
