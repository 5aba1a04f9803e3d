package manager

import (
	"context"
	"errors"
	"time"
)

// Request names the object a reconcile is for.
type Request struct {
	Namespace, Name string
}

// String is "namespace/name", or "name" for a cluster-scoped object.
func (r Request) String() string {
	if r.Namespace == "" {
		return r.Name
	}
	return r.Namespace + "/" + r.Name
}

// Result is what a reconcile asks for besides its error. The zero Result asks for
// nothing: the key is reconciled again only when an event maps to it.
type Result struct {
	// RequeueAfter, when positive, reconciles the key again after this long, even if
	// nothing changes (for work that depends on time: a deadline, a periodic check).
	// It is ignored when the reconcile returns an error: the error's backoff decides.
	RequeueAfter time.Duration
}

// Reconciler drives one object's actual state towards its desired state.
//
// The contract, which every reconciler must keep:
//   - Level-based: Reconcile reads the current desired and actual state (from the
//     manager's caches and the API) and acts on the difference. It is not told what
//     changed, and must not need to be: events are coalesced, and several changes of
//     one object may lead to one reconcile.
//   - Idempotent: reconciling an object that is already as it should be changes
//     nothing. A reconcile may run again for a key at any time, for example after a
//     restart or a resync.
//   - It may run for a key whose object no longer exists (deleted since the event);
//     a NotFound from the cache or the API is then the normal case, not an error.
//   - Never two reconciles of one key at once: the controller hands a key to one
//     worker at a time, whatever its number of workers. Different keys run in
//     parallel (Options.MaxConcurrentReconciles).
//
// Returning a non-nil error reconciles the key again after the rate limiter's backoff
// (5 ms doubling to 1000 s per key, under an overall 10 per second, burst 100), except
// for a TerminalError, which is logged and counted, not retried. A Conflict from a
// write (the object changed since it was read) is retried the same way but logged
// only at debug level: it is the expected outcome of optimistic concurrency. A
// successful reconcile forgets the key's backoff.
type Reconciler interface {
	Reconcile(ctx context.Context, req Request) (Result, error)
}

// ReconcilerFunc makes a function a Reconciler.
type ReconcilerFunc func(ctx context.Context, req Request) (Result, error)

// Reconcile calls f.
func (f ReconcilerFunc) Reconcile(ctx context.Context, req Request) (Result, error) {
	return f(ctx, req)
}

// terminalError marks an error that retrying cannot fix.
type terminalError struct{ err error }

func (e terminalError) Error() string { return "terminal error: " + e.err.Error() }
func (e terminalError) Unwrap() error { return e.err }

// TerminalError wraps err so that the controller logs and counts it
// (controller_runtime_terminal_reconcile_errors_total) but does not retry the key:
// the input is wrong and only a change to it (a new event) can help. TerminalError(nil)
// is nil.
func TerminalError(err error) error {
	if err == nil {
		return nil
	}
	return terminalError{err: err}
}

// IsTerminal reports whether err, or an error it wraps, is a TerminalError.
func IsTerminal(err error) bool {
	var t terminalError
	return errors.As(err, &t)
}
