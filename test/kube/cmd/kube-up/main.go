// Command kube-up runs a real Kubernetes control plane on this machine, for Orrery's
// benchmarks to run against side by side with Orrery: etcd, kube-apiserver,
// kube-controller-manager and kube-scheduler as `make kube` builds them, and the real
// kwok simulating the nodes it creates. Everything listens on 127.0.0.1 on ports
// picked at run time, and everything it writes goes to --dir:
//
//	ca.crt, serving.crt, sa.key, ...  the certificates and keys it generates
//	tokens.csv                        one token per component, each in system:masters
//	kubeconfig                        the admin's, for kubectl and `orrery bench --kubeconfig`
//	<component>.kubeconfig            each component's
//	kube-scheduler.yaml               the scheduler's configuration
//	kwok-stages.yaml                  kwok's stages, those in the --bin directory's kwok-stages/
//	<component>.log                   each component's output
//	etcd/                             etcd's data
//	pids                              one name=pid line per component
//
// Once every node is Ready it prints "Kubeconfig: <path>" on stdout, the line that
// `orrery up` prints, and runs until SIGINT or SIGTERM, when it stops the components
// (SIGTERM, then SIGKILL after 20 seconds) and exits 0. When a component exits on its
// own, kube-up stops the others and exits 1, showing the end of that component's log.
//
// Usage:
//
//	make kube
//	bin/kube-up --dir /tmp/k8s --nodes 100 [--limits stock|lifted] [--bin DIR]
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"os"
	"os/signal"
	"path/filepath"
	"slices"
	"syscall"
	"time"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	err := run(ctx, os.Args[1:], os.Stdout, os.Stderr)
	if err != nil && !errors.Is(err, flag.ErrHelp) {
		fmt.Fprintln(os.Stderr, "kube-up:", err)
		stop()
		os.Exit(1)
	}
}

// options are kube-up's flags.
type options struct {
	dir     string
	nodes   int
	bin     string
	limits  limits
	timeout time.Duration
}

func parseFlags(args []string, stderr io.Writer) (options, error) {
	o := options{limits: lifted}
	fs := flag.NewFlagSet("kube-up", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.StringVar(&o.dir, "dir", "", "the `directory` for everything the cluster writes (required; must be empty or absent)")
	fs.IntVar(&o.nodes, "nodes", 100, "nodes to create for kwok")
	fs.StringVar(&o.bin, "bin", "", "the `directory` of etcd, kube-apiserver, kube-controller-manager, kube-scheduler, kwok and kwok-stages/ "+
		"(default: beside the kube-up executable when kube-apiserver is there, as 'make kube' builds it, "+
		"else the first bin/ holding kube-apiserver in the working directory or one of its parents)")
	fs.Var(&o.limits, "limits", "the components' own limits, `stock|lifted`: Kubernetes' defaults, or no apiserver in-flight limits and clients at 10,000 QPS")
	fs.DurationVar(&o.timeout, "timeout", 5*time.Minute, "how long the cluster may take to be ready")
	if err := fs.Parse(args); err != nil {
		return o, err
	}
	if fs.NArg() > 0 {
		return o, fmt.Errorf("unexpected arguments %q", fs.Args())
	}
	if o.dir == "" {
		return o, errors.New("--dir is required")
	}
	if o.nodes < 0 {
		return o, errors.New("--nodes must not be negative")
	}
	return o, nil
}

// components are the binaries kube-up runs, in the order it starts them.
var components = []string{"etcd", "kube-apiserver", "kube-controller-manager", "kube-scheduler", "kwok"}

// defaultBin is the directory of the binaries when --bin is not given.
func defaultBin() (string, error) {
	if exe, err := os.Executable(); err == nil {
		if exe, err = filepath.EvalSymlinks(exe); err == nil && isFile(filepath.Join(filepath.Dir(exe), "kube-apiserver")) {
			return filepath.Dir(exe), nil
		}
	}
	wd, err := os.Getwd()
	if err != nil {
		return "", err
	}
	for d := wd; ; d = filepath.Dir(d) {
		if isFile(filepath.Join(d, "bin", "kube-apiserver")) {
			return filepath.Join(d, "bin"), nil
		}
		if filepath.Dir(d) == d {
			return "", fmt.Errorf("no bin/kube-apiserver in %s or its parents: run `make kube` in the repository, or give --bin", wd)
		}
	}
}

func isFile(path string) bool {
	fi, err := os.Stat(path)
	return err == nil && fi.Mode().IsRegular()
}

func run(ctx context.Context, args []string, stdout, stderr io.Writer) (err error) {
	o, err := parseFlags(args, stderr)
	if err != nil {
		return err
	}
	if o.bin == "" {
		if o.bin, err = defaultBin(); err != nil {
			return err
		}
	}
	for _, name := range components {
		if !isFile(filepath.Join(o.bin, name)) {
			return fmt.Errorf("no %s in %s: run `make kube`", name, o.bin)
		}
	}
	stages, err := filepath.Glob(filepath.Join(o.bin, "kwok-stages", "*.yaml"))
	if err != nil || len(stages) == 0 {
		return fmt.Errorf("no kwok stages in %s: run `make kube`", filepath.Join(o.bin, "kwok-stages"))
	}
	slices.Sort(stages)

	dir, err := filepath.Abs(o.dir)
	if err != nil {
		return err
	}
	if entries, err := os.ReadDir(dir); err == nil && len(entries) > 0 {
		return fmt.Errorf("%s is not empty: remove it or give another --dir", dir)
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	c, err := prepare(dir, o.limits, stages)
	if err != nil {
		return err
	}

	signalled := ctx
	ctx, cancel := context.WithCancelCause(ctx)
	defer cancel(nil)
	ps := &procs{dir: dir, exited: cancel}
	defer ps.stop(20 * time.Second)
	// What ended the run: a child that exited on its own, a signal, or err.
	defer func() {
		var exit *exitError
		switch {
		case errors.As(context.Cause(ctx), &exit):
			err = exit
		case signalled.Err() != nil:
			fmt.Fprintln(stderr, "stopping")
			err = nil
		}
	}()

	readyCtx, cancelReady := context.WithTimeout(ctx, o.timeout)
	defer cancelReady()
	if err := up(readyCtx, c, ps, o, stderr); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "Kubeconfig: %s\n", c.Kubeconfig["admin"])
	fmt.Fprintf(stderr, "ready: %d nodes; stop with kill -INT %d\n", o.nodes, os.Getpid())
	<-ctx.Done()
	return nil
}

// prepare writes the PKI, tokens, kubeconfigs, the scheduler's configuration and
// kwok's stages into dir, and picks the ports.
func prepare(dir string, l limits, stages []string) (*cluster, error) {
	p, err := writePKI(dir)
	if err != nil {
		return nil, err
	}
	free, err := freePorts(5)
	if err != nil {
		return nil, err
	}
	c := &cluster{
		Dir: dir, PKI: p, Limits: l,
		Ports:           ports{EtcdClient: free[0], EtcdPeer: free[1], APIServer: free[2], ControllerManager: free[3], Scheduler: free[4]},
		TokenFile:       filepath.Join(dir, "tokens.csv"),
		SchedulerConfig: filepath.Join(dir, "kube-scheduler.yaml"),
		KwokStages:      filepath.Join(dir, "kwok-stages.yaml"),
		Kubeconfig:      map[string]string{},
		tokens:          map[string]string{},
	}
	var tokens []byte
	for _, user := range []string{"admin", "kube-controller-manager", "kube-scheduler", "kwok"} {
		token := newToken()
		c.tokens[user] = token
		tokens = append(tokens, tokenLine(token, user)...)
		path := filepath.Join(dir, user+".kubeconfig")
		if user == "admin" {
			path = filepath.Join(dir, "kubeconfig")
		}
		c.Kubeconfig[user] = path
		if err := os.WriteFile(path, []byte(kubeconfigYAML(c.serverURL(), p.CAPEM, user, token)), 0o600); err != nil {
			return nil, err
		}
	}
	if err := os.WriteFile(c.TokenFile, tokens, 0o600); err != nil {
		return nil, err
	}
	if err := os.WriteFile(c.SchedulerConfig, []byte(c.schedulerConfig()), 0o600); err != nil {
		return nil, err
	}
	var all []byte
	for _, s := range stages {
		b, err := os.ReadFile(s)
		if err != nil {
			return nil, err
		}
		all = append(append(all, "---\n"...), b...)
	}
	if err := os.WriteFile(c.KwokStages, all, 0o600); err != nil {
		return nil, err
	}
	return c, nil
}

// freePorts picks n distinct free ports on 127.0.0.1, holding them all open until
// each is known, then letting them go for the components to take.
func freePorts(n int) ([]int, error) {
	var ports []int
	for range n {
		l, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			return nil, err
		}
		defer l.Close()
		ports = append(ports, l.Addr().(*net.TCPAddr).Port)
	}
	return ports, nil
}

// up starts the components in order, each once the one it needs serves, creates the
// nodes and waits for them to be Ready.
func up(ctx context.Context, c *cluster, ps *procs, o options, stderr io.Writer) error {
	bin := func(name string) string { return filepath.Join(o.bin, name) }
	start := time.Now()
	step := func(format string, args ...any) {
		fmt.Fprintf(stderr, "%5.1fs  %s\n", time.Since(start).Seconds(), fmt.Sprintf(format, args...))
	}

	if _, err := ps.start("etcd", bin("etcd"), c.etcdArgs()); err != nil {
		return err
	}
	etcd := &apiClient{server: c.etcdURL(), http: newPlainHTTPClient()}
	defer etcd.close()
	if err := poll(ctx, "etcd's /health", func(ctx context.Context) error { return etcd.get(ctx, "/health") }); err != nil {
		return err
	}
	step("etcd serves on %s", c.etcdURL())

	if _, err := ps.start("kube-apiserver", bin("kube-apiserver"), c.apiserverArgs()); err != nil {
		return err
	}
	admin, err := newAPIClient(c.serverURL(), c.PKI.CAPEM, c.tokens["admin"])
	if err != nil {
		return err
	}
	defer admin.close()
	if err := poll(ctx, "kube-apiserver's /readyz", func(ctx context.Context) error { return admin.get(ctx, "/readyz") }); err != nil {
		return err
	}
	step("kube-apiserver serves on %s", c.serverURL())

	for _, name := range []string{"kube-controller-manager", "kube-scheduler", "kwok"} {
		var args []string
		switch name {
		case "kube-controller-manager":
			args = c.controllerManagerArgs()
		case "kube-scheduler":
			args = c.schedulerArgs()
		case "kwok":
			args = c.kwokArgs()
		}
		if _, err := ps.start(name, bin(name), args); err != nil {
			return err
		}
	}
	if err := os.WriteFile(filepath.Join(c.Dir, "pids"), []byte(ps.pids()), 0o644); err != nil {
		return err
	}
	for name, port := range map[string]int{"kube-controller-manager": c.Ports.ControllerManager, "kube-scheduler": c.Ports.Scheduler} {
		hc, err := newAPIClient(fmt.Sprintf("https://127.0.0.1:%d", port), c.PKI.CAPEM, "")
		if err != nil {
			return err
		}
		err = poll(ctx, name+"'s /healthz", func(ctx context.Context) error { return hc.get(ctx, "/healthz") })
		hc.close()
		if err != nil {
			return err
		}
	}
	// The controller-manager's service-account controller at work: pods need their
	// namespace's default ServiceAccount.
	if err := poll(ctx, "the default ServiceAccount", func(ctx context.Context) error {
		return admin.get(ctx, "/api/v1/namespaces/default/serviceaccounts/default")
	}); err != nil {
		return err
	}
	step("kube-controller-manager and kube-scheduler healthy; kwok started")

	if err := createNodes(ctx, admin, o.nodes); err != nil {
		return err
	}
	step("%d nodes created", o.nodes)
	last := -1
	if err := poll(ctx, "the nodes Ready", func(ctx context.Context) error {
		n, err := readyNodes(ctx, admin)
		if err != nil {
			return err
		}
		if n != last {
			step("%d of %d nodes Ready", n, o.nodes)
			last = n
		}
		if n < o.nodes {
			return fmt.Errorf("%d of %d nodes Ready", n, o.nodes)
		}
		return nil
	}); err != nil {
		return err
	}
	return nil
}

// poll calls f every half second until it returns nil, and returns nil then; when
// ctx ends first, it returns its error with f's last.
func poll(ctx context.Context, what string, f func(context.Context) error) error {
	t := time.NewTicker(500 * time.Millisecond)
	defer t.Stop()
	for {
		err := f(ctx)
		if err == nil {
			return nil
		}
		select {
		case <-ctx.Done():
			return fmt.Errorf("waiting for %s: %w (last: %v)", what, context.Cause(ctx), err)
		case <-t.C:
		}
	}
}
