package client

import (
	"context"
	"errors"
	"testing"
	"testing/synctest"
	"time"

	"github.com/orrery-dev/orrery/api"
)

func TestRetryOnConflict(t *testing.T) {
	conflict := api.NewConflict(api.GroupResource{Resource: "pods"}, "p", "the object has been modified")
	other := errors.New("boom")
	tests := []struct {
		name      string
		results   []error
		wantCalls int
		wantErr   error
	}{
		{"success at once", []error{nil}, 1, nil},
		{"success after two conflicts", []error{conflict, conflict, nil}, 3, nil},
		{"another error is not retried", []error{conflict, other}, 2, other},
		{"five conflicts give up", []error{conflict, conflict, conflict, conflict, conflict, nil}, 5, conflict},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				calls := 0
				start := time.Now()
				err := RetryOnConflict(t.Context(), func() error {
					calls++
					return tt.results[calls-1]
				})
				if calls != tt.wantCalls || !errors.Is(err, tt.wantErr) {
					t.Errorf("calls=%d err=%v; want %d, %v", calls, err, tt.wantCalls, tt.wantErr)
				}
				if waited, max := time.Since(start), time.Duration(tt.wantCalls-1)*11*time.Millisecond; waited < time.Duration(tt.wantCalls-1)*10*time.Millisecond || waited > max {
					t.Errorf("waited %v for %d retries; want 10 to 11 ms each", waited, tt.wantCalls-1)
				}
			})
		})
	}
	synctest.Test(t, func(t *testing.T) {
		ctx, cancel := context.WithCancel(t.Context())
		err := RetryOnConflict(ctx, func() error { cancel(); return conflict })
		if !errors.Is(err, context.Canceled) {
			t.Errorf("err = %v, want context.Canceled", err)
		}
	})
}
