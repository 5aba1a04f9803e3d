package apiserver

import (
	"net/http"
	"strings"

	"github.com/orrery-dev/orrery/api"
	"github.com/orrery-dev/orrery/apiserver/printers"
	"github.com/orrery-dev/orrery/apiserver/protobuf"
)

// representation is what a client asked for in its Accept header.
type representation int

const (
	asObject representation = iota
	asTable
	asPartialMetadata
)

// negotiate reads the Accept header: the first media type the server can produce
// wins; Tables and PartialObjectMetadata are asked for with the "as" parameter, as
// kubectl does (application/json;as=Table;v=v1;g=meta.k8s.io).
func (res *resource) negotiate(r *http.Request) representation {
	rep, _, _ := res.accept(r)
	return rep
}

// accept also returns the meta.k8s.io version asked for ("v1", "v1beta1"), and
// whether the objects go in Kubernetes' protobuf encoding: when the client prefers it
// and the kind has a protobuf message (kinds without one answer JSON, as custom
// resources do on Kubernetes). Tables and PartialObjectMetadata are JSON.
func (res *resource) accept(r *http.Request) (representation, string, bool) {
	return negotiateAccept(r.Header.Get("Accept"), res.kind.Protobuf != nil)
}

func negotiateAccept(accept string, protobufOK bool) (representation, string, bool) {
	if accept == "" {
		return asObject, "", false
	}
	for clause := range strings.SplitSeq(accept, ",") {
		parts := strings.Split(clause, ";")
		mediaType := strings.TrimSpace(parts[0])
		params := map[string]string{}
		for _, p := range parts[1:] {
			k, v, _ := strings.Cut(strings.TrimSpace(p), "=")
			params[k] = v
		}
		if mediaType == protobuf.MediaType {
			if protobufOK && params["as"] == "" {
				return asObject, "", true
			}
			continue
		}
		if mediaType != "application/json" && mediaType != "*/*" && mediaType != "application/*" {
			continue
		}
		switch params["as"] {
		case "":
			return asObject, "", false
		case "Table":
			if params["g"] == "meta.k8s.io" && (params["v"] == "v1" || params["v"] == "v1beta1") {
				return asTable, params["v"], false
			}
		case "PartialObjectMetadata", "PartialObjectMetadataList":
			if params["g"] == "meta.k8s.io" && (params["v"] == "v1" || params["v"] == "v1beta1") {
				return asPartialMetadata, params["v"], false
			}
		}
	}
	return asObject, "", false
}

// table prints objs as a Table for the request's includeObject parameter.
func (res *resource) table(r *http.Request, objs []api.Object, headers bool) (*api.Table, error) {
	_, version, _ := res.accept(r)
	apiVersion := "meta.k8s.io/" + version
	for _, obj := range objs {
		res.setTypeMeta(obj)
	}
	return printers.Table(res.kind, objs, printers.Options{
		Now:           res.now(),
		IncludeObject: printers.IncludeObjectPolicy(r.URL.Query().Get("includeObject")),
		NoHeaders:     !headers,
		APIVersion:    apiVersion,
	})
}

// partialMetadata is an object reduced to its metadata.
func partialMetadata(obj api.Object) *api.PartialObjectMetadata {
	p := &api.PartialObjectMetadata{ObjectMeta: *obj.GetObjectMeta()}
	p.Kind, p.APIVersion = "PartialObjectMetadata", "meta.k8s.io/v1"
	return p
}
