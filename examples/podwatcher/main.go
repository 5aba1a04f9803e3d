// Command podwatcher watches pods with a shared informer and prints every change:
//
//	go run ./examples/podwatcher --kubeconfig ./orrery-data/kubeconfig --namespace default
//
// It stops on SIGINT or SIGTERM, after its informer has.
package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"syscall"
	"time"

	"github.com/orrery-dev/orrery/api"
	"github.com/orrery-dev/orrery/client"
	"github.com/orrery-dev/orrery/informer"
)

func main() {
	kubeconfig := flag.String("kubeconfig", "", "path of the kubeconfig (default $KUBECONFIG or ~/.kube/config)")
	namespace := flag.String("namespace", "", "namespace to watch (default all)")
	selector := flag.String("selector", "", "label selector, e.g. app=web")
	flag.Parse()
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, *kubeconfig, *namespace, *selector); err != nil {
		fmt.Fprintln(os.Stderr, "podwatcher:", err)
		os.Exit(1)
	}
}

func run(ctx context.Context, kubeconfig, namespace, selector string) error {
	cfg, err := client.LoadConfig(kubeconfig, "")
	if err != nil {
		return err
	}
	c, err := client.New(cfg)
	if err != nil {
		return err
	}
	defer c.Close()
	factory, err := informer.NewFactory(informer.FactoryConfig{Client: c})
	if err != nil {
		return err
	}
	pods := informer.For[*api.Pod](factory, informer.Scope{Namespace: namespace, LabelSelector: selector})
	if _, err := pods.AddHandler(printer{}); err != nil {
		return err
	}
	ctx, cancel := context.WithCancel(ctx)
	defer factory.Shutdown() // runs after cancel: waits for the informer to stop
	defer cancel()
	factory.Start(ctx)
	syncCtx, syncCancel := context.WithTimeout(ctx, time.Minute)
	defer syncCancel()
	if err := factory.WaitForCacheSync(syncCtx); err != nil {
		return err
	}
	fmt.Printf("synced: %d pods\n", len(pods.Lister().List(nil)))
	<-ctx.Done()
	return nil
}

// printer prints one line per change.
type printer struct{}

func (printer) OnAdd(p *api.Pod, initial bool) {
	if initial {
		fmt.Printf("EXISTING %s/%s phase=%s node=%s\n", p.Namespace, p.Name, p.Status.Phase, p.Spec.NodeName)
		return
	}
	fmt.Printf("ADDED    %s/%s phase=%s\n", p.Namespace, p.Name, p.Status.Phase)
}

func (printer) OnUpdate(old, p *api.Pod) {
	switch {
	case old.ResourceVersion == p.ResourceVersion:
		return // resync
	case old.Status.Phase != p.Status.Phase:
		fmt.Printf("UPDATED  %s/%s phase %s -> %s\n", p.Namespace, p.Name, old.Status.Phase, p.Status.Phase)
	case old.Spec.NodeName != p.Spec.NodeName:
		fmt.Printf("UPDATED  %s/%s bound to %s\n", p.Namespace, p.Name, p.Spec.NodeName)
	default:
		fmt.Printf("UPDATED  %s/%s rv %s -> %s\n", p.Namespace, p.Name, old.ResourceVersion, p.ResourceVersion)
	}
}

func (printer) OnDelete(p *api.Pod) {
	fmt.Printf("DELETED  %s/%s\n", p.Namespace, p.Name)
}
