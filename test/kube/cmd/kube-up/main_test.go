package main

import (
	"context"
	"crypto/tls"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"go.uber.org/goleak"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

func TestParseFlags(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name    string
		args    []string
		want    options
		wantErr string
	}{
		{name: "defaults", args: []string{"--dir", "/tmp/k"},
			want: options{dir: "/tmp/k", nodes: 100, limits: lifted, timeout: 5 * time.Minute}},
		{name: "stock", args: []string{"--dir", "d", "--limits", "stock", "--nodes", "3", "--bin", "b"},
			want: options{dir: "d", nodes: 3, bin: "b", limits: stock, timeout: 5 * time.Minute}},
		{name: "no dir", args: nil, wantErr: "--dir is required"},
		{name: "bad limits", args: []string{"--dir", "d", "--limits", "none"}, wantErr: `want stock or lifted, not "none"`},
		{name: "arguments", args: []string{"--dir", "d", "extra"}, wantErr: "unexpected arguments"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			got, err := parseFlags(tc.args, io.Discard)
			if tc.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
					t.Fatalf("got error %v, want one with %q", err, tc.wantErr)
				}
				return
			}
			if err != nil || got != tc.want {
				t.Fatalf("got %+v, %v; want %+v", got, err, tc.want)
			}
		})
	}
}

func TestLimits(t *testing.T) {
	t.Parallel()
	c := &cluster{Dir: "/d", PKI: &pki{}, Kubeconfig: map[string]string{"kube-scheduler": "/d/s.kubeconfig"}}
	liftedOnly := []string{"--enable-priority-and-fairness=false", "--max-requests-inflight=0", "--max-mutating-requests-inflight=0",
		"--kube-api-qps=10000", "--kube-api-burst=10000", "  qps: 10000", "  burst: 10000"}
	for _, tc := range []struct {
		limits limits
		want   bool // whether the lifted flags are there
	}{{stock, false}, {lifted, true}} {
		c.Limits = tc.limits
		got := strings.Join(slices.Concat(c.apiserverArgs(), c.controllerManagerArgs()), "\n") + "\n" + c.schedulerConfig()
		for _, f := range liftedOnly {
			if strings.Contains(got, f) != tc.want {
				t.Errorf("%s: %q there: %v, want %v", tc.limits, f, !tc.want, tc.want)
			}
		}
		if !strings.Contains(c.schedulerConfig(), "kubeconfig: /d/s.kubeconfig\n") {
			t.Errorf("%s: the scheduler's configuration has no kubeconfig:\n%s", tc.limits, c.schedulerConfig())
		}
	}
}

func TestFreePorts(t *testing.T) {
	t.Parallel()
	got, err := freePorts(5)
	if err != nil {
		t.Fatal(err)
	}
	if slices.Sort(got); len(slices.Compact(got)) != 5 {
		t.Fatalf("got ports %v, want 5 distinct ones", got)
	}
}

// fakeAPIServer serves with the certificate writePKI made, and asks for token.
func fakeAPIServer(t *testing.T, p *pki, token string, h http.HandlerFunc) *httptest.Server {
	t.Helper()
	cert, err := tls.LoadX509KeyPair(p.ServingCert, p.ServingKey)
	if err != nil {
		t.Fatal(err)
	}
	s := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("Authorization") != "Bearer "+token {
			w.WriteHeader(http.StatusUnauthorized)
			return
		}
		h(w, r)
	}))
	s.TLS = &tls.Config{Certificates: []tls.Certificate{cert}}
	s.StartTLS()
	t.Cleanup(s.Close)
	return s
}

func TestPKIAndClient(t *testing.T) {
	t.Parallel()
	p, err := writePKI(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	token := newToken()
	s := fakeAPIServer(t, p, token, func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/readyz" {
			return
		}
		w.WriteHeader(http.StatusConflict)
		_, _ = w.Write([]byte(`{"kind":"Status","reason":"AlreadyExists","message":"it exists"}`))
	})
	for _, tc := range []struct {
		name, token, path string
		wantCode          int // 0: no error
	}{
		{name: "ready", token: token, path: "/readyz"},
		{name: "status", token: token, path: "/other", wantCode: http.StatusConflict},
		{name: "wrong token", token: "x", path: "/readyz", wantCode: http.StatusUnauthorized},
	} {
		t.Run(tc.name, func(t *testing.T) {
			a, err := newAPIClient(s.URL, p.CAPEM, tc.token)
			if err != nil {
				t.Fatal(err)
			}
			defer a.close()
			err = a.get(t.Context(), tc.path)
			var se *statusError
			switch {
			case tc.wantCode == 0 && err != nil:
				t.Fatalf("got %v, want no error (the CA trusts the serving certificate)", err)
			case tc.wantCode != 0 && (!errors.As(err, &se) || se.Code != tc.wantCode):
				t.Fatalf("got %v, want a status %d", err, tc.wantCode)
			case tc.wantCode == http.StatusConflict && se.Reason != "AlreadyExists":
				t.Fatalf("got reason %q, want AlreadyExists", se.Reason)
			}
		})
	}
}

func TestCreateNodes(t *testing.T) {
	t.Parallel()
	p, err := writePKI(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	var mu sync.Mutex
	created, patched := map[string]bool{}, map[string]bool{}
	s := fakeAPIServer(t, p, "t", func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		defer mu.Unlock()
		switch {
		case r.Method == http.MethodPost && r.URL.Path == "/api/v1/nodes":
			var n node
			if err := json.NewDecoder(r.Body).Decode(&n); err != nil {
				http.Error(w, err.Error(), http.StatusBadRequest)
				return
			}
			if n.Metadata.Name == nodePrefix+"1" {
				w.WriteHeader(http.StatusConflict) // it exists already
				return
			}
			created[n.Metadata.Name] = n.Metadata.Annotations[kwokAnnotation] == "fake" && n.Status.Allocatable["pods"] == "110"
			if n.Metadata.Name == nodePrefix+"2" {
				n.Status = nodeStatus{} // a server that drops the status on create
			}
			_ = json.NewEncoder(w).Encode(n)
		case r.Method == http.MethodPatch && r.Header.Get("Content-Type") == "application/merge-patch+json":
			patched[strings.TrimSuffix(strings.TrimPrefix(r.URL.Path, "/api/v1/nodes/"), "/status")] = true
		default:
			http.Error(w, r.Method+" "+r.URL.Path, http.StatusNotFound)
		}
	})
	a, err := newAPIClient(s.URL, p.CAPEM, "t")
	if err != nil {
		t.Fatal(err)
	}
	defer a.close()
	if err := createNodes(t.Context(), a, 40); err != nil {
		t.Fatal(err)
	}
	if len(created) != 39 {
		t.Errorf("got %d nodes created, want 39", len(created))
	}
	for name, ok := range created {
		if !ok {
			t.Errorf("node %s: no kwok annotation or no allocatable pods", name)
		}
	}
	if want := map[string]bool{nodePrefix + "2": true}; len(patched) != 1 || !patched[nodePrefix+"2"] {
		t.Errorf("got status patched for %v, want %v", patched, want)
	}
}

func TestProcs(t *testing.T) {
	t.Parallel()
	sleep, err := exec.LookPath("sleep")
	if err != nil {
		t.Skip("no sleep")
	}
	dir := t.TempDir()
	exits := make(chan error, 2)
	ps := &procs{dir: dir, exited: func(err error) { exits <- err }}
	if _, err := ps.start("sleeper", sleep, []string{"60"}); err != nil {
		t.Fatal(err)
	}
	if _, err := ps.start("failer", "/bin/sh", []string{"-c", "echo starting; echo boom; exit 3"}); err != nil {
		ps.stop(time.Second)
		t.Fatal(err)
	}
	var exit *exitError
	if err := <-exits; !errors.As(err, &exit) || exit.name != "failer" || exit.tail != "starting\nboom" {
		t.Errorf("got %v, want failer's exit with its log's end", err)
	}
	pids := ps.pids()
	ps.stop(10 * time.Second)
	if err := <-exits; !errors.As(err, &exit) || exit.name != "sleeper" {
		t.Errorf("got %v, want sleeper's exit once stopped", err)
	}
	if !strings.HasPrefix(pids, "sleeper=") || !strings.Contains(pids, "\nfailer=") {
		t.Errorf("got pids %q, want sleeper's then failer's", pids)
	}
	if _, err := os.Stat(filepath.Join(dir, "sleeper.log")); err != nil {
		t.Error(err)
	}
}

func TestPollEndsWithContext(t *testing.T) {
	t.Parallel()
	ctx, cancel := context.WithCancelCause(t.Context())
	want := errors.New("a child exited")
	calls := 0
	err := poll(ctx, "nothing", func(context.Context) error {
		if calls++; calls == 2 {
			cancel(want)
		}
		return errors.New("not yet")
	})
	if !errors.Is(err, want) || !strings.Contains(err.Error(), "not yet") {
		t.Fatalf("got %v, want the cause and the last error", err)
	}
}
