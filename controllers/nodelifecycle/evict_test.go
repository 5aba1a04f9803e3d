package nodelifecycle

import (
	"testing"
	"time"

	"github.com/orrery-dev/orrery/api"
)

func TestEvictAt(t *testing.T) {
	t.Parallel()
	added := time.Unix(1000, 0)
	at := api.NewTime(added)
	taints := []api.Taint{{Key: TaintUnreachable, Effect: api.TaintEffectNoExecute, TimeAdded: &at}}
	secs := func(n int64) *int64 { return &n }
	tests := []struct {
		name  string
		tols  []api.Toleration
		want  time.Time
		evict bool
	}{
		{"no toleration: at once", nil, time.Time{}, true},
		{"tolerated for 300 s", []api.Toleration{{Key: TaintUnreachable, Operator: api.TolerationOpExists, Effect: api.TaintEffectNoExecute, TolerationSeconds: secs(300)}}, added.Add(300 * time.Second), true},
		{"the shorter of two", []api.Toleration{
			{Key: TaintUnreachable, Operator: api.TolerationOpExists, TolerationSeconds: secs(300)},
			{Operator: api.TolerationOpExists, Effect: api.TaintEffectNoExecute, TolerationSeconds: secs(60)}}, added.Add(60 * time.Second), true},
		{"tolerated for ever", []api.Toleration{{Operator: api.TolerationOpExists}}, time.Time{}, false},
		{"another taint's toleration does not help", []api.Toleration{{Key: TaintNotReady, Operator: api.TolerationOpExists}}, time.Time{}, true},
	}
	for _, tt := range tests {
		p := &api.Pod{Spec: api.PodSpec{Tolerations: tt.tols}}
		got, evict := evictAt(p, taints)
		if evict != tt.evict || !got.Equal(tt.want) {
			t.Errorf("%s: %v %v, want %v %v", tt.name, got, evict, tt.want, tt.evict)
		}
	}
}
