package bench

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"sync"
	"syscall"
	"time"

	"github.com/orrery-dev/orrery/api"
	"github.com/orrery-dev/orrery/client"
)

// Cluster is what a scenario runs against.
type Cluster struct {
	// Name describes it in the results ("orrery up", or the kubeconfig's server).
	Name   string
	Config client.Config
	// Kubeconfig is the path of its kubeconfig, for tools such as kubectl.
	Kubeconfig string
	// Processes are the cluster's processes to measure, by name; empty for a remote
	// cluster unless they are named.
	Processes map[string]int
	stop      func() error
}

// Stop stops a cluster the bench started, once; it does nothing for one it was given.
func (c *Cluster) Stop() error {
	if c.stop == nil {
		return nil
	}
	return c.stop()
}

// Connect returns the cluster of a kubeconfig.
func Connect(kubeconfig string) (*Cluster, error) {
	cfg, err := client.LoadConfig(kubeconfig, "")
	if err != nil {
		return nil, err
	}
	cfg.QPS, cfg.Burst = -1, 0
	return &Cluster{Name: cfg.Host, Config: cfg, Kubeconfig: kubeconfig}, nil
}

// process is a child process of the bench: one component of a cluster it started.
type process struct {
	name string
	cmd  *exec.Cmd
	done chan struct{} // closed once it has exited; err is then its exit
	err  error
	once sync.Once
}

// startProcess runs self with args (and GOMEMLIMIT=memoryLimit when set), its
// output to stdout and log.
func startProcess(name, self string, args []string, memoryLimit string, stdout, log io.Writer) (*process, error) {
	cmd := exec.Command(self, args...)
	if memoryLimit != "" {
		cmd.Env = append(os.Environ(), "GOMEMLIMIT="+memoryLimit)
	}
	cmd.Stdout, cmd.Stderr = stdout, log
	if err := cmd.Start(); err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	p := &process{name: name, cmd: cmd, done: make(chan struct{})}
	go func() {
		p.err = cmd.Wait()
		close(p.done)
	}()
	return p, nil
}

// exited is the error of a process that has ended.
func (p *process) exited() error {
	return fmt.Errorf("%s exited before the cluster was ready: %v", p.name, p.err)
}

// stop interrupts the process, as Ctrl-C would, and waits for it to exit; one that
// is still running 30 s later is killed. It returns how the process ended.
func (p *process) stop() error {
	var err error
	p.once.Do(func() {
		_ = p.cmd.Process.Signal(syscall.SIGINT)
		select {
		case <-p.done:
			err = p.err
		case <-time.After(30 * time.Second):
			_ = p.cmd.Process.Kill()
			<-p.done
			err = errors.New("did not stop within 30 s of SIGINT")
		}
		if err != nil {
			err = fmt.Errorf("%s: %w", p.name, err)
		}
	})
	return err
}

// stopAll stops procs, the last started first, and joins their errors.
func stopAll(procs []*process) error {
	var errs []error
	for i := len(procs) - 1; i >= 0; i-- {
		errs = append(errs, procs[i].stop())
	}
	return errors.Join(errs...)
}

var kubeconfigLine = regexp.MustCompile(`^Kubeconfig: (\S+)`)

// StartUp starts `orrery up` (the binary self, a path to this program) with nodes
// simulated nodes in a fresh data directory under dir, and returns once it serves and
// every node is Ready.
// Its output goes to log. memoryLimit, when set, is its Go soft memory limit
// (GOMEMLIMIT, as "250MiB").
func StartUp(ctx context.Context, self, dir string, nodes int, memoryLimit string, log io.Writer) (*Cluster, error) {
	pr, pw := io.Pipe()
	p, err := startProcess("orrery up", self, []string{"up", "--data-dir", filepath.Join(dir, "data"), "--port", "0",
		"--nodes", strconv.Itoa(nodes), "--log-level", "error"}, memoryLimit, io.MultiWriter(log, pw), log)
	if err != nil {
		return nil, err
	}
	go func() {
		<-p.done
		pw.Close()
	}()
	found := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(pr)
		for sc.Scan() {
			if m := kubeconfigLine.FindStringSubmatch(sc.Text()); m != nil {
				select {
				case found <- m[1]:
				default:
				}
			}
		}
	}()
	select {
	case path := <-found:
		c, err := Connect(path)
		if err != nil {
			_ = p.stop()
			return nil, err
		}
		c.Name, c.Processes, c.stop = "orrery up", map[string]int{p.name: p.cmd.Process.Pid}, p.stop
		if memoryLimit != "" {
			c.Name += " (GOMEMLIMIT=" + memoryLimit + ")"
		}
		if err := waitForNodes(ctx, c, []*process{p}, nodes); err != nil {
			_ = p.stop()
			return nil, err
		}
		return c, nil
	case <-p.done:
		return nil, p.exited()
	case <-ctx.Done():
		_ = p.stop()
		return nil, ctx.Err()
	}
}

// StartSplit starts the control plane as `orrery up` runs it, but with every
// component in its own process: orrery apiserver (data under dir), then orrery
// controller-manager, orrery scheduler and orrery kubelet with nodes nodes, each
// with the limits orrery up gives it. It returns once every node is Ready. Their
// output goes to log; memoryLimit is each one's GOMEMLIMIT when set.
func StartSplit(ctx context.Context, self, dir string, nodes int, memoryLimit string, log io.Writer) (_ *Cluster, err error) {
	var procs []*process
	defer func() {
		if err != nil {
			_ = stopAll(procs)
		}
	}()
	data := filepath.Join(dir, "data")
	kubeconfig := filepath.Join(data, "kubeconfig")
	apiserver, err := startProcess("apiserver", self, []string{"apiserver", "--data-dir", data, "--port", "0", "--log-level", "error",
		"--max-requests-inflight", "2000", "--max-mutating-requests-inflight", "1000"}, memoryLimit, log, log)
	if err != nil {
		return nil, err
	}
	procs = append(procs, apiserver)
	// The apiserver writes its kubeconfig once it listens; it is ready once /readyz
	// says so.
	if err := waitFor(ctx, procs, "the apiserver's kubeconfig", 2*time.Minute, func() (bool, error) {
		_, err := os.Stat(kubeconfig)
		return err == nil, nil
	}); err != nil {
		return nil, err
	}
	c, err := Connect(kubeconfig)
	if err != nil {
		return nil, err
	}
	cl, err := client.New(c.Config)
	if err != nil {
		return nil, err
	}
	defer cl.Close()
	if err := waitFor(ctx, procs, "the apiserver to be ready", 2*time.Minute, func() (bool, error) {
		_, err := cl.Do(ctx, client.Request{Method: "GET", Path: "/readyz", Accept: "text/plain"})
		return err == nil, nil
	}); err != nil {
		return nil, err
	}
	common := []string{"--kubeconfig", kubeconfig, "--health-address", "", "--log-level", "error"}
	for _, args := range [][]string{
		{"controller-manager", "--leader-elect=false"},
		{"scheduler", "--leader-elect=false"},
		{"kubelet", "--nodes", strconv.Itoa(nodes)},
	} {
		p, err := startProcess(args[0], self, append(args, common...), memoryLimit, log, log)
		if err != nil {
			return nil, err
		}
		procs = append(procs, p)
	}
	if err := waitForNodes(ctx, c, procs, nodes); err != nil {
		return nil, err
	}
	c.Name, c.Processes = "orrery, a process per component", map[string]int{}
	for _, p := range procs {
		c.Processes[p.name] = p.cmd.Process.Pid
	}
	c.stop = sync.OnceValue(func() error { return stopAll(procs) })
	return c, nil
}

// waitForNodes waits until c has nodes Ready nodes.
func waitForNodes(ctx context.Context, c *Cluster, procs []*process, nodes int) error {
	cl, err := client.New(c.Config)
	if err != nil {
		return err
	}
	defer cl.Close()
	return waitFor(ctx, procs, fmt.Sprintf("%d nodes to be Ready", nodes), 2*time.Minute, func() (bool, error) {
		l, err := client.Resource[*api.Node](cl).List(ctx, client.ListOptions{ResourceVersion: "0"})
		if err != nil {
			return false, nil
		}
		ready := 0
		for _, n := range l.Items {
			for _, cond := range n.Status.Conditions {
				if cond.Type == api.NodeReady && cond.Status == api.ConditionTrue {
					ready++
				}
			}
		}
		return ready >= nodes, nil
	})
}

// waitFor polls done until it is true, an error, a process of procs exits, or within
// passes.
func waitFor(ctx context.Context, procs []*process, what string, within time.Duration, done func() (bool, error)) error {
	ctx, cancel := context.WithTimeout(ctx, within)
	defer cancel()
	tick := time.NewTicker(100 * time.Millisecond)
	defer tick.Stop()
	for {
		ok, err := done()
		if ok || err != nil {
			return err
		}
		for _, p := range procs {
			select {
			case <-p.done:
				return p.exited()
			default:
			}
		}
		select {
		case <-ctx.Done():
			return fmt.Errorf("waiting for %s: %w", what, ctx.Err())
		case <-tick.C:
		}
	}
}
