package main

import (
	"bytes"
	"context"
	"crypto/tls"
	"crypto/x509"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
	"sync"
	"time"
)

// apiClient speaks to the apiserver (or another component's HTTPS endpoint) as a
// user with a bearer token, trusting the cluster's CA.
type apiClient struct {
	server string
	token  string
	http   *http.Client
}

func newAPIClient(server string, caPEM []byte, token string) (*apiClient, error) {
	pool := x509.NewCertPool()
	if !pool.AppendCertsFromPEM(caPEM) {
		return nil, errors.New("no certificate in the CA's PEM")
	}
	tr := &http.Transport{
		TLSClientConfig:     &tls.Config{RootCAs: pool, MinVersion: tls.VersionTLS12},
		ForceAttemptHTTP2:   true,
		MaxIdleConnsPerHost: 32,
	}
	return &apiClient{server: server, token: token, http: &http.Client{Transport: tr, Timeout: 30 * time.Second}}, nil
}

// newPlainHTTPClient is a client for etcd's plain-HTTP endpoints.
func newPlainHTTPClient() *http.Client {
	return &http.Client{Transport: &http.Transport{}, Timeout: 5 * time.Second}
}

// close closes the client's idle connections.
func (a *apiClient) close() { a.http.CloseIdleConnections() }

// statusError is an answer other than 2xx, with the reason and message of its Status.
type statusError struct {
	Code    int
	Reason  string
	Message string
}

func (e *statusError) Error() string {
	return fmt.Sprintf("%d %s: %s", e.Code, e.Reason, e.Message)
}

// do sends in (JSON, when not nil) with method to path and decodes the answer into
// out (when not nil). contentType is in's type; empty means application/json.
func (a *apiClient) do(ctx context.Context, method, path, contentType string, in, out any) error {
	var body io.Reader
	if in != nil {
		b, err := json.Marshal(in)
		if err != nil {
			return err
		}
		body = bytes.NewReader(b)
	}
	req, err := http.NewRequestWithContext(ctx, method, a.server+path, body)
	if err != nil {
		return err
	}
	if in != nil {
		if contentType == "" {
			contentType = "application/json"
		}
		req.Header.Set("Content-Type", contentType)
	}
	req.Header.Set("Accept", "application/json")
	if a.token != "" {
		req.Header.Set("Authorization", "Bearer "+a.token)
	}
	resp, err := a.http.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(resp.Body)
	if err != nil {
		return err
	}
	if resp.StatusCode/100 != 2 {
		se := &statusError{Code: resp.StatusCode}
		var st struct{ Reason, Message string }
		if json.Unmarshal(data, &st) == nil && st.Message != "" {
			se.Reason, se.Message = st.Reason, st.Message
		} else {
			se.Message = strings.TrimSpace(string(data))
		}
		return se
	}
	if out != nil {
		return json.Unmarshal(data, out)
	}
	return nil
}

// get answers nil when path answers 200.
func (a *apiClient) get(ctx context.Context, path string) error {
	return a.do(ctx, http.MethodGet, path, "", nil, nil)
}

// The nodes kube-up makes for kwok: name kwok-node-<i>, annotated for kwok, each with
// 32 CPUs, 256Gi of memory and room for 110 pods.
const nodePrefix = "kwok-node-"

var nodeResources = map[string]string{"cpu": "32", "memory": "256Gi", "pods": "110"}

// node is the part of a Node that kube-up writes and reads.
type node struct {
	APIVersion string `json:"apiVersion,omitempty"`
	Kind       string `json:"kind,omitempty"`
	Metadata   struct {
		Name        string            `json:"name"`
		Labels      map[string]string `json:"labels,omitempty"`
		Annotations map[string]string `json:"annotations,omitempty"`
	} `json:"metadata"`
	Status nodeStatus `json:"status"`
}

type nodeStatus struct {
	Capacity    map[string]string `json:"capacity,omitempty"`
	Allocatable map[string]string `json:"allocatable,omitempty"`
	Conditions  []struct {
		Type   string `json:"type"`
		Status string `json:"status"`
	} `json:"conditions,omitempty"`
}

func newNode(name string) *node {
	n := &node{APIVersion: "v1", Kind: "Node"}
	n.Metadata.Name = name
	n.Metadata.Annotations = map[string]string{kwokAnnotation: "fake"}
	n.Metadata.Labels = map[string]string{"kubernetes.io/hostname": name, "kubernetes.io/os": "linux"}
	n.Status = nodeStatus{Capacity: nodeResources, Allocatable: nodeResources}
	return n
}

func (n *node) ready() bool {
	for _, c := range n.Status.Conditions {
		if c.Type == "Ready" {
			return c.Status == "True"
		}
	}
	return false
}

// createNodes creates the nodes kwok-node-0 to kwok-node-<count-1> (those that exist
// already are left as they are) from a few workers, and gives each its capacity in
// its status when the create did not keep it.
func createNodes(ctx context.Context, a *apiClient, count int) error {
	ctx, cancel := context.WithCancelCause(ctx)
	defer cancel(nil)
	next := make(chan int)
	var wg sync.WaitGroup
	for range min(16, count) {
		wg.Go(func() {
			for i := range next {
				if err := createNode(ctx, a, fmt.Sprintf("%s%d", nodePrefix, i)); err != nil {
					cancel(err)
				}
			}
		})
	}
feed:
	for i := range count {
		select {
		case next <- i:
		case <-ctx.Done():
			break feed
		}
	}
	close(next)
	wg.Wait()
	return context.Cause(ctx)
}

func createNode(ctx context.Context, a *apiClient, name string) error {
	var got node
	err := a.do(ctx, http.MethodPost, "/api/v1/nodes", "", newNode(name), &got)
	if se := (*statusError)(nil); errors.As(err, &se) && se.Code == http.StatusConflict {
		return nil
	}
	if err != nil {
		return fmt.Errorf("create node %s: %w", name, err)
	}
	if len(got.Status.Allocatable) > 0 {
		return nil
	}
	patch := map[string]any{"status": nodeStatus{Capacity: nodeResources, Allocatable: nodeResources}}
	if err := a.do(ctx, http.MethodPatch, "/api/v1/nodes/"+name+"/status", "application/merge-patch+json", patch, nil); err != nil {
		return fmt.Errorf("set the status of node %s: %w", name, err)
	}
	return nil
}

// readyNodes counts the Ready nodes of kube-up's.
func readyNodes(ctx context.Context, a *apiClient) (int, error) {
	var list struct{ Items []node }
	if err := a.do(ctx, http.MethodGet, "/api/v1/nodes", "", nil, &list); err != nil {
		return 0, err
	}
	ready := 0
	for _, n := range list.Items {
		if strings.HasPrefix(n.Metadata.Name, nodePrefix) && n.ready() {
			ready++
		}
	}
	return ready, nil
}
