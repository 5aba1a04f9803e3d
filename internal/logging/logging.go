// Package logging builds the root zap logger of Orrery's commands.
package logging

import (
	"fmt"
	"os"

	"go.uber.org/zap"
	"go.uber.org/zap/zapcore"
)

// New returns a console logger to stderr at level ("debug", "info", "warn", "error").
func New(level string) (*zap.Logger, error) {
	lvl, err := zapcore.ParseLevel(level)
	if err != nil {
		return nil, fmt.Errorf("--log-level: %w", err)
	}
	enc := zap.NewDevelopmentEncoderConfig()
	enc.EncodeTime = zapcore.ISO8601TimeEncoder
	core := zapcore.NewCore(zapcore.NewConsoleEncoder(enc), zapcore.Lock(os.Stderr), lvl)
	return zap.New(core), nil
}

// AtLeast returns l with entries below lvl dropped. A logger that drops them already
// (one at a higher level) is returned as is: zap refuses to lower a level, and says
// so on stderr.
func AtLeast(l *zap.Logger, lvl zapcore.Level) *zap.Logger {
	if !l.Core().Enabled(lvl) {
		return l
	}
	return l.WithOptions(zap.IncreaseLevel(lvl))
}
