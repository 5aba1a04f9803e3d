package client_test

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"encoding/json"
	"net/http"
	"sync"
	"testing"
	"time"

	"github.com/orrery-dev/orrery/api"
	"github.com/orrery-dev/orrery/apiserver"
	"github.com/orrery-dev/orrery/client"
	"github.com/orrery-dev/orrery/internal/testutil/apiservertest"
)

// contentTypes records the Content-Type of every response.
type contentTypes struct {
	mu   sync.Mutex
	seen map[string]int
	rt   http.RoundTripper
}

func (c *contentTypes) RoundTrip(r *http.Request) (*http.Response, error) {
	if r.Body != nil {
		c.mu.Lock()
		c.seen["request "+r.Header.Get("Content-Type")]++
		c.mu.Unlock()
	}
	resp, err := c.rt.RoundTrip(r)
	if err == nil {
		c.mu.Lock()
		c.seen[resp.Header.Get("Content-Type")]++
		c.mu.Unlock()
	}
	return resp, err
}

// TestProtobufResponses reads objects, lists and watch events through a client that
// asks for protobuf (the default) and one that asks for JSON, and checks that both
// decode the same objects, and that the first really got protobuf.
func TestProtobufResponses(t *testing.T) {
	t.Parallel()
	srv := apiservertest.Start(t, apiserver.Config{}).Server
	pool := x509.NewCertPool()
	pool.AppendCertsFromPEM(srv.CAPEM())
	newClient := func(disable bool) (*client.Client, *contentTypes) {
		ct := &contentTypes{seen: map[string]int{}, rt: &http.Transport{TLSClientConfig: &tls.Config{RootCAs: pool}, ForceAttemptHTTP2: true}}
		c, err := client.New(client.Config{Host: srv.URL(), BearerToken: srv.AdminToken(), QPS: -1, Transport: ct, DisableProtobuf: disable})
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(c.Close)
		return c, ct
	}
	pbClient, pbTypes := newClient(false)
	jsonClient, jsonTypes := newClient(true)
	ctx := t.Context()
	now := api.NewTime(time.Date(2026, 11, 1, 12, 0, 0, 0, time.UTC))
	replicas := int32(2)
	if _, err := client.Resource[*api.Deployment](jsonClient).Namespace("default").Create(ctx, &api.Deployment{
		ObjectMeta: api.ObjectMeta{Name: "web", Labels: map[string]string{"app": "web"}},
		Spec: api.DeploymentSpec{Replicas: &replicas, Selector: &api.LabelSelector{MatchLabels: map[string]string{"app": "web"}},
			Template: api.PodTemplateSpec{ObjectMeta: api.ObjectMeta{Labels: map[string]string{"app": "web"}},
				Spec: api.PodSpec{Containers: []api.Container{{Name: "app", Image: "nginx",
					Resources: api.ResourceRequirements{Requests: api.ResourceList{"cpu": api.MustParseQuantity("250m")}}}}}}},
	}); err != nil {
		t.Fatal(err)
	}
	pods := func(c *client.Client) *client.ResourceClient[*api.Pod] {
		return client.Resource[*api.Pod](c).Namespace("default")
	}
	p, err := pods(jsonClient).Create(ctx, &api.Pod{ObjectMeta: api.ObjectMeta{Name: "web", Labels: map[string]string{"app": "web"}},
		Spec: api.PodSpec{Containers: []api.Container{{Name: "app", Image: "nginx"}}}})
	if err != nil {
		t.Fatal(err)
	}
	p.Status.Phase, p.Status.StartTime = api.PodRunning, &now
	if _, err := pods(jsonClient).UpdateStatus(ctx, p); err != nil {
		t.Fatal(err)
	}
	same := func(what string, a, b any) {
		t.Helper()
		ja, _ := json.Marshal(a)
		jb, _ := json.Marshal(b)
		if string(ja) != string(jb) {
			t.Errorf("%s differs:\nprotobuf %s\njson     %s", what, ja, jb)
		}
	}
	for _, c := range []struct {
		name string
		get  func(*client.Client) (any, error)
	}{
		{"pod", func(c *client.Client) (any, error) { return pods(c).Get(ctx, "web") }},
		{"pods", func(c *client.Client) (any, error) { return pods(c).List(ctx, client.ListOptions{}) }},
		{"deployment", func(c *client.Client) (any, error) {
			return client.Resource[*api.Deployment](c).Namespace("default").Get(ctx, "web")
		}},
		{"namespaces", func(c *client.Client) (any, error) {
			return client.Resource[*api.Namespace](c).List(ctx, client.ListOptions{})
		}},
	} {
		a, err := c.get(pbClient)
		if err != nil {
			t.Fatalf("%s over protobuf: %v", c.name, err)
		}
		b, err := c.get(jsonClient)
		if err != nil {
			t.Fatalf("%s over JSON: %v", c.name, err)
		}
		same(c.name, a, b)
	}
	// Errors are the server's Status either way: a missing object, a taken name.
	if _, err := pods(pbClient).Get(ctx, "missing"); !client.IsNotFound(err) {
		t.Errorf("missing pod over protobuf: %v, want NotFound", err)
	}
	_, pbErr := pods(pbClient).Create(ctx, &api.Pod{ObjectMeta: api.ObjectMeta{Name: "web"}, Spec: p.Spec})
	_, jsonErr := pods(jsonClient).Create(ctx, &api.Pod{ObjectMeta: api.ObjectMeta{Name: "web"}, Spec: p.Spec})
	if !client.IsAlreadyExists(pbErr) || pbErr.Error() != jsonErr.Error() {
		t.Errorf("create of a taken name over protobuf: %v; over JSON: %v", pbErr, jsonErr)
	}
	// Watches: the same events.
	watchCtx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	events := func(c *client.Client) []string {
		w, err := pods(c).Watch(watchCtx, client.ListOptions{ResourceVersion: p.ResourceVersion})
		if err != nil {
			t.Fatal(err)
		}
		defer w.Stop()
		var out []string
		for ev := range w.ResultChan() {
			obj, _ := json.Marshal(ev.Object)
			out = append(out, string(ev.Type)+" "+string(obj))
			if len(out) == 2 {
				break
			}
		}
		return out
	}
	if _, err := pods(jsonClient).Patch(ctx, "web", client.MergePatchType, []byte(`{"metadata":{"labels":{"v":"2"}}}`)); err != nil {
		t.Fatal(err)
	}
	same("watch events", events(pbClient), events(jsonClient))
	pbTypes.mu.Lock()
	defer pbTypes.mu.Unlock()
	jsonTypes.mu.Lock()
	defer jsonTypes.mu.Unlock()
	if pbTypes.seen["application/vnd.kubernetes.protobuf"] < 4 || pbTypes.seen["application/vnd.kubernetes.protobuf;stream=watch"] != 1 ||
		pbTypes.seen["request application/vnd.kubernetes.protobuf"] != 1 {
		t.Errorf("protobuf client's responses: %v", pbTypes.seen)
	}
	if jsonTypes.seen["application/vnd.kubernetes.protobuf"] > 0 || jsonTypes.seen["request application/vnd.kubernetes.protobuf"] > 0 {
		t.Errorf("JSON client's responses: %v", jsonTypes.seen)
	}
}
