package cacher

import (
	"context"
	"testing"
	"time"

	"go.uber.org/goleak"
	"go.uber.org/zap/zaptest"

	"github.com/orrery-dev/orrery/api"
	"github.com/orrery-dev/orrery/apiserver/storage"
	"github.com/orrery-dev/orrery/apiserver/storage/storagetest"
	"github.com/orrery-dev/orrery/internal/testutil"
)

func TestMain(m *testing.M) {
	goleak.VerifyTestMain(m)
}

// waitTimeout bounds every wait for an outcome in the tests.
const waitTimeout = 20 * time.Second

// env is a Cacher of Widgets over a Store over a fresh etcd, running until the test ends.
type env struct {
	etcd  *testutil.Etcd
	store *storage.Store
	c     *Cacher
}

// startCacher starts a Cacher over st (nil: a Store over a new etcd) and waits until
// it is filled. mod adjusts the Config.
func startCacher(t testing.TB, mod func(*Config)) *env {
	t.Helper()
	e := &env{etcd: testutil.StartEtcd(t)}
	st, err := storage.New(storage.Config{
		Client:  e.etcd.Client,
		Prefix:  e.etcd.Prefix + "/widgets",
		NewFunc: storagetest.NewWidget,
		Attrs:   storagetest.WidgetAttrs,
	})
	if err != nil {
		t.Fatalf("storage.New: %v", err)
	}
	e.store = st
	cfg := Config{
		Storage:     st,
		Resource:    "widgets",
		TypeMeta:    api.TypeMeta{Kind: "Widget", APIVersion: "test/v1"},
		Attrs:       storagetest.WidgetAttrs,
		IndexFields: []string{"spec.node"},
	}
	if _, ok := t.(*testing.T); ok {
		cfg.Logger = zaptest.NewLogger(t)
	}
	if mod != nil {
		mod(&cfg)
	}
	e.c = run(t, cfg)
	return e
}

// run starts a Cacher and stops it (waiting for Run to return) when the test ends.
func run(t testing.TB, cfg Config) *Cacher {
	t.Helper()
	c, err := New(cfg)
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- c.Run(ctx) }()
	t.Cleanup(func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("Run: %v", err)
		}
	})
	select {
	case <-c.Synced():
	case <-time.After(waitTimeout):
		t.Fatalf("cache not synced after %s", waitTimeout)
	}
	return c
}

func ctxFor(t testing.TB) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	t.Cleanup(cancel)
	return ctx
}
