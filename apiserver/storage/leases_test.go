package storage

import (
	"testing"
	"time"
)

func TestExpiryWindow(t *testing.T) {
	t.Parallel()
	base := time.Date(2026, 1, 1, 10, 0, 0, 0, time.UTC)
	tests := []struct {
		name        string
		now         time.Time
		ttl, g      time.Duration
		wantEnd     time.Time
		wantSeconds int64
	}{
		{"on a window's end", base, time.Hour, time.Minute, base.Add(time.Hour), 3600},
		{"just after: the next window", base.Add(time.Millisecond), time.Hour, time.Minute, base.Add(time.Hour + time.Minute), 3660},
		{"inside a window", base.Add(30 * time.Second), time.Hour, time.Minute, base.Add(time.Hour + time.Minute), 3630},
		{"last instant of a window", base.Add(59*time.Second + 999*time.Millisecond), time.Hour, time.Minute, base.Add(time.Hour + time.Minute), 3601},
		{"seconds round up", base.Add(500 * time.Millisecond), 2 * time.Second, time.Second, base.Add(3 * time.Second), 3},
		{"at least a second", base, 0, time.Second, base, 1},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			end, secs := expiryWindow(tc.now, tc.ttl, tc.g)
			if !end.Equal(tc.wantEnd) || secs != tc.wantSeconds {
				t.Errorf("got end %s, %d s; want %s, %d s", end, secs, tc.wantEnd, tc.wantSeconds)
			}
			if end.Before(tc.now.Add(tc.ttl)) || end.Sub(tc.now.Add(tc.ttl)) >= tc.g {
				t.Errorf("end %s is not within one window after now+ttl", end)
			}
		})
	}
}
