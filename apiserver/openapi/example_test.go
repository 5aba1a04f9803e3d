package openapi_test

import (
	"encoding/json"
	"fmt"
	"github.com/orrery-dev/orrery/api/builtin"
	"net/http/httptest"
	"slices"

	"github.com/orrery-dev/orrery/apiserver/openapi"
)

// Serve the documents as the apiserver does and list the group-versions of the root,
// as kubectl reads them.
func Example() {
	docs, err := openapi.New(builtin.Registry().Kinds())
	if err != nil {
		panic(err)
	}
	rec := httptest.NewRecorder()
	docs.ServeHTTP(rec, httptest.NewRequest("GET", "/openapi/v3", nil))
	var root struct {
		Paths map[string]struct {
			ServerRelativeURL string `json:"serverRelativeURL"`
		} `json:"paths"`
	}
	if err := json.Unmarshal(rec.Body.Bytes(), &root); err != nil {
		panic(err)
	}
	var gvs []string
	for gv := range root.Paths {
		gvs = append(gvs, gv)
	}
	slices.Sort(gvs)
	for _, gv := range gvs {
		_, hash, _ := docs.GroupVersion(gv)
		fmt.Println(gv, root.Paths[gv].ServerRelativeURL == "/openapi/v3/"+gv+"?hash="+hash)
	}
	// Output:
	// api/v1 true
	// apis/apps/v1 true
	// apis/coordination.k8s.io/v1 true
	// apis/policy/v1 true
}
