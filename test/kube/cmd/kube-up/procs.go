package main

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"syscall"
	"time"
)

// proc is one child process; its output goes to its log.
type proc struct {
	name string
	cmd  *exec.Cmd
	log  string
	// done is closed once the process has exited; err is then its exit error.
	done chan struct{}
	err  error
}

// exitError is a child that exited on its own, with the end of its log.
type exitError struct {
	name, log, tail string
	err             error
}

func (e *exitError) Error() string {
	return fmt.Sprintf("%s exited (%v); the end of %s:\n%s", e.name, e.err, e.log, e.tail)
}

func (e *exitError) Unwrap() error { return e.err }

// procs starts the children and stops them. Each child runs in its own process group,
// so that a Ctrl-C in the terminal reaches kube-up alone, which stops them in order,
// and is killed by the kernel if kube-up dies without stopping it.
type procs struct {
	dir string
	// exited is told of each child that exits, with an *exitError, before its done is
	// closed; a child stopped by stop is reported too.
	exited func(error)
	wg     sync.WaitGroup
	mu     sync.Mutex
	list   []*proc // in the order they started
}

// start starts bin with args as name, its output in dir/name.log.
func (ps *procs) start(name, bin string, args []string) (*proc, error) {
	logPath := filepath.Join(ps.dir, name+".log")
	log, err := os.Create(logPath)
	if err != nil {
		return nil, err
	}
	cmd := exec.Command(bin, args...)
	cmd.Stdout, cmd.Stderr = log, log
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true, Pdeathsig: syscall.SIGKILL}
	if err := cmd.Start(); err != nil {
		log.Close()
		return nil, fmt.Errorf("start %s: %w", name, err)
	}
	p := &proc{name: name, cmd: cmd, log: logPath, done: make(chan struct{})}
	ps.mu.Lock()
	ps.list = append(ps.list, p)
	ps.mu.Unlock()
	ps.wg.Go(func() {
		p.err = cmd.Wait()
		log.Close()
		ps.exited(&exitError{name: name, log: logPath, tail: tail(logPath, 30), err: p.err})
		close(p.done)
	})
	return p, nil
}

// pids is one name=pid line per child, in the order they started.
func (ps *procs) pids() string {
	ps.mu.Lock()
	defer ps.mu.Unlock()
	var b strings.Builder
	for _, p := range ps.list {
		fmt.Fprintf(&b, "%s=%d\n", p.name, p.cmd.Process.Pid)
	}
	return b.String()
}

// stop stops every child, the last started first: SIGTERM, then SIGKILL when it has
// not exited within grace. It returns once all have exited.
func (ps *procs) stop(grace time.Duration) {
	ps.mu.Lock()
	list := slices.Clone(ps.list)
	ps.mu.Unlock()
	for _, p := range slices.Backward(list) {
		select {
		case <-p.done:
			continue
		default:
		}
		_ = p.cmd.Process.Signal(syscall.SIGTERM)
		t := time.NewTimer(grace)
		select {
		case <-p.done:
		case <-t.C:
			_ = p.cmd.Process.Kill()
			<-p.done
		}
		t.Stop()
	}
	ps.wg.Wait()
}

// tail is the end of a file, n lines at most.
func tail(path string, n int) string {
	data, err := os.ReadFile(path)
	if err != nil {
		return err.Error()
	}
	lines := strings.Split(strings.TrimRight(string(data), "\n"), "\n")
	return strings.Join(lines[max(0, len(lines)-n):], "\n")
}
