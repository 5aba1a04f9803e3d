package storage

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"go.etcd.io/etcd/api/v3/mvccpb"
	"go.etcd.io/etcd/api/v3/v3rpc/rpctypes"
	clientv3 "go.etcd.io/etcd/client/v3"
	"go.uber.org/zap"

	"github.com/orrery-dev/orrery/api"
)

// Config says how a Store reaches etcd and what it stores.
type Config struct {
	// Client is the etcd client. Required. The Store does not close it.
	Client *clientv3.Client
	// Prefix is the etcd key prefix of the resource, e.g. "/registry/pods". Required.
	Prefix string
	// Resource names the resource in metrics and logs, e.g. "pods". Empty means the
	// last element of Prefix.
	Resource string
	// NewFunc returns a new empty object of the stored kind. Required.
	NewFunc func() api.Object
	// Attrs extracts labels and fields for predicates that do not set their own. Nil
	// means MetaAttrs.
	Attrs AttrFunc
	// Metrics records etcd request latencies. Nil means none.
	Metrics *Metrics
	// Logger logs failures worth an operator's attention. Nil means no logs.
	Logger *zap.Logger
}

// Store is the etcd implementation of Interface.
type Store struct {
	client   *clientv3.Client
	prefix   string // ends with "/"
	resource string
	newFunc  func() api.Object
	attrs    AttrFunc
	metrics  *Metrics
	logger   *zap.Logger
}

var _ Interface = (*Store)(nil)

// New returns a Store for one resource.
func New(cfg Config) (*Store, error) {
	switch {
	case cfg.Client == nil:
		return nil, errors.New("storage: Config.Client is required")
	case cfg.Prefix == "" || cfg.Prefix == "/":
		return nil, errors.New("storage: Config.Prefix is required")
	case cfg.NewFunc == nil:
		return nil, errors.New("storage: Config.NewFunc is required")
	}
	prefix := strings.TrimSuffix(cfg.Prefix, "/") + "/"
	resource := cfg.Resource
	if resource == "" {
		parts := strings.Split(strings.Trim(prefix, "/"), "/")
		resource = parts[len(parts)-1]
	}
	attrs := cfg.Attrs
	if attrs == nil {
		attrs = MetaAttrs
	}
	logger := cfg.Logger
	if logger == nil {
		logger = zap.NewNop()
	}
	return &Store{
		client:   cfg.Client,
		prefix:   prefix,
		resource: resource,
		newFunc:  cfg.NewFunc,
		attrs:    attrs,
		metrics:  cfg.Metrics,
		logger:   logger.With(zap.String("resource", resource)),
	}, nil
}

func (s *Store) etcdKey(key string) string { return s.prefix + key }

func (s *Store) observe(op string, start time.Time) {
	s.metrics.observe(op, s.resource, time.Since(start))
}

// encode serializes obj for storage: its JSON without a resourceVersion (etcd's
// ModRevision is the resourceVersion).
func encode(obj api.Object) ([]byte, error) {
	m := obj.GetObjectMeta()
	rv := m.ResourceVersion
	m.ResourceVersion = ""
	data, err := json.Marshal(obj)
	m.ResourceVersion = rv
	return data, err
}

// decode parses a stored value and sets its resourceVersion to rev.
func (s *Store) decode(key string, value []byte, rev int64) (api.Object, error) {
	obj := s.newFunc()
	if err := json.Unmarshal(value, obj); err != nil {
		s.logger.Error("stored object does not decode", zap.String("key", s.etcdKey(key)), zap.Error(err))
		return nil, errInvalid(key, err)
	}
	obj.GetObjectMeta().ResourceVersion = FormatResourceVersion(rev)
	return obj, nil
}

func (s *Store) key(kv *mvccpb.KeyValue) string {
	return strings.TrimPrefix(string(kv.Key), s.prefix)
}

// Create implements Interface.
func (s *Store) Create(ctx context.Context, key string, obj api.Object) (api.Object, error) {
	if rv := obj.GetObjectMeta().ResourceVersion; rv != "" {
		return nil, errBadRequest("resourceVersion should not be set on objects to be created")
	}
	data, err := json.Marshal(obj)
	if err != nil {
		return nil, &Error{Code: CodeInvalid, Key: key, Message: "encode object", Err: err}
	}
	k := s.etcdKey(key)
	start := time.Now()
	resp, err := s.client.Txn(ctx).
		If(clientv3.Compare(clientv3.CreateRevision(k), "=", 0)).
		Then(clientv3.OpPut(k, string(data))).
		Commit()
	s.observe("create", start)
	if err != nil {
		return nil, fmt.Errorf("create %s %q: %w", s.resource, key, err)
	}
	if !resp.Succeeded {
		return nil, errAlreadyExists(key)
	}
	obj.GetObjectMeta().ResourceVersion = FormatResourceVersion(resp.Header.Revision)
	return obj, nil
}

// Get implements Interface.
func (s *Store) Get(ctx context.Context, key string, opts GetOptions) (api.Object, error) {
	minRV, err := ParseResourceVersion(opts.ResourceVersion)
	if err != nil {
		return nil, err
	}
	start := time.Now()
	resp, err := s.client.Get(ctx, s.etcdKey(key))
	s.observe("get", start)
	if err != nil {
		return nil, fmt.Errorf("get %s %q: %w", s.resource, key, err)
	}
	if minRV > resp.Header.Revision {
		return nil, errTooLarge(minRV, resp.Header.Revision)
	}
	if len(resp.Kvs) == 0 {
		return nil, errNotFound(key)
	}
	return s.decode(key, resp.Kvs[0].Value, resp.Kvs[0].ModRevision)
}

// current is the raw state of one key as last read; rev is 0 when the key does not exist.
type current struct {
	data []byte
	rev  int64
}

func (c current) exists() bool { return c.rev != 0 }

func (s *Store) read(ctx context.Context, key string) (current, error) {
	start := time.Now()
	resp, err := s.client.Get(ctx, s.etcdKey(key))
	s.observe("get", start)
	if err != nil {
		return current{}, fmt.Errorf("get %s %q: %w", s.resource, key, err)
	}
	return fromKVs(resp.Kvs), nil
}

func fromKVs(kvs []*mvccpb.KeyValue) current {
	if len(kvs) == 0 {
		return current{}
	}
	return current{data: kvs[0].Value, rev: kvs[0].ModRevision}
}

func checkPreconditions(key string, p *Preconditions, obj api.Object) error {
	if p == nil {
		return nil
	}
	m := obj.GetObjectMeta()
	if p.UID != nil && *p.UID != m.UID {
		return &Error{Code: CodeConflict, Key: key, Message: fmt.Sprintf(
			"Precondition failed: UID in precondition: %v, UID in object meta: %v", *p.UID, m.UID)}
	}
	if p.ResourceVersion != nil && *p.ResourceVersion != m.ResourceVersion {
		return &Error{Code: CodeConflict, Key: key, Message: fmt.Sprintf(
			"Precondition failed: ResourceVersion in precondition: %v, ResourceVersion in object meta: %v",
			*p.ResourceVersion, m.ResourceVersion)}
	}
	return nil
}

// GuaranteedUpdate implements Interface.
func (s *Store) GuaranteedUpdate(ctx context.Context, key string, opts UpdateOptions, tryUpdate UpdateFunc) (api.Object, error) {
	k := s.etcdKey(key)
	cur, err := s.read(ctx, key)
	if err != nil {
		return nil, err
	}
	for {
		if !cur.exists() && !opts.IgnoreNotFound {
			return nil, errNotFound(key)
		}
		var in api.Object
		if cur.exists() {
			if in, err = s.decode(key, cur.data, cur.rev); err != nil {
				return nil, err
			}
			if err := checkPreconditions(key, opts.Preconditions, in); err != nil {
				return nil, err
			}
		}
		out, err := tryUpdate(in)
		if err != nil {
			return nil, err
		}
		if out == nil {
			return nil, &Error{Code: CodeInvalid, Key: key, Message: "update produced no object"}
		}
		m := out.GetObjectMeta()
		if rv := m.ResourceVersion; rv != "" && rv != FormatResourceVersion(cur.rev) {
			return nil, errConflict(key, cur.rev)
		}
		data, err := encode(out)
		if err != nil {
			return nil, &Error{Code: CodeInvalid, Key: key, Message: "encode object", Err: err}
		}
		if cur.exists() && bytes.Equal(data, cur.data) {
			// Nothing changed: no write, no new revision, no watch event.
			m.ResourceVersion = FormatResourceVersion(cur.rev)
			return out, nil
		}
		start := time.Now()
		resp, err := s.client.Txn(ctx).
			If(clientv3.Compare(clientv3.ModRevision(k), "=", cur.rev)).
			Then(clientv3.OpPut(k, string(data))).
			Else(clientv3.OpGet(k)).
			Commit()
		s.observe("update", start)
		if err != nil {
			return nil, fmt.Errorf("update %s %q: %w", s.resource, key, err)
		}
		if resp.Succeeded {
			m.ResourceVersion = FormatResourceVersion(resp.Header.Revision)
			return out, nil
		}
		// Someone else wrote in between: retry on what they wrote.
		cur = fromKVs(resp.Responses[0].GetResponseRange().Kvs)
		if err := ctx.Err(); err != nil {
			return nil, err
		}
	}
}

// Delete implements Interface.
func (s *Store) Delete(ctx context.Context, key string, opts DeleteOptions) (api.Object, error) {
	k := s.etcdKey(key)
	cur, err := s.read(ctx, key)
	if err != nil {
		return nil, err
	}
	for {
		if !cur.exists() {
			return nil, errNotFound(key)
		}
		obj, err := s.decode(key, cur.data, cur.rev)
		if err != nil {
			return nil, err
		}
		if err := checkPreconditions(key, opts.Preconditions, obj); err != nil {
			return nil, err
		}
		if opts.Validate != nil {
			if err := opts.Validate(obj); err != nil {
				return nil, err
			}
		}
		start := time.Now()
		resp, err := s.client.Txn(ctx).
			If(clientv3.Compare(clientv3.ModRevision(k), "=", cur.rev)).
			Then(clientv3.OpDelete(k)).
			Else(clientv3.OpGet(k)).
			Commit()
		s.observe("delete", start)
		if err != nil {
			return nil, fmt.Errorf("delete %s %q: %w", s.resource, key, err)
		}
		if resp.Succeeded {
			return obj, nil
		}
		cur = fromKVs(resp.Responses[0].GetResponseRange().Kvs)
		if err := ctx.Err(); err != nil {
			return nil, err
		}
	}
}

// CurrentRevision implements Interface.
func (s *Store) CurrentRevision(ctx context.Context) (int64, error) {
	start := time.Now()
	// A read of one key (the prefix itself, which holds nothing) costs the same however
	// many objects there are, and its header carries the current revision.
	resp, err := s.client.Get(ctx, s.prefix, clientv3.WithCountOnly())
	s.observe("currentRevision", start)
	if err != nil {
		return 0, fmt.Errorf("current revision of %s: %w", s.resource, err)
	}
	return resp.Header.Revision, nil
}

// RequestProgress asks etcd to send a progress notification (a Bookmark event) to every
// watch of this Store that asked for ProgressNotify; the notification carries a revision
// that all events before it have reached.
func (s *Store) RequestProgress(ctx context.Context) error {
	return s.client.RequestProgress(clientv3.WithRequireLeader(ctx))
}

// isCompacted reports whether err is etcd's "required revision has been compacted".
func isCompacted(err error) bool {
	return errors.Is(err, rpctypes.ErrCompacted)
}
