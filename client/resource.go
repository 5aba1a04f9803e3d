package client

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"

	"github.com/orrery-dev/orrery/api"
	"github.com/orrery-dev/orrery/api/protoschema"
	"github.com/orrery-dev/orrery/apiserver/protobuf"
	"github.com/orrery-dev/orrery/watch"
)

// ListOptions select and page a list or a watch. The zero value lists everything,
// consistently (resourceVersion unset).
type ListOptions struct {
	// LabelSelector and FieldSelector filter on the server ("app=web",
	// "spec.nodeName=n1").
	LabelSelector, FieldSelector string
	// ResourceVersion and ResourceVersionMatch say how fresh the result must be:
	// "" is the latest, "0" anything the server has cached, "N" not older than N (or
	// exactly N with ResourceVersionMatch "Exact").
	ResourceVersion, ResourceVersionMatch string
	// Limit and Continue page a list.
	Limit    int64
	Continue string
	// TimeoutSeconds ends a watch after that long; zero lets the server choose.
	TimeoutSeconds int64
	// AllowWatchBookmarks asks a watch for periodic Bookmark events.
	AllowWatchBookmarks bool
	// SendInitialEvents asks a watch to start with an Added event per existing object,
	// ended by a Bookmark annotated "k8s.io/initial-events-end" (a streaming list).
	// It requires AllowWatchBookmarks and ResourceVersionMatch "NotOlderThan".
	SendInitialEvents bool
}

func (o ListOptions) query() url.Values {
	q := url.Values{}
	set := func(k, v string) {
		if v != "" {
			q.Set(k, v)
		}
	}
	set("labelSelector", o.LabelSelector)
	set("fieldSelector", o.FieldSelector)
	set("resourceVersion", o.ResourceVersion)
	set("resourceVersionMatch", o.ResourceVersionMatch)
	set("continue", o.Continue)
	if o.Limit > 0 {
		q.Set("limit", strconv.FormatInt(o.Limit, 10))
	}
	if o.TimeoutSeconds > 0 {
		q.Set("timeoutSeconds", strconv.FormatInt(o.TimeoutSeconds, 10))
	}
	if o.AllowWatchBookmarks {
		q.Set("allowWatchBookmarks", "true")
	}
	if o.SendInitialEvents {
		q.Set("sendInitialEvents", "true")
	}
	return q
}

// List is one page of a list.
type List[T api.Object] struct {
	// ResourceVersion is the revision the list was read at: watch from it to see every
	// later change.
	ResourceVersion string
	// Continue, when not empty, fetches the next page.
	Continue string
	// RemainingItemCount estimates the items after this page, when the server knows.
	RemainingItemCount *int64
	// Items are the objects, each its own allocation.
	Items []T
}

// PatchType is the content type of a patch.
type PatchType string

// The patch types the apiserver accepts. (Server-side apply is not served.)
const (
	JSONPatchType           PatchType = "application/json-patch+json"
	MergePatchType          PatchType = "application/merge-patch+json"
	StrategicMergePatchType PatchType = "application/strategic-merge-patch+json"
)

// ResourceClient is a typed client for one resource, optionally within one namespace.
// It is a small value: Namespace returns a copy. Make one with Resource.
type ResourceClient[T api.Object] struct {
	c         *Client
	kind      api.KindInfo
	namespace string
	pb        *protoschema.Message // the kind's protobuf message, when responses may use it
}

// Resource returns a typed client for the resource whose objects are T (*api.Pod,
// *api.ReplicaSet, or a type registered in the client's Config.Registry). It panics if
// T is not registered: that is a programming error, like a bad regexp in
// regexp.MustCompile.
func Resource[T api.Object](c *Client) *ResourceClient[T] {
	k, ok := api.KindFor[T](c.cfg.Registry)
	if !ok {
		var zero T
		panic(fmt.Sprintf("client.Resource: %T is not a registered kind", zero))
	}
	r := &ResourceClient[T]{c: c, kind: k}
	if !c.cfg.DisableProtobuf {
		r.pb = k.Protobuf
	}
	return r
}

// acceptProtobuf is the Accept header of a client that prefers Kubernetes' protobuf.
const acceptProtobuf = protobuf.MediaType + ", application/json"

// accept sets req's Accept header to prefer protobuf when the kind has a message.
func (r *ResourceClient[T]) accept(req Request) Request {
	if r.pb != nil && req.Accept == "" {
		req.Accept = acceptProtobuf
	}
	return req
}

// isProtobuf says whether a response is in Kubernetes' protobuf encoding.
func isProtobuf(resp *http.Response) bool {
	return protobuf.IsProtobuf(resp.Header.Get("Content-Type"))
}

// Registry returns the kinds the client knows.
func (c *Client) Registry() *api.Registry { return c.cfg.Registry }

// Namespace returns a client for the objects in namespace ns ("" means all namespaces,
// for lists and watches; cluster-scoped resources ignore it).
func (r *ResourceClient[T]) Namespace(ns string) *ResourceClient[T] {
	cp := *r
	cp.namespace = ns
	return &cp
}

// Kind describes the resource's kind.
func (r *ResourceClient[T]) Kind() api.KindInfo { return r.kind }

// path is the URL path of the collection (name == "") or of an object or its
// subresource.
func (r *ResourceClient[T]) path(namespace, name, subresource string) string {
	return resourcePath(r.kind, namespace, name, subresource)
}

// resourcePath is the URL path of a kind's collection in namespace ("" for all, or a
// cluster-scoped kind), of one object in it (name) or of its subresource.
func resourcePath(kind api.KindInfo, namespace, name, subresource string) string {
	p := "/api/" + kind.Version
	if kind.Group != "" {
		p = "/apis/" + kind.Group + "/" + kind.Version
	}
	if kind.Namespaced && namespace != "" {
		p += "/namespaces/" + url.PathEscape(namespace)
	}
	p += "/" + kind.Resource
	if name != "" {
		p += "/" + url.PathEscape(name)
		if subresource != "" {
			p += "/" + subresource
		}
	}
	return p
}

// namespaceOf is the namespace a request about obj goes to: the client's, else obj's.
func (r *ResourceClient[T]) namespaceOf(obj T) string {
	if r.namespace != "" {
		return r.namespace
	}
	return obj.GetObjectMeta().Namespace
}

// object sends req and decodes the response into a new T.
func (r *ResourceClient[T]) object(ctx context.Context, req Request) (T, error) {
	obj := r.kind.New().(T)
	err := r.c.doResponse(ctx, r.accept(req), func(resp *http.Response) error {
		if r.pb != nil && isProtobuf(resp) {
			data, err := io.ReadAll(resp.Body)
			if err != nil {
				return err
			}
			return protobuf.UnmarshalWith(data, r.pb, obj, r.c.strings)
		}
		return json.NewDecoder(resp.Body).Decode(obj)
	})
	if err != nil {
		var zero T
		return zero, err
	}
	return obj, nil
}

// Get returns the named object.
func (r *ResourceClient[T]) Get(ctx context.Context, name string) (T, error) {
	return r.object(ctx, Request{Method: http.MethodGet, Path: r.path(r.namespace, name, "")})
}

// List returns the objects that opts select (one page of them when opts.Limit is set).
func (r *ResourceClient[T]) List(ctx context.Context, opts ListOptions) (*List[T], error) {
	req := r.accept(Request{Method: http.MethodGet, Path: r.path(r.namespace, "", ""), Query: opts.query()})
	if r.pb == nil {
		return list[T](ctx, r.c, req)
	}
	var meta api.ListMeta
	var items []T
	err := r.c.doResponse(ctx, req, func(resp *http.Response) error {
		if !isProtobuf(resp) {
			return decodeList(resp.Body, &meta, &items)
		}
		data, err := io.ReadAll(resp.Body)
		if err != nil {
			return err
		}
		_, _, raw, err := protobuf.Envelope(data)
		if err != nil {
			return err
		}
		items = []T{}
		meta, err = protobuf.ListItems(raw, func(msg []byte) error {
			item := r.kind.New().(T)
			if err := protobuf.UnmarshalMessageWith(msg, r.pb, item, r.c.strings); err != nil {
				return fmt.Errorf("decode list item %d: %w", len(items), err)
			}
			tm := item.GetTypeMeta()
			tm.APIVersion, tm.Kind = r.kind.APIVersion(), r.kind.Kind
			items = append(items, item)
			return nil
		})
		return err
	})
	if err != nil {
		return nil, err
	}
	return &List[T]{ResourceVersion: meta.ResourceVersion, Continue: meta.Continue, RemainingItemCount: meta.RemainingItemCount, Items: items}, nil
}

// list sends req and decodes the list it answers.
func list[T api.Object](ctx context.Context, c *Client, req Request) (*List[T], error) {
	var meta api.ListMeta
	var items []T
	err := c.do(ctx, req, func(body io.Reader) error { return decodeList(body, &meta, &items) })
	if err != nil {
		return nil, err
	}
	return &List[T]{
		ResourceVersion:    meta.ResourceVersion,
		Continue:           meta.Continue,
		RemainingItemCount: meta.RemainingItemCount,
		Items:              items,
	}, nil
}

// Watch watches the objects that opts select, from opts.ResourceVersion. The watch
// ends when ctx ends, when it is stopped, or when the server ends it.
func (r *ResourceClient[T]) Watch(ctx context.Context, opts ListOptions) (watch.Interface, error) {
	return r.c.watchWith(ctx, r.accept(Request{Method: http.MethodGet, Path: r.path(r.namespace, "", ""), Query: opts.query()}), r.kind.New, r.pb)
}

// watch sends req as a watch and decodes its events into objects made by newObj.
func (c *Client) watch(ctx context.Context, req Request, newObj func() api.Object) (watch.Interface, error) {
	return c.watchWith(ctx, req, newObj, nil)
}

// watchWith is watch for a kind whose events may come in Kubernetes' protobuf
// encoding, decoded with message pb.
func (c *Client) watchWith(ctx context.Context, req Request, newObj func() api.Object, pb *protoschema.Message) (watch.Interface, error) {
	ctx, cancel := context.WithCancel(ctx)
	req.Query.Set("watch", "true")
	var body io.ReadCloser
	var framed bool
	err := c.send(ctx, req, true, func(resp *http.Response) error {
		body, framed = resp.Body, pb != nil && isProtobuf(resp)
		return nil
	})
	if err != nil {
		cancel()
		return nil, err
	}
	cfg := watch.StreamConfig{Body: body, New: newObj, Cancel: cancel}
	if framed {
		cfg.Protobuf, cfg.Strings = pb, c.strings
	}
	return watch.NewStreamWatcher(cfg), nil
}

func (r *ResourceClient[T]) write(ctx context.Context, method string, obj T, subresource string) (T, error) {
	var body []byte
	var err error
	contentType := ""
	if r.pb != nil {
		body, err = protobuf.Marshal(r.kind.APIVersion(), r.kind.Kind, r.pb, obj)
		contentType = protobuf.MediaType
	} else {
		body, err = json.Marshal(obj)
	}
	if err != nil {
		var zero T
		return zero, fmt.Errorf("encode %s: %w", r.kind.Kind, err)
	}
	name := obj.GetObjectMeta().Name
	if method == http.MethodPost {
		name = ""
	}
	return r.object(ctx, Request{Method: method, Path: r.path(r.namespaceOf(obj), name, subresource), Body: body, ContentType: contentType})
}

// Create creates obj (in the client's namespace, else obj's) and returns what the
// server stored.
func (r *ResourceClient[T]) Create(ctx context.Context, obj T) (T, error) {
	return r.write(ctx, http.MethodPost, obj, "")
}

// Update replaces the object named by obj; obj's resourceVersion, when set, must be
// current or the result is a Conflict error. The status is left as stored.
func (r *ResourceClient[T]) Update(ctx context.Context, obj T) (T, error) {
	return r.write(ctx, http.MethodPut, obj, "")
}

// UpdateStatus replaces the status of the object named by obj; the rest is left as
// stored.
func (r *ResourceClient[T]) UpdateStatus(ctx context.Context, obj T) (T, error) {
	return r.write(ctx, http.MethodPut, obj, "status")
}

// Patch applies a patch of type pt to the named object, or to its subresource when
// one is given ("status"), and returns the result.
func (r *ResourceClient[T]) Patch(ctx context.Context, name string, pt PatchType, data []byte, subresource ...string) (T, error) {
	sub := ""
	if len(subresource) > 0 {
		sub = subresource[0]
	}
	return r.object(ctx, Request{Method: http.MethodPatch, Path: r.path(r.namespace, name, sub), Body: data, ContentType: string(pt)})
}

// Delete deletes the named object; opts may be nil.
func (r *ResourceClient[T]) Delete(ctx context.Context, name string, opts *api.DeleteOptions) error {
	return r.delete(ctx, r.path(r.namespace, name, ""), opts, nil)
}

// DeleteCollection deletes every object that listOpts select; opts may be nil.
func (r *ResourceClient[T]) DeleteCollection(ctx context.Context, opts *api.DeleteOptions, listOpts ListOptions) error {
	return r.delete(ctx, r.path(r.namespace, "", ""), opts, listOpts.query())
}

func (r *ResourceClient[T]) delete(ctx context.Context, path string, opts *api.DeleteOptions, q url.Values) error {
	return r.c.deleteAt(ctx, path, opts, q)
}

// deleteAt sends a DELETE of path with opts as its body.
func (c *Client) deleteAt(ctx context.Context, path string, opts *api.DeleteOptions, q url.Values) error {
	req := Request{Method: http.MethodDelete, Path: path, Query: q}
	if opts != nil {
		o := *opts
		o.Kind, o.APIVersion = "DeleteOptions", "v1"
		body, err := json.Marshal(&o)
		if err != nil {
			return fmt.Errorf("encode DeleteOptions: %w", err)
		}
		req.Body = body
	}
	_, err := c.Do(ctx, req)
	return err
}

// Bind binds a pod to the node b.Target names (POST pods/<name>/binding); b names the
// pod. Only pods have bindings: for other resources Bind fails without a request.
func (r *ResourceClient[T]) Bind(ctx context.Context, b *api.Binding) error {
	if r.kind.Resource != "pods" || r.kind.Group != "" {
		return fmt.Errorf("bind: %s have no binding subresource", r.kind.GroupResource())
	}
	ns := r.namespace
	if ns == "" {
		ns = b.Namespace
	}
	cp := *b
	cp.Kind, cp.APIVersion = "Binding", "v1"
	body, err := json.Marshal(&cp)
	if err != nil {
		return fmt.Errorf("encode Binding: %w", err)
	}
	_, err = r.c.Do(ctx, Request{Method: http.MethodPost, Path: r.path(ns, b.Name, "binding"), Body: body})
	return err
}
