package builtin

import (
	"testing"
	"time"
)

func TestHumanDuration(t *testing.T) {
	t.Parallel()
	const (
		day  = 24 * time.Hour
		year = 365 * day
	)
	tests := []struct {
		name string
		d    time.Duration
		want string
	}{
		{"far in the future is invalid", -2 * time.Second, "<invalid>"},
		{"just under -1s is skew", -1999 * time.Millisecond, "0s"},
		{"minus one second is skew", -time.Second, "0s"},
		{"zero", 0, "0s"},
		{"under a second", 999 * time.Millisecond, "0s"},
		{"one second", time.Second, "1s"},
		{"59 seconds", 59 * time.Second, "59s"},
		{"one minute is still seconds", time.Minute, "60s"},
		{"last second count", 119*time.Second + 999*time.Millisecond, "119s"},
		{"two minutes", 2 * time.Minute, "2m"},
		{"two minutes one second", 121 * time.Second, "2m1s"},
		{"last minutes and seconds", 9*time.Minute + 59*time.Second, "9m59s"},
		{"ten minutes", 10 * time.Minute, "10m"},
		{"seconds dropped past ten minutes", 10*time.Minute + 59*time.Second, "10m"},
		{"last minute count", 3*time.Hour - time.Second, "179m"},
		{"three hours", 3 * time.Hour, "3h"},
		{"three hours one minute", 3*time.Hour + time.Minute, "3h1m"},
		{"last hours and minutes", 8*time.Hour - time.Second, "7h59m"},
		{"eight hours", 8 * time.Hour, "8h"},
		{"minutes dropped past eight hours", 8*time.Hour + 30*time.Minute, "8h"},
		{"last hour count", 48*time.Hour - time.Second, "47h"},
		{"two days", 2 * day, "2d"},
		{"two days one hour", 2*day + time.Hour, "2d1h"},
		{"last days and hours", 8*day - time.Second, "7d23h"},
		{"eight days", 8 * day, "8d"},
		{"hours dropped past eight days", 8*day + 5*time.Hour, "8d"},
		{"last day count", 2*year - time.Second, "729d"},
		{"two years", 2 * year, "2y"},
		{"two years one day", 2*year + day, "2y1d"},
		{"last years and days", 8*year - time.Second, "7y364d"},
		{"eight years", 8 * year, "8y"},
		{"days dropped past eight years", 8*year + 100*day, "8y"},
		{"a century", 100 * year, "100y"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			if got := HumanDuration(tt.d); got != tt.want {
				t.Errorf("HumanDuration(%v) = %q, want %q", tt.d, got, tt.want)
			}
		})
	}
}

func TestSince(t *testing.T) {
	t.Parallel()
	now := time.Date(2024, 5, 1, 12, 0, 0, 0, time.UTC)
	tests := []struct {
		name string
		t    time.Time
		want string
	}{
		{"zero time is unknown", time.Time{}, "<unknown>"},
		{"past", now.Add(-3 * time.Minute), "3m"},
		{"now", now, "0s"},
		{"future beyond skew", now.Add(time.Minute), "<invalid>"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			if got := since(tt.t, now); got != tt.want {
				t.Errorf("since(%v) = %q, want %q", tt.t, got, tt.want)
			}
		})
	}
}
