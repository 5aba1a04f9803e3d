package client

import (
	"bytes"
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"go.uber.org/zap"
	"golang.org/x/time/rate"

	"github.com/orrery-dev/orrery/apiserver/protobuf"
)

// Client is a REST client for one apiserver. Create it with New; it is safe for
// concurrent use. Close releases its idle connections.
type Client struct {
	cfg     Config
	base    *url.URL
	http    *http.Client
	limiter *rate.Limiter // nil means no limit
	logger  *zap.Logger
	auth    string // Authorization header value; "" means none
	// strings shares the strings of the objects it decodes from protobuf, so that
	// the caches built from them (informers) hold one copy of each recurring one.
	strings *protobuf.Strings
}

// Request is one REST call. Path is absolute ("/api/v1/namespaces/default/pods").
type Request struct {
	Method      string
	Path        string
	Query       url.Values
	Body        []byte
	ContentType string // of Body; empty means application/json
	Accept      string // the media types wanted; empty means application/json
}

// New checks cfg and returns a Client.
func New(cfg Config) (*Client, error) {
	cfg, err := cfg.withDefaults()
	if err != nil {
		return nil, err
	}
	base, err := url.Parse(strings.TrimSuffix(cfg.Host, "/"))
	if err != nil || base.Scheme == "" || base.Host == "" {
		return nil, fmt.Errorf("client: bad Host %q", cfg.Host)
	}
	rt := cfg.Transport
	if rt == nil {
		if rt, err = newTransport(cfg); err != nil {
			return nil, err
		}
	}
	c := &Client{
		cfg:     cfg,
		base:    base,
		http:    &http.Client{Transport: rt},
		logger:  cfg.Logger.Named("client").With(zap.String("host", cfg.Host)),
		strings: protobuf.NewStrings(0),
	}
	if cfg.QPS > 0 {
		c.limiter = rate.NewLimiter(rate.Limit(cfg.QPS), cfg.Burst)
	}
	switch {
	case cfg.BearerToken != "":
		c.auth = "Bearer " + cfg.BearerToken
	case cfg.Username != "":
		r := &http.Request{Header: http.Header{}}
		r.SetBasicAuth(cfg.Username, cfg.Password)
		c.auth = r.Header.Get("Authorization")
	}
	return c, nil
}

func newTransport(cfg Config) (*http.Transport, error) {
	tlsCfg := &tls.Config{
		MinVersion:         tls.VersionTLS12,
		ServerName:         cfg.TLSServerName,
		InsecureSkipVerify: cfg.Insecure, //nolint:gosec // the user asked for it in the kubeconfig
	}
	if cfg.CAData != nil {
		pool := x509.NewCertPool()
		if !pool.AppendCertsFromPEM(cfg.CAData) {
			return nil, errors.New("client: CAData holds no PEM certificate")
		}
		tlsCfg.RootCAs = pool
	}
	if cfg.CertData != nil {
		cert, err := tls.X509KeyPair(cfg.CertData, cfg.KeyData)
		if err != nil {
			return nil, fmt.Errorf("client: client certificate: %w", err)
		}
		tlsCfg.Certificates = []tls.Certificate{cert}
	}
	return &http.Transport{
		Proxy:               http.ProxyFromEnvironment,
		DialContext:         (&net.Dialer{Timeout: 30 * time.Second, KeepAlive: 30 * time.Second}).DialContext,
		TLSClientConfig:     tlsCfg,
		TLSHandshakeTimeout: 10 * time.Second,
		ForceAttemptHTTP2:   true,
		MaxIdleConnsPerHost: 100,
		IdleConnTimeout:     90 * time.Second,
		// A connection whose peer vanished (a server restarted behind the same
		// address) is found by pings and closed, so watches on it end.
		HTTP2: &http.HTTP2Config{SendPingTimeout: 30 * time.Second, PingTimeout: 15 * time.Second},
	}, nil
}

// Config returns the Client's configuration, defaults filled in.
func (c *Client) Config() Config { return c.cfg }

// Close closes the idle connections of the Client's transport. Requests in flight are
// not affected; the Client stays usable.
func (c *Client) Close() { c.http.CloseIdleConnections() }

// Do sends req and returns the body of a successful (2xx) response. An error response
// is returned as an *api.Status.
func (c *Client) Do(ctx context.Context, req Request) ([]byte, error) {
	var out []byte
	err := c.do(ctx, req, func(body io.Reader) error {
		var err error
		out, err = io.ReadAll(body)
		return err
	})
	return out, err
}

// Stream sends req and returns the body of a successful response for the caller to
// read and close, as for a watch. The request is not bounded by Timeout.
func (c *Client) Stream(ctx context.Context, req Request) (io.ReadCloser, error) {
	var out io.ReadCloser
	err := c.send(ctx, req, true, func(resp *http.Response) error {
		out = resp.Body
		return nil
	})
	return out, err
}

// doResponse sends req and hands the successful response to read (which need not
// close its body), within the request's timeout.
func (c *Client) doResponse(ctx context.Context, req Request, read func(*http.Response) error) error {
	return c.send(ctx, req, false, func(resp *http.Response) error {
		defer resp.Body.Close()
		if err := read(resp); err != nil {
			return fmt.Errorf("%s %s: read response: %w", req.Method, req.Path, err)
		}
		return nil
	})
}

// do sends req and hands the successful response's body to read, within the
// request's timeout.
func (c *Client) do(ctx context.Context, req Request, read func(io.Reader) error) error {
	return c.doResponse(ctx, req, func(resp *http.Response) error { return read(resp.Body) })
}

// send runs the attempts of req: rate limit, request, retry on 429/5xx with
// Retry-After. handle gets the successful response; unless stream, the attempt's
// timeout context ends when handle returns.
func (c *Client) send(ctx context.Context, req Request, stream bool, handle func(*http.Response) error) error {
	u := *c.base
	u.Path = c.base.Path + req.Path
	if len(req.Query) > 0 {
		u.RawQuery = req.Query.Encode()
	}
	for attempt := 0; ; attempt++ {
		if c.limiter != nil {
			if err := c.limiter.Wait(ctx); err != nil {
				return fmt.Errorf("%s %s: client rate limiter: %w", req.Method, req.Path, err)
			}
		}
		actx, cancel := ctx, context.CancelFunc(func() {})
		if !stream && c.cfg.Timeout > 0 {
			actx, cancel = context.WithTimeout(ctx, c.cfg.Timeout)
		}
		resp, err := c.roundTrip(actx, req, u.String())
		if err != nil {
			cancel()
			return fmt.Errorf("%s %s: %w", req.Method, req.Path, err)
		}
		if resp.StatusCode >= 200 && resp.StatusCode < 300 {
			if stream {
				// The caller owns the body; the attempt ends when it closes it.
				resp.Body = &closeFunc{ReadCloser: resp.Body, after: cancel}
				return handle(resp)
			}
			err := handle(resp)
			cancel()
			return err
		}
		body, _ := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
		resp.Body.Close()
		cancel()
		st := statusFromResponse(resp.StatusCode, resp.Header.Get("Content-Type"), body)
		delay, retry := retryAfter(resp)
		if !retry || attempt >= c.cfg.MaxRetries || c.cfg.MaxRetries < 0 {
			return st
		}
		c.logger.Debug("retrying", zap.String("method", req.Method), zap.String("path", req.Path),
			zap.Int("code", resp.StatusCode), zap.Duration("after", delay), zap.Int("attempt", attempt+1))
		t := time.NewTimer(delay)
		select {
		case <-ctx.Done():
			t.Stop()
			return st
		case <-t.C:
		}
	}
}

func (c *Client) roundTrip(ctx context.Context, req Request, u string) (*http.Response, error) {
	var body io.Reader
	if req.Body != nil {
		body = bytes.NewReader(req.Body)
	}
	r, err := http.NewRequestWithContext(ctx, req.Method, u, body)
	if err != nil {
		return nil, err
	}
	accept := req.Accept
	if accept == "" {
		accept = "application/json"
	}
	r.Header.Set("Accept", accept)
	r.Header.Set("User-Agent", c.cfg.UserAgent)
	if req.Body != nil {
		ct := req.ContentType
		if ct == "" {
			ct = "application/json"
		}
		r.Header.Set("Content-Type", ct)
	}
	if c.auth != "" {
		r.Header.Set("Authorization", c.auth)
	}
	return c.http.Do(r)
}

// retryAfter says whether resp asks to be retried (429 or 5xx with Retry-After in
// seconds) and after how long.
func retryAfter(resp *http.Response) (time.Duration, bool) {
	if resp.StatusCode != http.StatusTooManyRequests && resp.StatusCode < 500 {
		return 0, false
	}
	v := resp.Header.Get("Retry-After")
	if v == "" {
		return 0, false
	}
	n, err := strconv.Atoi(v)
	if err != nil || n < 0 {
		return 0, false
	}
	return time.Duration(n) * time.Second, true
}

// closeFunc calls after once its body is closed.
type closeFunc struct {
	io.ReadCloser
	after func()
}

func (c *closeFunc) Close() error {
	err := c.ReadCloser.Close()
	c.after()
	return err
}
