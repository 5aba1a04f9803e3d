package kubeconfig

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestWriteLoadResolve(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), "sub", "kubeconfig")
	want := ForServer("orrery", "https://127.0.0.1:6443", []byte("-----BEGIN CERTIFICATE-----\nx\n-----END CERTIFICATE-----\n"), "admin", "s3cret")
	if err := Write(path, want); err != nil {
		t.Fatalf("Write: %v", err)
	}
	fi, err := os.Stat(path)
	if err != nil || fi.Mode().Perm() != 0o600 {
		t.Fatalf("kubeconfig mode: %v, %v; want 0600", fi.Mode(), err)
	}
	got, err := Load(path)
	if err != nil {
		t.Fatalf("Load: %v", err)
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("round trip (-want +got):\n%s", diff)
	}
	r, err := got.Resolve("")
	if err != nil {
		t.Fatalf("Resolve: %v", err)
	}
	if r.Server != "https://127.0.0.1:6443" || r.Token != "s3cret" || string(r.CAData) != string(want.Clusters[0].Cluster.CertificateAuthorityData) {
		t.Errorf("Resolve: got %+v", r)
	}
	if _, err := got.Resolve("nope"); err == nil {
		t.Error("Resolve of a missing context: got nil error")
	}
}

func TestLoadKubectlStyleFileWithRelativePaths(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "ca.crt"), []byte("CA"), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "token"), []byte("tok\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	cfg := `apiVersion: v1
kind: Config
clusters:
- name: c
  cluster:
    server: https://example.test:6443
    certificate-authority: ca.crt
users:
- name: u
  user:
    tokenFile: token
contexts:
- name: one
  context: {cluster: c, user: u, namespace: team}
- name: two
  context: {cluster: c, user: u}
current-context: two
`
	path := filepath.Join(dir, "config")
	if err := os.WriteFile(path, []byte(cfg), 0o600); err != nil {
		t.Fatal(err)
	}
	c, err := Load(path)
	if err != nil {
		t.Fatalf("Load: %v", err)
	}
	r, err := c.Resolve("one")
	if err != nil {
		t.Fatalf("Resolve: %v", err)
	}
	want := &Resolved{Server: "https://example.test:6443", CAData: []byte("CA"), Token: "tok", Namespace: "team"}
	if diff := cmp.Diff(want, r); diff != "" {
		t.Errorf("Resolve (-want +got):\n%s", diff)
	}
}
