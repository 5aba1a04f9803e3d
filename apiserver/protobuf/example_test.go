package protobuf_test

import (
	"fmt"

	"github.com/orrery-dev/orrery/api/builtin"
	"github.com/orrery-dev/orrery/apiserver/protobuf"
)

func ExampleDecoder_ToJSON() {
	// A Namespace named "demo" as client-go encodes it: the magic "k8s\x00", then a
	// runtime.Unknown with typeMeta {apiVersion: "v1", kind: "Namespace"} (field 1)
	// and the Namespace message (field 2), whose metadata (field 1) has name "demo".
	body := []byte("k8s\x00" +
		"\x0a\x0f" + "\x0a\x02v1" + "\x12\x09Namespace" +
		"\x12\x08" + "\x0a\x06" + "\x0a\x04demo")
	fmt.Println(protobuf.IsProtobuf("application/vnd.kubernetes.protobuf"))
	out, err := protobuf.NewDecoder(builtin.Registry()).ToJSON(body)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(string(out))
	// Output:
	// true
	// {"apiVersion":"v1","kind":"Namespace","metadata":{"name":"demo"}}
}
