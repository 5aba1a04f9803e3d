package e2e

import (
	"bufio"
	"context"
	"crypto/tls"
	"crypto/x509"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"go.uber.org/goleak"
)

// binary is the orrery binary built once for the package's tests.
var binary string

func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "orrery-e2e")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	binary = filepath.Join(dir, "orrery")
	build := exec.Command("go", "build", "-o", binary, "github.com/orrery-dev/orrery/cmd/orrery")
	build.Stdout, build.Stderr = os.Stderr, os.Stderr
	if err := build.Run(); err != nil {
		fmt.Fprintln(os.Stderr, "build orrery:", err)
		os.Exit(1)
	}
	code := 0
	func() {
		defer func() {
			if err := goleak.Find(); err != nil {
				fmt.Fprintln(os.Stderr, "goleak:", err)
				code = 1
			}
		}()
		code = m.Run()
	}()
	os.RemoveAll(dir)
	os.Exit(code)
}

// apiserver is an `orrery apiserver` process.
type apiserver struct {
	cmd        *exec.Cmd
	dataDir    string
	kubeconfig string
	url        string
	log        *syncBuffer
	exited     chan error
}

// syncBuffer collects a process's output for assertions and failure messages.
type syncBuffer struct {
	mu sync.Mutex
	b  strings.Builder
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

var readyLine = regexp.MustCompile(`apiserver ready\s+\{"url": "(https://[^"]+)", "kubeconfig": "([^"]+)"\}`)

// launch starts cmd, collecting its output in log, and waits until a line of its
// stdout (or stderr, with fromStderr) matches ready; it returns the match and a
// channel that receives the process's exit. It fails the test if the process exits
// first or does not get ready within 2 minutes.
func launch(t testing.TB, cmd *exec.Cmd, log *syncBuffer, fromStderr bool, ready *regexp.Regexp) ([]string, chan error) {
	t.Helper()
	exited := make(chan error, 1)
	pr, pw := io.Pipe()
	if fromStderr {
		cmd.Stdout, cmd.Stderr = log, io.MultiWriter(log, pw)
	} else {
		cmd.Stdout, cmd.Stderr = io.MultiWriter(log, pw), log
	}
	if err := cmd.Start(); err != nil {
		t.Fatalf("start %s: %v", cmd.Path, err)
	}
	go func() {
		err := cmd.Wait()
		pw.Close()
		exited <- err
	}()
	found := make(chan []string, 1)
	go func() {
		sc := bufio.NewScanner(pr)
		for sc.Scan() {
			if m := ready.FindStringSubmatch(sc.Text()); m != nil {
				select {
				case found <- m:
				default:
				}
			}
		}
	}()
	select {
	case m := <-found:
		return m, exited
	case err := <-exited:
		t.Fatalf("%s exited before it was ready: %v\n%s", cmd.Path, err, log)
	case <-time.After(2 * time.Minute):
		cmd.Process.Kill()
		t.Fatalf("%s not ready after 2 minutes:\n%s", cmd.Path, log)
	}
	return nil, nil
}

// startAPIServer starts `orrery apiserver` on a free port and waits until it logs
// that it is ready. The process is stopped with SIGTERM at the end of the test, which
// must make it exit 0.
func startAPIServer(t testing.TB, extraArgs ...string) *apiserver {
	t.Helper()
	dir := t.TempDir()
	s := &apiserver{dataDir: filepath.Join(dir, "data"), kubeconfig: filepath.Join(dir, "kubeconfig"), log: &syncBuffer{}}
	args := append([]string{"apiserver", "--data-dir", s.dataDir, "--port", "0", "--kubeconfig", s.kubeconfig, "--log-level", "info"}, extraArgs...)
	s.cmd = exec.Command(binary, args...)
	m, exited := launch(t, s.cmd, s.log, true, readyLine)
	s.exited = exited
	s.url = m[1]
	if m[2] != s.kubeconfig {
		t.Fatalf("ready line names kubeconfig %s, want %s", m[2], s.kubeconfig)
	}
	t.Cleanup(func() {
		s.cmd.Process.Signal(syscall.SIGTERM)
		select {
		case err := <-s.exited:
			if err != nil {
				t.Errorf("orrery apiserver did not exit cleanly on SIGTERM: %v\n%s", err, s.log)
			}
		case <-time.After(time.Minute):
			s.cmd.Process.Kill()
			t.Errorf("orrery apiserver still running a minute after SIGTERM")
		}
	})
	return s
}

// kubectlPath is the kubectl to drive the server with, or the test is skipped.
func kubectlPath(t *testing.T) string {
	t.Helper()
	p, err := exec.LookPath("kubectl")
	if err != nil {
		t.Skip("kubectl is not installed: the end-to-end tests drive the real kubectl")
	}
	return p
}

// kubectl runs kubectl against s and returns its stdout; it fails the test on error.
func (s *apiserver) kubectl(t *testing.T, args ...string) string {
	t.Helper()
	out, errOut, err := s.kubectlResult(t, "", args...)
	if err != nil {
		t.Fatalf("kubectl %s: %v\nstdout:\n%s\nstderr:\n%s", strings.Join(args, " "), err, out, errOut)
	}
	return out
}

// kubectlStdin runs kubectl with stdin.
func (s *apiserver) kubectlStdin(t *testing.T, stdin string, args ...string) string {
	t.Helper()
	out, errOut, err := s.kubectlResult(t, stdin, args...)
	if err != nil {
		t.Fatalf("kubectl %s: %v\nstdout:\n%s\nstderr:\n%s", strings.Join(args, " "), err, out, errOut)
	}
	return out
}

func (s *apiserver) kubectlResult(t *testing.T, stdin string, args ...string) (string, string, error) {
	t.Helper()
	ctx, cancel := context.WithTimeout(t.Context(), time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, kubectlPath(t), append([]string{"--kubeconfig", s.kubeconfig}, args...)...)
	cmd.Env = append(os.Environ(), "KUBECONFIG=", "HOME="+t.TempDir())
	cmd.Stdin = strings.NewReader(stdin)
	var out, errOut strings.Builder
	cmd.Stdout, cmd.Stderr = &out, &errOut
	err := cmd.Run()
	return out.String(), errOut.String(), err
}

// httpClient trusts the server's CA (read from the kubeconfig's data dir).
func (s *apiserver) httpClient(t *testing.T) *http.Client {
	t.Helper()
	ca, err := os.ReadFile(filepath.Join(s.dataDir, "pki", "ca.crt"))
	if err != nil {
		t.Fatalf("read CA: %v", err)
	}
	pool := x509.NewCertPool()
	pool.AppendCertsFromPEM(ca)
	tr := &http.Transport{TLSClientConfig: &tls.Config{RootCAs: pool}}
	t.Cleanup(tr.CloseIdleConnections)
	return &http.Client{Transport: tr, Timeout: 30 * time.Second}
}

// eventually polls cond until it holds or the deadline passes.
func eventually(t *testing.T, what string, cond func() (bool, string)) {
	t.Helper()
	deadline := time.NewTimer(30 * time.Second)
	defer deadline.Stop()
	tick := time.NewTicker(100 * time.Millisecond)
	defer tick.Stop()
	for {
		ok, state := cond()
		if ok {
			return
		}
		select {
		case <-tick.C:
		case <-deadline.C:
			t.Fatalf("%s: not true after 30s; last state:\n%s", what, state)
		}
	}
}

// kubectlWatch runs a kubectl command that keeps running (get -w) until the test ends,
// collecting its output.
func (s *apiserver) kubectlWatch(t *testing.T, args ...string) *syncBuffer {
	t.Helper()
	ctx, cancel := context.WithCancel(t.Context())
	out := &syncBuffer{}
	cmd := exec.CommandContext(ctx, kubectlPath(t), append([]string{"--kubeconfig", s.kubeconfig}, args...)...)
	cmd.Env = append(os.Environ(), "KUBECONFIG=", "HOME="+t.TempDir())
	cmd.Stdout, cmd.Stderr = out, out
	if err := cmd.Start(); err != nil {
		cancel()
		t.Fatalf("start kubectl %s: %v", strings.Join(args, " "), err)
	}
	t.Cleanup(func() {
		cancel()
		cmd.Wait()
	})
	return out
}
