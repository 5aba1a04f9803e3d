package cacher

import (
	"testing"
	"time"

	"github.com/orrery-dev/orrery/apiserver/storage/storagetest"
)

// TestConformance runs the storage conformance suite against a Cacher over a Store.
//
// The harness reports a shared etcd, which skips the tests that compact etcd: a watch
// cache serves every revision of its window whatever etcd has compacted, so
// "WatchCompactedIsExpired" is etcd-only (TestWatchTooOld covers the cache's own
// window instead). Lists that etcd's compaction concerns (Exact, continue tokens) go
// to etcd and are covered by the Store's run of the suite.
func TestConformance(t *testing.T) {
	storagetest.Run(t, func(t *testing.T) storagetest.Harness {
		e := startCacher(t, func(cfg *Config) { cfg.ReadWait = time.Second })
		return storagetest.Harness{
			Store:           e.c,
			Client:          e.etcd.Client,
			EtcdPrefix:      e.etcd.Prefix + "/widgets/",
			RequestProgress: e.c.RequestProgress,
			SharedEtcd:      true,
		}
	})
}
