package integration

import (
	"fmt"
	"net"
	"sort"
	"testing"
	"time"

	"go.uber.org/goleak"

	"github.com/orrery-dev/orrery/api"
	"github.com/orrery-dev/orrery/apiserver"
	"github.com/orrery-dev/orrery/client"
	"github.com/orrery-dev/orrery/internal/testutil/apiservertest"
)

func TestMain(m *testing.M) {
	goleak.VerifyTestMain(m)
}

// waitTimeout bounds every wait for a condition.
const waitTimeout = 45 * time.Second

// server is an apiserver run by a test.
type server struct {
	srv  *apiservertest.Server
	stop func() // stops the server and waits for it; safe to call twice
}

// startServer runs an apiserver with cfg until stop is called or the test ends.
func startServer(t testing.TB, cfg apiserver.Config) *server {
	t.Helper()
	srv := apiservertest.Start(t, cfg)
	return &server{srv: srv, stop: func() {
		if err := srv.Stop(); err != nil {
			t.Errorf("apiserver Run: %v", err)
		}
	}}
}

// freeAddress returns a loopback address no one listens on (at the time of asking).
func freeAddress(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	return addr
}

// newClient returns a client configured from the server's kubeconfig, without a rate
// limit; its idle connections are closed when the test ends.
func newClient(t testing.TB, s *server) *client.Client {
	t.Helper()
	cfg, err := client.LoadConfig(s.srv.KubeconfigPath(), "")
	if err != nil {
		t.Fatalf("LoadConfig: %v", err)
	}
	cfg.QPS = -1
	c, err := client.New(cfg)
	if err != nil {
		t.Fatalf("client.New: %v", err)
	}
	t.Cleanup(c.Close)
	return c
}

func newPod(name string) *api.Pod {
	return &api.Pod{
		ObjectMeta: api.ObjectMeta{Name: name, Namespace: "default", Labels: map[string]string{"app": "load"}},
		Spec:       api.PodSpec{Containers: []api.Container{{Name: "app", Image: "nginx:1.27"}}},
	}
}

var deleteNow = &api.DeleteOptions{GracePeriodSeconds: new(int64)}

// eventually checks cond every 20 ms until it holds or waitTimeout passes, then fails
// the test with the description desc returns.
func eventually(t *testing.T, desc func() string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(waitTimeout)
	tick := time.NewTicker(20 * time.Millisecond)
	defer tick.Stop()
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("condition did not hold within %v: %s", waitTimeout, desc())
		}
		<-tick.C
	}
}

// serverState is the key → resourceVersion map of the server's pods, read consistently.
func serverState(t *testing.T, c *client.Client) map[string]string {
	t.Helper()
	l, err := client.Resource[*api.Pod](c).Namespace("default").List(t.Context(), client.ListOptions{})
	if err != nil {
		t.Fatalf("list pods: %v", err)
	}
	out := make(map[string]string, len(l.Items))
	for _, p := range l.Items {
		out[p.Namespace+"/"+p.Name] = p.ResourceVersion
	}
	return out
}

// diff describes how got differs from want, briefly.
func diff(got, want map[string]string) string {
	var out []string
	for k, v := range want {
		if got[k] != v {
			out = append(out, fmt.Sprintf("%s: got %q, want %q", k, got[k], v))
		}
	}
	for k, v := range got {
		if _, ok := want[k]; !ok {
			out = append(out, fmt.Sprintf("%s: got %q, want absent", k, v))
		}
	}
	sort.Strings(out)
	if len(out) > 10 {
		out = append(out[:10], fmt.Sprintf("... and %d more", len(out)-10))
	}
	return fmt.Sprintf("%d differences: %v", len(out), out)
}
