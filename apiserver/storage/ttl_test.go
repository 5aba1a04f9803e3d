package storage_test

import (
	"fmt"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	clientv3 "go.etcd.io/etcd/client/v3"

	"github.com/orrery-dev/orrery/api"
	"github.com/orrery-dev/orrery/apiserver/storage"
	"github.com/orrery-dev/orrery/apiserver/storage/storagetest"
	etcdtest "github.com/orrery-dev/orrery/internal/testutil"
)

// TestObjectsExpireWithSharedLeases: with a TTL, objects written in one window share
// one etcd lease (updates move an object to the current window's), and they leave
// storage when it ends: watchers see them DELETED.
func TestObjectsExpireWithSharedLeases(t *testing.T) {
	e := etcdtest.StartEtcd(t)
	if e.External {
		t.Skip("counts the leases of etcd, which is shared")
	}
	reg := prometheus.NewRegistry()
	metrics, err := storage.NewMetrics(reg)
	if err != nil {
		t.Fatal(err)
	}
	st, err := storage.New(storage.Config{
		Client: e.Client, Prefix: e.Prefix + "/events", NewFunc: storagetest.NewWidget, Attrs: storagetest.WidgetAttrs,
		TTL: time.Second, TTLGranularity: 2 * time.Second, Metrics: metrics,
	})
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
	const objects = 50
	for i := range objects {
		obj := &storagetest.Widget{ObjectMeta: api.ObjectMeta{Namespace: "ns", Name: fmt.Sprintf("e%02d", i)}}
		if _, err := st.Create(ctx, storage.ObjectKey("ns", obj.Name), obj); err != nil {
			t.Fatalf("create: %v", err)
		}
	}
	if _, err := st.GuaranteedUpdate(ctx, "ns/e00", storage.UpdateOptions{}, func(cur api.Object) (api.Object, error) {
		cur.(*storagetest.Widget).Spec.Value = 1
		return cur, nil
	}); err != nil {
		t.Fatalf("update: %v", err)
	}
	leases, err := e.Client.Leases(ctx)
	if err != nil {
		t.Fatal(err)
	}
	// Fifty objects written within well under a window: one lease, two if the writes
	// straddle the end of a window.
	if n := len(leases.Leases); n < 1 || n > 2 {
		t.Fatalf("got %d leases for %d objects, want 1 or 2", n, objects)
	}
	resp, err := e.Client.Get(ctx, e.Prefix+"/events/", clientv3.WithPrefix())
	if err != nil {
		t.Fatal(err)
	}
	for _, kv := range resp.Kvs {
		if kv.Lease == 0 {
			t.Fatalf("key %s stored without a lease", kv.Key)
		}
	}
	if got := gathered(t, reg, "etcd_request_duration_seconds", "grantLease"); got == 0 {
		t.Error("no lease grant recorded in etcd_request_duration_seconds")
	}

	// Every object is DELETED once its window has ended (at most TTL+granularity).
	deleted := map[string]bool{}
	timeout := time.After(time.Minute)
	for len(deleted) < objects {
		select {
		case ev, ok := <-w.ResultChan():
			if !ok || ev.Type == api.Error {
				t.Fatalf("watch ended: %+v", ev)
			}
			if ev.Type == api.Deleted {
				deleted[ev.Object.GetObjectMeta().Name] = true
			}
		case <-timeout:
			t.Fatalf("%d of %d objects expired within a minute", len(deleted), objects)
		}
	}
	res, err := st.List(ctx, "", storage.ListOptions{})
	if err != nil || len(res.Items) != 0 {
		t.Fatalf("list after expiry: got %v, %v; want nothing", res, err)
	}
}

func TestDecodeErrorsAreCounted(t *testing.T) {
	e := etcdtest.StartEtcd(t)
	reg := prometheus.NewRegistry()
	metrics, err := storage.NewMetrics(reg)
	if err != nil {
		t.Fatal(err)
	}
	st, err := storage.New(storage.Config{Client: e.Client, Prefix: e.Prefix + "/widgets", Resource: "widgets",
		NewFunc: storagetest.NewWidget, Metrics: metrics})
	if err != nil {
		t.Fatal(err)
	}
	ctx := t.Context()
	if _, err := e.Client.Put(ctx, e.Prefix+"/widgets/ns/bad", "{"); err != nil {
		t.Fatal(err)
	}
	if _, err := st.Get(ctx, "ns/bad", storage.GetOptions{}); !storage.IsInvalid(err) {
		t.Fatalf("Get: got %v, want Invalid", err)
	}
	if _, err := st.List(ctx, "", storage.ListOptions{}); err != nil {
		t.Fatalf("List: %v", err)
	}
	if got := gathered(t, reg, "apiserver_storage_decode_errors_total", "widgets"); got != 2 {
		t.Errorf("apiserver_storage_decode_errors_total{resource=\"widgets\"}: got %v, want 2", got)
	}
}

// gathered sums the counters (or histogram sample counts) of the metric name whose
// labels include the value label.
func gathered(t *testing.T, reg *prometheus.Registry, name, label string) float64 {
	t.Helper()
	families, err := reg.Gather()
	if err != nil {
		t.Fatal(err)
	}
	var sum float64
	for _, f := range families {
		if f.GetName() != name {
			continue
		}
		for _, m := range f.GetMetric() {
			for _, l := range m.GetLabel() {
				if l.GetValue() == label {
					sum += m.GetCounter().GetValue() + float64(m.GetHistogram().GetSampleCount())
				}
			}
		}
	}
	return sum
}
