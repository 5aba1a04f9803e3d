package apiserver

import (
	"bytes"
	"encoding/json"
	"flag"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

var updateGolden = flag.Bool("update", false, "rewrite the golden files of TestDiscoveryAndOpenAPIGolden")

// TestDiscoveryAndOpenAPIGolden: the discovery documents and the OpenAPI v3 documents
// of the built-in kinds are byte for byte the golden ones in testdata/golden (rewrite
// them with -update when a change to them is intended).
func TestDiscoveryAndOpenAPIGolden(t *testing.T) {
	t.Parallel()
	ts := startServer(t)
	paths := []string{"/api", "/api/v1", "/apis", "/apis/apps", "/apis/apps/v1",
		"/apis/coordination.k8s.io", "/apis/coordination.k8s.io/v1", "/openapi/v3"}
	var root struct {
		Paths map[string]struct {
			ServerRelativeURL string `json:"serverRelativeURL"`
		} `json:"paths"`
	}
	r := ts.do(t, http.MethodGet, "/openapi/v3", nil)
	if err := json.Unmarshal(r.body, &root); err != nil {
		t.Fatal(err)
	}
	for gv := range root.Paths {
		paths = append(paths, "/openapi/v3/"+gv)
	}
	for _, p := range paths {
		r := ts.do(t, http.MethodGet, p, nil)
		if r.code != http.StatusOK {
			t.Fatalf("GET %s: %d", p, r.code)
		}
		// The server's address (its port is picked at random) is the one varying part.
		body := bytes.ReplaceAll(r.body, []byte(strings.TrimPrefix(ts.base, "https://")), []byte("127.0.0.1:PORT"))
		file := filepath.Join("testdata", "golden", strings.ReplaceAll(strings.Trim(p, "/"), "/", "_")+".json")
		if *updateGolden {
			if err := os.MkdirAll(filepath.Dir(file), 0o755); err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(file, body, 0o644); err != nil {
				t.Fatal(err)
			}
			continue
		}
		want, err := os.ReadFile(file)
		if err != nil {
			t.Fatalf("%s: %v (run with -update to write it)", p, err)
		}
		if !bytes.Equal(body, want) {
			t.Errorf("GET %s differs from %s", p, file)
		}
	}
}
