package storage

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"go.etcd.io/etcd/api/v3/v3rpc/rpctypes"
	clientv3 "go.etcd.io/etcd/client/v3"
)

// continueToken is the decoded form of a continue parameter, as Kubernetes encodes it:
// the revision of the first page and the key (below the resource prefix) to resume at.
type continueToken struct {
	APIVersion      string `json:"v"`
	ResourceVersion int64  `json:"rv"`
	StartKey        string `json:"start"`
}

const continueTokenVersion = "meta.k8s.io/v1"

// EncodeContinue returns the opaque continue token for a list read at rev that resumes
// at startKey (relative to the list's prefix).
func EncodeContinue(startKey string, rev int64) (string, error) {
	data, err := json.Marshal(continueToken{APIVersion: continueTokenVersion, ResourceVersion: rev, StartKey: startKey})
	if err != nil {
		return "", err
	}
	return base64.RawURLEncoding.EncodeToString(data), nil
}

// DecodeContinue parses a continue token; a malformed one is a BadRequest error.
func DecodeContinue(token string) (startKey string, rev int64, err error) {
	data, err := base64.RawURLEncoding.DecodeString(token)
	if err != nil {
		return "", 0, errBadRequest("continue key is not valid: %v", err)
	}
	var t continueToken
	if err := json.Unmarshal(data, &t); err != nil {
		return "", 0, errBadRequest("continue key is not valid: %v", err)
	}
	switch {
	case t.APIVersion != continueTokenVersion:
		return "", 0, errBadRequest("continue key is not valid: incorrect encoded start resourceVersion (version %s)", t.APIVersion)
	case t.ResourceVersion <= 0:
		return "", 0, errBadRequest("continue key is not valid: incorrect encoded start resourceVersion (version meta.k8s.io/v1)")
	case t.StartKey == "":
		return "", 0, errBadRequest("continue key is not valid: encoded start key empty")
	}
	return t.StartKey, t.ResourceVersion, nil
}

// listBatchMin is the smallest etcd range read while filling a page with a selector.
const listBatchMin = 64

// List implements Interface. The range is read from etcd in pages of at most
// Config.PageSize keys, all at the revision of the first. Stored values that do not
// decode are passed over (logged and counted): the list holds every object that can be
// read, as the watch cache does.
func (s *Store) List(ctx context.Context, prefix string, opts ListOptions) (*ListResult, error) {
	keyPrefix := s.etcdKey(prefix)
	rangeEnd := clientv3.GetPrefixRangeEnd(keyPrefix)
	startKey := keyPrefix
	var readRev int64 // 0: the latest revision
	var minRV int64

	rv, err := ParseResourceVersion(opts.ResourceVersion)
	if err != nil {
		return nil, err
	}
	switch {
	case opts.Continue != "":
		if opts.ResourceVersion != "" && opts.ResourceVersion != "0" {
			return nil, errBadRequest("specifying resource version is not allowed when using continue")
		}
		start, tokenRev, err := DecodeContinue(opts.Continue)
		if err != nil {
			return nil, err
		}
		if !strings.HasPrefix(start, prefix) {
			return nil, errBadRequest("continue key is not valid: %q is outside %q", start, prefix)
		}
		startKey = s.etcdKey(start)
		readRev = tokenRev
	case opts.ResourceVersionMatch == MatchExact:
		if rv == 0 {
			return nil, errBadRequest("resourceVersionMatch=Exact requires a resourceVersion other than 0")
		}
		readRev = rv
	case opts.ResourceVersionMatch == MatchDefault || opts.ResourceVersionMatch == MatchNotOlderThan:
		minRV = rv
	default:
		return nil, errBadRequest("unknown resourceVersionMatch %q", opts.ResourceVersionMatch)
	}

	limit := opts.Limit
	if limit < 0 {
		limit = 0
	}
	filter := !opts.Predicate.Empty()
	pred := opts.Predicate
	if pred.Attrs == nil {
		pred.Attrs = s.attrs
	}

	result := &ListResult{}
	batch := limit
	switch {
	case batch == 0 || batch > s.pageSize:
		batch = s.pageSize
	case filter && batch < listBatchMin:
		batch = min(listBatchMin, s.pageSize)
	}
	for {
		ops := []clientv3.OpOption{clientv3.WithRange(rangeEnd), clientv3.WithLimit(batch)}
		if readRev > 0 {
			ops = append(ops, clientv3.WithRev(readRev))
		}
		start := time.Now()
		resp, err := s.client.Get(ctx, startKey, ops...)
		s.observe("list", start)
		if err != nil {
			switch {
			case isCompacted(err) && opts.Continue != "":
				return nil, errContinueExpired(readRev)
			case isCompacted(err):
				return nil, errExpired(readRev, 0)
			case errors.Is(err, rpctypes.ErrFutureRev):
				cur, cerr := s.CurrentRevision(ctx)
				if cerr != nil {
					return nil, cerr
				}
				return nil, errTooLarge(readRev, cur)
			}
			return nil, fmt.Errorf("list %s %q: %w", s.resource, prefix, err)
		}
		if readRev == 0 {
			// Every further page reads the same revision as the first.
			readRev = resp.Header.Revision
			if minRV > readRev {
				return nil, errTooLarge(minRV, readRev)
			}
		}
		for i, kv := range resp.Kvs {
			key := s.key(kv)
			obj, err := s.decode(key, kv.Value, kv.ModRevision)
			if err != nil || (filter && !pred.Matches(obj)) {
				continue
			}
			result.Items = append(result.Items, obj)
			if limit > 0 && int64(len(result.Items)) == limit {
				more := resp.More || i < len(resp.Kvs)-1
				if more {
					next := key + "\x00"
					token, err := EncodeContinue(next, readRev)
					if err != nil {
						return nil, err
					}
					result.Continue = token
					if !filter {
						// Without a filter the page is the first batch, and Count
						// covers [startKey, rangeEnd): what remains is the rest of it.
						remaining := resp.Count - int64(i+1)
						result.RemainingItemCount = &remaining
					}
				}
				result.ResourceVersion = readRev
				return result, nil
			}
		}
		if !resp.More || len(resp.Kvs) == 0 {
			break
		}
		// Read on: the rest of a whole range, or more items for a page that a selector
		// (or an undecodable value) left short, in larger batches.
		startKey = string(resp.Kvs[len(resp.Kvs)-1].Key) + "\x00"
		batch = min(2*batch, s.pageSize)
	}
	result.ResourceVersion = readRev
	return result, nil
}
