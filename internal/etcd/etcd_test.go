package etcd

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	clientv3 "go.etcd.io/etcd/client/v3"
	"go.uber.org/goleak"
	"go.uber.org/zap"
	"go.uber.org/zap/zapcore"
	"go.uber.org/zap/zaptest"
)

func TestMain(m *testing.M) {
	goleak.VerifyTestMain(m)
}

func TestStartTwoServersSideBySide(t *testing.T) {
	ctx := t.Context()
	var servers []*Server
	for range 2 {
		s, err := Start(ctx, Config{DataDir: t.TempDir(), Logger: zaptest.NewLogger(t), UnsafeNoFsync: true})
		if err != nil {
			t.Fatalf("Start: %v", err)
		}
		t.Cleanup(s.Close)
		servers = append(servers, s)
	}
	if got0, got1 := servers[0].Endpoints()[0], servers[1].Endpoints()[0]; got0 == got1 {
		t.Fatalf("two servers share endpoint %s", got0)
	}
	for _, s := range servers {
		c, err := NewClient(ctx, ClientConfig{Endpoints: s.Endpoints()})
		if err != nil {
			t.Fatalf("NewClient: %v", err)
		}
		if _, err := c.Put(ctx, "/k", "v"); err != nil {
			t.Fatalf("Put: %v", err)
		}
		resp, err := c.Get(ctx, "/k")
		if err != nil || len(resp.Kvs) != 1 || string(resp.Kvs[0].Value) != "v" {
			t.Fatalf("Get = %v, %v; want one value v", resp, err)
		}
		c.Close()
	}
}

// TestInProcessClient: the in-process client sees what a network client writes and
// the other way round, watches (with progress notifications) and grants leases, and
// the server still refuses a request over its size limit; closing it leaves no
// goroutine behind (TestMain checks).
func TestInProcessClient(t *testing.T) {
	ctx := t.Context()
	s, err := Start(ctx, Config{DataDir: t.TempDir(), Logger: zaptest.NewLogger(t), UnsafeNoFsync: true, ProgressNotifyInterval: 100 * time.Millisecond})
	if err != nil {
		t.Fatalf("Start: %v", err)
	}
	t.Cleanup(s.Close)
	net, err := NewClient(ctx, ClientConfig{Endpoints: s.Endpoints()})
	if err != nil {
		t.Fatalf("NewClient: %v", err)
	}
	defer net.Close()
	c := s.Client()
	defer c.Close()

	wctx, stop := context.WithCancel(ctx)
	defer stop()
	w := c.Watch(wctx, "/k", clientv3.WithPrefix(), clientv3.WithProgressNotify())
	put, err := net.Put(ctx, "/k/a", "from the network")
	if err != nil {
		t.Fatalf("Put: %v", err)
	}
	var sawPut, sawProgress bool
	for !sawPut || !sawProgress {
		select {
		case resp, ok := <-w:
			if !ok {
				t.Fatal("watch closed")
			}
			for _, ev := range resp.Events {
				sawPut = sawPut || (string(ev.Kv.Key) == "/k/a" && ev.Kv.ModRevision == put.Header.Revision)
			}
			sawProgress = sawProgress || resp.IsProgressNotify()
		case <-time.After(10 * time.Second):
			t.Fatalf("watch: put seen %v, progress seen %v", sawPut, sawProgress)
		}
	}

	lease, err := c.Grant(ctx, 60)
	if err != nil {
		t.Fatalf("Grant: %v", err)
	}
	if _, err := c.Put(ctx, "/k/b", "in process", clientv3.WithLease(lease.ID)); err != nil {
		t.Fatalf("Put: %v", err)
	}
	resp, err := net.Get(ctx, "/k/b")
	if err != nil || len(resp.Kvs) != 1 || string(resp.Kvs[0].Value) != "in process" || resp.Kvs[0].Lease != int64(lease.ID) {
		t.Fatalf("Get over the network = %v, %v; want the in-process write with its lease", resp, err)
	}
	if _, err := c.Put(ctx, "/k/big", strings.Repeat("x", 2<<20)); err == nil {
		t.Error("a 2 MiB value was accepted in process; etcd refuses requests over 1.5 MiB")
	}
}

func TestStartNeedsDataDir(t *testing.T) {
	if _, err := Start(context.Background(), Config{}); err == nil {
		t.Fatal("Start without DataDir: got nil error")
	}
}

func TestShutdownNoiseIsDropped(t *testing.T) {
	t.Parallel()
	closed := errors.New("accept tcp 127.0.0.1:1: use of closed network connection")
	tests := []struct {
		name   string
		msg    string
		fields []zapcore.Field
		want   bool
	}{
		{"closed listener", "setting up serving from embedded etcd failed.", []zapcore.Field{zap.Error(closed)}, true},
		{"http server closed", "setting up serving from embedded etcd failed.", []zapcore.Field{zap.Error(errors.New("http: Server closed"))}, true},
		{"grpc stop", "stopped insecure grpc server due to error", []zapcore.Field{zap.Error(closed)}, true},
		{"a real failure", "setting up serving from embedded etcd failed.", []zapcore.Field{zap.Error(errors.New("permission denied"))}, false},
		{"other message", "apply request took too long", []zapcore.Field{zap.Error(closed)}, false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := isShutdownNoise(tc.msg, tc.fields); got != tc.want {
				t.Errorf("isShutdownNoise: got %v, want %v", got, tc.want)
			}
		})
	}
}
