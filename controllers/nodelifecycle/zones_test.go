package nodelifecycle

import (
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestZoneStates(t *testing.T) {
	t.Parallel()
	tests := []struct {
		ready, down int
		want        zoneState
	}{
		{ready: 3, down: 0, want: stateNormal},
		{ready: 0, down: 1, want: stateFullDisruption},
		{ready: 0, down: 5, want: stateFullDisruption},
		{ready: 0, down: 0, want: stateNormal},
		{ready: 1, down: 2, want: stateNormal},            // two down are never partial disruption
		{ready: 2, down: 3, want: statePartialDisruption}, // 60% ≥ 55%
		{ready: 3, down: 3, want: stateNormal},            // 50% < 55%
		{ready: 45, down: 55, want: statePartialDisruption},
		{ready: 46, down: 54, want: stateNormal},
	}
	for _, tt := range tests {
		if got := stateOf(tt.ready, tt.down, 0.55); got != tt.want {
			t.Errorf("stateOf(ready %d, down %d) = %s, want %s", tt.ready, tt.down, got, tt.want)
		}
	}
}

func TestZoneRates(t *testing.T) {
	t.Parallel()
	o := Options{EvictionRate: 0.1, SecondaryEvictionRate: 0.01, LargeClusterSizeThreshold: 50}
	tests := []struct {
		name   string
		states map[string]zoneState
		sizes  map[string]int
		want   map[string]float64
	}{
		{
			name:   "healthy",
			states: map[string]zoneState{"a": stateNormal, "b": stateNormal},
			want:   map[string]float64{"a": 0.1, "b": 0.1},
		},
		{
			name:   "one zone down, the others healthy: it is emptied at the normal rate",
			states: map[string]zoneState{"a": stateFullDisruption, "b": stateNormal},
			want:   map[string]float64{"a": 0.1, "b": 0.1},
		},
		{
			name:   "every zone down: no taints anywhere",
			states: map[string]zoneState{"a": stateFullDisruption, "b": stateFullDisruption},
			want:   map[string]float64{"a": 0, "b": 0},
		},
		{
			name:   "single zone down",
			states: map[string]zoneState{"": stateFullDisruption},
			want:   map[string]float64{"": 0},
		},
		{
			name:   "partial disruption: secondary rate in a large zone, none in a small one",
			states: map[string]zoneState{"large": statePartialDisruption, "small": statePartialDisruption, "c": stateNormal},
			sizes:  map[string]int{"large": 51, "small": 50, "c": 3},
			want:   map[string]float64{"large": 0.01, "small": 0, "c": 0.1},
		},
	}
	for _, tt := range tests {
		if diff := cmp.Diff(tt.want, zoneRates(tt.states, tt.sizes, o)); diff != "" {
			t.Errorf("%s: rates (-want +got):\n%s", tt.name, diff)
		}
	}
}
