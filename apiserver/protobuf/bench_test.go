package protobuf

import (
	"encoding/json"
	"testing"

	"github.com/orrery-dev/orrery/api"
)

// BenchmarkToJSON converts pods: a small one as a controller creates it and a large one
// with every modelled field set twice over (init and app containers, full status).
func BenchmarkToJSON(b *testing.B) {
	benchmarks := []struct {
		name string
		data []byte
	}{
		{
			name: "small pod",
			data: body("v1", "Pod", newPB().
				msg(1, newPB().str(1, "web-7f9c").str(3, "default").entry(11, "app", "web").
					msg(13, newPB().str(1, "ReplicaSet").str(3, "web").str(4, "uid").str(5, "apps/v1").boolean(6, true))).
				msg(2, newPB().msg(2, newPB().str(1, "app").str(2, "registry.example/app:1")))),
		},
		{
			name: "large pod",
			data: body("v1", "Pod", newPB().msg(1, meta()).msg(2, podSpec()).msg(3, podStatus())),
		},
	}
	for _, bm := range benchmarks {
		b.Run(bm.name, func(b *testing.B) {
			b.ReportAllocs()
			b.SetBytes(int64(len(bm.data)))
			for b.Loop() {
				if _, err := testDecoder.ToJSON(bm.data); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkPodEvent is the cost of one pod event on each side, in each format, side by
// side: the server encoding the pod (once per event, in the watch cache) and a client
// decoding it into the Go type (once per watcher).
func BenchmarkPodEvent(b *testing.B) {
	pod, info := codecObject(b, "v1", "Pod", richPod)
	jsonData, err := json.Marshal(pod)
	if err != nil {
		b.Fatal(err)
	}
	pbData, err := Marshal("v1", "Pod", info.Protobuf, pod)
	if err != nil {
		b.Fatal(err)
	}
	b.Run("encode/json", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if _, err := json.Marshal(pod); err != nil {
				b.Fatal(err)
			}
		}
		b.ReportMetric(float64(len(jsonData)), "bytes/event")
	})
	b.Run("encode/protobuf", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if _, err := Marshal("v1", "Pod", info.Protobuf, pod); err != nil {
				b.Fatal(err)
			}
		}
		b.ReportMetric(float64(len(pbData)), "bytes/event")
	})
	b.Run("decode/json", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			var p api.Pod
			if err := json.Unmarshal(jsonData, &p); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("decode/protobuf", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			var p api.Pod
			if err := Unmarshal(pbData, info.Protobuf, &p); err != nil {
				b.Fatal(err)
			}
		}
	})
}
