package etcd

import (
	"strings"

	"go.uber.org/zap/zapcore"
)

// quietShutdown drops the errors an embedded etcd logs about its own listeners being
// closed while it stops: they are how it stops, not failures.
type quietShutdown struct {
	zapcore.Core
}

func (q quietShutdown) With(fields []zapcore.Field) zapcore.Core {
	return quietShutdown{q.Core.With(fields)}
}

func (q quietShutdown) Check(e zapcore.Entry, ce *zapcore.CheckedEntry) *zapcore.CheckedEntry {
	if q.Enabled(e.Level) {
		return ce.AddCore(e, q)
	}
	return ce
}

func (q quietShutdown) Write(e zapcore.Entry, fields []zapcore.Field) error {
	if isShutdownNoise(e.Message, fields) {
		return nil
	}
	return q.Core.Write(e, fields)
}

func isShutdownNoise(msg string, fields []zapcore.Field) bool {
	switch msg {
	case "setting up serving from embedded etcd failed.", "stopping insecure grpc server due to error",
		"stopped insecure grpc server due to error":
	default:
		return false
	}
	for _, f := range fields {
		if f.Type != zapcore.ErrorType {
			continue
		}
		err, ok := f.Interface.(error)
		if !ok {
			continue
		}
		s := err.Error()
		if strings.Contains(s, "use of closed network connection") || strings.Contains(s, "server closed") || strings.Contains(s, "Server closed") {
			return true
		}
	}
	return false
}
