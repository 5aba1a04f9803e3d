package patch

import (
	"fmt"
	"strings"
	"testing"
)

const benchPod = `{"apiVersion":"v1","kind":"Pod","metadata":{"name":"web-7d4b9c","namespace":"default","uid":"5f0c",
	"labels":{"app":"web","pod-template-hash":"7d4b9c"},"finalizers":["example.com/a"],
	"ownerReferences":[{"apiVersion":"apps/v1","kind":"ReplicaSet","name":"web","uid":"9a1e","controller":true}]},
	"spec":{"nodeName":"node-1","containers":[{"name":"app","image":"app:1","ports":[{"containerPort":8080,"protocol":"TCP"}],
	"env":[{"name":"A","value":"1"},{"name":"B","value":"2"}],"resources":{"requests":{"cpu":"100m","memory":"128Mi"}}}],
	"tolerations":[{"key":"node.kubernetes.io/not-ready","operator":"Exists","effect":"NoExecute","tolerationSeconds":300}]},
	"status":{"phase":"Pending","conditions":[{"type":"PodScheduled","status":"True"},{"type":"Initialized","status":"True"},
	{"type":"Ready","status":"False"},{"type":"ContainersReady","status":"False"}]}}`

func BenchmarkStrategicMergePatchKubeletStatus(b *testing.B) {
	doc, schema := []byte(benchPod), schemaFor("Pod")
	p := []byte(`{"status":{"$setElementOrder/conditions":[{"type":"PodScheduled"},{"type":"Initialized"},{"type":"Ready"},{"type":"ContainersReady"}],
		"conditions":[{"type":"Ready","status":"True"},{"type":"ContainersReady","status":"True"}],"phase":"Running","podIP":"10.0.0.7","podIPs":[{"ip":"10.0.0.7"}]}}`)
	b.ReportAllocs()
	for b.Loop() {
		if _, err := StrategicMergePatch(doc, p, schema); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkStrategicMergePatchLargeList(b *testing.B) {
	const n = 10000
	var doc, p strings.Builder
	doc.WriteString(`{"spec":{"containers":[{"name":"app","env":[`)
	p.WriteString(`{"spec":{"containers":[{"name":"app","env":[`)
	for i := range n {
		if i > 0 {
			doc.WriteByte(',')
			p.WriteByte(',')
		}
		fmt.Fprintf(&doc, `{"name":"V%d","value":"a"}`, i)
		fmt.Fprintf(&p, `{"name":"V%d","value":"b"}`, n-1-i)
	}
	doc.WriteString(`]}]}}`)
	p.WriteString(`]}]}}`)
	d, pp, schema := []byte(doc.String()), []byte(p.String()), schemaFor("Pod")
	b.ReportAllocs()
	for b.Loop() {
		if _, err := StrategicMergePatch(d, pp, schema); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkMergePatch(b *testing.B) {
	doc := []byte(benchPod)
	p := []byte(`{"metadata":{"labels":{"tier":"frontend","pod-template-hash":null}},"spec":{"activeDeadlineSeconds":60}}`)
	b.ReportAllocs()
	for b.Loop() {
		if _, err := MergePatch(doc, p); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkJSONPatch(b *testing.B) {
	doc := []byte(benchPod)
	p := []byte(`[{"op":"test","path":"/metadata/uid","value":"5f0c"},{"op":"replace","path":"/spec/containers/0/image","value":"app:2"},
		{"op":"add","path":"/metadata/labels/tier","value":"frontend"},{"op":"remove","path":"/metadata/finalizers/0"}]`)
	b.ReportAllocs()
	for b.Loop() {
		if _, err := JSONPatch(doc, p); err != nil {
			b.Fatal(err)
		}
	}
}
