package manager_test

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"net/http"
	"net/url"
	"strconv"
	"sync/atomic"
	"testing"
	"time"

	"github.com/orrery-dev/orrery/api"
	"github.com/orrery-dev/orrery/client"
	"github.com/orrery-dev/orrery/envtest"
	"github.com/orrery-dev/orrery/manager"
)

// TestReadYourWrites writes a pod 200 times through a manager Client and reads it
// from the cache right after each write: every read sees the write.
func TestReadYourWrites(t *testing.T) {
	t.Parallel()
	m, _ := startManager(t, manager.Options{})
	pods, err := manager.NewClient[*api.Pod](m, manager.Scope{Namespace: "default"})
	if err != nil {
		t.Fatal(err)
	}
	run(t, m)
	ctx := t.Context()
	p, err := pods.Create(ctx, newPod("ryw", nil))
	if err != nil {
		t.Fatal(err)
	}
	for i := range 200 {
		got, err := pods.Get(ctx, "default", "ryw")
		if err != nil {
			t.Fatalf("read %d: %v", i, err)
		}
		if got.ResourceVersion != p.ResourceVersion {
			t.Fatalf("read %d saw resourceVersion %s; the write returned %s", i, got.ResourceVersion, p.ResourceVersion)
		}
		up := got.DeepCopy()
		up.Labels = map[string]string{"step": strconv.Itoa(i)}
		if p, err = pods.Update(ctx, up); err != nil {
			t.Fatalf("write %d: %v", i, err)
		}
	}

	// A deleted object reads as NotFound once the cache has seen the delete.
	if err := pods.Delete(ctx, "default", "ryw", &api.DeleteOptions{GracePeriodSeconds: new(int64)}); err != nil {
		t.Fatal(err)
	}
	eventually(t, "the delete reaches the cache", func() bool {
		_, err := pods.Get(ctx, "default", "ryw")
		return client.IsNotFound(err)
	})
}

// TestReadYourWritesIsBounded writes an object its cache's scope excludes: the cache
// never sees the write, and Get gives up with a Timeout after the bound.
func TestReadYourWritesIsBounded(t *testing.T) {
	t.Parallel()
	m, _ := startManager(t, manager.Options{ReadYourWritesTimeout: 300 * time.Millisecond})
	pods, err := manager.NewClient[*api.Pod](m, manager.Scope{Namespace: "default", LabelSelector: "cached=yes"})
	if err != nil {
		t.Fatal(err)
	}
	run(t, m)
	ctx := t.Context()
	if _, err := pods.Create(ctx, newPod("outside", nil)); err != nil {
		t.Fatal(err)
	}
	start := time.Now()
	_, err = pods.Get(ctx, "default", "outside")
	if !client.IsTimeout(err) {
		t.Fatalf("Get of a write the cache cannot see: %v; want a Timeout", err)
	}
	if waited := time.Since(start); waited < 300*time.Millisecond {
		t.Errorf("gave up after %v; want the bound of 300ms", waited)
	}
	cctx, cancel := context.WithCancel(ctx)
	cancel()
	if _, err := pods.Get(cctx, "default", "outside"); err == nil {
		t.Error("Get with a cancelled context succeeded")
	}
}

// TestReadYourWritesOfAnObjectSinceDeleted: a write's response that comes back only
// after the cache has seen the object deleted (a later change) leaves nothing to wait
// for: Get answers NotFound at once instead of waiting for the bound.
func TestReadYourWritesOfAnObjectSinceDeleted(t *testing.T) {
	t.Parallel()
	env := envtest.Start(t, envtest.Options{})
	cfg := env.Config()
	roots := x509.NewCertPool()
	roots.AppendCertsFromPEM(cfg.CAData)
	base := &http.Transport{TLSClientConfig: &tls.Config{RootCAs: roots, MinVersion: tls.VersionTLS12}}
	t.Cleanup(base.CloseIdleConnections)
	// afterUpdate runs once, when the response of an update has come back and before
	// the client sees it.
	var afterUpdate atomic.Pointer[func()]
	cfg.Transport = roundTripper(func(req *http.Request) (*http.Response, error) {
		resp, err := base.RoundTrip(req)
		if req.Method == http.MethodPut {
			if f := afterUpdate.Swap(nil); f != nil {
				(*f)()
			}
		}
		return resp, err
	})
	mc, err := client.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(mc.Close)
	m, err := manager.New(manager.Options{Client: mc, ReadYourWritesTimeout: time.Hour})
	if err != nil {
		t.Fatal(err)
	}
	pods, err := manager.NewClient[*api.Pod](m, manager.Scope{Namespace: "default"})
	if err != nil {
		t.Fatal(err)
	}
	run(t, m)
	ctx := t.Context()
	p, err := pods.Create(ctx, newPod("gone", nil))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := pods.Get(ctx, "default", "gone"); err != nil {
		t.Fatal(err)
	}
	deleteFirst := func() {
		if _, err := env.Client().Do(ctx, client.Request{Method: http.MethodDelete, Path: "/api/v1/namespaces/default/pods/gone",
			Query: url.Values{"gracePeriodSeconds": {"0"}}}); err != nil {
			t.Error(err)
		}
		eventually(t, "the cache sees the delete", func() bool {
			_, err := pods.Lister().Namespace("default").Get("gone")
			return client.IsNotFound(err)
		})
	}
	afterUpdate.Store(&deleteFirst)
	up := p.DeepCopy()
	up.Labels = map[string]string{"changed": "yes"}
	if _, err := pods.Update(ctx, up); err != nil {
		t.Fatal(err)
	}
	wctx, cancel := context.WithTimeout(ctx, waitTimeout)
	defer cancel()
	if _, err := pods.Get(wctx, "default", "gone"); !client.IsNotFound(err) {
		t.Fatalf("Get after the object was deleted: %v; want NotFound", err)
	}
}

type roundTripper func(*http.Request) (*http.Response, error)

func (f roundTripper) RoundTrip(req *http.Request) (*http.Response, error) { return f(req) }
