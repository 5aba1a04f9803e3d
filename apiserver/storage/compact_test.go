package storage_test

import (
	"testing"

	clientv3 "go.etcd.io/etcd/client/v3"

	"github.com/orrery-dev/orrery/apiserver/storage"
	"github.com/orrery-dev/orrery/internal/testutil"
)

func TestCompactorKeepsOneIntervalOfHistory(t *testing.T) {
	e := testutil.StartEtcd(t)
	if e.External {
		t.Skip("compacts etcd, which is shared")
	}
	ctx := t.Context()
	c, err := storage.NewCompactor(storage.CompactorConfig{Client: e.Client, Key: e.Prefix + "/compact_rev_key"})
	if err != nil {
		t.Fatalf("NewCompactor: %v", err)
	}
	put := func(v string) int64 {
		resp, err := e.Client.Put(ctx, e.Prefix+"/k", v)
		if err != nil {
			t.Fatalf("put: %v", err)
		}
		return resp.Header.Revision
	}
	readable := func(rev int64) bool {
		_, err := e.Client.Get(ctx, e.Prefix+"/k", clientv3.WithRev(rev))
		return err == nil
	}

	r1 := put("1")
	if err := c.Step(ctx); err != nil { // records the compaction point, compacts nothing
		t.Fatalf("first step: %v", err)
	}
	if !readable(r1) {
		t.Fatalf("revision %d compacted by the first step", r1)
	}
	r2 := put("2")
	if err := c.Step(ctx); err != nil { // compacts up to the point the first step saw
		t.Fatalf("second step: %v", err)
	}
	if readable(r1 - 1) {
		t.Errorf("revision %d still readable after the second step", r1-1)
	}
	if !readable(r2) {
		t.Errorf("revision %d, newer than the first step, was compacted", r2)
	}

	// A second compactor on the same etcd defers to the first within one round.
	other, err := storage.NewCompactor(storage.CompactorConfig{Client: e.Client, Key: e.Prefix + "/compact_rev_key"})
	if err != nil {
		t.Fatalf("NewCompactor: %v", err)
	}
	if err := other.Step(ctx); err != nil {
		t.Fatalf("other step: %v", err)
	}
	if !readable(r2) {
		t.Errorf("a compactor that lost the round compacted revision %d", r2)
	}
}
