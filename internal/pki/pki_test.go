package pki

import (
	"crypto/x509"
	"os"
	"path/filepath"
	"testing"
	"time"
)

func TestEnsureCreatesThenReuses(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	now := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	hosts := []string{"127.0.0.1", "localhost"}
	first, err := Ensure(dir, hosts, now)
	if err != nil {
		t.Fatalf("Ensure: %v", err)
	}
	leaf, err := x509.ParseCertificate(first.Serving.Certificate[0])
	if err != nil {
		t.Fatal(err)
	}
	pool := x509.NewCertPool()
	if !pool.AppendCertsFromPEM(first.CAPEM) {
		t.Fatal("CA PEM does not parse")
	}
	for _, h := range hosts {
		if _, err := leaf.Verify(x509.VerifyOptions{DNSName: h, Roots: pool, CurrentTime: now}); err != nil {
			t.Errorf("serving certificate for %s: %v", h, err)
		}
	}
	if fi, err := os.Stat(filepath.Join(dir, CAKeyFile)); err != nil || fi.Mode().Perm() != 0o600 {
		t.Errorf("CA key mode: %v, %v; want 0600", fi.Mode(), err)
	}

	second, err := Ensure(dir, hosts, now.Add(time.Hour))
	if err != nil {
		t.Fatalf("second Ensure: %v", err)
	}
	if string(second.CAPEM) != string(first.CAPEM) || string(second.Serving.Certificate[0]) != string(first.Serving.Certificate[0]) {
		t.Error("second Ensure made new certificates; want the stored ones reused")
	}

	third, err := Ensure(dir, append(hosts, "10.1.2.3"), now.Add(time.Hour))
	if err != nil {
		t.Fatalf("Ensure with a new host: %v", err)
	}
	if string(third.CAPEM) != string(first.CAPEM) {
		t.Error("a new host replaced the CA; want only a new serving certificate")
	}
	leaf3, _ := x509.ParseCertificate(third.Serving.Certificate[0])
	if _, err := leaf3.Verify(x509.VerifyOptions{DNSName: "10.1.2.3", Roots: pool, CurrentTime: now}); err != nil {
		t.Errorf("new serving certificate for 10.1.2.3: %v", err)
	}
}
