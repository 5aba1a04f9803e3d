package compat

import (
	"context"
	"errors"
	"fmt"
	"testing"
	"time"

	"go.uber.org/goleak"
	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/util/wait"
	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/rest"

	"github.com/orrery-dev/orrery/apiserver"
	"github.com/orrery-dev/orrery/internal/testutil/apiservertest"
)

func TestMain(m *testing.M) {
	// client-go needs no exceptions here: informers, watches, the event
	// broadcaster and leader electors are all stopped by the tests, and the
	// server closes the connections of client-go's shared transports when it
	// shuts down.
	goleak.VerifyTestMain(m)
}

// waitTimeout bounds every wait for a condition in these tests.
const waitTimeout = 30 * time.Second

// testServer is an Orrery apiserver running in the test's process, with
// client-go configured to talk to it.
type testServer struct {
	srv    *apiserver.Server
	config *rest.Config
	client kubernetes.Interface
}

// startServer runs an apiserver on a free loopback port with its own data
// directory and etcd. It is stopped, and waited for, when the test ends.
func startServer(t *testing.T) *testServer {
	t.Helper()
	srv := apiservertest.Start(t, apiserver.Config{}).Server
	config := &rest.Config{
		Host:            srv.URL(),
		BearerToken:     srv.AdminToken(),
		TLSClientConfig: rest.TLSClientConfig{CAData: srv.CAPEM()},
		// The defaults (5 qps, burst 10) would make the bulk tests crawl.
		QPS:   1000,
		Burst: 1000,
		// client-go's generated clients send protobuf request bodies unless a
		// content type is configured. Orrery accepts both; the harness asks for
		// JSON, and protobuf_client_test.go and TestClientDefaultContentType
		// cover the default.
		ContentConfig: rest.ContentConfig{ContentType: "application/json"},
	}
	client, err := kubernetes.NewForConfig(config)
	if err != nil {
		t.Fatalf("kubernetes.NewForConfig: %v", err)
	}
	return &testServer{srv: srv, config: config, client: client}
}

// namespace creates a namespace with a name derived from prefix and returns
// its name.
func (s *testServer) namespace(t *testing.T, prefix string) string {
	t.Helper()
	ns, err := s.client.CoreV1().Namespaces().Create(t.Context(), &corev1.Namespace{
		ObjectMeta: metav1.ObjectMeta{GenerateName: prefix + "-"},
	}, metav1.CreateOptions{})
	if err != nil {
		t.Fatalf("create namespace %s-*: %v", prefix, err)
	}
	return ns.Name
}

// newPod is a minimal valid pod.
func newPod(name string, labels map[string]string) *corev1.Pod {
	return &corev1.Pod{
		ObjectMeta: metav1.ObjectMeta{Name: name, Labels: labels},
		Spec: corev1.PodSpec{
			Containers: []corev1.Container{{Name: "app", Image: "registry.example/app:1"}},
		},
	}
}

// newNode is a minimal node.
func newNode(name string, labels map[string]string) *corev1.Node {
	return &corev1.Node{ObjectMeta: metav1.ObjectMeta{Name: name, Labels: labels}}
}

// poll waits, up to waitTimeout, until cond reports true; it fails the test
// with what the last attempt saw otherwise.
func poll(t *testing.T, what string, cond func(ctx context.Context) (bool, error)) {
	t.Helper()
	var last error
	err := wait.PollUntilContextTimeout(t.Context(), 20*time.Millisecond, waitTimeout, true, func(ctx context.Context) (bool, error) {
		ok, err := cond(ctx)
		if err != nil {
			if ctx.Err() == nil { // keep what the last complete attempt saw
				last = err
			}
			return false, nil
		}
		return ok, nil
	})
	if err != nil {
		t.Fatalf("waiting for %s: %v (last error: %v)", what, err, last)
	}
}

// statusOf describes an API error for a failure message.
func statusOf(err error) string {
	var se apierrors.APIStatus
	if errors.As(err, &se) {
		s := se.Status()
		return fmt.Sprintf("code=%d reason=%q message=%q details=%+v", s.Code, s.Reason, s.Message, s.Details)
	}
	return fmt.Sprintf("%v (not an API status)", err)
}

// newClientset is kubernetes.NewForConfig with the rate limits of the
// harness's own client.
func newClientset(config *rest.Config) (kubernetes.Interface, error) {
	c := rest.CopyConfig(config)
	c.QPS, c.Burst = 1000, 1000
	return kubernetes.NewForConfig(c)
}
