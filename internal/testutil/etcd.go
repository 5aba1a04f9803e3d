// Package testutil holds helpers shared by Orrery's tests: an etcd to test against and
// goleak options. It is imported only from tests.
package testutil

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"os"
	"strings"
	"testing"

	clientv3 "go.etcd.io/etcd/client/v3"
	"go.uber.org/zap"
	"go.uber.org/zap/zaptest"

	"github.com/orrery-dev/orrery/internal/etcd"
)

// EtcdEndpointsEnv names the environment variable that, when set to a comma-separated
// list of etcd client URLs, makes tests run against that external etcd instead of an
// embedded one.
const EtcdEndpointsEnv = "ORRERY_TEST_ETCD_ENDPOINTS"

// Etcd is an etcd for one test: a client and a key prefix of the test's own.
type Etcd struct {
	Client *clientv3.Client
	// Prefix is unique to the test ("/registry-<random>"), so tests can share an
	// external etcd.
	Prefix string
	// Server is the embedded server, nil when the test uses an external etcd.
	Server *etcd.Server
	// External reports whether the etcd is shared with others (compaction affects them).
	External bool
}

// StartEtcd gives the test an etcd: the external one named by EtcdEndpointsEnv, or a new
// embedded server on loopback with free ports. Everything is closed when the test ends.
func StartEtcd(t testing.TB) *Etcd {
	t.Helper()
	ctx := context.Background()
	e := &Etcd{Prefix: "/registry-" + randomSuffix(t)}
	endpoints := os.Getenv(EtcdEndpointsEnv)
	if endpoints != "" {
		e.External = true
	} else {
		logger := zap.NewNop()
		if _, bench := t.(*testing.B); !bench {
			// Benchmarks stay quiet: their output is figures.
			logger = zaptest.NewLogger(t)
		}
		s, err := etcd.Start(ctx, etcd.Config{DataDir: t.TempDir(), Logger: logger, UnsafeNoFsync: true})
		if err != nil {
			t.Fatalf("start embedded etcd: %v", err)
		}
		t.Cleanup(s.Close)
		e.Server = s
		// In process, as the apiserver calls its embedded etcd (closed before the server).
		c := s.Client()
		t.Cleanup(func() { c.Close() })
		e.Client = c
		return e
	}
	c, err := etcd.NewClient(ctx, etcd.ClientConfig{Endpoints: strings.Split(endpoints, ",")})
	if err != nil {
		t.Fatalf("connect to etcd: %v", err)
	}
	t.Cleanup(func() { c.Close() })
	e.Client = c
	return e
}

func randomSuffix(t testing.TB) string {
	var b [6]byte
	if _, err := rand.Read(b[:]); err != nil {
		t.Fatalf("random: %v", err)
	}
	return hex.EncodeToString(b[:])
}

// Endpoints are the etcd's client URLs, for a client over the network.
func (e *Etcd) Endpoints() []string {
	if e.Server != nil {
		return e.Server.Endpoints()
	}
	return e.Client.Endpoints()
}

// SmallClient returns a new client of the same etcd that refuses responses larger than
// maxRecv bytes, as every etcd client refuses those past its limit. It is closed when
// the test ends.
func (e *Etcd) SmallClient(t testing.TB, maxRecv int) *clientv3.Client {
	t.Helper()
	c, err := clientv3.New(clientv3.Config{Endpoints: e.Endpoints(), MaxCallRecvMsgSize: maxRecv})
	if err != nil {
		t.Fatalf("etcd client: %v", err)
	}
	t.Cleanup(func() { c.Close() })
	return c
}
