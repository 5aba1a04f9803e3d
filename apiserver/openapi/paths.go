package openapi

import (
	"fmt"
	"slices"
	"strings"

	"github.com/orrery-dev/orrery/api"
)

// subresource describes a subresource Orrery serves: the methods it answers and the
// kind its bodies are, when not the resource's own.
type subresource struct {
	methods []string // "get", "put", "patch", "post"
	gvk     *GroupVersionKind
	schema  string // schema name of the body; "" for the resource's own
}

// subresources are the subresources api.Kinds may list. A subresource missing here
// makes New fail.
func subresources() map[string]subresource {
	return map[string]subresource{
		"status":   {methods: []string{"get", "put", "patch"}},
		"finalize": {methods: []string{"put"}},
		"scale": {methods: []string{"get", "put", "patch"},
			gvk: &GroupVersionKind{Group: "autoscaling", Version: "v1", Kind: "Scale"}, schema: autoscaling + "Scale"},
		"binding": {methods: []string{"post"},
			gvk: &GroupVersionKind{Group: "", Version: "v1", Kind: "Binding"}, schema: core + "Binding"},
		"eviction": {methods: []string{"post"},
			gvk: &GroupVersionKind{Group: "policy", Version: "v1", Kind: "Eviction"}, schema: policy + "Eviction"},
	}
}

// Media types of request and response bodies.
const (
	mediaJSON        = "application/json"
	mediaJSONWatch   = "application/json;stream=watch"
	mediaAny         = "*/*"
	mediaJSONPatch   = "application/json-patch+json"
	mediaMergePatch  = "application/merge-patch+json"
	mediaStrategic   = "application/strategic-merge-patch+json"
	paramDescPretty  = "If 'true', then the output is pretty printed."
	paramDescNS      = "object name and auth scope, such as for teams and projects"
	paramDescDryRun  = "When present, indicates that modifications should not be persisted. An invalid or unrecognized dryRun directive will result in an error response and no further processing of the request. Valid values are: - All: all dry run stages will be processed"
	paramDescManager = "fieldManager is a name associated with the actor or entity that is making these changes. The value must be less than or 128 characters long, and only contain printable characters, as defined by https://golang.org/pkg/unicode/#IsPrint."
	paramDescValid   = "fieldValidation instructs the server on how to handle objects in the request (POST/PUT/PATCH) containing unknown or duplicate fields. Valid values are: - Ignore: This will ignore any unknown fields that are silently dropped from the object, and will ignore all but the last duplicate field that the decoder encounters. - Warn: This will send a warning via the standard warning response header for each unknown field that is dropped from the object, and for each duplicate field that is encountered. The request will still succeed if there are no other errors. This is the default. - Strict: This will fail the request with a BadRequest error if any unknown fields would be dropped from the object, or if any duplicate fields are present. The error returned from the server will contain all unknown and duplicate fields encountered."
)

func queryParam(name, typ, desc string) *Parameter {
	return &Parameter{Name: name, In: "query", Description: desc, Schema: &Schema{Type: typ, UniqueItems: true}}
}

func pathParam(name, desc string) *Parameter {
	return &Parameter{Name: name, In: "path", Required: true, Description: desc, Schema: &Schema{Type: "string", UniqueItems: true}}
}

func paramPretty() *Parameter { return queryParam("pretty", "string", paramDescPretty) }

// writeParams are the query parameters of POST and PUT.
func writeParams() []*Parameter {
	return []*Parameter{
		queryParam("dryRun", "string", paramDescDryRun),
		queryParam("fieldManager", "string", paramDescManager),
		queryParam("fieldValidation", "string", paramDescValid),
	}
}

// listParams are the query parameters of list and watch requests.
func listParams() []*Parameter {
	return []*Parameter{
		queryParam("allowWatchBookmarks", "boolean", "allowWatchBookmarks requests watch events with type \"BOOKMARK\". Servers that do not implement bookmarks may ignore this flag and bookmarks are sent at the server's discretion. If this is not a watch, this field is ignored."),
		queryParam("continue", "string", "The continue option should be set when retrieving more results from the server. Since this value is server defined, clients may only use the continue value from a previous query result with identical query parameters (except for the value of continue). An expired continue token gives a 410 ResourceExpired error."),
		queryParam("fieldSelector", "string", "A selector to restrict the list of returned objects by their fields. Defaults to everything."),
		queryParam("labelSelector", "string", "A selector to restrict the list of returned objects by their labels. Defaults to everything."),
		queryParam("limit", "integer", "limit is a maximum number of responses to return for a list call. If more items exist, the server will set the `continue` field on the list metadata to a value that can be used with the same initial query to retrieve the next set of results."),
		queryParam("resourceVersion", "string", "resourceVersion sets a constraint on what resource versions a request may be served from. Defaults to unset"),
		queryParam("resourceVersionMatch", "string", "resourceVersionMatch determines how resourceVersion is applied to list calls. It is highly recommended that resourceVersionMatch be set for list calls where resourceVersion is set. Defaults to unset"),
		queryParam("sendInitialEvents", "boolean", "`sendInitialEvents=true` may be set together with `watch=true`. In that case, the watch stream will begin with synthetic events to produce the current state of objects in the collection. Once all such events have been sent, a synthetic \"Bookmark\" event will be sent, annotated with \"k8s.io/initial-events-end\": \"true\"."),
		queryParam("timeoutSeconds", "integer", "Timeout for the list/watch call. This limits the duration of the call, regardless of any activity or inactivity."),
		queryParam("watch", "boolean", "Watch for changes to the described resources and return them as a stream of add, update, and remove notifications."),
	}
}

// deleteParams are the query parameters of DELETE on one object.
func deleteParams() []*Parameter {
	return []*Parameter{
		queryParam("dryRun", "string", paramDescDryRun),
		queryParam("gracePeriodSeconds", "integer", "The duration in seconds before the object should be deleted. Value must be non-negative integer. The value zero indicates delete immediately. If this value is nil, the default grace period for the specified type will be used."),
		queryParam("orphanDependents", "boolean", "Deprecated: please use the PropagationPolicy. Should the dependent objects be orphaned. If true/false, the \"orphan\" finalizer will be added to/removed from the object's finalizers list. Either this field or PropagationPolicy may be set, but not both."),
		queryParam("propagationPolicy", "string", "Whether and how garbage collection will be performed. Either this field or OrphanDependents may be set, but not both. Acceptable values are: 'Orphan' - orphan the dependents; 'Background' - allow the garbage collector to delete the dependents in the background; 'Foreground' - a cascading policy that deletes all dependents in the foreground."),
	}
}

// deleteCollectionParams are the query parameters of DELETE on a collection.
func deleteCollectionParams() []*Parameter {
	var out []*Parameter
	byName := map[string]*Parameter{}
	for _, p := range append(listParams(), deleteParams()...) {
		byName[p.Name] = p
	}
	for _, name := range []string{"continue", "dryRun", "fieldSelector", "gracePeriodSeconds", "labelSelector", "limit",
		"orphanDependents", "propagationPolicy", "resourceVersion", "resourceVersionMatch", "sendInitialEvents", "timeoutSeconds"} {
		out = append(out, byName[name])
	}
	return out
}

func body(schemaName string, media ...string) map[string]*MediaType {
	out := map[string]*MediaType{}
	for _, m := range media {
		out[m] = &MediaType{Schema: ref(schemaName)}
	}
	return out
}

// responses answers with the named schema under each code; 401 has no body.
func responses(schemaName string, media []string, codes ...string) map[string]*Response {
	text := map[string]string{"200": "OK", "201": "Created", "202": "Accepted"}
	out := map[string]*Response{"401": {Description: "Unauthorized"}}
	for _, c := range codes {
		out[c] = &Response{Description: text[c], Content: body(schemaName, media...)}
	}
	return out
}

// opIDGroup is the group as Kubernetes writes it in operation IDs: "Core",
// "Apps", "Coordination" (the ".k8s.io" suffix dropped, dotted parts capitalized).
func opIDGroup(group string) string {
	if group == "" {
		return "Core"
	}
	var b strings.Builder
	for _, part := range strings.Split(strings.TrimSuffix(group, ".k8s.io"), ".") {
		b.WriteString(capitalize(part))
	}
	return b.String()
}

func capitalize(s string) string {
	if s == "" {
		return s
	}
	return strings.ToUpper(s[:1]) + s[1:]
}

// tag is the operations' tag: "core_v1", "apps_v1", "coordination_v1".
func tag(group, version string) string {
	if group == "" {
		return "core_" + version
	}
	return strings.ReplaceAll(strings.TrimSuffix(group, ".k8s.io"), ".", "") + "_" + version
}

// resourcePaths adds the paths of one kind to paths, as the Kubernetes apiserver lays
// them out, and returns the names of the schemas they use.
func resourcePaths(paths map[string]*PathItem, k api.KindInfo, kindSchema, listSchema string) ([]string, error) {
	prefix := "/api/" + k.Version
	if k.Group != "" {
		prefix = "/apis/" + k.Group + "/" + k.Version
	}
	gvk := &GroupVersionKind{Group: k.Group, Version: k.Version, Kind: k.Kind}
	tags := []string{tag(k.Group, k.Version)}
	base := opIDGroup(k.Group) + capitalize(k.Version)
	scoped := ""
	collection := prefix + "/" + k.Resource
	var collectionParams, itemParams []*Parameter
	if k.Namespaced {
		scoped = "Namespaced"
		collection = prefix + "/namespaces/{namespace}/" + k.Resource
		collectionParams = []*Parameter{pathParam("namespace", paramDescNS), paramPretty()}
		itemParams = []*Parameter{pathParam("name", "name of the "+k.Kind), pathParam("namespace", paramDescNS), paramPretty()}
	} else {
		collectionParams = []*Parameter{paramPretty()}
		itemParams = []*Parameter{pathParam("name", "name of the "+k.Kind), paramPretty()}
	}
	op := func(verb, action, desc, id string) *Operation {
		return &Operation{Description: desc, OperationID: verb + base + id, Tags: tags, Action: action, GroupVersionKind: gvk}
	}
	used := []string{kindSchema, listSchema, statusName, deleteName, patchName}

	list := op("list", "list", "list or watch objects of kind "+k.Kind, scoped+k.Kind)
	list.Parameters = listParams()
	list.Responses = responses(listSchema, []string{mediaJSON, mediaJSONWatch}, "200")
	create := op("create", "post", "create a "+k.Kind, scoped+k.Kind)
	create.Parameters = writeParams()
	create.RequestBody = &RequestBody{Content: body(kindSchema, mediaAny)}
	create.Responses = responses(kindSchema, []string{mediaJSON}, "200", "201", "202")
	delColl := op("delete", "deletecollection", "delete collection of "+k.Kind, "Collection"+scoped+k.Kind)
	delColl.Parameters = deleteCollectionParams()
	delColl.RequestBody = &RequestBody{Content: body(deleteName, mediaAny)}
	delColl.Responses = responses(statusName, []string{mediaJSON}, "200")
	if !slices.Contains(k.Verbs, "deletecollection") {
		delColl = nil
	}
	paths[collection] = &PathItem{Parameters: collectionParams, Get: list, Post: create, Delete: delColl}

	if k.Namespaced {
		all := op("list", "list", "list or watch objects of kind "+k.Kind, k.Kind+"ForAllNamespaces")
		all.Responses = responses(listSchema, []string{mediaJSON, mediaJSONWatch}, "200")
		paths[prefix+"/"+k.Resource] = &PathItem{Parameters: append(listParams(), paramPretty()), Get: all}
	}

	item := collection + "/{name}"
	read := op("read", "get", "read the specified "+k.Kind, scoped+k.Kind)
	read.Responses = responses(kindSchema, []string{mediaJSON}, "200")
	replace := op("replace", "put", "replace the specified "+k.Kind, scoped+k.Kind)
	replace.Parameters = writeParams()
	replace.RequestBody = &RequestBody{Content: body(kindSchema, mediaAny)}
	replace.Responses = responses(kindSchema, []string{mediaJSON}, "200", "201")
	patch := op("patch", "patch", "partially update the specified "+k.Kind, scoped+k.Kind)
	patch.Parameters = writeParams()
	patch.RequestBody = &RequestBody{Content: body(patchName, mediaJSONPatch, mediaMergePatch, mediaStrategic)}
	patch.Responses = responses(kindSchema, []string{mediaJSON}, "200", "201")
	del := op("delete", "delete", "delete a "+k.Kind, scoped+k.Kind)
	del.Parameters = deleteParams()
	del.RequestBody = &RequestBody{Content: body(deleteName, mediaAny)}
	deleted := statusName
	if k.ReturnDeletedObject {
		deleted = kindSchema
	}
	del.Responses = responses(deleted, []string{mediaJSON}, "200", "202")
	paths[item] = &PathItem{Parameters: itemParams, Get: read, Put: replace, Patch: patch, Delete: del}

	subs := subresources()
	for _, name := range k.Subresources {
		sub, ok := subs[name]
		if !ok {
			return nil, fmt.Errorf("%s: no OpenAPI description of subresource %q", k.Resource, name)
		}
		schemaName, subGVK := kindSchema, gvk
		if sub.gvk != nil {
			schemaName, subGVK = sub.schema, sub.gvk
			used = append(used, schemaName)
		}
		id := scoped + k.Kind + capitalize(name)
		pi := &PathItem{Parameters: itemParams}
		for _, method := range sub.methods {
			var o *Operation
			switch method {
			case "get":
				o = op("read", "get", "read "+name+" of the specified "+k.Kind, id)
				o.Responses = responses(schemaName, []string{mediaJSON}, "200")
				pi.Get = o
			case "put":
				o = op("replace", "put", "replace "+name+" of the specified "+k.Kind, id)
				o.Parameters = writeParams()
				o.RequestBody = &RequestBody{Content: body(schemaName, mediaAny)}
				o.Responses = responses(schemaName, []string{mediaJSON}, "200", "201")
				pi.Put = o
			case "patch":
				o = op("patch", "patch", "partially update "+name+" of the specified "+k.Kind, id)
				o.Parameters = writeParams()
				o.RequestBody = &RequestBody{Content: body(patchName, mediaJSONPatch, mediaMergePatch, mediaStrategic)}
				o.Responses = responses(schemaName, []string{mediaJSON}, "200", "201")
				pi.Patch = o
			case "post":
				o = op("create", "post", "create "+name+" of a "+k.Kind, id)
				o.Parameters = writeParams()
				o.RequestBody = &RequestBody{Content: body(schemaName, mediaAny)}
				o.Responses = responses(schemaName, []string{mediaJSON}, "200", "201", "202")
				pi.Post = o
			default:
				return nil, fmt.Errorf("subresource %q: unknown method %q", name, method)
			}
			o.GroupVersionKind = subGVK
		}
		paths[item+"/"+name] = pi
	}
	return used, nil
}
