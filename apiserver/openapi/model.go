package openapi

import "encoding/json"

// Schema is an OpenAPI 3.0 schema object, restricted to what Kubernetes' documents use.
// Fields marshal in a fixed order, so equal schemas give equal bytes.
type Schema struct {
	Ref                  string             `json:"$ref,omitempty"`
	AllOf                []*Schema          `json:"allOf,omitempty"`
	OneOf                []*Schema          `json:"oneOf,omitempty"`
	Default              json.RawMessage    `json:"default,omitempty"`
	Description          string             `json:"description,omitempty"`
	Enum                 []string           `json:"enum,omitempty"`
	Format               string             `json:"format,omitempty"`
	Items                *Schema            `json:"items,omitempty"`
	AdditionalProperties *Schema            `json:"additionalProperties,omitempty"`
	Properties           map[string]*Schema `json:"properties,omitempty"`
	Required             []string           `json:"required,omitempty"`
	Type                 string             `json:"type,omitempty"`
	UniqueItems          bool               `json:"uniqueItems,omitempty"`

	GroupVersionKinds []GroupVersionKind `json:"x-kubernetes-group-version-kind,omitempty"`
	ListMapKeys       []string           `json:"x-kubernetes-list-map-keys,omitempty"`
	ListType          string             `json:"x-kubernetes-list-type,omitempty"`
	MapType           string             `json:"x-kubernetes-map-type,omitempty"`
	PatchMergeKey     string             `json:"x-kubernetes-patch-merge-key,omitempty"`
	PatchStrategy     string             `json:"x-kubernetes-patch-strategy,omitempty"`
}

// GroupVersionKind is the value of the x-kubernetes-group-version-kind extension: a list
// of these on a component schema, a single one on an operation. The group is always
// written, empty for the core group.
type GroupVersionKind struct {
	Group   string `json:"group"`
	Kind    string `json:"kind"`
	Version string `json:"version"`
}

// Document is an OpenAPI 3.0 document for one group-version, as served at
// /openapi/v3/api/v1 or /openapi/v3/apis/<group>/<version>.
type Document struct {
	Components Components           `json:"components"`
	Info       Info                 `json:"info"`
	OpenAPI    string               `json:"openapi"`
	Paths      map[string]*PathItem `json:"paths"`
}

// Info is the document's info object.
type Info struct {
	Title   string `json:"title"`
	Version string `json:"version"`
}

// Components holds the document's reusable schemas, by Kubernetes name
// ("io.k8s.api.core.v1.Pod").
type Components struct {
	Schemas map[string]*Schema `json:"schemas"`
}

// PathItem holds the operations served at one path and the parameters they share.
type PathItem struct {
	Delete     *Operation   `json:"delete,omitempty"`
	Get        *Operation   `json:"get,omitempty"`
	Parameters []*Parameter `json:"parameters,omitempty"`
	Patch      *Operation   `json:"patch,omitempty"`
	Post       *Operation   `json:"post,omitempty"`
	Put        *Operation   `json:"put,omitempty"`
}

// Operation is one HTTP method on a path.
type Operation struct {
	Description      string               `json:"description,omitempty"`
	OperationID      string               `json:"operationId"`
	Parameters       []*Parameter         `json:"parameters,omitempty"`
	RequestBody      *RequestBody         `json:"requestBody,omitempty"`
	Responses        map[string]*Response `json:"responses"`
	Tags             []string             `json:"tags,omitempty"`
	Action           string               `json:"x-kubernetes-action,omitempty"`
	GroupVersionKind *GroupVersionKind    `json:"x-kubernetes-group-version-kind,omitempty"`
}

// Parameter is a path or query parameter. Kubernetes writes every parameter inline
// (kubectl looks parameters up by name and does not follow references).
type Parameter struct {
	Description string  `json:"description,omitempty"`
	In          string  `json:"in"`
	Name        string  `json:"name"`
	Required    bool    `json:"required,omitempty"`
	Schema      *Schema `json:"schema"`
}

// RequestBody is an operation's body, by media type.
type RequestBody struct {
	Content map[string]*MediaType `json:"content"`
}

// Response is one response of an operation, by media type.
type Response struct {
	Content     map[string]*MediaType `json:"content,omitempty"`
	Description string                `json:"description"`
}

// MediaType is the schema of a body in one media type.
type MediaType struct {
	Schema *Schema `json:"schema"`
}

// refPrefix begins every reference to a component schema.
const refPrefix = "#/components/schemas/"

// ref returns a bare reference to the named component schema.
func ref(name string) *Schema { return &Schema{Ref: refPrefix + name} }
