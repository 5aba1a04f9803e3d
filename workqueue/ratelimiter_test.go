package workqueue_test

import (
	"slices"
	"testing"
	"testing/synctest"
	"time"

	"golang.org/x/time/rate"

	"github.com/orrery-dev/orrery/workqueue"
)

const ms = time.Millisecond

// whens calls l.When(item) n times.
func whens(l workqueue.RateLimiter[string], item string, n int) []time.Duration {
	got := make([]time.Duration, n)
	for i := range got {
		got[i] = l.When(item)
	}
	return got
}

func TestPerItemRateLimiters(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		limiter workqueue.RateLimiter[string]
		want    []time.Duration // consecutive When of one item
	}{
		{
			name:    "exponential doubles",
			limiter: workqueue.NewExponentialRateLimiter[string](5*ms, time.Hour),
			want:    []time.Duration{5 * ms, 10 * ms, 20 * ms, 40 * ms, 80 * ms, 160 * ms},
		},
		{
			name:    "exponential capped",
			limiter: workqueue.NewExponentialRateLimiter[string](time.Second, 5*time.Second),
			want:    []time.Duration{time.Second, 2 * time.Second, 4 * time.Second, 5 * time.Second, 5 * time.Second},
		},
		{
			name:    "exponential base above cap",
			limiter: workqueue.NewExponentialRateLimiter[string](time.Minute, time.Second),
			want:    []time.Duration{time.Second, time.Second},
		},
		{
			name:    "fast then slow",
			limiter: workqueue.NewFastSlowRateLimiter[string](5*ms, 10*time.Second, 3),
			want:    []time.Duration{5 * ms, 5 * ms, 5 * ms, 10 * time.Second, 10 * time.Second},
		},
		{
			name:    "fast-slow without fast attempts",
			limiter: workqueue.NewFastSlowRateLimiter[string](5*ms, 10*time.Second, 0),
			want:    []time.Duration{10 * time.Second, 10 * time.Second},
		},
		{
			name: "max of exponential and fast-slow",
			limiter: workqueue.NewMaxOfRateLimiter(
				workqueue.NewExponentialRateLimiter[string](time.Second, time.Hour),
				workqueue.NewFastSlowRateLimiter[string](3*time.Second, time.Minute, 2),
			),
			want: []time.Duration{
				3 * time.Second, 3 * time.Second, time.Minute, time.Minute, time.Minute, time.Minute, 64 * time.Second, 128 * time.Second,
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			l := tt.limiter
			if got := whens(l, "a", len(tt.want)); !slices.Equal(got, tt.want) {
				t.Errorf("When(a) = %v, want %v", got, tt.want)
			}
			if got, want := l.NumRequeues("a"), len(tt.want); got != want {
				t.Errorf("NumRequeues(a) = %d, want %d", got, want)
			}
			if got := l.NumRequeues("b"); got != 0 {
				t.Errorf("NumRequeues(b) = %d, want 0: items are independent", got)
			}
			l.Forget("a")
			if got := l.NumRequeues("a"); got != 0 {
				t.Errorf("NumRequeues(a) after Forget = %d, want 0", got)
			}
			if got, want := whens(l, "a", 2), tt.want[:2]; !slices.Equal(got, want) {
				t.Errorf("When(a) after Forget = %v, want %v", got, want)
			}
		})
	}
}

func TestExponentialRateLimiterLongRun(t *testing.T) {
	t.Parallel()
	const forever = time.Duration(1<<63 - 1)
	l := workqueue.NewExponentialRateLimiter[string](time.Nanosecond, forever)
	for n, got := range whens(l, "a", 200) {
		want := forever
		if n < 63 {
			want = time.Duration(1) << n
		}
		if got != want {
			t.Fatalf("When #%d = %v, want %v", n+1, got, want)
		}
	}
}

func TestBucketRateLimiter(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		l := workqueue.NewBucketRateLimiter[string](rate.NewLimiter(10, 3))
		var got []time.Duration
		for _, item := range []string{"a", "b", "c", "a", "b", "c"} {
			got = append(got, l.When(item))
		}
		want := []time.Duration{0, 0, 0, 100 * ms, 200 * ms, 300 * ms}
		if !slices.Equal(got, want) {
			t.Errorf("When = %v, want %v", got, want)
		}
		l.Forget("a") // does not return tokens
		if got := l.NumRequeues("a"); got != 0 {
			t.Errorf("NumRequeues(a) = %d, want 0", got)
		}
		time.Sleep(time.Second) // 10 tokens back, up to the burst of 3 after the debt of 3
		if got, want := l.When("a"), time.Duration(0); got != want {
			t.Errorf("When(a) a second later = %v, want %v", got, want)
		}
	})
}

func TestDefaultControllerRateLimiter(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		l := workqueue.DefaultControllerRateLimiter[int]()
		// One item: exponential from 5 ms; the bucket still has tokens.
		for n, want := range []time.Duration{5 * ms, 10 * ms, 20 * ms, 40 * ms} {
			if got := l.When(-1); got != want {
				t.Errorf("When #%d of one item = %v, want %v", n+1, got, want)
			}
		}
		// Distinct items: 5 ms until the burst of 100 is spent (4 used
		// above), then 100 ms per token.
		for i := range 96 {
			if got, want := l.When(i), 5*ms; got != want {
				t.Fatalf("When(%d) = %v, want %v", i, got, want)
			}
		}
		for i, want := range []time.Duration{100 * ms, 200 * ms, 300 * ms} {
			if got := l.When(1000 + i); got != want {
				t.Errorf("When(%d) after the burst = %v, want %v", 1000+i, got, want)
			}
		}
		if got, want := l.NumRequeues(-1), 4; got != want {
			t.Errorf("NumRequeues = %d, want %d", got, want)
		}
		// The exponential part reaches its cap of 1000 s.
		var got time.Duration
		for range 30 {
			got = l.When(-2)
		}
		if want := 1000 * time.Second; got != want {
			t.Errorf("When after 30 failures = %v, want %v", got, want)
		}
	})
}

func TestQueueAddRateLimited(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		q := newQueue(t, workqueue.Config[string]{
			RateLimiter: workqueue.NewExponentialRateLimiter[string](time.Second, time.Minute),
		})
		start := time.Now()
		process := func(want time.Duration) {
			t.Helper()
			item, _ := q.Get()
			if got := time.Since(start); got != want {
				t.Errorf("%q handed out at %v, want %v", item, got, want)
			}
			q.Done(item)
		}
		q.AddRateLimited("a") // due at 1s
		process(time.Second)
		q.AddRateLimited("a") // due at 1s + 2s
		process(3 * time.Second)
		if got, want := q.NumRequeues("a"), 2; got != want {
			t.Errorf("NumRequeues = %d, want %d", got, want)
		}
		q.Forget("a")
		if got := q.NumRequeues("a"); got != 0 {
			t.Errorf("NumRequeues after Forget = %d, want 0", got)
		}
		q.AddRateLimited("a") // due at 3s + 1s
		process(4 * time.Second)
	})
}
