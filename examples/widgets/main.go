// Command widgets embeds the apiserver in a program that serves a kind of its own,
// Widget (example.orrery.dev/v1), beside the built-in kinds, and runs a small
// controller on it with Orrery's informers and work queue: every widget is built (its
// status turns Ready with the size asked for).
//
//	go run ./examples/widgets --data-dir ./widgets-data
//	kubectl --kubeconfig ./widgets-data/kubeconfig apply -f examples/widgets/widget.yaml
//	kubectl --kubeconfig ./widgets-data/kubeconfig get widgets -w
//
// It stops on SIGINT or SIGTERM, after the controller and the apiserver have.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"strings"
	"syscall"
	"time"

	"go.uber.org/zap"

	"github.com/orrery-dev/orrery/api"
	"github.com/orrery-dev/orrery/api/builtin"
	"github.com/orrery-dev/orrery/apiserver"
	"github.com/orrery-dev/orrery/client"
	"github.com/orrery-dev/orrery/informer"
	"github.com/orrery-dev/orrery/workqueue"
)

func main() {
	dataDir := flag.String("data-dir", "widgets-data", "directory for etcd data, certificates and the kubeconfig")
	port := flag.Int("port", 0, "port to serve HTTPS on; 0 picks a free one (the kubeconfig names it)")
	flag.Parse()
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	logger, err := zap.NewProduction()
	if err != nil {
		fmt.Fprintln(os.Stderr, "widgets:", err)
		os.Exit(1)
	}
	if err := run(ctx, *dataDir, *port, logger); err != nil {
		fmt.Fprintln(os.Stderr, "widgets:", err)
		os.Exit(1)
	}
}

func run(ctx context.Context, dataDir string, port int, logger *zap.Logger) error {
	// One registry: the built-in kinds and Widgets. The apiserver and the client read it.
	reg := builtin.Registry()
	if err := api.Register(reg, widgetKind()); err != nil {
		return err
	}
	srv, err := apiserver.New(apiserver.Config{
		DataDir:     dataDir,
		BindAddress: fmt.Sprintf("127.0.0.1:%d", port),
		Registry:    reg,
		Logger:      logger.Named("apiserver").WithOptions(zap.IncreaseLevel(zap.WarnLevel)),
	})
	if err != nil {
		return err
	}
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	served := make(chan error, 1)
	go func() { served <- srv.Run(ctx) }()
	select {
	case <-srv.Ready():
	case err := <-served:
		return err
	}
	fmt.Printf("serving widgets at %s\nkubeconfig: %s\n", srv.URL(), srv.KubeconfigPath())

	cfg, err := client.LoadConfig(srv.KubeconfigPath(), "")
	if err != nil {
		return err
	}
	cfg.Registry = reg
	c, err := client.New(cfg)
	if err != nil {
		return err
	}
	defer c.Close()
	ctrlErr := runController(ctx, c, logger.Named("controller"))
	cancel()
	return errors.Join(ctrlErr, <-served)
}

// runController builds every widget until ctx ends: a level-based loop that compares
// each widget's spec with its status and writes the status when they differ.
func runController(ctx context.Context, c *client.Client, logger *zap.Logger) error {
	factory, err := informer.NewFactory(informer.FactoryConfig{Client: c, Logger: logger})
	if err != nil {
		return err
	}
	defer factory.Shutdown()
	queue, err := workqueue.New(workqueue.Config[string]{})
	if err != nil {
		return err
	}
	defer queue.ShutDown()
	widgets := informer.For[*Widget](factory, informer.Scope{})
	enqueue := func(w *Widget) { queue.Add(w.Namespace + "/" + w.Name) }
	if _, err := widgets.AddHandler(informer.HandlerFuncs[*Widget]{
		AddFunc:    func(w *Widget, _ bool) { enqueue(w) },
		UpdateFunc: func(_, w *Widget) { enqueue(w) },
	}); err != nil {
		return err
	}
	factory.Start(ctx)
	if err := factory.WaitForCacheSync(ctx); err != nil {
		return err
	}
	go func() {
		<-ctx.Done()
		queue.ShutDown()
	}()
	lister := widgets.Lister()
	rc := client.Resource[*Widget](c)
	for {
		key, shutdown := queue.Get()
		if shutdown {
			return nil
		}
		if err := build(ctx, lister, rc, key); err != nil && ctx.Err() == nil {
			logger.Info("building a widget failed; retrying", zap.String("widget", key), zap.Error(err))
			queue.AddRateLimited(key)
		} else {
			queue.Forget(key)
		}
		queue.Done(key)
	}
}

// build brings the status of the widget at key in line with its spec.
func build(ctx context.Context, lister informer.Lister[*Widget], rc *client.ResourceClient[*Widget], key string) error {
	ns, name, _ := strings.Cut(key, "/")
	w, err := lister.Namespace(ns).Get(name)
	if client.IsNotFound(err) {
		return nil // deleted: nothing to build
	}
	if err != nil {
		return err
	}
	want := WidgetStatus{Phase: "Ready", BuiltSize: w.Spec.Size, ObservedGeneration: w.Generation}
	if w.Status == want {
		return nil
	}
	out := *w // a shallow copy: only its status (a value) changes; the cache's object stays as it is
	out.Status = want
	ctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	_, err = rc.Namespace(ns).UpdateStatus(ctx, &out)
	return err
}
