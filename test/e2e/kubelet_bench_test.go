package e2e

import (
	"context"
	"fmt"
	"os/exec"
	"strconv"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/orrery-dev/orrery/api"
	"github.com/orrery-dev/orrery/client"
	"github.com/orrery-dev/orrery/internal/procstat"
)

// procUsage returns the CPU time (user + system) and resident memory of process pid.
func procUsage(b *testing.B, pid int) (time.Duration, int64) {
	u, err := procstat.Of(pid)
	if err != nil {
		b.Fatal(err)
	}
	return u.CPU, u.RSS
}

// BenchmarkKubeletProcess runs `orrery kubelet` as its own process against `orrery
// apiserver` and measures that process: CPU (cores used) and resident memory while its
// nodes are idle (30 s after all are Ready), and the CPU it spends while 5,000 pods
// bound to its nodes start:
//
//	go test -run '^$' -bench KubeletProcess -benchtime 1x ./test/e2e/
func BenchmarkKubeletProcess(b *testing.B) {
	for _, nodes := range []int{1000, 5000} {
		b.Run(fmt.Sprintf("nodes=%d", nodes), func(b *testing.B) {
			for range b.N {
				benchKubelet(b, nodes)
			}
		})
	}
}

func benchKubelet(b *testing.B, nodes int) {
	s := startAPIServer(b)
	cmd := exec.Command(binary, "kubelet", "--kubeconfig", s.kubeconfig, "--nodes", strconv.Itoa(nodes), "--health-address", "", "--log-level", "warn")
	if err := cmd.Start(); err != nil {
		b.Fatal(err)
	}
	defer func() {
		cmd.Process.Signal(syscall.SIGTERM)
		cmd.Wait()
	}()
	cfg, err := client.LoadConfig(s.kubeconfig, "")
	if err != nil {
		b.Fatal(err)
	}
	cfg.QPS = -1
	c, err := client.New(cfg)
	if err != nil {
		b.Fatal(err)
	}
	defer c.Close()
	ctx := context.Background()
	start := time.Now()
	for {
		l, err := client.Resource[*api.Node](c).List(ctx, client.ListOptions{LabelSelector: "type=orrery-simulated", ResourceVersion: "0"})
		if err == nil && len(l.Items) == nodes {
			break
		}
		if time.Since(start) > 5*time.Minute {
			b.Fatalf("%d nodes not registered after 5 minutes", nodes)
		}
		time.Sleep(time.Second) // polls the API; the benchmark measures a separate process
	}
	b.ReportMetric(time.Since(start).Seconds(), "s-to-register")
	cpu0, _ := procUsage(b, cmd.Process.Pid)
	const idle = 30 * time.Second
	time.Sleep(idle)
	cpu1, rss := procUsage(b, cmd.Process.Pid)
	b.ReportMetric(float64(cpu1-cpu0)/float64(idle), "idle-cores")
	b.ReportMetric(float64(rss)/(1<<20), "idle-MiB")

	// 5,000 pods bound to the nodes at create (no scheduler), started by the kubelet.
	const pods = 5000
	pc := client.Resource[*api.Pod](c).Namespace("default")
	var wg sync.WaitGroup
	for w := range 16 {
		wg.Go(func() {
			for i := w; i < pods; i += 16 {
				p := &api.Pod{ObjectMeta: api.ObjectMeta{Name: fmt.Sprintf("p-%d", i)},
					Spec: api.PodSpec{NodeName: fmt.Sprintf("orrery-node-%d", i%nodes), Containers: []api.Container{{Name: "c", Image: "nginx"}}}}
				if _, err := pc.Create(ctx, p); err != nil {
					b.Error(err)
					return
				}
			}
		})
	}
	wg.Wait()
	running := time.Now()
	for {
		l, err := pc.List(ctx, client.ListOptions{FieldSelector: "status.phase=Running", ResourceVersion: "0"})
		if err == nil && len(l.Items) == pods {
			break
		}
		if time.Since(running) > 5*time.Minute {
			b.Fatalf("%d pods not Running after 5 minutes", pods)
		}
		time.Sleep(100 * time.Millisecond) // polls the API; the benchmark measures a separate process
	}
	cpu2, rss2 := procUsage(b, cmd.Process.Pid)
	b.ReportMetric((cpu2 - cpu1).Seconds(), "cpu-s-for-5000-pods")
	b.ReportMetric(float64(rss2)/(1<<20), "MiB-with-5000-pods")
}
