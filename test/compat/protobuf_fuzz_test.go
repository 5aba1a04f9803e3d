package compat

import (
	"encoding/json"
	"testing"

	"github.com/google/go-cmp/cmp"
	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/client-go/kubernetes/scheme"

	"github.com/orrery-dev/orrery/api"
	"github.com/orrery-dev/orrery/api/builtin"
	"github.com/orrery-dev/orrery/apiserver/protobuf"
)

// FuzzClientGoReadsOrreryProtobuf feeds Orrery's protobuf encoder pods decoded from
// arbitrary bodies, and checks that client-go's generated code decodes what it writes
// to the pod client-go decodes from Orrery's JSON of the same pod.
//
//	cd test/compat && go test -run '^$' -fuzz FuzzClientGoReadsOrreryProtobuf -fuzztime 1m
func FuzzClientGoReadsOrreryProtobuf(f *testing.F) {
	info, _ := builtin.Registry().ByKind("v1", "Pod")
	pod, status := informerRealisticPod("default", 7)
	pod.Status = status
	seed, err := protobuf.Marshal("v1", "Pod", info.Protobuf, pod)
	if err != nil {
		f.Fatal(err)
	}
	f.Add(seed)
	f.Add(encodeProtobufF(f, &corev1.Pod{Spec: corev1.PodSpec{Containers: []corev1.Container{{Name: "a", Image: "b"}}}}))
	protobufInfo, _ := runtime.SerializerInfoForMediaType(scheme.Codecs.SupportedMediaTypes(), runtime.ContentTypeProtobuf)
	jsonInfo, _ := runtime.SerializerInfoForMediaType(scheme.Codecs.SupportedMediaTypes(), runtime.ContentTypeJSON)
	f.Fuzz(func(t *testing.T, data []byte) {
		p := &api.Pod{}
		if protobuf.Unmarshal(data, info.Protobuf, p) != nil {
			return
		}
		p.APIVersion, p.Kind = "v1", "Pod"
		asJSON, err := json.Marshal(p)
		if err != nil {
			return // a value JSON cannot carry either
		}
		asProtobuf, err := protobuf.Marshal("v1", "Pod", info.Protobuf, p)
		if err != nil {
			t.Fatalf("Marshal of a decoded pod: %v", err)
		}
		fromJSON, _, err := jsonInfo.Serializer.Decode(asJSON, nil, &corev1.Pod{})
		if err != nil {
			return // client-go refuses what Orrery's looser types allow (a bad quantity)
		}
		fromProtobuf, _, err := protobufInfo.Serializer.Decode(asProtobuf, nil, &corev1.Pod{})
		if err != nil {
			t.Fatalf("client-go cannot decode Orrery's protobuf of a pod it reads as JSON: %v\njson: %s", err, asJSON)
		}
		if diff := cmp.Diff(fromJSON, fromProtobuf); diff != "" {
			t.Fatalf("client-go reads Orrery's protobuf and JSON differently (-json +protobuf):\n%s", diff)
		}
	})
}

// encodeProtobufF is encodeProtobuf for a fuzz target's seeds.
func encodeProtobufF(f *testing.F, obj runtime.Object) []byte {
	info, _ := runtime.SerializerInfoForMediaType(scheme.Codecs.SupportedMediaTypes(), runtime.ContentTypeProtobuf)
	data, err := runtime.Encode(scheme.Codecs.EncoderForVersion(info.Serializer, corev1.SchemeGroupVersion), obj)
	if err != nil {
		f.Fatal(err)
	}
	return data
}
