package apiserver

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"sync/atomic"
	"testing"
)

// benchPod is a realistic pod body: labels, two containers with resources.
func benchPod(name string) []byte {
	data, _ := json.Marshal(map[string]any{
		"apiVersion": "v1", "kind": "Pod",
		"metadata": map[string]any{"name": name, "labels": map[string]string{"app": "bench", "tier": "web"}},
		"spec": map[string]any{"containers": []map[string]any{
			{"name": "app", "image": "nginx:1.27", "ports": []map[string]any{{"containerPort": 80}},
				"resources": map[string]any{"requests": map[string]string{"cpu": "100m", "memory": "64Mi"}, "limits": map[string]string{"cpu": "500m", "memory": "128Mi"}}},
			{"name": "sidecar", "image": "envoy:1.30",
				"resources": map[string]any{"requests": map[string]string{"cpu": "50m", "memory": "32Mi"}}},
		}},
	})
	return data
}

func (ts *testServer) benchDo(b *testing.B, method, path string, body []byte, want int) {
	req, err := http.NewRequestWithContext(context.Background(), method, ts.base+path, bytes.NewReader(body))
	if err != nil {
		b.Fatal(err)
	}
	req.Header.Set("Authorization", "Bearer "+ts.admin)
	req.Header.Set("Content-Type", "application/json")
	resp, err := ts.client.Do(req)
	if err != nil {
		b.Fatal(err)
	}
	io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	if resp.StatusCode != want {
		b.Fatalf("%s %s: status %d, want %d", method, path, resp.StatusCode, want)
	}
}

// BenchmarkHTTPS measures the API over HTTPS (HTTP/2, bearer token) with etcd below:
// creates from 16 concurrent clients, gets of one pod among 10,000, and full lists of
// 10,000 pods.
func BenchmarkHTTPS(b *testing.B) {
	ts := startServer(b)
	var n atomic.Int64
	b.Run("create", func(b *testing.B) {
		b.ReportAllocs()
		b.SetParallelism(8)
		b.RunParallel(func(pb *testing.PB) {
			for pb.Next() {
				ts.benchDo(b, "POST", "/api/v1/namespaces/default/pods", benchPod(fmt.Sprintf("c-%d", n.Add(1))), http.StatusCreated)
			}
		})
		b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "objects/s")
	})
	// Fill up to 10,000 pods for the reads.
	for i := n.Load(); i < 10000; i++ {
		ts.benchDo(b, "POST", "/api/v1/namespaces/default/pods", benchPod(fmt.Sprintf("f-%d", i)), http.StatusCreated)
	}
	list := ts.list(b, "/api/v1/namespaces/default/pods")
	b.Run("get", func(b *testing.B) {
		b.ReportAllocs()
		i := 0
		for b.Loop() {
			ts.benchDo(b, "GET", "/api/v1/namespaces/default/pods/"+list.Items[i%len(list.Items)].Metadata.Name, nil, http.StatusOK)
			i++
		}
		b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "objects/s")
	})
	b.Run("list10k", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			ts.benchDo(b, "GET", "/api/v1/namespaces/default/pods", nil, http.StatusOK)
		}
		b.ReportMetric(float64(b.N)*float64(len(list.Items))/b.Elapsed().Seconds(), "objects/s")
	})
}
