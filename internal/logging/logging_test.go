package logging

import (
	"bytes"
	"slices"
	"testing"

	"go.uber.org/zap"
	"go.uber.org/zap/zapcore"
	"go.uber.org/zap/zaptest/observer"
)

func TestAtLeast(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name  string
		level zapcore.Level
		want  []string // messages kept of debug, info, warn, error
	}{
		{"raised from info", zapcore.InfoLevel, []string{"warn", "error"}},
		{"already above", zapcore.ErrorLevel, []string{"error"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			core, logs := observer.New(tc.level)
			var complaints bytes.Buffer
			l := AtLeast(zap.New(core, zap.ErrorOutput(zapcore.AddSync(&complaints))), zapcore.WarnLevel)
			l.Debug("debug")
			l.Info("info")
			l.Warn("warn")
			l.Error("error")
			var got []string
			for _, e := range logs.All() {
				got = append(got, e.Message)
			}
			if !slices.Equal(got, tc.want) {
				t.Errorf("kept %q, want %q", got, tc.want)
			}
			if complaints.Len() != 0 {
				t.Errorf("zap complained: %s", complaints.String())
			}
		})
	}
}
