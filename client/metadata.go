package client

import (
	"context"
	"encoding/json"
	"io"
	"net/http"

	"github.com/orrery-dev/orrery/api"
	"github.com/orrery-dev/orrery/watch"
)

// The media types that ask the server for objects reduced to their metadata.
const (
	acceptMetadata     = "application/json;as=PartialObjectMetadata;g=meta.k8s.io;v=v1"
	acceptMetadataList = "application/json;as=PartialObjectMetadataList;g=meta.k8s.io;v=v1"
)

// MetadataClient reads the objects of one kind reduced to their metadata
// (meta.k8s.io/v1 PartialObjectMetadata): for controllers that need the names, labels,
// owners and finalizers of many kinds (garbage collection, namespace deletion) and not
// their specs, at a fraction of the bytes and memory. It satisfies
// informer.ListerWatcher, so an informer can cache metadata only.
type MetadataClient struct {
	c         *Client
	kind      api.KindInfo
	namespace string
}

// Metadata returns a metadata client for the kind of T.
func Metadata[T api.Object](c *Client) *MetadataClient {
	return MetadataFor(c, Resource[T](c).Kind())
}

// MetadataFor returns a metadata client for kind (any kind the server serves; it need
// not have a Go type in this program).
func MetadataFor(c *Client, kind api.KindInfo) *MetadataClient {
	return &MetadataClient{c: c, kind: kind}
}

// Namespace returns a client of the objects in ns ("" means all namespaces).
func (m *MetadataClient) Namespace(ns string) *MetadataClient {
	cp := *m
	cp.namespace = ns
	return &cp
}

// Kind is the kind the client reads.
func (m *MetadataClient) Kind() api.KindInfo { return m.kind }

// Get returns the metadata of the named object.
func (m *MetadataClient) Get(ctx context.Context, name string) (*api.PartialObjectMetadata, error) {
	obj := &api.PartialObjectMetadata{}
	err := m.c.do(ctx, Request{Method: http.MethodGet, Path: resourcePath(m.kind, m.namespace, name, ""), Accept: acceptMetadata},
		func(body io.Reader) error { return json.NewDecoder(body).Decode(obj) })
	if err != nil {
		return nil, err
	}
	return obj, nil
}

// Scale returns the named object's scale subresource (autoscaling/v1 Scale), for a
// kind that serves one: its desired and observed replicas and its pod selector.
func (m *MetadataClient) Scale(ctx context.Context, name string) (*api.Scale, error) {
	obj := &api.Scale{}
	err := m.c.do(ctx, Request{Method: http.MethodGet, Path: resourcePath(m.kind, m.namespace, name, "scale")},
		func(body io.Reader) error { return json.NewDecoder(body).Decode(obj) })
	if err != nil {
		return nil, err
	}
	return obj, nil
}

// Patch applies a patch of type pt to the named object and returns its metadata as
// patched. Merge and JSON patches work for every kind; strategic merge patches only
// for the kinds whose schema the server knows.
func (m *MetadataClient) Patch(ctx context.Context, name string, pt PatchType, data []byte) (*api.PartialObjectMetadata, error) {
	obj := &api.PartialObjectMetadata{}
	err := m.c.do(ctx, Request{Method: http.MethodPatch, Path: resourcePath(m.kind, m.namespace, name, ""), Body: data,
		ContentType: string(pt), Accept: acceptMetadata},
		func(body io.Reader) error { return json.NewDecoder(body).Decode(obj) })
	if err != nil {
		return nil, err
	}
	return obj, nil
}

// Delete deletes the named object.
func (m *MetadataClient) Delete(ctx context.Context, name string, opts *api.DeleteOptions) error {
	return m.c.deleteAt(ctx, resourcePath(m.kind, m.namespace, name, ""), opts, nil)
}

// DeleteCollection deletes the objects listOpts selects (in the client's namespace).
func (m *MetadataClient) DeleteCollection(ctx context.Context, opts *api.DeleteOptions, listOpts ListOptions) error {
	return m.c.deleteAt(ctx, resourcePath(m.kind, m.namespace, "", ""), opts, listOpts.query())
}

// List lists the metadata of the objects opts selects.
func (m *MetadataClient) List(ctx context.Context, opts ListOptions) (*List[*api.PartialObjectMetadata], error) {
	return list[*api.PartialObjectMetadata](ctx, m.c, Request{Method: http.MethodGet,
		Path: resourcePath(m.kind, m.namespace, "", ""), Query: opts.query(), Accept: acceptMetadataList})
}

// Watch watches the metadata of the objects opts selects.
func (m *MetadataClient) Watch(ctx context.Context, opts ListOptions) (watch.Interface, error) {
	return m.c.watch(ctx, Request{Method: http.MethodGet, Path: resourcePath(m.kind, m.namespace, "", ""),
		Query: opts.query(), Accept: acceptMetadata}, func() api.Object { return &api.PartialObjectMetadata{} })
}
