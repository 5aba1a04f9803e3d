package workqueue_test

import (
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/orrery-dev/orrery/workqueue"
)

func Example() {
	q, err := workqueue.New(workqueue.Config[string]{})
	if err != nil {
		panic(err)
	}
	for _, key := range []string{"default/a", "default/b", "default/a"} {
		q.Add(key) // the second default/a is already queued
	}
	fmt.Println("queued:", q.Len())
	q.ShutDown() // Get still hands out what is queued
	for {
		key, shutdown := q.Get()
		if shutdown {
			break
		}
		fmt.Println("processing", key)
		q.Done(key)
	}
	// Output:
	// queued: 2
	// processing default/a
	// processing default/b
}

// A worker loop: failures are retried with the rate limiter's backoff, and a
// success makes the rate limiter forget the item.
func Example_worker() {
	q, err := workqueue.New(workqueue.Config[string]{
		RateLimiter: workqueue.NewExponentialRateLimiter[string](time.Millisecond, time.Second),
	})
	if err != nil {
		panic(err)
	}
	attempts := 0
	reconcile := func(key string) error {
		attempts++
		if attempts < 3 {
			return errors.New("not yet")
		}
		return nil
	}

	reconciled := make(chan struct{})
	var wg sync.WaitGroup
	wg.Go(func() {
		for {
			key, shutdown := q.Get()
			if shutdown {
				return
			}
			if err := reconcile(key); err != nil {
				fmt.Printf("%s: %v, retry %d\n", key, err, q.NumRequeues(key)+1)
				q.AddRateLimited(key)
			} else {
				fmt.Printf("%s: reconciled\n", key)
				q.Forget(key)
				close(reconciled)
			}
			q.Done(key)
		}
	})
	q.Add("default/web")
	<-reconciled
	q.ShutDownWithDrain() // waits for the worker's Done
	wg.Wait()
	// Output:
	// default/web: not yet, retry 1
	// default/web: not yet, retry 2
	// default/web: reconciled
}
