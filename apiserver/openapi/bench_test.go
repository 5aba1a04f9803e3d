package openapi

import (
	"github.com/orrery-dev/orrery/api/builtin"
	"net/http/httptest"
	"testing"
)

func BenchmarkNew(b *testing.B) {
	for b.Loop() {
		if _, err := New(builtin.Registry().Kinds()); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkServeDocument(b *testing.B) {
	d, err := New(builtin.Registry().Kinds())
	if err != nil {
		b.Fatal(err)
	}
	_, hash, _ := d.GroupVersion("api/v1")
	req := httptest.NewRequest("GET", "/openapi/v3/api/v1?hash="+hash, nil)
	for b.Loop() {
		d.ServeHTTP(httptest.NewRecorder(), req)
	}
}
