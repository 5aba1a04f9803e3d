package cacher

import (
	"fmt"
	"io"
	"net"
	"strings"
	"sync"
	"testing"

	"github.com/google/go-cmp/cmp"
	clientv3 "go.etcd.io/etcd/client/v3"

	"github.com/orrery-dev/orrery/api"
	"github.com/orrery-dev/orrery/apiserver/storage"
	"github.com/orrery-dev/orrery/apiserver/storage/storagetest"
	"github.com/orrery-dev/orrery/internal/etcd"
	"github.com/orrery-dev/orrery/internal/testutil"
)

// proxy forwards TCP connections to etcd; cut closes the open ones, as a network
// failure would.
type proxy struct {
	ln     net.Listener
	target string
	mu     sync.Mutex
	conns  []net.Conn
	wg     sync.WaitGroup
}

func startProxy(t *testing.T, target string) *proxy {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	p := &proxy{ln: ln, target: target}
	p.wg.Go(p.accept)
	t.Cleanup(func() {
		ln.Close()
		p.cut()
		p.wg.Wait()
	})
	return p
}

func (p *proxy) accept() {
	for {
		in, err := p.ln.Accept()
		if err != nil {
			return
		}
		out, err := net.Dial("tcp", p.target)
		if err != nil {
			in.Close()
			continue
		}
		p.mu.Lock()
		p.conns = append(p.conns, in, out)
		p.mu.Unlock()
		p.wg.Go(func() { io.Copy(out, in); out.Close() })
		p.wg.Go(func() { io.Copy(in, out); in.Close() })
	}
}

func (p *proxy) cut() {
	p.mu.Lock()
	conns := p.conns
	p.conns = nil
	p.mu.Unlock()
	for _, c := range conns {
		c.Close()
	}
}

// TestCutConnectionLosesNothing cuts the cacher's connection to etcd several times
// while objects are written: the etcd client resumes its watch, and every watcher
// gets every change once, in order, without the cache listing again.
func TestCutConnectionLosesNothing(t *testing.T) {
	t.Parallel()
	e := testutil.StartEtcd(t)
	if e.Server == nil {
		t.Skip("needs the embedded etcd")
	}
	p := startProxy(t, strings.TrimPrefix(e.Server.Endpoints()[0], "http://"))
	proxied, err := etcd.NewClient(ctxFor(t), etcd.ClientConfig{Endpoints: []string{"http://" + p.ln.Addr().String()}})
	if err != nil {
		t.Fatal(err)
	}
	defer proxied.Close()
	newStore := func(client *clientv3.Client) *storage.Store {
		t.Helper()
		s, err := storage.New(storage.Config{Client: client, Prefix: e.Prefix + "/widgets", NewFunc: storagetest.NewWidget, Attrs: storagetest.WidgetAttrs})
		if err != nil {
			t.Fatal(err)
		}
		return s
	}
	direct := newStore(e.Client)
	metrics, err := NewMetrics(nil)
	if err != nil {
		t.Fatal(err)
	}
	c := run(t, Config{Storage: newStore(proxied), Resource: "widgets", Attrs: storagetest.WidgetAttrs, Metrics: metrics})
	start, err := direct.CurrentRevision(ctxFor(t))
	if err != nil {
		t.Fatal(err)
	}
	var ws []storage.Watcher
	for range 5 {
		ws = append(ws, watch(t, c, "", storage.WatchOptions{ResourceVersion: start}))
	}
	var want []got
	for i := range 60 {
		if i%15 == 7 {
			p.cut()
		}
		rv := mustCreate(t, direct, widget("ns", fmt.Sprintf("w%02d", i), i, ""))
		want = append(want, got{Type: api.Added, Key: fmt.Sprintf("ns/w%02d", i), Value: i, RV: rv})
	}
	for i, w := range ws {
		if diff := cmp.Diff(want, collect(t, w, len(want))); diff != "" {
			t.Errorf("watcher %d (-want +got):\n%s", i, diff)
		}
	}
	if got := metricValue(t, metrics.initialized.WithLabelValues("widgets")); got != 1 {
		t.Errorf("initializations: got %v, want 1", got)
	}
}
