package client

import (
	"context"
	"math/rand/v2"
	"time"
)

// RetryOnConflict runs fn, which should read an object, change it and write it, again
// while it fails with a Conflict (the object changed since it was read), as client-go's
// retry.RetryOnConflict does with retry.DefaultRetry: up to 5 attempts, 10 ms apart
// with 10% jitter. It returns fn's last error (nil on success), or ctx's error if ctx
// ends while waiting.
func RetryOnConflict(ctx context.Context, fn func() error) error {
	const (
		attempts = 5
		interval = 10 * time.Millisecond
		jitter   = 0.1
	)
	var err error
	for i := range attempts {
		if err = fn(); !IsConflict(err) {
			return err
		}
		if i == attempts-1 {
			break
		}
		t := time.NewTimer(interval + time.Duration(rand.Float64()*jitter*float64(interval)))
		select {
		case <-t.C:
		case <-ctx.Done():
			t.Stop()
			return ctx.Err()
		}
	}
	return err
}
